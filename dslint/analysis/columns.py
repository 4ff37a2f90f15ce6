"""The columns of tables of samples, per split, as the scan summarised them: rows,
empty cells, numeric and text cells, distinct values and the categories where there
are few. What the T rules read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dslint.model.dataset import split_sort_key

if TYPE_CHECKING:
    from dslint.engine.context import Context


@dataclass(frozen=True)
class TableSplit:
    file: str
    split: str
    columns: dict[str, dict[str, Any]]  # column -> its summary


def table_splits(ctx: Context) -> list[TableSplit]:
    """Each split of each table, train first."""
    found = []
    for split, (file, key) in ctx.dataset.array_inputs.items():
        if file not in ctx.dataset.table_columns:
            continue
        facts = ctx.facts.get(file)
        stats = facts.arrays.get(key or "") if facts and not facts.error else None
        if stats and "columns" in stats:
            found.append(TableSplit(file, split, stats["columns"]))
    return sorted(found, key=_order)


def kind_of_column(summary: dict[str, Any]) -> str | None:
    """'number' or 'text' when nearly every filled cell is one (95 %), 'mixed' when
    both are common, None when the column is empty."""
    filled = summary["numeric"] + summary["text"]
    if not filled:
        return None
    if summary["numeric"] >= 0.95 * filled:
        return "number"
    if summary["text"] >= 0.95 * filled:
        return "text"
    return "mixed"


def _order(table: TableSplit) -> tuple:
    return split_sort_key(table.split.removeprefix("unlabelled ")), table.split


FREE_TEXT = 20  # mean characters from which a text column is prose, not categories


def is_free_text(summary: dict[str, Any]) -> bool:
    """A text column of messages or documents rather than of a few categories."""
    return kind_of_column(summary) == "text" and summary.get("mean_length", 0) >= FREE_TEXT
