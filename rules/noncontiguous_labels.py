from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, label_set
from dslint.training.losses import INDEX_LOSSES


class NoncontiguousLabels(Rule):
    """Integer class labels that are not exactly 0..K-1: 1-based, with gaps, or negative.

    What it catches:
        Three or more integer labels (from a manifest or a label array) that are not
        the numbers 0, 1, ..., K-1 for K classes. Two-valued labels are L001's.

    Why it matters:
        Sparse categorical cross-entropy and PyTorch's `CrossEntropyLoss` use the label
        as an index into the model's K outputs: label K is out of range, which crashes
        with a device-side assert on a GPU, gives NaN losses in Keras, or, with a
        model built one output too wide, trains an output that no sample uses.

    Example:
        labels are {1, 2, 3, 4}, not 0..3: they start at 1, so label 4 has no output in
        a 4-class model.

    How to fix:
        Re-index the labels to 0..K-1 (`y = y - 1` for 1-based labels, or
        `np.unique(y, return_inverse=True)[1]` for gaps) and keep the mapping.
    """

    id = "L002"
    name = "noncontiguous-labels"
    summary = "integer labels not exactly 0..K-1 (gaps, 1-based)"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        values = ctx.dataset.integer_labels()
        if values is None or len(values) < 3 or values == list(range(len(values))):
            return
        k = len(values)
        out_of_range = [v for v in values if not 0 <= v < k]
        if min(values) == 1 and max(values) == k:
            how = f"they start at 1, so label {k} has no output in a {k}-class model"
            fix = "Subtract 1 from every label (`y = y - 1`)."
        else:
            missing = [
                str(v) for v in range(min(0, min(values)), max(values) + 1) if v not in values
            ]
            how = (
                f"{examples(missing)} missing between them"
                if missing
                else "negative values are not class indices"
            )
            fix = (
                "Re-index the labels to 0..K-1, e.g. "
                "`classes, y = np.unique(y, return_inverse=True)`, and keep the mapping."
            )
        severity = "error" if ctx.task.loss in INDEX_LOSSES and out_of_range else None
        loss = f"; {ctx.task.loss} indexes its outputs with them" if severity else ""
        yield self.finding(
            f"labels are {label_set(values)}, not 0..{k - 1}: {how}{loss}",
            paths=[f.split(":", 1)[0] for f in ctx.dataset.label_files],
            severity=severity,
            evidence={"values": values, "classes": k, "out_of_range": out_of_range},
            fix=fix,
        )
