"""Writing a dataset's copy: every file linked (or copied where the file system cannot
link) into a new folder in the same layout, less what is dropped; manifests and label
arrays rewritten where rows are dropped or labels mapped; images converted only when
asked. The original is only ever read."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import numpy as np

from dslint.discover.layouts import CACHE_DIR_NAME
from dslint.discover.manifest import read_rows
from dslint.discover.remote import is_url, read_objects
from dslint.discover.table_reader import read_frame
from dslint.errors import DslintError
from dslint.model.dataset import Dataset
from dslint.model.formats import kind_of

ROW = re.compile(r"^(?P<file>.*)\[(?P<index>\d+)\]$")  # "x_train.npy[12]"


def check_destination(source: str | Path, out: Path) -> None:
    if not is_url(str(source)):
        root, target = Path(source).resolve(), out.resolve()
        if target == root or root in target.parents or target in root.parents:
            raise DslintError(f"--out {out} must lie outside {source}, and not contain it")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DslintError(f"--out {out} exists and is not an empty folder")


def refuse_labels_apart(dataset: Dataset, command: str) -> None:
    """A one-line error for labels a repair cannot rewrite yet: tables whose labels lie
    in tables of their own (dropping or moving rows would need both rewritten in step:
    one rewritten and not the other would pair rows wrongly), and one-hot labels."""
    if dataset.table_labels:
        pairs = ", ".join(f"{f} + {labels}" for f, labels in dataset.table_labels.items())
        raise DslintError(
            f"dslint {command} does not rewrite tables whose labels lie apart ({pairs}) yet: "
            "join each table with its labels into one table first"
        )
    if dataset.one_hot_labels:
        manifests = ", ".join(dataset.one_hot_labels)
        raise DslintError(
            f"dslint {command} does not rewrite one-hot labels ({manifests}) yet: write each "
            "row's class in one label column first"
        )


def link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)


class DatasetFiles:
    """The dataset's files, read from its folder or, for a dataset by URL, from its
    store (each object read once, written locally)."""

    def __init__(self, dataset: Dataset) -> None:
        self.root = dataset.root
        self.remote = is_url(dataset.root)
        self.versions = dataset.file_versions or {}

    def names(self, dropped_folders: set[str] = frozenset()) -> list[str]:
        """Every file's path relative to the root, but those in the cache folder and
        in dropped folders."""
        if self.remote:
            return sorted(
                name
                for name in self.versions
                if not any(name.startswith(f"{d}/") for d in dropped_folders)
            )
        found = []
        for folder, dirs, files in os.walk(self.root):
            rel_folder = Path(folder).relative_to(self.root).as_posix()
            dirs[:] = sorted(
                d
                for d in dirs
                if d != CACHE_DIR_NAME and _join(rel_folder, d) not in dropped_folders
            )
            found.extend(_join(rel_folder, name) for name in sorted(files))
        return found

    def read(self, rel: str) -> bytes:
        if not self.remote:
            return (Path(self.root) / rel).read_bytes()
        data = read_objects(self.root, [rel])[rel]
        if isinstance(data, Exception):
            raise DslintError(f"{self.root}/{rel} cannot be read: {data}")
        return data

    def rows(self, rel: str) -> list[list[str]]:
        """A manifest's rows, read as discovery read them (so its line numbers hold)."""
        return read_rows(Path(rel), lambda _: io.BytesIO(self.read(rel)))

    def copy(self, rel: str, target: Path) -> None:
        if self.remote:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.read(rel))
        else:
            link_or_copy(Path(self.root) / rel, target)


def write_copy(
    dataset: Dataset,
    out: Path,
    dropped_files: set[str],
    dropped_folders: set[str],
    dropped_rows: set[str],
    mapping: dict[str, int],
    mode: str | None = None,
    size: int | None = None,
) -> None:
    """The dataset's files under `out`, less the dropped; `dropped_rows` names manifest
    rows ("labels.csv:14") and array rows ("x_train.npy[3]"); `mapping` relabels the
    manifest's label column and the y arrays."""
    files = DatasetFiles(dataset)
    rewritten = set(dataset.label_columns) | _array_files(dataset) | set(dataset.table_columns)
    rows_of_files = {
        f"{manifest}:{line}"
        for path, (manifest, line) in dataset.manifest_rows.items()
        if path in dropped_files
    }
    for rel in files.names(dropped_folders):
        if rel in dropped_files or rel in rewritten:
            continue
        if (mode or size) and kind_of(rel) == "image":
            _convert(files.read(rel), out / rel, mode, size)
        else:
            files.copy(rel, out / rel)
    for manifest, label_column in dataset.label_columns.items():
        _rewrite_manifest(files, out, manifest, label_column, dropped_rows | rows_of_files, mapping)
    if dataset.label_source == "array":
        _rewrite_arrays(dataset, files, out, dropped_rows, mapping)
    for table, scan in dataset.table_columns.items():
        _rewrite_table(files, out, table, scan.label, dropped_rows, mapping)


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def _convert(data: bytes, target: Path, mode: str | None, size: int | None) -> None:
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(io.BytesIO(data)) as image:
        picture = image.convert(mode) if mode else image.copy()
        if size:
            picture = picture.resize((size, size), Image.Resampling.LANCZOS)
        picture.save(target, format=image.format)


