"""`--since REF`: the files added or changed since a git ref (committed, staged, in
the working tree, or new and untracked), as absolute paths."""

from __future__ import annotations

import subprocess
from pathlib import Path

from dslint.engine.rule import Finding
from dslint.errors import DslintError


def changed_files(ref: str, where: Path) -> set[Path]:
    top = _git(
        ["rev-parse", "--show-toplevel"],
        where,
        f"--since needs a git repository; {where} is not in one",
    ).strip()
    _git(
        ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        where,
        f"--since: {ref!r} is not a commit in {top}",
    )
    # both listings relative to the top of the repository
    diff = _git(["diff", "--name-only", "-z", "--no-renames", ref, "--"], Path(top))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], Path(top))
    names = [n for n in (diff + untracked).split("\0") if n]
    return {Path(top, name).resolve() for name in names}


def involves(finding: Finding, changed: set[Path], dataset_changed: bool) -> bool:
    """A finding involves the change when one of its files changed; a finding that
    names no file (balance, missing split) is about the whole dataset, so it is kept
    when anything in that dataset changed."""
    if not finding.paths:
        return dataset_changed
    root = Path(finding.dataset)
    return any((root / path).resolve() in changed for path in finding.paths)


def _git(args: list[str], where: Path, failure: str | None = None) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=where, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DslintError(f"--since: git could not run: {exc}") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["git failed"])[-1]
        raise DslintError(failure or f"--since: {last}")
    return result.stdout
