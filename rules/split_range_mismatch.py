from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import number_columns, rescaled
from dslint.analysis.values import scale_of
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import number, plural, split_name


class SplitRangeMismatch(Rule):
    """Splits whose inputs are scaled differently: one in [0, 1], another in [0, 255].

    What it catches:
        Splits whose observed value ranges fall on different scales ([0, 1], [-1, 1],
        [0, 255], [0, 65535], unbounded), or whose maxima differ more than tenfold.
        Each split's range and dtype are given. In tables, each numeric column on its
        own: a column whose standard deviation in a split is ten times that in train,
        or a tenth of it (each measured on 5 values at least).

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
        yield from self._columns(ctx)
        # a table's columns are compared one by one: pooled, age and income mix scales
        values = {s: v for s, v in ctx.split_values().items() if v.kind != "table"}
        if len(values) < 2:
            return
        scales = {split: scale_of(v) for split, v in values.items()}
        maxima = [abs(v.max) for v in values.values() if v.max > -float("inf")]
        spread = max(maxima) / max(min(maxima), 1e-12) if maxima else 1.0
        if len(set(scales.values())) == 1 and spread <= 10:
            return
        shown = ", ".join(
            f"{split_name(split)} {scales[split]} {v.range_text()} from {v.source}"
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

    def _columns(self, ctx: Context) -> Iterator[Finding]:
        """A table's numeric columns whose spread in a split is tenfold or more that in
        train (the first split): one finding per split, naming each column."""
        flagged: dict[str, list[tuple[str, dict, dict]]] = {}
        for column, by_split in number_columns(ctx).items():
            (first, reference), *others = by_split.items()
            for split, other in others:
                if rescaled(reference, other):
                    flagged.setdefault(split, []).append(
                        (column, {**reference, "split": first}, other)
                    )
        for split, columns in flagged.items():
            shown = "; ".join(
                f"{column!r} in {_range(other)} against {_range(reference)} in "
                f"{split_name(reference['split'])}"
                for column, reference, other in columns
            )
            files = sorted({c[1]["file"] for c in columns} | {c[2]["file"] for c in columns})
            yield self.finding(
                f"{split_name(split)} ({columns[0][2]['file']}): "
                f"{plural(len(columns), 'column')} on another scale than in "
                f"{split_name(columns[0][1]['split'])}: {shown}",
                split=split,
                paths=files,
                evidence={
                    "columns": {
                        column: {reference["split"]: _stats(reference), split: _stats(other)}
                        for column, reference, other in columns
                    }
                },
                fix="Preprocess every split with the same function, fitted on train, and "
                "save the result once.",
            )


def _range(summary: dict) -> str:
    return f"[{number(summary['min'])}, {number(summary['max'])}] (std {summary['std']:.3g})"


def _stats(summary: dict) -> dict:
    return {k: summary[k] for k in ("min", "max", "mean", "std")}