def _rewrite_manifest(
    files: DatasetFiles,
    out: Path,
    manifest: str,
    label_column: int,
    dropped: set[str],
    mapping: dict,
) -> None:
    suffix = Path(manifest).suffix.lower()
    if suffix == ".parquet":
        if dropped or mapping:
            raise DslintError(f"{manifest}: rewriting a Parquet manifest is not supported yet")
        files.copy(manifest, out / manifest)
        return
    delimiter = "\t" if suffix == ".tsv" else ","
    kept = []
    for line, cells in enumerate(files.rows(manifest), start=1):
        if f"{manifest}:{line}" in dropped:
            continue
        if label_column < len(cells) and cells[label_column].strip() in mapping:
            cells = [*cells]
            cells[label_column] = str(mapping[cells[label_column].strip()])
        kept.append(cells)
    target = out / manifest
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(kept)


def _rewrite_table(
    files: DatasetFiles,
    out: Path,
    table: str,
    label: str | None,
    dropped: set[str],
    mapping: dict[str, int],
) -> None:
    """A table of samples without the dropped rows ("train.csv:12" is its 12th line,
    the header's being the 1st), its label column relabelled, in its own format."""
    frame = read_frame(files.read(table), table)
    lines = [int(row.rsplit(":", 1)[1]) for row in dropped if row.rsplit(":", 1)[0] == table]
    frame = frame.drop(index=[line - 2 for line in lines])
    if label is not None and mapping:
        frame[label] = frame[label].map(lambda value: str(mapping.get(value.strip(), value)))
    write_table(frame, out / table)


def write_table(frame, target: Path) -> None:
    """A table written in the format its name says (CSV, TSV, JSON lines, Parquet)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = target.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(target, index=False)
    elif suffix == ".jsonl":
        frame.to_json(target, orient="records", lines=True, force_ascii=False)
    else:
        delimiter = frame.attrs.get("delimiter") or ("\t" if suffix == ".tsv" else ",")
        frame.to_csv(target, sep=delimiter, index=False)


def _array_files(dataset: Dataset) -> set[str]:
    if dataset.label_source != "array":
        return set()
    return {file for file, _ in (*dataset.array_inputs.values(), *dataset.label_arrays.values())}


def _rewrite_arrays(
    dataset: Dataset, files: DatasetFiles, out: Path, dropped: set[str], mapping: dict
) -> None:
    """Each split's x and y arrays without the dropped rows, y relabelled; .npz
    archives written whole with every key they held."""
    drop: dict[str, set[int]] = {}
    for source in dropped:
        match = ROW.match(source)
        if match:
            drop.setdefault(match["file"], set()).add(int(match["index"]))
    arrays: dict[str, dict[str, np.ndarray]] = {}  # file -> key ("" for .npy) -> array
    for split, (y_file, y_key) in dataset.label_arrays.items():
        x_file, x_key = dataset.array_inputs.get(split, (None, None))
        rows = drop.get(f"{x_file}:{x_key}" if x_key else x_file or "", set())
        for file, key, is_y in ((x_file, x_key, False), (y_file, y_key, True)):
            if file is None:
                continue
            values = load_array(files.read(file), key)
            if rows:
                values = np.delete(values, sorted(rows), axis=0)
            if is_y and mapping:
                values = _relabelled(values, mapping)
            arrays.setdefault(file, {})[key or ""] = values
    for file, keyed in arrays.items():
        target = out / file
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.lower().endswith(".npz"):
            with np.load(io.BytesIO(files.read(file)), allow_pickle=False) as archive:
                whole = {k: archive[k] for k in archive.files} | keyed
            np.savez(target, **whole)
        else:
            np.save(target, keyed[""], allow_pickle=False)


def load_array(data: bytes, key: str | None) -> np.ndarray:
    """An array from a .npy file's bytes, or an .npz archive's key."""
    if key is None:
        return np.load(io.BytesIO(data), allow_pickle=False)
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return archive[key]


def _relabelled(values: np.ndarray, mapping: dict[str, int]) -> np.ndarray:
    result = values.copy()
    for old, new in mapping.items():
        result[values == int(old)] = new
    return result
