from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import kind_of_column, marked_text_files, table_splits
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural, split_name

FIX = "Re-read the source with its real encoding and write it as UTF-8."


class Mojibake(Rule):
    """Text decoded with the wrong encoding.

    What it catches:
        Text cells or `.txt` files holding the marks of UTF-8 read as Latin-1 or
        Windows-1252 ("cafÃ©" for "café", "donâ€™t" for "don’t") or the replacement
        character (�).

    Why it matters:
        A tokenizer sees "Ã©" as two rare characters, so the same word is two
        different words in the clean and the garbled rows; train and test garbled
        differently do not even share a vocabulary. It usually means one file of the
        dataset went through a tool with another encoding.

    Example:
        train (train.csv): 23 cells of 'review' look like text decoded with the wrong
        encoding (Ã©, â€™ or �).

    How to fix:
        Re-read the source with its real encoding (ftfy repairs most cases), and
        write every file as UTF-8.
    """

    id = "T007"
    name = "mojibake"
    summary = "text decoded with the wrong encoding (Ã©, â€™)"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for split, garbled, total in marked_text_files(ctx, "mojibake"):
            yield self.finding(
                f"{split_name(split)}: {plural(len(garbled), 'text file')} of {total:,} "
                f"{'looks' if len(garbled) == 1 else 'look'} like text decoded with the wrong "
                f"encoding (Ã©, â€™ or �): {examples(garbled)}",
                split=split,
                paths=garbled,
                evidence={"files": len(garbled)},
                fix=FIX,
            )
        for table in table_splits(ctx):
            for name, summary in table.columns.items():
                if kind_of_column(summary) in ("text", "mixed") and summary["mojibake"]:
                    yield self.finding(
                        f"{split_name(table.split)} ({table.file}): {summary['mojibake']:,} "
                        f"{'cell' if summary['mojibake'] == 1 else 'cells'} of {name!r} "
                        f"{'looks' if summary['mojibake'] == 1 else 'look'} like text decoded "
                        "with the wrong encoding (Ã©, â€™ or �)",
                        split=table.split,
                        paths=[table.file],
                        evidence={"column": name, "cells": summary["mojibake"]},
                        fix=FIX,
                    )
