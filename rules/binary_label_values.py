from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import label_set, split_name
from dslint.training.losses import BINARY_LABELS


class BinaryLabelValues(Rule):
    """Two-class numeric labels other than {0, 1}, such as {-1, 1}.

    What it catches:
        A manifest or label array whose labels take exactly two numeric values that
        are not {0, 1}: {-1, 1} (PhysioNet's REFERENCE.csv convention), {1, 2}, {0, 255}.
        With `task.loss` set, the values are compared with what that loss expects:
        binary and categorical cross-entropy expect {0, 1}; hinge and squared hinge
        expect {-1, 1} (Keras also accepts {0, 1} there and converts it). With no loss
        configured the finding is a warning that names both readings.

    Why it matters:
        Sigmoid + binary cross-entropy with -1 targets is not an error the framework
        reports: the loss still goes down, every prediction drifts to one class, and the
        accuracy shown is meaningless. The heart-sound run this tool was built for showed
        `acc: 1.000 - val_acc: 1.000` while predicting the same class for every
        recording; batch size, normalisation and depth were all tried before the labels.

    Example:
        labels are {-1, 1} (train: -1 ×12, 1 ×8), but binary_crossentropy expects
        {0, 1}.

    How to fix:
        Map the labels to {0, 1} before training (`y = (y == 1).astype(int)`, or
        `df.label.replace({-1: 0})`); keep {-1, 1} only with a hinge loss, and say so
        with `task.loss = "hinge"` in the dslint configuration.
    """

    id = "L001"
    name = "binary-label-values"
    summary = (
        "two-class numeric labels other than {0,1}; error when the configured loss expects {0,1}"
    )
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        values = ctx.dataset.integer_labels()
        if values is None or len(values) != 2 or set(values) == {0, 1}:
            return
        loss, wanted = ctx.task.loss, ctx.task.labels
        expected = set(wanted) if wanted else set(BINARY_LABELS[loss]) if loss else None
        if loss in ("hinge", "squared_hinge") and not wanted and set(values) == {-1, 1}:
            return
        if expected is not None and set(values) == expected:
            return
        counts = {
            split: Counter(s.label for s in ctx.dataset.samples_in(split) if s.label in values)
            for split in ctx.dataset.splits
        }
        shown = "; ".join(
            f"{split_name(split)}: " + ", ".join(f"{v} ×{c[v]}" for v in values)
            for split, c in counts.items()
            if c
        )
        low, high = values
        mapping = f"{low}: 0" if high == 1 else f"{low}: 0, {high}: 1"
        remap = (
            f"Map the labels to {{0, 1}} before training, e.g. "
            f"`y = (y == {high}).astype(int)` or `df.label.replace({{{mapping}}})`"
        )
        if expected is not None:
            target = loss or "the configured task.labels"
            message = (
                f"labels are {label_set(values)} ({shown}), but {target} expects "
                f"{label_set(expected)}: training will not fail, it will learn the "
                f"wrong thing, and its accuracy will mislead"
            )
            severity = "error"
            fix = (
                (remap + ".")
                if expected == {0, 1}
                else (f"Map the labels to {label_set(expected)} before training.")
            )
        elif set(values) == {-1, 1}:
            message = (
                f"labels are {{-1, 1}} ({shown}): right for a hinge loss, wrong for "
                f"sigmoid + binary cross-entropy, which expects {{0, 1}} (with -1 "
                f"targets such a run shows acc 1.000 / val_acc 1.000 and predicts one "
                f"class for everything)"
            )
            severity = None
            fix = (
                remap + '; or, if you train with a hinge loss, set task.loss = "hinge" '
                "in the dslint configuration."
            )
        else:
            message = (
                f"labels are {label_set(values)} ({shown}): binary losses expect "
                f"{{0, 1}} (binary cross-entropy) or {{-1, 1}} (hinge)"
            )
            severity = None
            fix = remap + "."
        yield self.finding(
            message,
            paths=[f.split(":", 1)[0] for f in ctx.dataset.label_files],
            severity=severity,
            fix=fix,
            evidence={
                "values": values,
                "loss": loss,
                "expected": sorted(expected) if expected else None,
                "counts": {
                    split: {str(v): c[v] for v in values} for split, c in counts.items() if c
                },
            },
        )
