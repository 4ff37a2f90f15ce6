"""Reporters turn a `Report` into text for people or JSON for programs."""

from __future__ import annotations

from typing import TextIO

from dslint.report import Report

FORMATS = ("text", "json")


def render(report: Report, fmt: str, out: TextIO, color: bool) -> None:
    if fmt == "json":
        out.write(report.to_json() + "\n")
    else:
        from dslint.reporters.text import render_text

        render_text(report, out, color)
