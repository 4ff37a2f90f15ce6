"""What runs in a scan worker: one batch of files read and decoded into facts,
local files by path and a dataset by URL as concurrent reads from its store. The local
process pool and the Dask executor both hand batches to `scan_batch`."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import NamedTuple

import xxhash

from dslint.discover.remote import is_url, read_objects
from dslint.discover.table_reader import Opener, batches
from dslint.discover.tables import TableScan
from dslint.model.facts import FileFacts
from dslint.scan.decode import array_stats, decode_into, fingerprint_images
from dslint.scan.table_stats import FREE_TEXT, KIND_SHARE, SplitTally, numbers_of

PROSE_WORDS = 5  # mean words from which a text column is prose (a name has 3 or 4)


class ScanTarget(NamedTuple):
    """A file to scan: its path relative to the dataset root and its kind; a table
    comes with what to read of it."""

    rel: str
    kind: str
    table: TableScan | None = None


def scan_batch(root: str, batch: list[ScanTarget]) -> list[FileFacts]:
    if is_url(root):
        found = _scan_objects(root, batch)
    else:
        found = [scan_file(root, target) for target in batch]
    fingerprint_images(found)
    return found


def _scan_objects(url: str, batch: list[ScanTarget]) -> list[FileFacts]:
    """A batch of objects of a dataset by URL, read concurrently, then decoded."""
    contents = read_objects(url, [target.rel for target in batch])
    found = []
    for target in batch:
        facts = FileFacts(path=target.rel, kind=target.kind)
        data = contents.get(target.rel, FileNotFoundError("not returned by the store"))
        if isinstance(data, Exception):
            facts.error = f"cannot be read: {type(data).__name__}: {data}"
        else:
            facts.size = len(data)
            _decode(facts, data, target.table)
        found.append(facts)
    return found


def scan_file(root: str, target: ScanTarget) -> FileFacts:
    """Read one file once: hash its bytes, then decode them into facts (a table is
    streamed, in batches of rows)."""
    full = os.path.join(root, target.rel)
    facts = FileFacts(path=target.rel, kind=target.kind)
    try:
        info = os.stat(full)
        facts.size, facts.mtime_ns = info.st_size, info.st_mtime_ns
        if target.kind == "arrays":
            _scan_array_file(facts, Path(full))
            return facts
        if target.table is not None:
            facts.byte_hash = _file_hash(Path(full))
            labels = target.table.label_file
            _scan_table(
                facts,
                partial(open, full, "rb"),
                target.table,
                partial(open, os.path.join(root, labels), "rb") if labels else None,
            )
            return facts
        with open(full, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        facts.error = f"cannot be read: {exc.strerror or exc}"
        return facts
    _decode(facts, data, target.table)
    return facts


def _decode(facts: FileFacts, data: bytes, table: TableScan | None = None) -> None:
    facts.byte_hash = xxhash.xxh3_64_hexdigest(data)
    if table is None:
        decode_into(facts, data)
    else:
        _scan_table(facts, partial(io.BytesIO, data), table)


def _scan_table(
    facts: FileFacts, open_file: Opener, table: TableScan, open_labels: Opener | None = None
) -> None:
    """A table's rows, batch by batch, into statistics per split
    (dslint.scan.table_stats): a hash of each row's content, and what each column
    holds. The free-text columns are judged on the first batch. A table whose labels
    lie apart has them read from `open_labels`, row for row (none by URL: then its
    columns are not weighed against the labels)."""
    import pyarrow.compute as pc

    facts.format = Path(facts.path).suffix[1:].upper()
    apart = table.label_file is not None
    label = table.label if not apart or open_labels else None
    wanted = [*table.features, *filter(None, (table.split_column, None if apart else label))]
    splits: dict[str | None, SplitTally] = {}
    prose: list[str] | None = None
    try:
        labels = _labels_of(open_labels, table) if apart and open_labels else None
        done = 0
        for batch in batches(open_file, facts.path, table.encoding, wanted):
            if labels is not None:
                batch = _with_labels(batch, label, labels.slice(done, batch.num_rows))
                done += batch.num_rows
            if prose is None:
                prose = [name for name in table.features if _is_prose(batch.column(name))]
            for split, rows in _by_split(batch, table):
                cells = pc.fill_null(rows.column(label), "") if label else None
                tally = splits.setdefault(split, SplitTally(table.features))
                tally.add(rows, cells, prose)
    except Exception as exc:  # one bad file must never stop the scan
        facts.error = f"cannot be read as a table: {exc}"
        return
    for split, tally in splits.items():
        facts.arrays["" if split is None else split] = tally.stats()


def _with_labels(batch, name: str, labels):  # -> pyarrow.RecordBatch
    """The batch with its rows' labels as one more column."""
    import pyarrow as pa

    if len(labels) != batch.num_rows:
        raise ValueError(
            f"{len(labels)} labels for {batch.num_rows} rows: the labels' table changed"
        )
    return pa.RecordBatch.from_arrays([*batch.columns, labels], [*batch.schema.names, name])


