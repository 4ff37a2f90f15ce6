from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import columns_described, kind_of_column
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import examples, number, split_name


class ExtremeValue(Rule):
    """Numbers far outside everything else in their column: a misplaced decimal point,
    a unit mix-up, a placeholder such as 99999.

    What it catches:
        In a numeric table column, a smallest or largest value further from the middle
        half of the column (its quartiles) than `spread` (default 100) times that
        half's width. Heavy-tailed columns such as incomes or fares stay well under
        it (the Titanic's highest fare is 21 widths above its third quartile).

    Why it matters:
        A density of 100400 among values near 0.997, or an alcohol content of 10^15,
        is no measurement: one such value stretches a standardised feature so far that
        every other row is squeezed into a sliver of its range, and a model fitted on
        the column learns little from it.

    Example:
        train (winequality-red.csv): 'column 8' reaches 100400, while half its values
        lie in 0.9956–0.9978 (4.491e+07 widths of that half beyond it).

    How to fix:
        Find the rows holding these values, correct them at the source (decimal
        separator, unit) or set them missing, then check again.
    """

    id = "T009"
    name = "extreme-value"
    summary = "numbers far outside the rest of their table column (a misplaced decimal point)"
    default_severity = "warning"
    options = {
        "spread": Option(
            100.0, "widths of the middle half beyond a quartile that is extreme", above=1
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        for table, found in columns_described(ctx, self._extreme):
            yield self.finding(
                f"{split_name(table.split)} ({table.file}): {examples(list(found.values()), 6)}",
                split=table.split,
                paths=[table.file],
                evidence={"columns": list(found)},
                fix="Find the rows holding these values and correct them at the source "
                "(decimal separator, unit) or set them missing.",
            )

    def _extreme(self, name: str, summary: dict) -> str | None:
        """What is extreme in a column, in words, or None."""
        if kind_of_column(summary) != "number" or "quartiles" not in summary:
            return None
        q1, _, q3 = summary["quartiles"]
        width = q3 - q1
        above, below = summary["max"] - q3, q1 - summary["min"]
        if width <= 0 or max(above, below) <= self.options["spread"] * width:
            return None
        extreme = summary["max"] if above >= below else summary["min"]
        return (
            f"{name!r} reaches {number(extreme)}, while half its values lie in "
            f"{number(q1)}–{number(q3)} ({number(max(above, below) / width)} widths of that "
            "half beyond it)"
        )
