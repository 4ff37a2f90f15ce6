"""Reading manifests: CSV/TSV/Parquet tables of path, label and optional split.

A header row is recognised by its column names; a header-less two-column file is read
as `name,label`, the way PhysioNet's REFERENCE.csv is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from dslint.errors import DslintError

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
LABEL_COLUMNS = ("label", "labels", "class", "class_name", "classname", "category", "target", "y")
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


Opener = Callable[[Path], IO[bytes]]


def _open_local(file: Path) -> IO[bytes]:
    return open(file, "rb")


def read_manifest(file: Path, opener: Opener = _open_local) -> Manifest:
    """Read a manifest; raise `DslintError` with one line when it cannot serve as one.
    `opener` opens it for binary reading (a local file by default)."""
    table = _read_table(file, opener)
    if not table:
        raise DslintError(f"manifest {file} is empty")
    header = [cell.strip().lower() for cell in table[0]]
    path_col, label_col, split_col = (
        _find(header, names) for names in (PATH_COLUMNS, LABEL_COLUMNS, SPLIT_COLUMNS)
    )
    if path_col is not None or label_col is not None:
        missing = [what for what, col in (("path", path_col), ("label", label_col)) if col is None]
        if missing:
            names = ", ".join(PATH_COLUMNS if missing[0] == "path" else LABEL_COLUMNS)
            raise DslintError(
                f"manifest {file} has no {missing[0]} column (expected one of: {names}; "
                f"found: {', '.join(table[0])})"
            )
        body, first_line = table[1:], 2
        description = f"columns {table[0][path_col]!r}, {table[0][label_col]!r}" + (
            f", {table[0][split_col]!r}" if split_col is not None else ""
        )
    elif len(header) == 2:
        path_col, label_col, split_col = 0, 1, None
        body, first_line = table, 1
        description = "header-less name,label"
    else:
        raise DslintError(
            f"manifest {file} has no header naming path and label columns and "
            f"{len(header)} columns, so it cannot be read as name,label"
        )
    rows = []
    for offset, cells in enumerate(body):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            ManifestRow(
                line=first_line + offset,
                path=_cell(cells, path_col).strip(),
                label=_cell(cells, label_col),
                split=_cell(cells, split_col).strip() if split_col is not None else None,
            )
        )
    return Manifest(file=file, description=description, rows=rows)


def _read_table(file: Path, opener: Opener) -> list[list[str]]:
    if file.suffix.lower() == ".parquet":
        return _read_parquet(file, opener)
    delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
    try:
        with io.TextIOWrapper(opener(file), encoding="utf-8-sig", newline="") as handle:
            return [row for row in csv.reader(handle, delimiter=delimiter)]
    except UnicodeDecodeError as exc:
        raise DslintError(
            f"manifest {file} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except (OSError, csv.Error) as exc:
        raise DslintError(f"manifest {file} cannot be read: {exc}") from None


def _read_parquet(file: Path, opener: Opener) -> list[list[str]]:
    import pandas as pd

    try:
        with opener(file) as handle:
            frame = pd.read_parquet(handle)
    except ImportError:
        raise DslintError(f"reading {file} needs a Parquet engine: pip install pyarrow") from None
    except Exception as exc:
        raise DslintError(f"manifest {file} cannot be read as Parquet: {exc}") from None
    cells = frame.astype(str).where(frame.notna(), "").values.tolist()
    return [list(map(str, frame.columns)), *cells]


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""
