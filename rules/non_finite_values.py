from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.values import SplitValues
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural, split_name


class NonFiniteValues(Rule):
    """NaN or infinite values in the inputs.

    What it catches:
        NaN and ±Inf values in stacked x arrays, per-sample .npy files and float
        images, with their count and where they are.

    Why it matters:
        One NaN in one input makes that batch's loss NaN, and after the next update
        every weight is NaN: the run reports `loss: nan` from then on and never
        recovers. Usually a division by zero in preprocessing (normalising a constant
        sample by its zero std) or a log of zero.

    Example:
        x_train.npy holds 12 NaN and 0 Inf values.

    How to fix:
        Find the preprocessing step that produced them (a zero std, a log of 0) and
        fix it there; as a stopgap replace them (`np.nan_to_num`) or drop the samples.
    """

    id = "N003"
    name = "non-finite-values"
    summary = "NaN/Inf in arrays"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        fix = "Fix the preprocessing step that made them (zero std, log of 0), or drop them."
        for split, values in ctx.split_values().items():
            if values.kind in ("stacked", "table"):
                if values.nan_count or values.inf_count:
                    yield self.finding(
                        _whole_input(values, split),
                        split=split,
                        paths=[values.source.split(":", 1)[0]],
                        fix=TABLE_FIX if values.kind == "table" else fix,
                        evidence={"nan": values.nan_count, "inf": values.inf_count},
                    )
                continue
            bad = [s.path for s, f in ctx.files(split) if f.nan_count or f.inf_count]
            if bad:
                yield self.finding(
                    f"{plural(len(bad), 'file')} in {split_name(split)} hold NaN or Inf values "
                    f"({values.nan_count:,} NaN, {values.inf_count:,} Inf): {examples(bad)}",
                    split=split,
                    paths=bad,
                    fix=fix,
                    evidence={"files": len(bad), "nan": values.nan_count, "inf": values.inf_count},
                )


TABLE_FIX = "Impute or drop the missing values, and fix what made infinities."


def _whole_input(values: SplitValues, split: str) -> str:
    """A stacked array's NaN and Inf, or a table's missing and infinite numeric cells."""
    if values.kind == "table":
        return (
            f"{values.source} has {values.nan_count:,} missing (empty or NaN) and "
            f"{values.inf_count:,} infinite numeric cells in {split_name(split)}"
        )
    return f"{values.source} holds {values.nan_count:,} NaN and {values.inf_count:,} Inf values"
