from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import table_splits
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import examples, percent, split_name


class MissingColumnValues(Rule):
    """Table columns that are mostly empty.

    What it catches:
        A column with empty cells in at least `min-share` (50 %) of a split's rows.

    Why it matters:
        Whatever the model learns from such a column comes from the few rows that have
        it, and imputing most of a column invents it. When the share differs between
        splits, the column also tells them apart.

    Example:
        train.csv: 'Cabin' is empty in 687 of 891 rows (77.1 %).

    How to fix:
        Drop the column, or keep only whether it is filled (a 0/1 column), and find out
        why it is missing.
    """

    id = "T005"
    name = "missing-column-values"
    summary = "table columns empty in at least half the rows of a split"
    default_severity = "warning"
    options = {
        "min_share": Option(
            0.5, "share of empty cells from which a column is reported", above=0, max=1
        ),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        limit = self.options["min_share"]
        for table in table_splits(ctx):
            empty = [
                f"{name!r} ({summary['missing']:,} of {summary['rows']:,}, "
                f"{percent(summary['missing'], summary['rows'])})"
                for name, summary in table.columns.items()
                if summary["rows"] and summary["missing"] >= limit * summary["rows"]
            ]
            if empty:
                yield self.finding(
                    f"{split_name(table.split)} ({table.file}): {examples(empty)} "
                    f"{'is' if len(empty) == 1 else 'are'} mostly empty",
                    split=table.split,
                    paths=[table.file],
                    evidence={"columns": [e.split(" ", 1)[0].strip("'") for e in empty]},
                    fix="Drop the column, or keep only whether it is filled, and find out why "
                    "it is missing.",
                )
