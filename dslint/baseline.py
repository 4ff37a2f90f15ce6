"""Baselines: today's findings recorded, so that only new ones fail a check.

A finding is matched by its rule, its dataset-relative paths (sorted, so the match is
stable when files are listed in another order) and, for a finding that names no
file, its split. Messages are not compared: a count that changes in a message does
not make an old finding new.
"""

from __future__ import annotations

import json
from pathlib import Path

from dslint import __version__
from dslint.errors import DslintError
from dslint.rule import Finding

BASELINE_VERSION = 1


def finding_key(finding: Finding) -> str:
    where = sorted(finding.paths) or [f"<{finding.split or 'dataset'}>"]
    return "\0".join([finding.rule_id, *where])


def write_baseline(findings: list[Finding], file: Path) -> None:
    entries = sorted(
        (
            {"rule": f.rule_id, "paths": sorted(f.paths), "split": f.split, "message": f.message}
            for f in findings
        ),
        key=lambda e: (e["rule"], e["paths"], e["split"] or ""),
    )
    document = {
        "baseline_version": BASELINE_VERSION,
        "tool": f"dslint {__version__}",
        "findings": entries,
    }
    file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_baseline(file: Path) -> set[str]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
        entries = document["findings"]
        return {
            "\0".join([e["rule"], *(sorted(e["paths"]) or [f"<{e.get('split') or 'dataset'}>"])])
            for e in entries
        }
    except OSError as exc:
        raise DslintError(f"baseline {file} cannot be read: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DslintError(f"baseline {file} is not a dslint baseline: {exc}") from None


def without_baseline(findings: list[Finding], known: set[str]) -> list[Finding]:
    return [f for f in findings if finding_key(f) not in known]
