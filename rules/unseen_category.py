from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import kind_of_column, table_splits
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, split_name


class UnseenCategory(Rule):
    """Categories of a table's text column found in val or test but never in train.

    What it catches:
        In a text column with few distinct values (at most 50 in each split), the
        values that an evaluation split holds and train does not.

    Why it matters:
        An encoder fitted on train has no code for them: one-hot encoders raise or map
        them to all zeros, label encoders crash. The model's score on those rows says
        nothing about what it learned, and a new category in test is often a sign that
        test was collected elsewhere.

    Example:
        'Embarked' in test holds 'X', never seen in train.

    How to fix:
        Map rare and new categories to one 'other' value before fitting, or re-split so
        every category appears in train.
    """

    id = "T004"
    name = "unseen-category"
    summary = "categories in val or test never seen in train"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        tables = table_splits(ctx)
        train = {
            name: set(summary["categories"])
            for table in tables
            if table.split == "train"
            for name, summary in table.columns.items()
            if summary["categories"] is not None and kind_of_column(summary) == "text"
        }
        for table in tables:
            if table.split == "train":
                continue
            for name, summary in table.columns.items():
                new = sorted(set(summary["categories"] or ()) - train.get(name, set()))
                if name in train and new:
                    yield self.finding(
                        f"{split_name(table.split)} ({table.file}): column {name!r} holds "
                        f"{examples([repr(v) for v in new])}, never seen in train",
                        split=table.split,
                        paths=[table.file],
                        evidence={"column": name, "unseen": new},
                        fix="Map rare and unseen categories to one 'other' value, or "
                        "re-split so every category appears in train.",
                    )
