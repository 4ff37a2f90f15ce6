from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import plural, split_name
from dslint.model.dataset import format_label


class SingleClassSplit(Rule):
    """A split whose samples all carry the same label.

    What it catches:
        Any split (train, val, test) in which every valid label is the same class.

    Why it matters:
        On a one-class validation split a model that always predicts that class scores
        accuracy 1.0, so `val_acc: 1.000` proves nothing; on a one-class training split
        the model cannot learn to tell classes apart at all. Usually a split was cut
        from a sorted file list, or a label mapping collapsed every value to one.

    Example:
        val holds one class only: 'normal' (40 samples). Always predicting 'normal'
        scores accuracy 1.0 on it.

    How to fix:
        Re-split with stratification (`train_test_split(..., stratify=y)`) after
        shuffling, and check the label mapping.
    """

    id = "L003"
    name = "single-class-split"
    summary = "a split holds one class only, so accuracy is trivially 1.0"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx.dataset.splits:
            counts = ctx.dataset.class_counts(split)
            if len(counts) != 1:
                continue
            ((label, count),) = counts.items()
            name = format_label(label)
            yield self.finding(
                f"{split_name(split)} holds one class only: {name} ({plural(count, 'sample')}). "
                f"Always predicting {name} scores accuracy 1.0 on it",
                split=split,
                paths=[f.split(":", 1)[0] for f in ctx.dataset.label_files],
                evidence={"class": str(label), "samples": count},
                fix="Shuffle and re-split with stratification "
                "(`train_test_split(..., stratify=labels)`), and check the label mapping.",
            )
