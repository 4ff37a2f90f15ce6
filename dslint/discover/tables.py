"""Tables of samples: CSV, TSV or Parquet files whose rows are samples, with feature
columns and a label column, told apart from manifests by naming no file.

A table's split comes from its file name (`train.csv`, `test.csv`) or from a split
column. The label column is the one `--label-column` names, else the first whose
header is a label's (`label`, `target`, `class`, …), else, by content, the column with
between 2 and 50 distinct values that the other tables lack (a competition's test.csv
lacks exactly the label), else the last such column that is no identifier; the layout
line says which and how. Identifier columns (an `id` header, or a different value in every row)
are left out of the rows' content. A table without the label column (a competition's
`test.csv`) is unlabelled: its rows still take part in the leakage checks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from dslint.discover.labels import parse_label
from dslint.discover.manifest import LABEL_COLUMNS, SPLIT_COLUMNS
from dslint.discover.table_reader import Opener, batches, encoding_of, head, headerless
from dslint.errors import DslintError
from dslint.model.dataset import Dataset, Label, Sample, split_of_name
from dslint.model.formats import kind_of

ID_COLUMNS = ("id", "index", "uid", "uuid", "row_id", "sample_id", "unnamed: 0")
LABELS_APART = ("_labels", "_label", "_y", "_targets", "_target")  # train_labels.csv
MAX_CLASSES = 50  # distinct values of a label chosen by content
SAMPLED_ROWS = 200  # rows looked at to tell a manifest's path column


@dataclass(frozen=True)
class TableScan:
    """What the scan reads of a table: the columns that make a row's content, and how
    rows fall into splits (a split column, else the file's own split)."""

    features: tuple[str, ...]
    split_column: str | None
    file_split: str
    identifiers: tuple[str, ...] = ()
    label: str | None = None  # the label column, where the table has it
    encoding: str = "utf-8"  # or "latin-1", for a file that is not valid UTF-8
    # a table whose labels lie apart: the labels' table (whose one column is `label`),
    # and its size and modification time, so that a changed label rescans the table
    label_file: str | None = None
    label_stamp: tuple[int, int] | None = None

    def split_of(self, value: str) -> str:
        return split_of_name(value) or value or self.file_split


@dataclass(frozen=True)
class TableColumns:
    label: str
    how: str  # "by header", "by content" or "as asked"
    identifiers: tuple[str, ...]
    split: str | None


def discover_tables(
    root: Path, sources: dict[str, Opener], label: str | None = None, split: str | None = None
) -> Dataset | None:
    """The dataset of these tables (their names in `root`, each with how to open it),
    or None when a column of theirs names data files: then they are manifests. The
    columns are chosen on each table's first rows; the label and split columns are
    then read whole, and nothing else."""
    encodings = {name: encoding_of(source, name) for name, source in sorted(sources.items())}
    heads = {name: head(sources[name], name, encoding) for name, encoding in encodings.items()}
    if any(_names_files(frame) for frame in heads.values()):
        return None
    pairs = _labels_apart(sources, encodings, heads, split) if label is None else {}
    if pairs:
        return _tables_with_labels_apart(root, encodings, heads, pairs, split)
    columns = choose_columns(heads, label, split)
    described = f"label column {columns.label!r} {columns.how}"
    if columns.split:
        described += f", split column {columns.split!r}"
    if columns.identifiers:
        described += f"; identifiers left out: {', '.join(repr(c) for c in columns.identifiers)}"
    numbered = [name for name in heads if headerless(sources[name], name, encodings[name])]
    if numbered:
        described += f"; no header row, columns numbered: {', '.join(numbered)}"
    latin = [name for name, encoding in encodings.items() if encoding == "latin-1"]
    if latin:
        described += f"; not UTF-8, read as Latin-1: {', '.join(latin)}"
    dataset = Dataset(root=str(root), layout="", label_source="table")
    for name, first in heads.items():
        if (taken := _split_taken(dataset, name, first, columns)) is not None:
            dataset.unused_files.append((name, taken))
            continue
        dataset.label_files.append(name)
        wanted = [c for c in (columns.label, columns.split) if c and c in first.columns]
        malformed: list[str] = []
        cells = _whole_columns(sources[name], name, encodings[name], wanted, malformed)
        _add_rows(dataset, name, list(first.columns), cells, columns, encodings[name])
        if malformed:
            dataset.malformed_rows.append((name, malformed))
    dataset.layout = f"table {', '.join(dataset.label_files)} ({described})"
    if dataset.unused_files:
        dataset.layout += (
            f"; other tables left out: {', '.join(n for n, _ in dataset.unused_files)}"
        )
    return dataset


def _split_taken(dataset: Dataset, name: str, first, columns: TableColumns) -> str | None:
    """Why a table is left out, if its rows would make a split that an earlier table
    (by name) made: one table per split is read, as one input array per split is
    (`IMDB Dataset.csv` beside `processed_data.csv`, the same reviews processed)."""
    if columns.split and columns.split in first.columns:
        return None
    key = _input_key(_split_of_table(name), labelled=columns.label in first.columns)
    if key not in dataset.array_inputs:
        return None
    return (
        f"it would be a second table of {key}, which {dataset.array_inputs[key][0]} "
        "is; name the split in each file's name or in a split column"
    )


def _input_key(split: str, labelled: bool) -> str:
    """A table's split as `array_inputs` and its samples name it: `unlabelled test` for
    a test table without the label column."""
    return split if labelled else f"unlabelled {split}"


def _split_of_table(name: str) -> str:
    """The split a table's name gives: the whole stem (`train`, `Validation`), else the
    one word of it that names a split (`full_test_labels`, `small_train_labels`, as a
    public histopathology repository names them), else train."""
    stem = Path(name).stem
    named = {split_of_name(word) for word in re.split(r"[\W_]+", stem)} - {None}
    return split_of_name(stem) or (named.pop() if len(named) == 1 else "train")


def _labels_apart(
    sources: dict[str, Opener], encodings: dict[str, str], heads: dict, split: str | None
) -> dict[str, tuple[str, dict]]:
    """Tables whose labels lie in a table of their own, as scikit-learn users save them:
    `train.csv` beside `train_labels.csv` (or `_label`, `_y`, `_target`), `X_train.csv`
    beside `y_train.csv`; the labels' table has one column and as many rows. By table,
    its labels' table and the cells `_add_rows` reads (its split column, if `split`
    names one of it, and its labels), each file read once."""
    by_stem = {Path(name).stem.lower(): name for name in heads}
    found = {}
    for name, frame in heads.items():
        if len(frame.columns) != 1:
            continue
        stem = Path(name).stem.lower()
        bases = [stem[: -len(end)] for end in LABELS_APART if stem.endswith(end)]
        if stem.startswith("y_"):
            bases.append(f"x_{stem[2:]}")
        features = next((by_stem[b] for b in bases if b in by_stem and by_stem[b] != name), None)
        if features is None or len(heads[features].columns) < 2:
            continue
        label = str(frame.columns[0])
        labels = _whole_columns(sources[name], name, encodings[name], [label])
        wanted = [split] if split in heads[features].columns else []
        cells = _whole_columns(sources[features], features, encodings[features], wanted)
        if cells[None] == labels[None]:
            found[features] = (name, {**cells, label: labels[label]})
    return found


def _tables_with_labels_apart(
    root: Path,
    encodings: dict[str, str],
    heads: dict,
    pairs: dict[str, tuple[str, dict]],
    split: str | None,
) -> Dataset:
    """The tables that have their labels apart, each row labelled by the same row of
    its labels' table; the folder's other tables are left out, and said so."""
    apart = {features: labels for features, (labels, _) in pairs.items()}
    left_out = [n for n in heads if n not in apart and n not in apart.values()]
    described = ", ".join(f"{features} + {labels}" for features, labels in apart.items())
    layout = f"tables with their labels apart: {described}"
    if left_out:
        layout += f"; other tables left out: {', '.join(left_out)}"
    dataset = Dataset(root=str(root), layout=layout, label_source="table")
    dataset.label_files = [n for pair in apart.items() for n in pair]
    for features, (labels, cells) in pairs.items():
        first = heads[features]
        label = str(heads[labels].columns[0])
        columns = TableColumns(
            label,
            f"from {labels}",
            tuple(c for c in first.columns if _is_identifier(first, c)),
            split if split in first.columns else None,
        )
        _add_rows(dataset, features, list(first.columns), cells, columns, encodings[features])
        dataset.table_columns[features] = replace(
            dataset.table_columns[features],
            label=label,
            label_file=labels,
            label_stamp=file_stamp(root / labels),
        )
        dataset.table_labels[features] = labels
    return dataset


def file_stamp(file: Path) -> tuple[int, int] | None:
    """A local file's size and modification time; None by URL or when it is gone."""
    try:
        info = os.stat(file)
    except (OSError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns


def _whole_columns(
    open_file: Opener,
    name: str,
    encoding: str,
    wanted: list[str],
    malformed: list[str] | None = None,
) -> dict:
    """These columns of every row, as strings ("" where empty); with none wanted, the
    row count under the key None. Rows that do not parse go to `malformed`."""
    import pyarrow.compute as pc

    found: dict = {column: [] for column in wanted}
    rows = 0
    for batch in batches(open_file, name, encoding, wanted or None, malformed):
        rows += batch.num_rows
        for column in wanted:
            found[column].extend(
                pc.fill_null(pc.cast(batch.column(column), "string"), "").to_pylist()
            )
    found[None] = rows
    return found


def choose_columns(frames: dict, label: str | None, split: str | None) -> TableColumns:
    labelled = [f for f in frames.values() if label is None or label in f.columns]
    first = max(labelled or frames.values(), key=len)
    identifiers = tuple(c for c in first.columns if _is_identifier(first, c))
    if label is not None and not labelled:
        raise DslintError(f"--label-column {label!r}: no table has that column")
    lowered = {c.strip().lower(): c for c in first.columns}
    named = label or next((lowered[n] for n in LABEL_COLUMNS if n in lowered), None)
    # before the label by content: a split column has few values too
    split_column = split or next(
        (
            c
            for c in first.columns
            if c != named
            and (c.strip().lower() in SPLIT_COLUMNS or _names_splits(first[c].unique()))
        ),
        None,
    )
    taken = (*identifiers, *([split_column] if split_column else []))
    if label is not None:
        chosen, how = label, "as asked"
    elif named:
        chosen, how = named, "by header"
    else:
        # a competition's test table lacks exactly the label: the column others lack
        missing_elsewhere = [
            c for c in first.columns if any(c not in f.columns for f in frames.values())
        ]
        only_labelled = _label_by_content(first[missing_elsewhere], taken)
        if only_labelled:
            others = ", ".join(n for n, f in frames.items() if only_labelled not in f.columns)
            chosen, how = only_labelled, f"by content (the column {others} lacks)"
        else:
            chosen, how = _label_by_content(first, taken), "by content"
    if chosen is None:
        raise DslintError(
            f"no label column found in {', '.join(frames)}: name it with --label-column"
        )
    return TableColumns(chosen, how, tuple(c for c in identifiers if c != chosen), split_column)


def _names_splits(values) -> bool:
    """Whether every value of a column names a split (`train`, `valid`), as a `fold`
    column of train/valid does; numbered folds are not splits, and an empty column is
    none."""
    named = [v for v in values if v]
    return bool(named) and all(split_of_name(v) for v in named)


def _names_files(frame) -> bool:
    """Whether some column's cells are mostly data file names (a manifest's paths)."""
    head = frame.head(SAMPLED_ROWS)
    return any(
        sum(kind_of(cell) is not None for cell in head[column]) * 2 > len(head)
        for column in head.columns
    )


def _is_identifier(frame, column: str) -> bool:
    """An `id` header (`PassengerId`, `customer_id`), or a different value in every row
    that is a row number (consecutive integers) or a code (`a3f9`, `TX-1002`); measured
    quantities that happen to differ in every row are no identifiers."""
    name = column.strip().lower()
    if name in ID_COLUMNS or name.endswith("_id") or re.search(r"[a-z](Id|ID)$", column.strip()):
        return True
    import pandas as pd

    values = frame[column]
    if len(frame) < 20 or not values.is_unique:
        return False
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        whole = (numbers == numbers.round()).all()
        return bool(whole and numbers.max() - numbers.min() + 1 == len(values))
    return bool(values.str.fullmatch(r"[A-Za-z0-9][\w-]*").all() and numbers.isna().all())


def _label_by_content(frame, identifiers: tuple[str, ...]) -> str | None:
    """The last column with a few values, filled in most rows (a label is; the stray
    fragments in a spam.csv's fifth column, 99.9 % empty, are not one)."""
    for column in reversed(list(frame.columns)):
        if column in identifiers or (frame[column] == "").mean() > 0.5:
            continue
        distinct = frame[column].nunique()
        if 2 <= distinct <= min(MAX_CLASSES, max(2, len(frame) // 2)):
            return column
    return None


def _add_rows(
    dataset: Dataset,
    name: str,
    header: list[str],
    cells: dict,
    columns: TableColumns,
    encoding: str,
) -> None:
    """The table's rows as samples in order; a split column makes each of its splits a
    keyed input of the file (as an .npz archive's keys are), else the file is one."""
    file_split = _split_of_table(name)
    by_column = columns.split is not None and columns.split in cells
    rows = cells[None]
    splits = (
        [split_of_name(v) or v or file_split for v in cells[columns.split]]
        if by_column
        else [file_split] * rows
    )
    labelled = columns.label in cells
    for split in dict.fromkeys(splits):
        dataset.array_inputs[_input_key(split, labelled)] = (name, split if by_column else None)
    left_out = {columns.label, columns.split, *columns.identifiers}  # not a row's content
    dataset.table_columns[name] = TableScan(
        tuple(c for c in header if c not in left_out),
        columns.split if by_column else None,
        file_split,
        tuple(c for c in columns.identifiers if c in header),
        columns.label if columns.label in header else None,  # else apart, in a table of its own
        encoding,
    )
    if not labelled:
        dataset.unlabelled.extend(
            Sample(source=f"{name}:{row + 2}", label=None, split=_input_key(split, labelled))
            for row, split in enumerate(splits)
        )
        return
    parsed: dict[str, Label] = {}
    for row, (value, split) in enumerate(zip(cells[columns.label], splits, strict=True)):
        if value not in parsed:
            parsed[value] = parse_label(value)
        dataset.samples.append(Sample(source=f"{name}:{row + 2}", label=parsed[value], split=split))
