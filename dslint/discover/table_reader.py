"""Reading tables of samples in batches of rows, with pyarrow: CSV and TSV streamed
block by block, Parquet row group by row group, JSON lines whole (they are texts, and
small). Memory stays bounded by a batch whatever the file's size, numbers are parsed in
C++ and never become Python objects, and the same reader serves discovery, the scan,
the probe and the repairs, so that all of them count the same rows.

CSV cells are read as written (strings; an empty cell is missing), and each batch's
columns are typed by `numbers_of`; UTF-8 is tried first, and a file that is not valid
UTF-8 is read as Latin-1, which reads any bytes.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from dslint.errors import DslintError

# bytes per CSV block read: pyarrow reads blocks ahead (dozens when the scan is slower
# than the disk), so the block size bounds the scan's memory
BLOCK = 1 << 20
GROUP = 1 << 22  # bytes of rows handed on at once: each batch costs a call per column
HEAD_ROWS = 10_000  # rows discovery looks at to choose the label and identifier columns
FOLLOWING = 200  # rows after the first that tell whether the first is a header

Opener = Callable[[], IO[bytes]]
DELIMITERS = {".csv": ",", ".tsv": "\t"}
FIRST_LINE = 1 << 16  # bytes of a CSV's first line looked at for its delimiter


def delimiter_of(suffix: str, first_line: bytes) -> str | None:
    """The delimiter of a table by its suffix (None for one that is no CSV or TSV),
    given its first line: a .csv whose first line holds semicolons and no commas has
    semicolons, as spreadsheets in many locales save CSV, and GTSRB ships its
    annotations (`Filename;Width;...;ClassId`)."""
    delimiter = DELIMITERS.get(suffix.lower())
    if delimiter == "," and b";" in first_line and b"," not in first_line:
        return ";"
    return delimiter


def _delimiter(open_file: Opener, name: str) -> str | None:
    with open_file() as handle:
        return delimiter_of(Path(name).suffix, handle.readline(FIRST_LINE))


def encoding_of(open_file: Opener, name: str) -> str:
    """UTF-8 when the whole file is valid UTF-8 (Parquet's text always is), else
    Latin-1: "utf-8" or "latin-1"."""
    if Path(name).suffix.lower() == ".parquet":
        return "utf-8"
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open_file() as handle:
        try:
            while block := handle.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8"


def batches(
    open_file: Opener,
    name: str,
    encoding: str = "utf-8",
    columns: list[str] | None = None,
    malformed: list[str] | None = None,
) -> Iterator:  # -> pyarrow.RecordBatch
    """The table's rows in batches (only `columns`, where given), CSV cells as strings
    with empty cells missing (null). A CSV row with more or fewer cells than the table
    has columns is left out, its text added to `malformed` where given: a text cell
    with a comma and no quotes spoils one row, not the table (a public spam.csv has two
    such among 5,574)."""
    import pyarrow as pa

    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            with open_file() as handle:
                yield from pq.ParquetFile(handle).iter_batches(columns=columns)
            return
        if suffix == ".jsonl":
            import pyarrow.json as pj

            with open_file() as handle:
                table = pj.read_json(handle)
            yield from (table.select(columns) if columns else table).to_batches()
            return
        delimiter = _delimiter(open_file, name) or ","
        yield from _csv_batches(open_file, delimiter, encoding, columns, malformed)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, KeyError) as exc:
        raise DslintError(f"table {name} cannot be read: {exc}") from None


def _csv_batches(
    open_file: Opener,
    delimiter: str,
    encoding: str,
    columns: list[str] | None,
    malformed: list[str] | None,
):
    import pyarrow as pa
    import pyarrow.csv as pv

    def left_out(row) -> str:  # pyarrow.csv.InvalidRow
        if malformed is not None:
            malformed.append(f"{row.text[:60]!r} ({row.actual_columns} cells)")
        return "skip"

    header, headless = _column_names(open_file, delimiter, encoding)
    wanted = columns if columns is not None else header
    read = pv.ReadOptions(
        encoding=encoding,
        block_size=BLOCK,
        use_threads=True,
        column_names=header,
        skip_rows=0 if headless else 1,
    )
    parse = pv.ParseOptions(
        delimiter=delimiter, newlines_in_values=True, invalid_row_handler=left_out
    )
    convert = pv.ConvertOptions(
        column_types={c: pa.string() for c in header},
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
        include_columns=wanted,
    )
    with open_file() as handle, pv.open_csv(handle, read, parse, convert) as reader:
        group: list = []
        handed = False
        for batch in reader:
            group.append(batch)
            if sum(b.nbytes for b in group) >= GROUP:
                yield _joined(group)
                group, handed = [], True
        if group:
            yield _joined(group)
        elif not handed:  # a header and no rows: the columns still tell what it is
            yield pa.RecordBatch.from_pylist([], schema=reader.schema)


def _joined(group: list):  # -> pyarrow.RecordBatch
    """Consecutive batches as one."""
    import pyarrow as pa

    if len(group) == 1:
        return group[0]
    return pa.Table.from_batches(group).combine_chunks().to_batches()[0]


def _column_names(open_file: Opener, delimiter: str, encoding: str) -> tuple[list[str], bool]:
    """A CSV's column names, and whether it has no header row: then its first record
    is a sample and its columns are `column 1`, `column 2`, ..."""
    with open_file() as handle:
        first, following = _header(handle, delimiter, encoding)
    if _is_data_row(first, following):
        return [f"column {i + 1}" for i in range(len(first))], True
    return unique_names(first), False


def _is_data_row(first: list[str], following: list[list[str]]) -> bool:
    """Whether a CSV's first record is data, not a header: two cells or more, all of them
    numbers (a header names its columns; `7.4,0.7,0,...` is a wine), or one of them a
    value its column repeats below (`ham,"Go until jurong point..."`: a header does not
    name a column after one of its values)."""
    if len(first) < 2:
        return False
    if any(
        cell.strip() and sum(cell == value for value in column) >= 2
        for cell, column in zip(first, following, strict=False)
    ):
        return True
    try:
        [float(cell) for cell in first]
    except ValueError:
        return False
    return True


def headerless(open_file: Opener, name: str, encoding: str) -> bool:
    """Whether a CSV or TSV table starts with data, not a header (see `_is_data_row`)."""
    delimiter = _delimiter(open_file, name)
    return delimiter is not None and _column_names(open_file, delimiter, encoding)[1]


def unique_names(header: list[str]) -> list[str]:
    """Column names as pandas makes them: an empty one is `Unnamed: <position>`, and a
    repeated one gets `.1`, `.2` (a public spam.csv's header is `label,masseges,,,`)."""
    names: list[str] = []
    for position, name in enumerate(header):
        name = name if name.strip() else f"Unnamed: {position}"
        stem, copy = name, 0
        while name in names:
            copy += 1
            name = f"{stem}.{copy}"
        names.append(name)
    return names


def _header(handle: IO[bytes], delimiter: str, encoding: str) -> tuple[list[str], list[list[str]]]:
    """The CSV's first record, and the cells of each column in the `FOLLOWING` records
    after it."""
    import pyarrow as pa
    import pyarrow.csv as pv

    read = pv.ReadOptions(encoding=encoding, block_size=1 << 20, use_threads=False)
    parse = pv.ParseOptions(
        delimiter=delimiter, newlines_in_values=True, invalid_row_handler=lambda _: "skip"
    )
    with pv.open_csv(handle, read, parse) as reader:
        names = list(reader.schema.names)
        batch = next(iter(reader), None)
    if batch is None:
        return names, []
    batch = batch.slice(0, FOLLOWING)
    return names, [batch.column(i).cast(pa.string()).to_pylist() for i in range(len(names))]


def head(open_file: Opener, name: str, encoding: str, rows: int = HEAD_ROWS):
    """The first `rows` rows as a pandas DataFrame of strings ("" where empty)."""
    import pandas as pd

    kept, count = [], 0
    for batch in batches(open_file, name, encoding):
        kept.append(batch.slice(0, rows - count))
        count += kept[-1].num_rows
        if count >= rows:
            break
    if not kept:
        return pd.DataFrame()
    return as_strings(pd.concat([b.to_pandas() for b in kept], ignore_index=True))


def as_strings(frame):  # -> pandas.DataFrame
    """Every cell as the text it was written as, "" where it is missing."""
    return frame.astype(object).where(frame.notna(), "").astype(str)


def read_frame(data: bytes, name: str):  # -> pandas.DataFrame
    """A whole table from its bytes, as strings (for the repairs, which rewrite it)."""
    import pandas as pd

    def open_file() -> IO[bytes]:
        return io.BytesIO(data)

    encoding = encoding_of(open_file, name)
    parts = [b.to_pandas() for b in batches(open_file, name, encoding)]
    frame = as_strings(pd.concat(parts, ignore_index=True)) if parts else pd.DataFrame()
    frame.attrs["encoding"] = encoding
    frame.attrs["delimiter"] = _delimiter(open_file, name)
    return frame
