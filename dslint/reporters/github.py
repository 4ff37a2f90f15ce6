"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per
finding, so findings show as annotations on the files of a pull request."""

from __future__ import annotations

from typing import TextIO

from dslint.model.report import Report
from dslint.reporters.locations import finding_files

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(report: Report, out: TextIO) -> None:
    for finding in report.findings:
        file = finding_files(finding)[0]
        title = f"{finding.rule_id} {finding.rule_name}"
        message = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
        out.write(
            f"::{COMMANDS[finding.severity]} file={_property(file)},"
            f"title={_property(title)}::{_data(message)}\n"
        )
    for crash in report.crashes:
        out.write(f"::error title=dslint rule crashed::{_data(crash.line())}\n")
    counts = report.counts()
    out.write(
        f"dslint: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info\n"
    )


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
