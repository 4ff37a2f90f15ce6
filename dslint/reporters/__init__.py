"""Reporters turn a `Report` into text for people, JSON for programs, SARIF for code
scanning, and workflow commands for GitHub Actions annotations."""

from __future__ import annotations

from typing import TextIO

from dslint.model.report import Report

FORMATS = ("text", "json", "sarif", "github", "html")


def render(report: Report, fmt: str, out: TextIO, color: bool) -> None:
    if fmt == "json":
        out.write(report.to_json() + "\n")
    elif fmt == "sarif":
        from dslint.reporters.sarif import render_sarif

        render_sarif(report, out)
    elif fmt == "html":
        from dslint.reporters.html import render_html

        render_html(report, out)
    elif fmt == "github":
        from dslint.reporters.github import render_github

        render_github(report, out)
    else:
        from dslint.reporters.text import render_text

        render_text(report, out, color)
