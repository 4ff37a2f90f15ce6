from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples


class IdentifierColumn(Rule):
    """Columns of a table that hold a different identifier in every row.

    What it catches:
        A column named like an identifier (`id`, `customer_id`, `PassengerId`), or
        holding a row number or a code that differs in every row. dslint leaves such
        columns out of a row's content, so that a test row copied from train under a
        new id is still found as a leak.

    Why it matters:
        An identifier carries no property of the sample. A model given it can
        memorise training rows by it, and where ids were assigned in order of
        collection or of class, it predicts the label from the id: a shortcut that
        fails on new data.

    Example:
        train.csv: 'PassengerId' holds a different value in every row.

    How to fix:
        Drop the column from the model's inputs (keep it to join predictions back).
    """

    id = "T001"
    name = "identifier-column"
    summary = "table columns holding a different identifier in every row"
    default_severity = "info"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for file, table in sorted(ctx.dataset.table_columns.items()):
            if table.identifiers:
                names = [repr(c) for c in table.identifiers]
                yield self.finding(
                    f"{file}: {examples(names)} {'holds' if len(names) == 1 else 'hold'} a "
                    "different value in every row: an identifier, left out of the "
                    "duplicate and leak checks",
                    paths=[file],
                    evidence={"columns": list(table.identifiers)},
                    fix="Drop identifier columns from the model's inputs.",
                )
