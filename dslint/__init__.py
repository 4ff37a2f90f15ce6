"""dslint: a sanity-checking linter for machine-learning classification datasets.

The package imports nothing heavy at import time so that `dslint --help` and
`import dslint.rules` stay instant; `check` loads the engine when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dslint.model.report import Report

__all__ = ["__version__", "check"]


def check(*paths: Any, **options: Any) -> Report:
    """Check one or more datasets and return a `Report`.

    Keyword options mirror the CLI: manifest, config, select, ignore, jobs,
    use_cache, cache_dir. Raises `dslint.errors.DslintError` for input that stops
    the run (a missing path, a bad configuration).
    """
    from dslint.api import check as _check

    return _check(*paths, **options)
