from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import table_splits
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples


class ConstantColumn(Rule):
    """Table columns with one value in every row of train.

    What it catches:
        A feature column of a training table whose filled cells all hold the same
        value (empty cells aside).

    Why it matters:
        A constant column carries no information about the label. Standardising it
        divides by a zero standard deviation (NaN inputs), and it is often the trace
        of a filter applied upstream (every row from one country, one device).

    Example:
        train.csv: 'country' holds one value ('FR') in all 1,000 rows.

    How to fix:
        Drop the column, or find out why it never varies.
    """

    id = "T002"
    name = "constant-column"
    summary = "table columns with one value in every training row"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for table in table_splits(ctx):
            if table.split != "train":
                continue
            constant = [
                f"{name!r} ({summary['categories'][0]!r})"
                for name, summary in table.columns.items()
                if summary["distinct"] == 1 and summary["categories"]
            ]
            if constant:
                yield self.finding(
                    f"{table.file}: {examples(constant)} "
                    f"{'holds' if len(constant) == 1 else 'hold'} one value in every row of "
                    "train",
                    split=table.split,
                    paths=[table.file],
                    evidence={"columns": [c.split(" ", 1)[0].strip("'") for c in constant]},
                    fix="Drop constant columns, or find out why they never vary.",
                )
