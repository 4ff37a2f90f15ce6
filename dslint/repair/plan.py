"""What `dslint fix` would change, and why: each change is one named, selectable fix
applied to one sample, file or manifest row because of one finding. Only unambiguous
repairs are fixes; findings that need a judgement (which of two labels is right,
whether to rebalance) are listed with the choices, never guessed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dslint.engine.rule import Finding
from dslint.errors import DslintError
from dslint.model.dataset import EVAL_SPLITS, Dataset, Label

FIXES = {
    "drop-unreadable": "drop files that cannot be read (F001)",
    "drop-stray": "drop stray files and stray class folders (F002, F003)",
    "drop-duplicates": "keep one of each group of exact copies within a split (D004)",
    "drop-leaked": "remove from val and test the exact copies of train samples (D001)",
    "drop-near-leaked": "remove from val and test the confirmed near-copies of train "
    "samples (D002)",
    "drop-missing-rows": "drop manifest rows naming files that do not exist (F001)",
    "map-labels": "binary labels to 0/1 and 1-based labels to 0-based, in a manifest or arrays "
    "(L001, L002)",
}
# findings a person must judge, and the choices to offer
CHOICES = {
    "D003": "keep one copy with the right label and delete the others",
    "S005": "look at each sample: relabel it, or keep it if the probe is wrong",
    "B001": "collect more of the small classes, weight the loss, or resample",
    "B002": "re-split stratified by class (dslint split)",
    "L003": "re-split stratified by class (dslint split)",
    "L004": "add the label to train, or drop those samples",
    "D004": "near-copies within a split: keep one of each, or keep all if they are distinct",
    "N004": "look at each: delete it if it carries nothing, keep it if blank is a class",
    "S006": "look at each: delete those that belong to no class",
}
FETCH_FIX = "fetch them with `git lfs pull` in the dataset's repository, then check again"


@dataclass(frozen=True)
class Change:
    fix: str
    action: str  # "drop file", "drop folder", "drop row", "relabel"
    target: str  # a sample's source, a folder, or "manifest.csv:14"
    rule: str
    why: str

    def to_dict(self) -> dict:
        return {
            "fix": self.fix,
            "action": self.action,
            "target": self.target,
            "finding": {"rule": self.rule, "message": self.why},
        }


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)  # old label (as written) -> new
    left: list[dict] = field(default_factory=list)  # findings to judge, with the choices

    def targets(self, *actions: str) -> set[str]:
        return {c.target for c in self.changes if c.action in actions}


def chosen_fixes(select: Iterable[str] | None, ignore: Iterable[str] | None) -> set[str]:
    """The fixes to apply: all, or those selected, minus those ignored; an unknown name
    is an error that lists the fixes."""
    picked = set(select or FIXES) - set(ignore or ())
    unknown = (set(select or ()) | set(ignore or ())) - set(FIXES)
    if unknown:
        raise DslintError(
            f"unknown fix {', '.join(sorted(unknown))}: the fixes are {', '.join(FIXES)}"
        )
    return picked


def plan_fixes(dataset: Dataset, findings: list[Finding], fixes: set[str]) -> Plan:
    plan = Plan()
    split_of = {s.source: s.split for s in dataset.with_unlabelled()}
    array_rows = {s.source for s in dataset.samples if s.path is None}
    for finding in findings:
        rule, why = finding.rule_id, finding.message
        if rule == "F001" and "git_lfs_pointers" in finding.evidence:
            # the files exist, unfetched: dropping them would drop the data
            plan.left.append({"rule": rule, "message": why, "choices": FETCH_FIX})
        elif rule == "F001" and "rows" not in finding.evidence:
            _add(plan, fixes, "drop-unreadable", "drop file", finding.paths, rule, why)
        elif rule == "F001":
            missing = [source for source, _ in dataset.missing_files]
            _add(plan, fixes, "drop-missing-rows", "drop row", missing, rule, why)
        elif rule == "F002":
            _add(plan, fixes, "drop-stray", "drop file", finding.paths, rule, why)
        elif rule == "F003":
            _add(plan, fixes, "drop-stray", "drop folder", finding.paths, rule, why)
        elif rule == "D004" and not finding.evidence.get("near"):
            extra = [m for g in finding.evidence["groups"] for m in sorted(g["samples"])[1:]]
            _drop_samples(plan, fixes, "drop-duplicates", extra, array_rows, rule, why)
        elif rule in ("D001", "D002"):
            fix = "drop-leaked" if rule == "D001" else "drop-near-leaked"
            copies = [
                member
                for group in finding.evidence["groups"]
                if "train" in {split_of.get(m) for m in group["samples"]}
                for member in group["samples"]
                if split_of.get(member) in EVAL_SPLITS
            ]
            _drop_samples(plan, fixes, fix, copies, array_rows, rule, why)
        elif rule in ("L001", "L002") and "map-labels" in fixes:
            _map_labels(plan, dataset, finding)
        elif rule in CHOICES:
            plan.left.append({"rule": rule, "message": why, "choices": CHOICES[rule]})
    return plan


def _drop_samples(
    plan: Plan,
    fixes: set[str],
    fix: str,
    samples: list[str],
    array_rows: set[str],
    rule: str,
    why: str,
) -> None:
    """Samples dropped: files, or rows of the NumPy layout's arrays."""
    files = [s for s in samples if s not in array_rows]
    _add(plan, fixes, fix, "drop file", files, rule, why)
    _add(plan, fixes, fix, "drop row", [s for s in samples if s in array_rows], rule, why)


def _add(
    plan: Plan, fixes: set[str], fix: str, action: str, targets: Iterable[str], rule: str, why: str
) -> None:
    if fix not in fixes:
        return
    known = plan.targets(action)
    plan.changes.extend(
        Change(fix, action, target, rule, why) for target in sorted(set(targets) - known)
    )


def _map_labels(plan: Plan, dataset: Dataset, finding: Finding) -> None:
    """Binary labels ({-1, 1}, {1, 2}) become {0, 1} in order; integer labels 1..K
    become 0..K-1. Labels in class folder names are names, not values: left alone."""
    if dataset.label_source not in ("manifest", "array", "table"):
        return
    values = sorted(v for v in finding.evidence.get("values", []) if isinstance(v, int))
    if finding.rule_id == "L001" and len(values) == 2:
        mapping = {values[0]: 0, values[1]: 1}
    elif finding.rule_id == "L002" and values == list(range(1, len(values) + 1)):
        mapping = {v: v - 1 for v in values}
    else:
        return
    if mapping == {v: v for v in mapping}:
        return
    plan.mapping = {str(old): new for old, new in mapping.items()}
    relabelled = [s.source for s in dataset.samples if _integer(s.label) in mapping]
    plan.changes.extend(
        Change("map-labels", "relabel", source, finding.rule_id, finding.message)
        for source in relabelled
    )


def _integer(label: Label) -> int | None:
    return label if isinstance(label, int) and not isinstance(label, bool) else None
