"""Reading manifests: CSV/TSV/Parquet tables of path, label and optional split.

The columns are the ones the user names (`--path-column` and the like), else those
whose header says so (`path`, `label`, `split`, ...), else chosen by content: the path
column is the one whose values name data files of the dataset (`names_file`, which
discovery supplies), the label column the first other one with few distinct values for
its rows (`id,breed`: `breed`). A header-less two-column file is read as `name,label`,
the way PhysioNet's REFERENCE.csv is written.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from dslint.discover.table_reader import FIRST_LINE, delimiter_of
from dslint.errors import DslintError
from dslint.model.dataset import split_of_name
from dslint.model.lfs import FETCH, MAX_POINTER, pointer_size, unfetched

PATH_COLUMNS = (
    "path",
    "filepath",
    "file_path",
    "file",
    "filename",
    "file_name",
    "fname",
    "image",
    "image_path",
    "img",
    "img_path",
    "image_id",
    "audio",
    "audio_path",
    "recording",
    "name",
    "id",
)
LABEL_COLUMNS = (
    *("label", "labels", "class", "class_name", "classname", "category", "target", "y"),
    # as widely shared datasets name it: HAM10000's and ISIC's diagnoses, FER-2013's
    # emotions, sentiment corpora's
    *("dx", "diagnosis", "emotion", "sentiment"),
    *("classid", "class_id"),  # GTSRB's traffic signs
)
SPLIT_COLUMNS = ("split", "subset", "set", "partition")


@dataclass(frozen=True)
class ManifestRow:
    line: int
    path: str
    label: str
    split: str | None


@dataclass(frozen=True)
class Manifest:
    file: Path
    description: str
    rows: list[ManifestRow]
    label_column: int | None = 1  # where the labels are, for a repaired copy's relabelling
    one_hot: tuple[str, ...] = ()  # the classes' columns, where labels are one-hot


Opener = Callable[[Path], IO[bytes]]


class NotAManifest(DslintError):
    """A table that cannot serve as a manifest, and why (`reason`, a phrase)."""

    def __init__(self, file: Path, reason: str) -> None:
        super().__init__(f"manifest {file}: {reason}")
        self.reason = reason


SAMPLED_ROWS = 200  # rows looked at to tell which column names files
ROLES = ("path", "label", "split")


@dataclass(frozen=True)
class Columns:
    """Columns named by the user; None where dslint chooses."""

    path: str | None = None
    label: str | None = None
    split: str | None = None


CHOSEN_BY_DSLINT = Columns()


def _open_local(file: Path) -> IO[bytes]:
    return open(file, "rb")


def read_manifest(
    file: Path,
    opener: Opener = _open_local,
    names_file: Callable[[str], bool] | None = None,
    columns: Columns = CHOSEN_BY_DSLINT,
) -> Manifest:
    """Read a manifest; raise `DslintError` with one line when it cannot serve as one.
    `opener` opens it for binary reading (a local file by default); `names_file` tells
    whether a cell names a data file of the dataset, for choosing columns by content."""
    table = read_rows(file, opener)
    if not table:
        raise NotAManifest(file, "it is empty")
    header = [cell.strip().lower() for cell in table[0]]
    chosen = _columns(file, table, columns, names_file)
    hot: tuple[int, ...] = ()
    if chosen is not None:
        (path_col, label_col, split_col), how = chosen
        body, first_line = table[1:], 2
        if isinstance(label_col, tuple):  # one column per class, a 1 in the sample's
            hot, label_col = label_col, None
            labels = "one-hot " + ", ".join(repr(table[0][i]) for i in hot)
        else:
            labels = repr(table[0][label_col])
        description = f"columns {table[0][path_col]!r}, {labels}" + (
            f", {table[0][split_col]!r}" if split_col is not None else ""
        )
        description += how
    elif len(header) == 2:
        path_col, label_col, split_col = 0, 1, None
        body, first_line = table, 1
        description = "header-less name,label"
    else:
        raise NotAManifest(
            file,
            f"no header naming path and label columns, and {len(header)} columns, so it "
            "cannot be read as name,label",
        )
    rows = []
    for offset, cells in enumerate(body):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            ManifestRow(
                line=first_line + offset,
                path=_cell(cells, path_col).strip(),
                label=_hot_label(cells, hot, table[0]) if hot else _cell(cells, label_col),
                split=_cell(cells, split_col).strip() if split_col is not None else None,
            )
        )
    return Manifest(
        file=file,
        description=description,
        rows=rows,
        label_column=label_col,
        one_hot=tuple(table[0][i].strip() for i in hot),
    )


HOT = {"1", "1.0", "true"}  # a one-hot cell that marks the class
COLD = {"0", "0.0", "false"}


def _hot_label(cells: list[str], hot: tuple[int, ...], header: list[str]) -> str:
    """The name of the one column marked in the row; empty (no valid label, L005's)
    where none or several are."""
    marked = [header[i].strip() for i in hot if _cell(cells, i).strip().lower() in HOT]
    return marked[0] if len(marked) == 1 else ""


def _one_hot(table: list[list[str]], taken: set[int]) -> tuple[int, ...] | None:
    """The columns of a one-hot label (Kaggle's plant pathology: healthy,
    multiple_diseases, rust, scab): two or more columns of 0 and 1 with exactly one 1 in
    every sampled row."""
    columns = [i for i in range(len(table[0])) if i not in taken]
    hot = tuple(
        i
        for i in columns
        if all(_cell(row, i).strip().lower() in HOT | COLD for row in table[1 : 1 + SAMPLED_ROWS])
    )
    if len(hot) < 2 or len(table) < 2:
        return None
    rows = table[1 : 1 + SAMPLED_ROWS]
    marked = [sum(_cell(row, i).strip().lower() in HOT for i in hot) for row in rows]
    return hot if all(count == 1 for count in marked) else None


def cells(file: Path, opener: Opener = _open_local) -> list[str]:
    """Every cell of a manifest, for finding which folders its paths reach."""
    return [cell.strip() for row in read_rows(file, opener) for cell in row]


def read_rows(file: Path, opener: Opener = _open_local) -> list[list[str]]:
    """A manifest's cells as rows of text (CSV, TSV or Parquet), header first."""
    if file.suffix.lower() == ".parquet":
        return _read_parquet(file, opener)
    try:
        with opener(file) as raw:
            delimiter = delimiter_of(file.suffix, raw.readline(FIRST_LINE)) or ","
        with io.TextIOWrapper(opener(file), encoding="utf-8-sig", newline="") as handle:
            rows = [row for row in csv.reader(handle, delimiter=delimiter)]
        _refuse_a_pointer(file, "\n".join(delimiter.join(row) for row in rows[:4]).encode())
        return rows
    except UnicodeDecodeError as exc:
        raise NotAManifest(
            file, f"it is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except (OSError, csv.Error) as exc:
        raise NotAManifest(file, f"it cannot be read: {exc}") from None


def _read_parquet(file: Path, opener: Opener) -> list[list[str]]:
    import pandas as pd

    try:
        with opener(file) as handle:
            frame = pd.read_parquet(handle)
    except Exception as exc:
        with contextlib.suppress(OSError), opener(file) as handle:
            _refuse_a_pointer(file, handle.read(MAX_POINTER + 1))
        raise NotAManifest(file, f"it cannot be read as Parquet: {exc}") from None
    cells = frame.astype(str).where(frame.notna(), "").values.tolist()
    return [list(map(str, frame.columns)), *cells]


def _refuse_a_pointer(file: Path, head: bytes) -> None:
    """Raise `NotAManifest` when the file is a Git LFS pointer, not the table."""
    if (size := pointer_size(head)) is not None:
        raise NotAManifest(file, f"it is {unfetched(size)} ({FETCH})")


def _columns(
    file: Path,
    table: list[list[str]],
    columns: Columns,
    names_file: Callable[[str], bool] | None,
) -> tuple[tuple[int, int | tuple[int, ...], int | None], str] | None:
    """(path, label, split) column indexes and how they were chosen, or None for a
    header-less two-column file; the label's are several for a one-hot label."""
    header = [cell.strip().lower() for cell in table[0]]
    asked = {role: getattr(columns, role) for role in ROLES}
    found = {role: _asked(file, table[0], role, name) for role, name in asked.items() if name}
    for role, names in zip(ROLES, (PATH_COLUMNS, LABEL_COLUMNS, SPLIT_COLUMNS), strict=True):
        if role not in found and _find(header, names) is not None:
            found[role] = _find(header, names)
    if names_file is not None and not found and any(names_file(c.strip()) for c in table[0]):
        return None  # the first row names a file: no header
    by_content = []
    if "path" not in found and names_file is not None and len(table) > 1:
        found["path"] = _path_by_content(table, names_file, set(found.values()))
        by_content.append("path")
    if "split" not in found and found.get("path") is not None:
        split = _split_by_content(table, set(found.values()))
        if split is not None:  # before the label: a split column has few values too
            found["split"] = split
            by_content.append("split")
    if "label" not in found and found.get("path") is not None:
        found["label"] = _one_hot(table, set(found.values())) or _label_by_content(
            table, set(found.values())
        )
        by_content.append("label")
    if found.get("path") is None and found.get("label") is None:
        if len(header) == 2 and not any(asked.values()):
            return None
        raise NotAManifest(
            file,
            f"no column names files of the dataset (its first row: "
            f"{', '.join(repr(cell) for cell in table[0][:8])}"
            f"{f' and {len(table[0]) - 8:,} more' if len(table[0]) > 8 else ''})",
        )
    others = [i for i in range(len(header)) if i not in found.values()]
    if found.get("label") is None and len(others) >= 3 and all(_numeric(table, i) for i in others):
        raise NotAManifest(
            file,
            "one numeric column per class and no label column: a submission or "
            "prediction template, not labels",
        )
    for role in ("path", "label"):
        if found.get(role) is None:
            raise NotAManifest(
                file,
                f"no {role} column among {', '.join(table[0])} (name it with --{role}-column)",
            )
    how = f" ({' and '.join(by_content)} chosen by content)" if by_content else ""
    return (found["path"], found["label"], found.get("split")), how


def _numeric(table: list[list[str]], column: int) -> bool:
    try:
        for row in table[1 : 1 + SAMPLED_ROWS]:
            float(_cell(row, column) or "nan")
    except ValueError:
        return False
    return True


def _asked(file: Path, header: list[str], role: str, name: str) -> int:
    cells = [cell.strip() for cell in header]
    if name not in cells:
        raise NotAManifest(
            file, f"no column {name!r} for --{role}-column (columns: {', '.join(cells)})"
        )
    return cells.index(name)


def _path_by_content(
    table: list[list[str]], names_file: Callable[[str], bool], taken: set[int]
) -> int | None:
    """The column whose values most often name data files, if at least half do."""
    rows = table[1 : 1 + SAMPLED_ROWS]
    best, share = None, 0.5
    for column in range(len(table[0])):
        if column in taken:
            continue
        values = [_cell(row, column).strip() for row in rows]
        values = [v for v in values if v]
        hits = sum(names_file(v) for v in values) / len(values) if values else 0
        if hits >= share:
            best, share = column, hits
    return best


def _split_by_content(table: list[list[str]], taken: set[int]) -> int | None:
    """The first column whose every value names a split (`train`, `valid`, `TEST`), as
    a `fold` column of train/valid does; numbered folds (0–4) are not splits."""
    rows = table[1 : 1 + SAMPLED_ROWS]
    for column in range(len(table[0])):
        values = {_cell(row, column).strip() for row in rows} - {""}
        if column not in taken and values and all(split_of_name(v) for v in values):
            return column
    return None


def _label_by_content(table: list[list[str]], taken: set[int]) -> int | None:
    """The first column with at least two and at most half as many distinct values as
    rows (a class per row is an id, not a label)."""
    body = table[1:]
    limit = max(2, len(body) // 2)
    for column in range(len(table[0])):
        if column in taken:
            continue
        distinct = {_cell(row, column).strip() for row in body} - {""}
        if 2 <= len(distinct) <= limit:
            return column
    return None


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""
