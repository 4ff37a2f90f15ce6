"""Functions named as "module:function" in declarations (file formats, reporters) and
imported on first use, so that declaring one costs no import."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache


@cache
def resolve(reference: str) -> Callable:
    """The function `reference` names, its module imported now if it was not."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)
