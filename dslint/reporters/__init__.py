"""Reporters turn a `Report` into text for people, JSON for programs, SARIF for code
scanning, workflow commands for GitHub Actions annotations, and an HTML page. Each is
registered here by name; its module is imported only when its format is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from dslint.lazy import resolve
from dslint.model.report import Report


@dataclass(frozen=True)
class Reporter:
    render: str  # "module:function(report, out)" writing the report to `out`
    colours: bool = False  # the function also takes whether to colour its output


REPORTERS = {
    "text": Reporter("dslint.reporters.text:render_text", colours=True),
    "json": Reporter("dslint.reporters:render_json"),
    "sarif": Reporter("dslint.reporters.sarif:render_sarif"),
    "github": Reporter("dslint.reporters.github:render_github"),
    "html": Reporter("dslint.reporters.html:render_html"),
}
FORMATS = tuple(REPORTERS)


def render(report: Report, fmt: str, out: TextIO, color: bool) -> None:
    reporter = REPORTERS[fmt]
    if reporter.colours:
        resolve(reporter.render)(report, out, color)
    else:
        resolve(reporter.render)(report, out)


def render_json(report: Report, out: TextIO) -> None:
    out.write(report.to_json() + "\n")
