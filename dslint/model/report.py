"""`Report`: what a check found, with the dataset summary, for people and programs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from dslint import __version__
from dslint.engine.rule import SEVERITIES, Finding, severity_rank
from dslint.model.dataset import Dataset, format_label, sort_labels

if TYPE_CHECKING:
    import pandas

SCHEMA_VERSION = 1


@dataclass
class DatasetSummary:
    path: str
    layout: str
    label_source: str
    samples: int
    splits: dict[str, dict[str, int]]
    probe: dict[str, Any] | None = None
    # a table's columns: kind, the rules naming it, a line on its values per split
    columns: list[dict[str, Any]] | None = None
    probe_skipped: str | None = None  # why the probe did not run on it

    @classmethod
    def of(
        cls,
        dataset: Dataset,
        probe: dict[str, Any] | None = None,
        columns: list[dict[str, Any]] | None = None,
        probe_skipped: str | None = None,
    ) -> DatasetSummary:
        splits = {}
        for split in dataset.splits:
            counts = dataset.class_counts(split)
            splits[split] = {
                format_label(label).strip("'"): counts[label] for label in sort_labels(counts)
            }
        return cls(
            path=dataset.root,
            layout=dataset.layout,
            label_source=dataset.label_source,
            samples=len(dataset.samples),
            splits=splits,
            probe=probe,
            columns=columns or None,
            probe_skipped=probe_skipped,
        )


@dataclass(frozen=True)
class RuleCrash:
    """A rule that raised instead of finishing: its findings are missing, so the run
    cannot vouch for the dataset. Kept apart from findings, so that no baseline, no
    --fail-on and no --since can hide it."""

    rule_id: str
    rule_name: str
    dataset: str
    error: str

    def line(self) -> str:
        where = f" on {self.dataset}" if self.dataset else ""
        return (
            f"rule {self.rule_id} ({self.rule_name}) crashed{where}: {self.error}; "
            f"its findings are missing, the other rules ran (please report this)"
        )


@dataclass
class Report:
    findings: list[Finding]
    datasets: list[DatasetSummary]
    config: str | None = None
    fail_on: str = "error"
    timing: dict[str, float] = field(default_factory=dict)
    suppressed: dict[str, int] = field(default_factory=dict)
    history: dict[str, Any] | None = None
    predictions: dict[str, Any] | None = None
    scan: dict[str, Any] = field(default_factory=dict)
    crashes: list[RuleCrash] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def exit_code(self, fail_on: str = "error") -> int:
        """2 when a rule crashed (the check is incomplete, whatever it found), 1 when a
        finding is at or above `fail_on` (error > warning > info), else 0."""
        if self.crashes:
            return 2
        if fail_on == "never":
            return 0
        limit = severity_rank(fail_on)
        return int(any(severity_rank(f.severity) <= limit for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "dslint", "version": __version__},
            "config": self.config,
            "datasets": [asdict(d) for d in self.datasets],
            "history": self.history,
            "predictions": self.predictions,
            "summary": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "crashes": [asdict(c) for c in self.crashes],
            "suppressed": self.suppressed,
            "scan": self.scan,
            "timing": self.timing,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)

    def to_pandas(self) -> pandas.DataFrame:
        """One row per finding, for notebooks."""
        import pandas as pd

        columns = [
            "rule",
            "name",
            "severity",
            "message",
            "dataset",
            "split",
            "paths",
            "evidence",
            "fix",
        ]
        return pd.DataFrame([f.to_dict() for f in self.findings], columns=columns)
