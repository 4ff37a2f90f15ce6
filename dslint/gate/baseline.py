"""Baselines: today's findings recorded, so that only new ones fail a check.

A finding is matched unit by unit, not as a whole: a finding that lists groups of
copies (D001, D002, D004 per split; D003 per group) is matched group by group, any
other finding file by file, and a finding that names no file by its rule and split.
A group is known when every one of its samples was in a recorded group of the same
rule, so a new member makes its group new while the old groups stay silenced. A
finding with new units is kept, narrowed to them; one with none is dropped. Messages
are not compared: a count that changes in a message does not make an old finding new.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from dslint import __version__
from dslint.engine.rule import Finding
from dslint.errors import DslintError

BASELINE_VERSION = 2


def finding_units(finding: Finding) -> list[list[str]]:
    """What a finding is about, as the baseline matches it: its groups of samples,
    else its files one by one, else its split (or the whole dataset)."""
    groups = finding.evidence.get("groups")
    if isinstance(groups, list) and groups:
        return [sorted(group["samples"]) for group in groups]
    samples = finding.evidence.get("samples")
    if isinstance(samples, list) and samples and all(isinstance(s, str) for s in samples):
        return [sorted(samples)]  # one group (D003); S005 lists records, matched by file
    if finding.paths:
        return [[path] for path in sorted(finding.paths)]
    return [[f"<{finding.split or 'dataset'}>"]]


def write_baseline(findings: list[Finding], file: Path) -> None:
    entries = sorted(
        (
            {
                "rule": f.rule_id,
                "split": f.split,
                "units": finding_units(f),
                "message": f.message,
            }
            for f in findings
        ),
        key=lambda e: (e["rule"], e["units"], e["split"] or ""),
    )
    document = {
        "baseline_version": BASELINE_VERSION,
        "tool": f"dslint {__version__}",
        "findings": entries,
    }
    file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_baseline(file: Path) -> dict[str, set[str]]:
    """Every sample, file or split each rule was recorded about, by rule id."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
        known: dict[str, set[str]] = {}
        for entry in document["findings"]:
            names = known.setdefault(entry["rule"], set())
            if "units" in entry:
                names.update(name for unit in entry["units"] for name in unit)
            else:  # version 1: the finding's paths
                names.update(entry["paths"] or [f"<{entry.get('split') or 'dataset'}>"])
        return known
    except OSError as exc:
        raise DslintError(f"baseline {file} cannot be read: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DslintError(f"baseline {file} is not a dslint baseline: {exc}") from None


def without_baseline(findings: Iterable[Finding], known: dict[str, set[str]]) -> list[Finding]:
    """The findings with new units, each narrowed to its new units."""
    kept = []
    for finding in findings:
        recorded = known.get(finding.rule_id, set())
        units = finding_units(finding)
        new = [unit for unit in units if not set(unit) <= recorded]
        if len(new) == len(units):
            kept.append(finding)
        elif new:
            kept.append(_narrowed(finding, new, len(units)))
    return kept


def _narrowed(finding: Finding, new: list[list[str]], total: int) -> Finding:
    names = {name for unit in new for name in unit}
    evidence = {**finding.evidence, "baseline": {"new": len(new), "known": total - len(new)}}
    if "groups" in evidence:
        evidence["groups"] = [g for g in evidence["groups"] if sorted(g["samples"]) in new]
        what = "groups"
    else:
        what = "files"
    paths = tuple(p for p in finding.paths if p in names) or finding.paths
    return replace(
        finding,
        message=f"{finding.message} [{len(new)} of {total} {what} new since the baseline]",
        paths=paths,
        evidence=evidence,
    )
