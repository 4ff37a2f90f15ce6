"""dslint: a sanity-checking linter for machine-learning classification datasets.

The package imports nothing heavy at import time so that `dslint --help` and
`import dslint.rules` stay instant; `check` loads the engine when called.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from importlib.util import spec_from_file_location
from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dslint.model.report import Report

__all__ = ["__version__", "check", "fix", "split"]


class _CheckoutRules(MetaPathFinder):
    """`dslint.rules` in a bare checkout on sys.path: the top-level `rules/` folder, as
    an installation maps it ([tool.setuptools.package-dir]). Consulted last, so an
    installed or editable `dslint.rules` always wins; an installed dslint has no
    `rules/` beside its package, and this finds nothing there."""

    RULES = Path(__file__).resolve().parent.parent / "rules" / "__init__.py"

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != "dslint.rules" or not self.RULES.is_file():
            return None
        return spec_from_file_location(
            name, self.RULES, submodule_search_locations=[str(self.RULES.parent)]
        )


if not any(isinstance(finder, _CheckoutRules) for finder in sys.meta_path):
    sys.meta_path.append(_CheckoutRules())


def check(*paths: Any, **options: Any) -> Report:
    """Check one or more datasets and return a `Report`.

    Keyword options mirror the CLI: manifest, config, select, ignore, jobs,
    use_cache, cache_dir. Raises `dslint.errors.DslintError` for input that stops
    the run (a missing path, a bad configuration).
    """
    from dslint.api import check as _check

    return _check(*paths, **options)


def fix(path: Any, out: Any, **options: Any) -> Any:
    """Write a repaired copy of the dataset at `path` to `out` and return the plan
    (`dslint.repair.plan.Plan`); options as `dslint fix` takes them (select, ignore,
    dry_run, mode, size, manifest, use_cache, cache_dir)."""
    from dslint.repair.fix import fix as _fix

    return _fix(path, out, **options)


def split(path: Any, out: Any, **options: Any) -> Any:
    """Write a leak-free stratified split of the dataset at `path` to `out` and return
    its `dslint.repair.split.SplitResult`; options: val, test, group_by, seed."""
    from dslint.repair.split import split as _split

    return _split(path, out, **options)
