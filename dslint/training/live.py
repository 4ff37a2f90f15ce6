"""Checking a history while it is being written: the engine behind the Keras and
PyTorch Lightning callbacks. Each epoch's metrics are added; the history rules run;
a verdict is reported once, as soon as it is certain."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

from dslint.engine.rule import Finding
from dslint.training.history import History, canonical

# verdicts certain from a single epoch; the others wait for `min_epochs`
IMMEDIATE = ("H005",)


class DslintWarning(UserWarning):
    """A training-history verdict reported during training."""


def warn(finding: Finding) -> None:
    warnings.warn(
        f"dslint {finding.rule_id} {finding.rule_name}: {finding.message}",
        DslintWarning,
        stacklevel=3,
    )


class EpochWatch:
    def __init__(
        self,
        classes: int | None = None,
        stop_on: tuple[str, ...] = (),
        min_epochs: int = 5,
        report: Callable[[Finding], None] = warn,
    ) -> None:
        self.classes = classes
        self.stop_on = stop_on
        self.min_epochs = min_epochs
        self.report = report
        self.history = History(source="<training>", format="live")
        self.reported: dict[str, Finding] = {}

    def add(self, epoch: int, logs: Mapping[str, object]) -> list[Finding]:
        """Record one epoch (0-based, as frameworks count) and return the new verdicts."""
        from dslint.api import check_history

        row = {canonical(k): float(v) for k, v in logs.items() if _is_number(v)}
        if not row:
            return []
        self.history.epochs.append(epoch + 1)
        self.history.rows.append(row)
        enough = len(self.history.rows) >= self.min_epochs
        new = [
            f
            for f in check_history(self.history, classes=self.classes)
            if f.rule_id not in self.reported and (enough or f.rule_id in IMMEDIATE)
        ]
        for finding in new:
            self.reported[finding.rule_id] = finding
            self.report(finding)
        return new

    def should_stop(self, new: list[Finding]) -> bool:
        return any(f.rule_id in self.stop_on for f in new)


def _is_number(value: object) -> bool:
    """Numbers, NaN and Inf included (a NaN loss is a verdict); not booleans or text."""
    if isinstance(value, bool):
        return False
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


class WatchingCallback:
    """What the Keras and Lightning callbacks share: the watch and its findings."""

    def __init__(
        self,
        classes: int | None = None,
        stop_on: tuple[str, ...] = (),
        min_epochs: int = 5,
        report: Callable[[Finding], None] = warn,
    ) -> None:
        self.watch = EpochWatch(classes, stop_on, min_epochs, report)

    @property
    def findings(self) -> list[Finding]:
        return list(self.watch.reported.values())
