"""Where a finding's files are, as paths a CI system understands: the dataset root
joined with each path, relative to the working directory when it lies below it."""

from __future__ import annotations

import os
from pathlib import Path

from dslint.engine.rule import Finding


def finding_files(finding: Finding) -> list[str]:
    """The finding's files, or the dataset folder itself for dataset-wide findings."""
    root = Path(finding.dataset or ".")
    paths = [root / p for p in finding.paths] or [root]
    return [_relative(p) for p in paths]


def _relative(path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return absolute.as_posix()
