from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.analysis.columns import number_columns, rescaled
from dslint.analysis.stats import welch_from_summaries, welch_t_test
from dslint.analysis.values import scale_of
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import number, plural, split_name
from dslint.model.dataset import EVAL_SPLITS


class SplitStatShift(Rule):
    """Per-split intensity statistics that differ: validation images much brighter or
    darker than training.

    What it catches:
        Evaluation splits whose mean input value differs from train's by more than
        `max-shift` (default 0.5) training standard deviations. For images the
        standard deviation is that of the per-image means (a standardised effect size,
        Cohen's d), and the difference must also be significant (Welch's t-test,
        p < 0.01) so that a handful of samples cannot trigger it; for stacked arrays it
        is the standard deviation of all values. In tables, each numeric column on
        its own, against its training standard deviation, significant by Welch's
        t-test (p < 0.01).

    Why it matters:
        A model trained on one intensity distribution and validated on another is
        measured on a different problem: validation accuracy drops for reasons that
        have nothing to do with overfitting. It often means the splits came from
        different cameras, sessions or preprocessing, and that the split is by source,
        not at random (sometimes on purpose).

    Example:
        val inputs are brighter than train: mean 142.3 vs 98.1 (+1.3 training standard
        deviations of the per-image mean).

    How to fix:
        If the difference is unintended, re-split at random (stratified); if it is
        real, normalise per image or augment brightness and contrast in training.
    """

    id = "N006"
    name = "split-stat-shift"
    summary = "per-split intensity/feature statistics differ"
    default_severity = "warning"
    options = {
        "max_shift": Option(
            0.5, "shift of a split's mean allowed, in training standard deviations", min=0
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        yield from self._columns(ctx)
        values = {s: v for s, v in ctx.split_values().items() if v.kind != "table"}
        train = values.get("train")
        if train is None:
            return
        spread = _spread(train)
        if spread <= 0:
            return
        for split, other in values.items():
            if split not in EVAL_SPLITS or other.kind != train.kind:
                continue
            if scale_of(other) != scale_of(train):
                continue  # a different scale altogether is N001's finding
            shift = (other.mean - train.mean) / spread
            if abs(shift) <= self.options["max_shift"] or not _significant(train, other):
                continue
            word = "brighter" if other.kind == "image" else "larger"
            if shift < 0:
                word = "darker" if other.kind == "image" else "smaller"
            yield self.finding(
                f"{split_name(split)} inputs are {word} than train: mean {other.mean:.4g} vs "
                f"{train.mean:.4g} ({shift:+.1f} training standard deviations)",
                split=split,
                evidence={
                    "train_mean": round(train.mean, 4),
                    "mean": round(other.mean, 4),
                    "shift_sd": round(shift, 3),
                },
                fix="Re-split at random if unintended; otherwise normalise per sample or "
                "augment brightness and contrast in training.",
            )

    def _columns(self, ctx: Context) -> Iterator[Finding]:
        """A table's numeric columns whose mean in a split moved from train's (the
        first split) by more than `max-shift` of train's standard deviation, and
        significantly: one finding per split, naming each column."""
        flagged: dict[str, list[tuple[str, float, dict, dict]]] = {}
        for column, by_split in number_columns(ctx).items():
            (first, reference), *others = by_split.items()
            for split, other in others:
                shift = _column_shift(reference, other)
                if abs(shift) > self.options["max_shift"] and not rescaled(reference, other):
                    flagged.setdefault(split, []).append((column, shift, reference, other))
        for split, columns in flagged.items():
            columns.sort(key=lambda c: -abs(c[1]))
            shown = "; ".join(
                f"{column!r} mean {number(other['mean'])} against {number(reference['mean'])} "
                f"({shift:+.1f} training standard deviations)"
                for column, shift, reference, other in columns
            )
            yield self.finding(
                f"{split_name(split)} ({columns[0][3]['file']}): {plural(len(columns), 'column')} "
                f"shifted from {split_name(first)}: {shown}",
                split=split,
                paths=sorted({c[2]["file"] for c in columns} | {c[3]["file"] for c in columns}),
                evidence={"columns": {column: round(shift, 3) for column, shift, _, _ in columns}},
                fix="Re-split at random (stratified) if unintended; if the shift is real, "
                "expect the model's validation score to measure it.",
            )


def _column_shift(reference: dict, other: dict, alpha: float = 0.01) -> float:
    """A column's shift of mean in training standard deviations; 0 where too few
    values or not significant (Welch's t-test from the summaries)."""
    if min(reference["numeric"], other["numeric"]) < 2 or reference["std"] <= 0:
        return 0.0
    p_value = welch_from_summaries(
        (reference["mean"], reference["std"] ** 2, reference["numeric"]),
        (other["mean"], other["std"] ** 2, other["numeric"]),
    )
    return (other["mean"] - reference["mean"]) / reference["std"] if p_value < alpha else 0.0


def _significant(train, other, alpha: float = 0.01) -> bool:
    """Welch's t-test on the per-sample means, where there are such; a stacked array
    has one mean per split, and its effect size alone decides."""
    if len(train.sample_means) < 2 or len(other.sample_means) < 2:
        return True
    return welch_t_test(train.sample_means, other.sample_means) < alpha


def _spread(values) -> float:
    means = values.sample_means
    if len(means) >= 2:
        centre = sum(means) / len(means)
        return math.sqrt(sum((m - centre) ** 2 for m in means) / (len(means) - 1))
    return values.std
