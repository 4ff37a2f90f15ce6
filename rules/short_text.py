from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import is_free_text, marked_text_files, table_splits
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, percent, split_name

FIX = "Drop those texts, or find the step that emptied them."


class ShortText(Rule):
    """Empty or nearly empty texts in a column of messages or documents.

    What it catches:
        In a free-text column (text cells averaging 20 characters or more), the cells
        that are empty or shorter than 5 characters once trimmed; in a dataset of
        `.txt` files, the files that are.

    Why it matters:
        A label on an empty message is a label on nothing: the model learns to guess
        the majority class for it, and such rows are often the trace of a broken
        export (a quote character that ended the cell early, a dropped column).

    Example:
        train (train.csv): 14 of 400 texts in 'message' (3.5 %) are empty or under 5
        characters.

    How to fix:
        Drop those texts, or find the step that emptied them.
    """

    id = "T006"
    name = "short-text"
    summary = "empty or nearly empty texts in a column of messages"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for split, short, total in marked_text_files(ctx, "short"):
            yield self.finding(
                f"{split_name(split)}: {len(short):,} of {total:,} texts "
                f"({percent(len(short), total)}) are empty or under 5 characters: "
                f"{examples(short)}",
                split=split,
                paths=short,
                evidence={"short": len(short)},
                fix=FIX,
            )
        for table in table_splits(ctx):
            for name, summary in table.columns.items():
                if is_free_text(summary) and summary["short"]:
                    yield self.finding(
                        f"{split_name(table.split)} ({table.file}): {summary['short']:,} of "
                        f"{summary['rows']:,} texts in {name!r} "
                        f"({percent(summary['short'], summary['rows'])}) are empty or under 5 "
                        "characters",
                        split=table.split,
                        paths=[table.file],
                        evidence={"column": name, "short": summary["short"]},
                        fix=FIX,
                    )
