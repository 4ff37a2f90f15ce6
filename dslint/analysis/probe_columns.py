"""The probe's inputs where there is no picture: tables of samples and texts.

A table's row becomes its numeric columns, standardised (missing cells filled with
the column's median), one-hot categories of its columns of few values, and hashed word 1- and
2-grams of its free-text columns; a `.txt` file becomes the hashed n-grams of its text.
The probe's logistic regression then fits these as it fits the network's features of
pictures: the question, whether the classes can be told apart at all, is the same.
Identifier and split columns never take part (discovery left them out of `features`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dslint.analysis.columns import FREE_TEXT
from dslint.analysis.sampling import stratified_subsample
from dslint.discover.tables import read_table
from dslint.model.dataset import Sample, is_class
from dslint.scan.text import read_text
from dslint.scan.worker import CATEGORIES

if TYPE_CHECKING:
    from dslint.engine.context import Context

HASHED = 1024  # dimensions of the hashed word n-grams


def column_inputs(ctx: Context, limit: int) -> tuple[str, list[Sample], np.ndarray] | None:
    """What the features are ("table columns" or "hashed word n-grams"), the labelled
    samples (a stratified subsample beyond `limit`) and one row of features each; None
    when the dataset has no tables and no texts."""
    if ctx.dataset.table_columns:
        return _tables(ctx, limit)
    texts = [
        s
        for s in ctx.dataset.samples
        if is_class(s.label) and (f := ctx.facts_of(s)) and f.kind == "text" and not f.error
    ]
    if not texts:
        return None
    texts = [texts[i] for i in stratified_subsample([s.label for s in texts], limit)]
    root = Path(ctx.dataset.root)
    documents = [read_text((root / s.path).read_bytes())[0] for s in texts]
    return "hashed word n-grams", texts, hashed_words(documents)


def hashed_words(documents: list[str]) -> np.ndarray:
    """Word 1- and 2-grams hashed into `HASHED` dimensions, each row of unit length."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vectoriser = HashingVectorizer(
        n_features=HASHED, ngram_range=(1, 2), alternate_sign=False, norm="l2"
    )
    return vectoriser.transform(documents).toarray().astype(np.float32)


def _tables(ctx: Context, limit: int) -> tuple[str, list[Sample], np.ndarray] | None:
    import pandas as pd

    root = Path(ctx.dataset.root)
    frames, samples = [], []
    for split, (file, _) in ctx.dataset.array_inputs.items():
        scan = ctx.dataset.table_columns.get(file)
        rows = ctx.dataset.samples_in(split)
        if scan is None or scan.label is None or not rows:
            continue
        facts = ctx.facts.get(file)
        if facts is None or facts.error:
            continue
        frame = read_table((root / file).read_bytes(), file)
        if scan.split_column:
            frame = frame[frame[scan.split_column].map(scan.split_of) == split]
        if len(frame) != len(rows):
            continue
        keep = [i for i, s in enumerate(rows) if is_class(s.label)]
        frames.append(frame.iloc[keep][list(scan.features)])
        samples.extend(rows[i] for i in keep)
    if not samples:
        return None
    keep = stratified_subsample([s.label for s in samples], limit)
    table = pd.concat(frames, ignore_index=True).iloc[keep].fillna("")
    return "table columns", [samples[i] for i in keep], _encode(table)


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
