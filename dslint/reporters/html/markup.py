"""Escaping for the HTML report's text, shared by its page, charts and pictures."""

from __future__ import annotations

import html


def e(text: object) -> str:
    """Text escaped for HTML, quotes included (it goes into attributes too)."""
    return html.escape(str(text), quote=True)


def path_html(path: str) -> str:
    """A path that wraps at its slashes only (a name broke mid-word: `img_0003.p`/`ng`)."""
    return "/<wbr>".join(e(part) for part in path.split("/"))
