"""The HTML report: one self-contained file; the page, its charts and its pictures."""

from dslint.reporters.html.page import render_html

__all__ = ["render_html"]
