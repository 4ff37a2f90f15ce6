from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.analysis.stats import chi2_p_value, chi2_statistic
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import class_name, percent, split_name
from dslint.model.dataset import EVAL_SPLITS, sort_labels


class SplitLabelShift(Rule):
    """Class proportions that differ between train and val/test by more than chance.

    What it catches:
        Pearson's chi-squared test of homogeneity on the class counts of train against each
        evaluation split. It fires when the difference is significant (p below
        `max-p`, default 0.01) and not negligible (Cramér's V of at least `min-effect`,
        default 0.1); the message names the class whose share moved most.

    Why it matters:
        Validation accuracy estimates accuracy on data like the validation split. When
        its class mix differs from training (a sorted file list cut in two, a class
        added later), the estimate is biased: a model that leans to the training
        majority looks worse or better than it is, and threshold tuning on val misleads.

    Example:
        class proportions differ between train and val (χ² = 35.2, p = 2.1e-08,
        Cramér's V = 0.21): 'dog' is 50.0 % of train but 20.0 % of val.

    How to fix:
        Re-split with stratification (`train_test_split(..., stratify=y)`), or if the
        shift is real (deployment data differs), say so and weight the evaluation.
    """

    id = "B002"
    name = "split-label-shift"
    summary = "class proportions differ between splits (χ² test, Cramér's V)"
    default_severity = "warning"
    options = {
        "max_p": Option(
            0.01, "p-value of the chi-squared test below which it counts", above=0, max=1
        ),
        "min_effect": Option(0.1, "Cramér's V below which a shift is too small", min=0, max=1),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        dataset = ctx.dataset
        train = dataset.class_counts("train")
        for split in (s for s in dataset.splits if s in EVAL_SPLITS):
            other = dataset.class_counts(split)
            labels = sort_labels(set(train) | set(other))
            if len(labels) < 2 or not other or not train:
                continue
            table = [[train[label] for label in labels], [other[label] for label in labels]]
            chi2, dof = chi2_statistic(table)
            n = sum(map(sum, table))
            effect = math.sqrt(chi2 / (n * (min(2, len(labels)) - 1)))
            if effect < self.options["min_effect"]:
                continue  # too small to matter, however sure: no p-value needed
            p = chi2_p_value(chi2, dof)
            if p >= self.options["max_p"]:
                continue
            train_n, other_n = sum(table[0]), sum(table[1])
            moved = max(labels, key=lambda c: abs(train[c] / train_n - other[c] / other_n))
            yield self.finding(
                f"class proportions differ between train and {split_name(split)} (χ² = {chi2:.1f}, "
                f"p = {p:.2g}, Cramér's V = {effect:.2f}): {class_name(moved)} is "
                f"{percent(train[moved], train_n)} of train but "
                f"{percent(other[moved], other_n)} of {split_name(split)}",
                split=split,
                evidence={
                    "chi2": round(chi2, 3),
                    "p": float(f"{p:.3g}"),
                    "cramers_v": round(effect, 3),
                    "train": {str(c): train[c] for c in labels},
                    split: {str(c): other[c] for c in labels},
                },
                fix="Re-split with stratification (`train_test_split(..., stratify=y)`).",
            )
