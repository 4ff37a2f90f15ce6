"""The NumPy layout: `x_<split>.npy`/`y_<split>.npy` pairs, or `.npz` files holding
`x_<split>`/`y_<split>` keys (the layout of Keras' dataset files).

Arrays are opened with `allow_pickle=False`: an object array is reported, never
unpickled. Only the labels are read here; the inputs are the scan's business.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np

from dslint.discover.labels import labels_from_array
from dslint.errors import DslintError
from dslint.model.dataset import SPLIT_ALIASES, Dataset, Sample

# x_train.npy, or with what the inputs are after the split: X_train_yamnet.npy
ARRAY_FILE = re.compile(r"^([xy])_([a-z]+)(?:_[a-z0-9]+)?\.npy$", re.IGNORECASE)
ARRAY_KEY = re.compile(r"^([xy])_([a-z]+)$", re.IGNORECASE)


def discover_arrays(root: Path, names: list[str]) -> Dataset:
    dataset = Dataset(
        root=str(root), layout="NumPy arrays (" + ", ".join(names) + ")", label_source="array"
    )
    pairs: dict[str, dict[str, tuple[str, str | None]]] = {}
    for name in names:
        if name.lower().endswith(".npz"):
            for key in _npz_keys(root / name, dataset):
                match = ARRAY_KEY.match(key)
                if match:
                    _add_pair(dataset, pairs, match, (name, key))
        else:
            match = ARRAY_FILE.match(name)
            if match:
                _add_pair(dataset, pairs, match, (name, None))
            else:
                dataset.unreadable_arrays.append((name, "no x_<split>/y_<split> name"))
    if not pairs:
        reasons = "; ".join(f"{name}: {why}" for name, why in dataset.unreadable_arrays)
        raise DslintError(reasons or f"no x_<split>/y_<split> arrays found in {', '.join(names)}")
    for split, pair in sorted(pairs.items()):
        _add_split(dataset, root, split, pair)
    return dataset


def array_label(file: str, key: str | None) -> str:
    return f"{file}:{key}" if key else file


def _add_pair(
    dataset: Dataset, pairs: dict, match: re.Match, where: tuple[str, str | None]
) -> None:
    """The array in its split's pair; a second one for the same role and split (the
    inputs as two kinds of features, X_train_yamnet.npy and X_train_fbank.npy) is left
    out and named, the first in name order kept."""
    role, split_name = match.group(1).lower(), match.group(2).lower()
    split = SPLIT_ALIASES.get(split_name, split_name)
    pair = pairs.setdefault(split, {})
    if role in pair:
        kept = array_label(*pair[role])
        dataset.unused_files.append(
            (array_label(*where), f"a second {role}_{split} array beside {kept}, which is read")
        )
        return
    pair[role] = where


def _add_split(
    dataset: Dataset, root: Path, split: str, pair: dict[str, tuple[str, str | None]]
) -> None:
    if "y" not in pair:
        dataset.unreadable_arrays.append((array_label(*pair["x"]), f"no y_{split} labels"))
        return
    dataset.label_files.append(array_label(*pair["y"]))
    dataset.label_arrays[split] = pair["y"]
    y = _load(root, *pair["y"], dataset)
    if y is None:
        return
    x_name = array_label(*pair["x"]) if "x" in pair else None
    if "x" in pair:
        dataset.array_inputs[split] = pair["x"]
        x_rows = _rows(root, *pair["x"])
        if x_rows is not None and x_rows != len(y):
            dataset.unreadable_arrays.append(
                (
                    x_name,
                    f"{x_rows} rows of inputs but {len(y)} labels in {array_label(*pair['y'])}",
                )
            )
    else:
        dataset.unreadable_arrays.append((array_label(*pair["y"]), f"no x_{split} inputs"))
    source = x_name or array_label(*pair["y"])
    for index, label in enumerate(labels_from_array(y)):
        dataset.samples.append(Sample(source=f"{source}[{index}]", label=label, split=split))


def _npz_keys(file: Path, dataset: Dataset) -> list[str]:
    try:
        with zipfile.ZipFile(file) as archive:
            return sorted(n[:-4] for n in archive.namelist() if n.endswith(".npy"))
    except (OSError, zipfile.BadZipFile) as exc:
        dataset.unreadable_arrays.append((file.name, f"not a readable .npz archive: {exc}"))
        return []


def _load(root: Path, name: str, key: str | None, dataset: Dataset) -> np.ndarray | None:
    try:
        if key is None:
            return np.load(root / name, allow_pickle=False)
        with np.load(root / name, allow_pickle=False) as archive:
            return archive[key]
    except ValueError as exc:
        reason = (
            "object array: loading it would unpickle code, which dslint refuses"
            if "allow_pickle" in str(exc)
            else str(exc)
        )
        dataset.unreadable_arrays.append((array_label(name, key), reason))
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        dataset.unreadable_arrays.append((array_label(name, key), f"cannot be read: {exc}"))
    return None


def _rows(root: Path, name: str, key: str | None) -> int | None:
    """The number of rows of an input array, read from its header only."""
    try:
        if key is None:
            return len(np.load(root / name, mmap_mode="r", allow_pickle=False))
        with zipfile.ZipFile(root / name) as archive, archive.open(key + ".npy") as member:
            version = np.lib.format.read_magic(member)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape = read_header(member)[0]
            return shape[0] if shape else 0
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
