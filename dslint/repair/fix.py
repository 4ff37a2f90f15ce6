"""`dslint fix PATH --out NEW`: a repaired copy of a dataset, the original untouched.

The dataset is checked (without the probe, whose verdicts are judgements), the
findings with an unambiguous repair become a plan (dslint.repair.plan), and the plan
is written as a copy in the same layout (dslint.repair.write) with `fix-report.json`
beside the data: every change with the finding that caused it, the label mapping, and
the findings left for a person to judge, with the choices.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from dslint.api import check
from dslint.discover.layouts import discover
from dslint.discover.manifest import Columns
from dslint.discover.remote import local_path
from dslint.errors import DslintError
from dslint.repair.plan import Plan, chosen_fixes, plan_fixes
from dslint.repair.write import check_destination, refuse_labels_apart, write_copy

REPORT = "fix-report.json"
MAPPING = "label-mapping.json"
LISTED = 5  # targets of one fix named on the terminal; fix-report.json has them all


def fix(
    path: str | os.PathLike,
    out: str | os.PathLike,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    dry_run: bool = False,
    mode: str | None = None,
    size: int | None = None,
    manifest: str | os.PathLike | None = None,
    label_from_name: str | None = None,
    path_column: str | None = None,
    label_column: str | None = None,
    split_column: str | None = None,
    use_cache: bool = True,
    cache_dir: str | os.PathLike | None = None,
) -> Plan:
    """The plan of repairs of the dataset at `path`; unless `dry_run`, also written as a
    copy at `out`. Raises `DslintError` for a dataset by URL's destination inside it,
    an `out` that is not empty, or an unknown fix name."""
    source, target = local_path(str(path)), Path(out)
    fixes = chosen_fixes(select, ignore)
    if size is not None and size < 1:
        raise DslintError(f"--size must be a positive number of pixels, not {size}")
    if not dry_run:
        check_destination(source, target)
    options = dict(
        manifest=manifest,
        label_from_name=label_from_name,
        path_column=path_column,
        label_column=label_column,
        split_column=split_column,
    )
    dataset = discover(
        source,
        manifest=manifest,
        label_from_name=label_from_name,
        columns=Columns(path=path_column, label=label_column, split=split_column),
    )
    refuse_labels_apart(dataset, "fix")
    report = check(source, probe=False, use_cache=use_cache, cache_dir=cache_dir, **options)
    plan = plan_fixes(dataset, report.findings, fixes)
    if dry_run:
        return plan
    write_copy(
        dataset,
        target,
        dropped_files=plan.targets("drop file"),
        dropped_folders=plan.targets("drop folder"),
        dropped_rows=plan.targets("drop row"),
        mapping=plan.mapping,
        mode=mode,
        size=size,
    )
    if plan.mapping:
        beside = Path(dataset.label_files[0]).parent if dataset.label_files else Path()
        (target / beside / MAPPING).write_text(json.dumps(plan.mapping, indent=2) + "\n")
    (target / REPORT).write_text(json.dumps(_report(source, target, plan), indent=2) + "\n")
    return plan


def _report(source: str, target: Path, plan: Plan) -> dict:
    return {
        "source": str(source),
        "copy": str(target),
        "changes": [change.to_dict() for change in plan.changes],
        "label_mapping": plan.mapping,
        "left_for_you": plan.left,
    }


def describe(plan: Plan, dry_run: bool) -> list[str]:
    """The plan in lines for a terminal: each change, then what is left to judge."""
    verb = "would" if dry_run else "did"
    lines = [f"{len(plan.changes):,} change{'s' * (len(plan.changes) != 1)} ({verb} apply):"]
    by_kind: dict[tuple[str, str, str], list[str]] = {}
    for change in plan.changes:
        by_kind.setdefault((change.fix, change.action, change.rule), []).append(change.target)
    for (name, action, rule), targets in by_kind.items():
        shown = ", ".join(targets[:LISTED])
        more = f" and {len(targets) - LISTED:,} more" if len(targets) > LISTED else ""
        lines.append(f"  {name}: {action} {shown}{more} ({rule})")
    if plan.mapping:
        mapping = ", ".join(f"{old} → {new}" for old, new in plan.mapping.items())
        lines.append(f"  labels mapped: {mapping}")
    if plan.left:
        lines.append(f"left for you ({len(plan.left)}), not guessed:")
        lines += [
            f"  {item['rule']}: {item['message']}\n    {item['choices']}" for item in plan.left
        ]
    return lines