def _labels_of(open_labels: Opener, table: TableScan):  # -> pyarrow.Array
    """The labels' table's one column, whole, as strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [
        pc.cast(batch.column(table.label), "string")
        for batch in batches(open_labels, table.label_file or "", "utf-8", [table.label])
    ]
    return pa.concat_arrays(parts) if parts else pa.array([], pa.string())


def _by_split(batch, table: TableScan) -> Iterator[tuple[str | None, object]]:
    """The batch's rows per split: by the split column's values, else all of them."""
    import pyarrow.compute as pc

    if not table.split_column:
        yield None, batch
        return
    values = pc.fill_null(batch.column(table.split_column), "")
    for value in pc.unique(values).to_pylist():
        yield table.split_of(value), batch.filter(pc.equal(values, value))


def _is_prose(cells) -> bool:
    """A column of messages or documents: words in nearly every filled cell
    (`KIND_SHARE`), averaging `FREE_TEXT` characters and `PROSE_WORDS` words. Names
    are no prose ("McCoy, Miss. Agnes": 3 words): two sisters on one ticket, whose
    rows differ by a first name, are no near-copies."""
    import pyarrow as pa
    import pyarrow.compute as pc

    filled = len(cells) - cells.null_count
    if not pa.types.is_string(cells.type) or not filled:
        return False
    _, parsed = numbers_of(cells)
    if parsed.sum() > (1 - KIND_SHARE) * filled:  # a message may be a number ("645")
        return False
    words = pc.list_value_length(pc.utf8_split_whitespace(cells))
    long_enough = (pc.mean(pc.utf8_length(cells)).as_py() or 0) >= FREE_TEXT
    return long_enough and (pc.mean(words).as_py() or 0) >= PROSE_WORDS


def _file_hash(file: Path) -> str:
    digest = xxhash.xxh3_64()
    with open(file, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _scan_array_file(facts: FileFacts, file: Path) -> None:
    """An input array file of the NumPy layout: statistics per x_<split> array,
    memory-mapped where the format allows."""
    import numpy as np

    facts.byte_hash = _file_hash(file)
    try:
        if file.suffix.lower() == ".npy":
            facts.format = "NPY"
            facts.arrays[""] = array_stats(
                np.load(file, mmap_mode="r", allow_pickle=False), per_row=True
            )
        else:
            facts.format = "NPZ"
            with np.load(file, allow_pickle=False) as archive:
                for key in archive.files:
                    if key.lower().startswith("x_"):
                        facts.arrays[key] = array_stats(archive[key], per_row=True)
    except Exception as exc:  # one bad file must never stop the scan
        reason = str(exc)
        facts.error = (
            "object array: loading it would unpickle code, which dslint refuses"
            if "allow_pickle" in reason
            else f"cannot be read: {reason}"
        )
