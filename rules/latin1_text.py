from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import text_files
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural


class Latin1Text(Rule):
    """Tables and text files that are not UTF-8, read as Latin-1.

    What it catches:
        Tables of samples and `.txt` samples whose bytes are not valid UTF-8. dslint
        reads them as Latin-1 (which reads any bytes) and says which.

    Why it matters:
        A loader that assumes UTF-8 (pandas, Python's `open`, most tokenizers) either
        fails on such a file or, told to ignore errors, drops or garbles its accented
        letters; one file of a dataset in another encoding makes the same word two
        words. Windows exports (cp1252) and old corpora are the usual source.

    Example:
        1 table is not UTF-8 and was read as Latin-1: spam.csv.

    How to fix:
        Convert the files to UTF-8 once (`iconv -f latin1 -t utf-8`, or
        `pd.read_csv(path, encoding="latin-1").to_csv(path, index=False)`), after
        checking that Latin-1 (or cp1252) is what they really are.
    """

    id = "T008"
    name = "latin1-text"
    summary = "tables or texts that are not UTF-8, read as Latin-1"
    default_severity = "info"

    def check(self, ctx: Context) -> Iterator[Finding]:
        tables = sorted(
            name for name, scan in ctx.dataset.table_columns.items() if scan.encoding != "utf-8"
        )
        files = sorted(
            sample.path
            for found in text_files(ctx).values()
            for sample, text in found
            if text["encoding"] != "utf-8"
        )
        for what, paths in (("table", tables), ("text file", files)):
            if paths:
                yield self.finding(
                    f"{plural(len(paths), what)} {'is' if len(paths) == 1 else 'are'} not "
                    f"UTF-8 and {'was' if len(paths) == 1 else 'were'} read as Latin-1: "
                    f"{examples(paths)}",
                    paths=paths,
                    evidence={"count": len(paths)},
                    fix="Convert them to UTF-8 once, after checking that Latin-1 (or cp1252) "
                    "is their encoding.",
                )
