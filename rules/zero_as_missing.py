from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import columns_described, kind_of_column
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, number, percent, split_name


class ZeroAsMissing(Rule):
    """Zeros in a column of measurements that are never near zero: missing values
    written as 0.

    What it catches:
        A numeric table column with no negative values, some exact zeros, and no other
        value at or below 1: the zeros stand apart from every measurement (a blood
        pressure of 0 beside pressures from 24 up). Counts (0, 1, 2 pregnancies) and
        scaled values in [0, 1] are left alone.

    Why it matters:
        A zero that means "not measured" is read by a model as a real value far from
        all others: it pulls means and scalers, and the model learns what "missing"
        predicts instead of what the measurement does. The Pima diabetes table is the
        classic case: 374 of 768 insulin values are 0.

    Example:
        train (diabetes.csv): 'Insulin' holds 374 zeros (48.7 %), yet its smallest
        other value is 14.

    How to fix:
        Replace the zeros by missing values (`df[col] = df[col].replace(0, np.nan)`)
        and impute them from the training split, or keep a "was missing" indicator.
    """

    id = "T010"
    name = "zero-as-missing"
    summary = "zeros in a column of measurements never near zero: missing values as 0"
    default_severity = "info"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for table, found in columns_described(ctx, _zeros_apart):
            yield self.finding(
                f"{split_name(table.split)} ({table.file}): {examples(list(found.values()), 6)}",
                split=table.split,
                paths=[table.file],
                evidence={"columns": list(found)},
                fix="Replace these zeros by missing values and impute them from the "
                "training split, or keep an indicator of which were missing.",
            )


def _zeros_apart(name: str, summary: dict) -> str | None:
    """What is said of a column with zeros, no negatives, and its next value above 1."""
    least = summary.get("least_positive")
    if not (
        kind_of_column(summary) == "number"
        and summary.get("zeros", 0) > 0
        and summary["min"] >= 0
        and least is not None
        and least > 1
    ):
        return None
    return (
        f"{name!r} holds {summary['zeros']:,} zeros ({percent(summary['zeros'], summary['rows'])}"
        f"), yet its smallest other value is {number(least)}"
    )
