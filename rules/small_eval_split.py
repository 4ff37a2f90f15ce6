from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import split_name
from dslint.model.dataset import EVAL_SPLITS


class SmallEvalSplit(Rule):
    """A validation or test split too small to measure accuracy.

    What it catches:
        Evaluation splits whose 95 % confidence half-width for accuracy is over
        `max-half-width` (default 0.05, i.e. ±5 points; a warning beyond twice that).
        The half-width is the normal approximation at the worst case p = 0.5:
        1.96 × √(0.25 / n).

    Why it matters:
        Accuracy measured on n samples is an estimate. With 40 validation images it is
        known to ±15 points: a change from 0.80 to 0.85 between two runs is noise, and
        early stopping or model selection on such a split chases it.

    Example:
        val has 40 samples: accuracy measured on it is known to ±15.5 points (95 %
        confidence); ±5 points needs 385.

    How to fix:
        Move samples into the split (385 for ±5 points, 97 for ±10), or use k-fold
        cross-validation when data is scarce.
    """

    id = "B004"
    name = "small-eval-split"
    summary = "val/test too small to measure accuracy (confidence half-width stated)"
    default_severity = "warning"
    options = {
        "max_half_width": Option(
            0.05, "half-width of the accuracy's 95 % interval allowed", above=0, max=1
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        limit = self.options["max_half_width"]
        needed = math.ceil(0.25 * (1.96 / limit) ** 2)
        for split in (s for s in ctx.dataset.splits if s in EVAL_SPLITS):
            n = sum(ctx.dataset.class_counts(split).values())
            if n == 0:
                continue
            half = 1.96 * math.sqrt(0.25 / n)
            if half <= limit:
                continue
            yield self.finding(
                f"{split_name(split)} has {n:,} samples: accuracy measured on it is known to "
                f"±{100 * half:.1f} points (95 % confidence); ±{100 * limit:g} points needs "
                f"{needed:,}",
                split=split,
                severity="warning" if half > 2 * limit else "info",
                evidence={"samples": n, "half_width": round(half, 4), "needed": needed},
                fix=f"Grow {split_name(split)} to {needed:,} samples, "
                "or use k-fold cross-validation.",
            )
