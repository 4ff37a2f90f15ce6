from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.values import scale_of
from dslint.engine import Context, Finding, Rule


class SplitRangeMismatch(Rule):
    """Splits whose inputs are scaled differently: one in [0, 1], another in [0, 255].

    What it catches:
        Splits whose observed value ranges fall on different scales ([0, 1], [-1, 1],
        [0, 255], [0, 65535], unbounded), or whose maxima differ more than tenfold.
        Each split's range and dtype are given.

    Why it matters:
        A model trained on inputs in [0, 1] and evaluated on [0, 255] sees every
        validation input 255 times too bright: it predicts one class for nearly
        everything and validation accuracy collapses to the majority rate, while the
        training curves look fine. It happens when one split was preprocessed in a
        notebook and the other was not.

    Example:
        splits are scaled differently: train [0, 1] (float32, x_train.npy), test
        [0, 255] (float32, x_test.npy).

    How to fix:
        Apply the same preprocessing to every split, in one function (e.g.
        `x = x.astype("float32") / 255` for all of them), and save the result once.
    """

    id = "N001"
    name = "split-range-mismatch"
    summary = "value range/scaling differs between splits (0–1 vs 0–255)"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        values = ctx.split_values()
        if len(values) < 2:
            return
        scales = {split: scale_of(v) for split, v in values.items()}
        maxima = [abs(v.max) for v in values.values() if v.max > -float("inf")]
        spread = max(maxima) / max(min(maxima), 1e-12) if maxima else 1.0
        if len(set(scales.values())) == 1 and spread <= 10:
            return
        shown = ", ".join(
            f"{split} {scales[split]} {v.range_text()} from {v.source}"
            for split, v in values.items()
        )
        yield self.finding(
            f"splits are scaled differently: {shown}",
            paths=sorted({v.source for v in values.values() if v.kind in ("stacked", "table")}),
            evidence={
                split: {"min": v.min, "max": v.max, "dtype": v.dtype, "scale": scales[split]}
                for split, v in values.items()
            },
            fix="Preprocess every split with the same function and save the result once.",
        )
