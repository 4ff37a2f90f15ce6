"""The probe's inputs where there is no picture: tables of samples and texts.

A table's row becomes its numeric columns, standardised (missing cells filled with
the column's median), one-hot categories of its columns of few values, and hashed word 1- and
2-grams of its free-text columns; a `.txt` file becomes the hashed n-grams of its text.
The probe's logistic regression then fits these as it fits the network's features of
pictures: the question, whether the classes can be told apart at all, is the same.
Identifier and split columns never take part (discovery left them out of `features`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from dslint.analysis.sampling import stratified_subsample
from dslint.discover.remote import is_url
from dslint.discover.table_reader import as_strings, batches
from dslint.model.dataset import Sample, is_class
from dslint.scan.table_stats import CATEGORIES, FREE_TEXT
from dslint.scan.text import read_text

if TYPE_CHECKING:
    from dslint.engine.context import Context

HASHED = 1024  # dimensions of the hashed word n-grams


@dataclass(frozen=True)
class ColumnInputs:
    """The probe's inputs for tables or texts: what the features are ("table columns"
    or "hashed word n-grams"), the labelled samples (a stratified subsample), a digest
    of everything the features would be built from, and how to build them (None when
    a file changed since the scan). The features are built only when no fit of the
    same digest is cached: building them reads the rows or texts again."""

    what: str
    samples: list[Sample]
    identity: bytes
    build: Callable[[], np.ndarray | None]
    labelled: int  # the labelled samples the subsample was drawn from


def column_inputs(ctx: Context, limit: int) -> ColumnInputs | None:
    """The probe's inputs when the dataset is tables or texts; None otherwise (and for
    a dataset by URL: rows and texts are read again from local files only)."""
    if is_url(ctx.dataset.root):
        return None
    if ctx.dataset.table_columns:
        return _tables(ctx, limit)
    found = [
        (s, f) for s, f in ctx.files() if is_class(s.label) and f.kind == "text" and not f.error
    ]
    if not found:
        return None
    labelled = len(found)
    found = [found[i] for i in stratified_subsample([s.label for s, _ in found], limit)]
    texts = [s for s, _ in found]
    root = Path(ctx.dataset.root)
    identity = xxhash.xxh3_128(b"texts")
    for sample, facts in found:
        identity.update(f"{sample.path}\0{facts.content_hash}\0".encode())

    def build() -> np.ndarray:
        return hashed_words([read_text((root / s.path).read_bytes())[0] for s in texts])

    return ColumnInputs("hashed word n-grams", texts, identity.digest(), build, labelled)


def hashed_words(documents: list[str]) -> np.ndarray:
    """Word 1- and 2-grams hashed into `HASHED` dimensions, each row of unit length."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vectoriser = HashingVectorizer(
        n_features=HASHED, ngram_range=(1, 2), alternate_sign=False, norm="l2"
    )
    return vectoriser.transform(documents).toarray().astype(np.float32)


def _tables(ctx: Context, limit: int) -> ColumnInputs | None:
    """The labelled rows of the tables (a stratified subsample beyond `limit`), to be
    read batch by batch, only the chosen rows kept."""
    wanted: list[tuple[str, str, list[int]]] = []  # (file, split, the split's rows kept)
    samples: list[Sample] = []
    for split, (file, _) in ctx.dataset.array_inputs.items():
        scan = ctx.dataset.table_columns.get(file)
        rows = ctx.dataset.samples_in(split)
        facts = ctx.facts.get(file)
        if scan is None or scan.label is None or not rows or facts is None or facts.error:
            continue
        keep = [i for i, s in enumerate(rows) if is_class(s.label)]
        wanted.append((file, split, keep))
        samples.extend(rows[i] for i in keep)
    if not samples:
        return None
    chosen = set(stratified_subsample([s.label for s in samples], limit))
    picked, kept, start = [], [], 0
    identity = xxhash.xxh3_128(b"tables")
    for file, split, keep in wanted:
        rows = [i for n, i in enumerate(keep) if start + n in chosen]
        kept.extend(samples[start + n] for n, i in enumerate(keep) if start + n in chosen)
        start += len(keep)
        picked.append((file, split, rows))
        scan = ctx.dataset.table_columns[file]
        identity.update(f"{file}\0{ctx.facts[file].byte_hash}\0{split}\0{scan}".encode())
        identity.update(np.array(rows, dtype=np.int64).tobytes())

    def build() -> np.ndarray | None:
        import pandas as pd

        frames = [_rows(ctx, file, split, rows) for file, split, rows in picked]
        table = pd.concat(frames, ignore_index=True).fillna("")
        return _encode(table) if len(table) == len(kept) else None  # None: a file changed

    return ColumnInputs("table columns", kept, identity.digest(), build, len(samples))


def _rows(ctx: Context, file: str, split: str, picked: list[int]):  # -> pandas.DataFrame
    """Rows of one split of a table, by their index within the split, as strings."""
    import pandas as pd
    import pyarrow.compute as pc

    scan = ctx.dataset.table_columns[file]
    columns = [*scan.features, *([scan.split_column] if scan.split_column else [])]
    root = Path(ctx.dataset.root)
    parts, seen, wanted = [], 0, np.array(picked, dtype=np.int64)
    for batch in batches(partial(open, root / file, "rb"), file, scan.encoding, columns):
        if scan.split_column:
            values = pc.fill_null(batch.column(scan.split_column), "")
            mine = np.array([scan.split_of(v) == split for v in values.to_pylist()])
            batch = batch.filter(mine)
        inside = wanted[(wanted >= seen) & (wanted < seen + batch.num_rows)] - seen
        if len(inside):
            parts.append(as_strings(batch.take(inside).select(list(scan.features)).to_pandas()))
        seen += batch.num_rows
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=scan.features)


def _encode(table) -> np.ndarray:
    """Numbers standardised (empty cells as the column's median), categories one-hot,
    free text as hashed word n-grams; other text columns (names, codes) left out."""
    import pandas as pd

    parts = []
    for column in table.columns:
        cells = table[column].astype(str)
        filled = cells[cells != ""]
        numbers = pd.to_numeric(cells, errors="coerce")
        if len(filled) and numbers.notna().sum() == len(filled):
            values = numbers.fillna(numbers.median()).to_numpy(np.float64)
            spread = values.std() or 1.0
            parts.append(((values - values.mean()) / spread).astype(np.float32)[:, None])
        elif len(filled) and filled.str.len().mean() >= FREE_TEXT:
            parts.append(hashed_words(cells.tolist()))
        elif filled.nunique() <= min(CATEGORIES, len(filled) / 2):  # values that repeat
            parts.append(pd.get_dummies(cells).to_numpy(np.float32))
    if not parts:
        return np.zeros((len(table), 1), np.float32)
    return np.hstack(parts)
