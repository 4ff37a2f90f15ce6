from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import kind_of_column, table_splits
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, split_name


class ColumnTypeMismatch(Rule):
    """Table columns that are numbers in one split and text in another, or that mix
    numbers and text within one.

    What it catches:
        A column whose filled cells are numbers in one split and words in another
        ("12.5" in train, "12,5" or "n/a" in test), or that mixes both within one split
        (more than 5 % of each).

    Why it matters:
        Pandas reads such a column as text, so it silently drops out of a numeric
        model, or an encoder turns every number into its own category; a split read
        with another type than train's breaks the pipeline at predict time.

    Example:
        'income' is numbers in train.csv and text in test.csv ('n/a' ×12).

    How to fix:
        Clean the column where it was written: one decimal separator, one missing-value
        marker (an empty cell), numbers only.
    """

    id = "T003"
    name = "column-type-mismatch"
    summary = "table columns of numbers in one split and text in another, or mixed"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        kinds: dict[str, dict[str, str]] = {}
        files: dict[str, set[str]] = {}
        for table in table_splits(ctx):
            for name, summary in table.columns.items():
                kind = kind_of_column(summary)
                if kind:
                    kinds.setdefault(name, {})[table.split] = kind
                    files.setdefault(name, set()).add(table.file)
        for name, by_split in kinds.items():
            seen = set(by_split.values())
            if "mixed" not in seen and len(seen) < 2:
                continue
            shown = [f"{kind} in {split_name(split)}" for split, kind in by_split.items()]
            yield self.finding(
                f"column {name!r} is {examples(shown)}",
                paths=sorted(files[name]),
                evidence={"column": name, "kinds": by_split},
                fix="Clean the column where it was written: numbers only, empty cells for "
                "missing values.",
            )
