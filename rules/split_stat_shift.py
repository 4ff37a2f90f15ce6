from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.analysis.stats import welch_t_test
from dslint.analysis.values import scale_of
from dslint.engine import Context, Finding, Option, Rule
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
        is the standard deviation of all values.

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
        values = ctx.split_values()
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
                f"{split} inputs are {word} than train: mean {other.mean:.4g} vs "
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
