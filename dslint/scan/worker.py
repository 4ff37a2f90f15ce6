"""What runs in a scan worker: one batch of files read and decoded into facts,
local files by path and a dataset by URL as concurrent reads from its store. The local
process pool and the Dask executor both hand batches to `scan_batch`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import xxhash

from dslint.discover.remote import is_url, read_objects
from dslint.discover.tables import TableScan, read_table
from dslint.model.facts import FileFacts
from dslint.scan.decode import array_stats, decode_into, fingerprint_images
from dslint.scan.text import MOJIBAKE, SHORT_TEXT, text_print

CATEGORIES = 50  # distinct values of a column listed for the T rules
TOP = 5  # most common values of a column kept for the reports


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
    """Read one file once: hash its bytes, then decode them into facts."""
    full = os.path.join(root, target.rel)
    facts = FileFacts(path=target.rel, kind=target.kind)
    try:
        info = os.stat(full)
        facts.size, facts.mtime_ns = info.st_size, info.st_mtime_ns
        if target.kind == "arrays":
            _scan_array_file(facts, Path(full))
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
        return
    try:
        _scan_table(facts, data, table)
    except Exception as exc:  # one bad file must never stop the scan
        facts.error = f"cannot be read as a table: {exc}"


def _scan_table(facts: FileFacts, data: bytes, table: TableScan) -> None:
    """A table's rows, per split: a hash of each row's content (its feature columns,
    text compared in Unicode NFKC, case-folded, whitespace collapsed, so that a message
    re-typed with other spacing or case is still a copy) and the value statistics of
    its numeric columns, where an empty cell is a missing value (NaN)."""
    import numpy as np
    import pandas as pd

    frame = read_table(data, facts.path)
    facts.format = Path(facts.path).suffix[1:].upper()
    groups = (
        frame.groupby(frame[table.split_column].map(table.split_of), sort=False)
        if table.split_column
        else [(None, frame)]
    )
    for split, rows in groups:
        features = rows[list(table.features)]
        numbers = features.apply(pd.to_numeric, errors="coerce")
        numeric = [c for c in features if numbers[c].notna().sum() == (features[c] != "").sum()]
        values = numbers[numeric].to_numpy(np.float64)
        stats = array_stats(values) if numeric else {"dtype": "float64"}
        stats["shape"] = [len(rows), len(features.columns)]
        words = [c for c in features.columns if c not in numeric]
        normalised = features[words].apply(
            lambda cells: cells.str.normalize("NFKC").str.casefold().str.split().str.join(" ")
        )
        if table.features:  # rows with no content to compare are no copies
            # numbers by value ("1.0" is "1"), text as normalised
            content = pd.concat([numbers[numeric], normalised], axis=1)[list(features.columns)]
            hashes = pd.util.hash_pandas_object(content, index=False).to_numpy()
            stats["row_hashes"] = hashes.tolist()
        stats["constant_rows"] = []
        labels = rows[table.label] if table.label else None
        stats["columns"] = _column_summaries(features, numbers, labels)
        prose = [c for c, s in stats["columns"].items() if s["text"] and s["mean_length"] >= 20]
        if prose and table.features:
            # the whole row's content, not its prose alone: two passengers of one name
            # with other ages and tickets are no copies
            cells = pd.concat([features[numeric], normalised], axis=1)[list(features.columns)]
            texts = cells.agg(" ".join, axis=1)
            stats["text_prints"] = [text_print(text) for text in texts]
        facts.arrays["" if split is None else str(split)] = stats


def _purity(cells, labels) -> float | None:
    """The share of rows whose label is their value's most common label: how well the
    column alone predicts the label (None for a column with a value in nearly every
    row, which predicts any label by memorising it)."""
    if cells.nunique() > len(cells) / 2:
        return None
    counts = labels.groupby(cells.to_numpy()).value_counts()
    return float(counts.groupby(level=0).max().sum() / len(cells))


def _column_summaries(features, numbers, labels=None) -> dict[str, dict]:
    """Per column: rows, empty cells, numeric and text cells, distinct values, and the
    categories themselves where there are few (for the T rules)."""
    summaries = {}
    for column in features.columns:
        cells = features[column]
        filled = cells != ""
        numeric = int(numbers[column].notna().sum())
        values = cells[filled].unique()
        distinct = len(values)
        summaries[column] = {
            "rows": len(cells),
            "missing": int((~filled).sum()),
            "numeric": numeric,
            "text": int(filled.sum()) - numeric,
            "distinct": distinct,
            "categories": sorted(values.tolist()) if distinct <= CATEGORIES else None,
            "top": [[v, int(n)] for v, n in cells[filled].value_counts().head(TOP).items()],
            "mean_length": float(cells.str.len().mean()) if len(cells) else 0.0,
            "short": int((cells.str.strip().str.len() < SHORT_TEXT).sum()),
            "mojibake": int(cells.str.contains(MOJIBAKE, regex=True).sum()),
            "predicts_label": _purity(cells, labels) if labels is not None else None,
            **_number_summary(numbers[column]),
        }
    return summaries


def _number_summary(numbers) -> dict[str, float]:
    """Range, mean, standard deviation and quartiles of a column's finite numbers (for
    N001 and N006 per column, and the reports), none for a column without numbers."""
    import numpy as np

    values = numbers.to_numpy(np.float64)
    values = values[np.isfinite(values)]
    if not values.size:
        return {}
    q1, median, q3 = np.percentile(values, (25, 50, 75))
    return {
        "min": float(values.min()),
        "max": float(values.max()),
        "mean": float(values.mean()),
        "std": float(values.std()),
        "quartiles": [float(q1), float(median), float(q3)],
    }


def _scan_array_file(facts: FileFacts, file: Path) -> None:
    """An input array file of the NumPy layout: statistics per x_<split> array,
    memory-mapped where the format allows."""
    import numpy as np

    digest = xxhash.xxh3_64()
    with open(file, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    facts.byte_hash = digest.hexdigest()
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
