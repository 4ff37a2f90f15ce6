"""Discovery: a path becomes a `Dataset`.

Recognised layouts, tried in this order for a folder:
1. NumPy arrays: `x_train.npy`/`y_train.npy` pairs (also val/test), or `.npz` files
   holding `x_train`/`y_train`/... keys as in Keras' dataset files;
2. a manifest (CSV/TSV/Parquet) at the top of the folder whose paths name files;
3. class folders inside split folders (`train/ val/ test/` and their aliases);
4. class folders with no split folders, read as a single `train` split.
A file path is read as a manifest, or as an `.npz`/`.npy` file of arrays.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections import Counter
from collections.abc import Callable
from fnmatch import fnmatch
from functools import partial
from itertools import islice
from operator import attrgetter
from pathlib import Path, PurePosixPath

from dslint.discover import name_labels
from dslint.discover.arrays import ARRAY_FILE, discover_arrays
from dslint.discover.filetypes import is_data_file, is_tool_dir, is_vcs_file, texts_are_data
from dslint.discover.labels import parse_label
from dslint.discover.manifest import (
    CHOSEN_BY_DSLINT,
    Columns,
    Manifest,
    NotAManifest,
    cells,
    read_manifest,
)
from dslint.discover.name_labels import NameLabels
from dslint.discover.remote import RemoteTree, is_url, local_path
from dslint.discover.tables import discover_tables
from dslint.discover.tree import LocalTree, Tree
from dslint.engine.wording import plural
from dslint.errors import DslintError
from dslint.model.dataset import SPLIT_ALIASES, Dataset, Sample, split_family, split_of_name
from dslint.model.formats import MANIFEST_EXTENSIONS, TABLE_EXTENSIONS, kind_of

CACHE_DIR_NAME = ".dslint_cache"
# folders whose files have no label, in a split beside its class folders
UNLABELLED_FOLDERS = {"unsup", "unlabeled", "unlabelled", "unlabeled_data", "unlabelled_data"}


# a split folder's one folder named so holds its pictures (GTSRB's Final_Training/Images/)
INNER = frozenset({"images", "imgs", "pictures", "data", "files"})


def discover(
    path: str | Path,
    manifest: str | Path | None = None,
    exclude: tuple[str, ...] = (),
    follow_links: bool = False,
    label_from_name: str | None = None,
    columns: Columns = CHOSEN_BY_DSLINT,
) -> Dataset:
    """The dataset at `path`. Symbolic links are followed only where they stay inside
    the dataset (files) unless `follow_links`; the others are recorded, not read.
    `label_from_name` is a regular expression whose group `label` (and `split`) is read
    from each data file's relative path, whatever the layout; `columns` names a
    manifest's path, label and split columns."""
    path = local_path(path)
    names = name_labels.explicit(label_from_name) if label_from_name else None
    if is_url(path):
        return _discover_remote(str(path), manifest, _exclusion(exclude), names, columns)
    root = Path(path)
    if not root.exists():
        raise DslintError(f"path {root} does not exist")
    top = _reach_of_manifest(root) if root.suffix.lower() in MANIFEST_EXTENSIONS else None
    walk = LocalTree(
        top or (root if root.is_dir() else root.parent), follow_links, _exclusion(exclude)
    )
    dataset = _discover(root, manifest, walk, names, columns, top)
    dataset.skipped_links.extend(sorted(walk.links.items()))
    return dataset


HOW_TO_LABEL = (
    "put each class in a folder of its own (train/cat/1.jpg), name the files and their "
    "labels in a manifest (a CSV with path and label columns, given with --manifest), or "
    "say how names carry labels (--label-from-name '(?P<label>[a-z]+)_')"
)


def require_samples(dataset: Dataset) -> None:
    """Refuse a dataset with no labelled sample: a check of nothing finds nothing, and
    a gate that passes on nothing passes a dataset that failed to load."""
    if dataset.samples:
        return
    seen = []
    if dataset.missing_files:
        _row, path = dataset.missing_files[0]
        seen.append(
            f"{len(dataset.missing_files):,} manifest rows name files that do not exist "
            f"(first: {path})"
        )
    seen += [f"{name}: {reason}" for name, reason in dataset.unreadable_arrays[:3]]
    if dataset.empty_classes:
        seen.append(f"{len(dataset.empty_classes):,} class folders hold no data file")
    unlabelled = sorted(path for path in dataset.stray_files if is_data_file(path))
    if unlabelled:
        seen.append(
            f"{plural(len(unlabelled), 'data file')} outside any class folder, so without a "
            f"label (first: {unlabelled[0]}): {HOW_TO_LABEL}"
        )
    if len(dataset.stray_files) > len(unlabelled):
        seen.append(f"{len(dataset.stray_files) - len(unlabelled):,} files that are not data")
    found = "; ".join(seen) or "no data files"
    below = _dataset_below(Path(dataset.root)) if not is_url(dataset.root) else None
    if below is not None:
        found += (
            f"; a dataset lies in {below.root} ({below.layout}; {len(below.samples):,} "
            f"samples): dslint check {below.root}"
        )
    raise DslintError(f"no labelled samples in {dataset.root} ({dataset.layout}): {found}")


DATASET_SEARCH = 2  # folder levels below a folder without labelled samples, for the hint


def _dataset_below(root: Path, levels: int = DATASET_SEARCH) -> Dataset | None:
    """The first folder below `root` (in name order, `levels` deep at most) that reads
    as a dataset with labelled samples: for the hint when `root` has none (a repository
    whose texts are in `bbc/business/...`, under its code and screenshots)."""
    if levels == 0 or not root.is_dir():
        return None
    folders = sorted(
        entry
        for entry in root.iterdir()
        if entry.is_dir()
        and not entry.is_symlink()
        and not is_tool_dir(entry.name)
        and entry.name != CACHE_DIR_NAME
    )
    for folder in folders:
        try:
            dataset = discover(folder)
        except DslintError:
            dataset = None
        if dataset is not None and dataset.samples:
            return dataset
        deeper = _dataset_below(folder, levels - 1)
        if deeper is not None:
            return deeper
    return None


def _reach_of_manifest(file: Path) -> Path | None:
    """The folder that a manifest given by path reaches: the common folder of its own
    and of the files its cells name above it (`../images/x.png`), or None where it
    names none. Only a manifest the user names reaches out of its folder."""
    if not file.is_file():
        return None
    try:
        values = cells(file)
    except DslintError:
        return None
    named = [
        os.path.normpath(file.parent / value)
        for value in values
        if value.startswith(("../", "..\\", "/"))
    ]
    found = [path for path in named if os.path.isfile(path)]
    return Path(os.path.commonpath([file.parent, *found])) if found else None


def _discover_remote(
    url: str,
    manifest: str | Path | None,
    excluded: Callable,
    names: NameLabels | None,
    columns: Columns,
) -> Dataset:
    """A dataset by URL: walked over one listing of the store; its objects' versions
    are kept for the cache key."""
    tree = RemoteTree(url, excluded)
    dataset = _discover(tree.root, manifest, tree, names, columns)
    root = PurePosixPath(dataset.root)
    dataset.root = tree.url_of(root)
    dataset.file_versions = tree.versions(root)
    return dataset


def _discover(
    root: Path,
    manifest: str | Path | None,
    walk: Tree,
    names: NameLabels | None = None,
    columns: Columns = CHOSEN_BY_DSLINT,
    top: Path | None = None,
) -> Dataset:
    if manifest is not None:
        manifest_file = walk.locate(str(manifest))
        if walk.kind(manifest_file) != "file":
            raise DslintError(f"manifest {manifest} does not exist")
        base = root if walk.kind(root) == "folder" else manifest_file.parent
        return _from_manifests(base, [_read(manifest_file, walk, columns)], walk)
    if walk.kind(root) == "file":
        if root.suffix.lower() in (".npz", ".npy"):
            return _arrays(root.parent, [root.name], walk)
        if root.suffix.lower() in TABLE_EXTENSIONS:
            if not _holds_data(walk, root.parent):
                dataset = _tables(root.parent, [root.name], walk, columns)
                if dataset is not None:
                    return dataset
            return _from_manifests(top or root.parent, [_read(root, walk, columns)], walk)
        raise DslintError(
            f"{root} is a file, but neither a manifest (CSV/TSV/Parquet) nor "
            f"NumPy arrays (.npy/.npz)"
        )
    if not walk.readable(root):
        raise DslintError(f"folder {root} cannot be read (permission denied)")
    if names is not None:
        return _from_file_names(root, walk, names)
    entries = walk.list_dir(root)
    files = sorted(e.name for e in entries if walk.is_file(e, e.name))
    dirs = sorted(e.name for e in entries if walk.is_dir(e, e.name) and e.name != CACHE_DIR_NAME)

    array_files = [name for name in files if ARRAY_FILE.match(name) or name.endswith(".npz")]
    if array_files:
        dataset = _arrays(root, array_files, walk)
        why = "that were not checked: the NumPy arrays beside it are the dataset here"
        for folder in dirs:
            if not is_tool_dir(folder) and (count := _count_data_files(walk, root / folder)):
                dataset.unused_folders.append((folder, count, why))
        return dataset
    passed_over: list[tuple[str, str]] = []  # manifests found but not used, and why
    if _of_texts(walk, root, files):
        with texts_are_data():
            dataset = _from_folder(root, files, dirs, walk, columns, passed_over)
            dataset.layout += ", .txt files as texts"
    else:
        dataset = _from_folder(root, files, dirs, walk, columns, passed_over)
    dataset.unused_files.extend(
        (_relative(root / n, Path(dataset.root)), w) for n, w in passed_over
    )
    return dataset


def _from_folder(
    root: Path,
    files: list[str],
    dirs: list[str],
    walk: Tree,
    columns: Columns,
    passed_over: list[tuple[str, str]],
) -> Dataset:
    """The dataset in a folder that holds no arrays: manifests, split and class
    folders, or labels in file names."""
    dataset = _tables_of_samples(root, files, walk, columns)
    if dataset is not None:
        return dataset
    manifests = _manifests_in(root, files, walk, columns, passed_over) or (
        _manifests_in_subfolders(root, dirs, walk, columns)
    )
    if manifests:
        return _from_manifests(root, manifests, walk)
    if columns != CHOSEN_BY_DSLINT and passed_over:  # the columns asked for are nowhere
        name, reason = passed_over[0]
        raise DslintError(f"manifest {root / name}: {reason}")
    folders = [d for d in dirs if not is_tool_dir(d)]
    data_files = [name for name in files if is_data_file(name)]
    if len(folders) == 1 and not data_files and _is_wrapper(walk, root / folders[0]):
        return _discover(root / folders[0], None, walk)
    splits = _split_level(root, folders, walk)
    if splits:
        return _from_split_folders(root, splits, folders, walk)
    lone = _names_of_lone_folder(walk, root, folders, data_files)
    if lone is not None:
        return _from_file_names(root, walk, lone)
    lead = _lead_folder(root, folders, data_files, walk, columns)
    if lead is not None:
        dataset = _discover(root / lead, None, walk, columns=columns)
        beside = [f"{name}/" for name in folders if name != lead]
        if data_files:
            beside.append(f"{plural(len(data_files), 'data file')} ({data_files[0]}, …)")
        if beside:
            dataset.layout += f"; beside it in {root.name or root}, left out: {', '.join(beside)}"
        return dataset
    if folders:
        dataset = Dataset(
            root=str(root), layout="class folders (no split folders)", label_source="folder"
        )
        _add_class_folders(dataset, root, "", "train", walk)
        return dataset
    pattern = name_labels.inferred(data_files)
    if pattern is not None:
        return _from_file_names(root, walk, pattern)
    if data_files:
        raise DslintError(
            f"{plural(len(data_files), 'data file')} in {root} (first: {data_files[0]}) but no "
            f"class folders, so no labels: {HOW_TO_LABEL}"
        )
    raise DslintError(
        f"no dataset found in {root}: expected class folders, split folders "
        f"(train/ val/ test/), a manifest (CSV/TSV) or NumPy arrays (x_train.npy)"
    )


def _tables_of_samples(
    root: Path, files: list[str], walk: Tree, columns: Columns
) -> Dataset | None:
    """The dataset of a folder's tables whose rows are samples, when it holds tables and
    no data files for them to name (a competition's `sample_submission.csv` left out)."""
    tables = [n for n in files if n.lower().endswith(TABLE_EXTENSIONS)]
    if not tables or _holds_data(walk, root):
        return None
    return _tables(root, [n for n in tables if "submission" not in n.lower()], walk, columns)


def _tables(root: Path, names: list[str], walk: Tree, columns: Columns) -> Dataset | None:
    """Tables opened as often as discovery reads them: locally a file each time; in a
    store, one download kept in memory."""
    if walk.remote:
        downloaded = {name: walk.open(root / name).read() for name in names}
        sources = {name: partial(io.BytesIO, data) for name, data in downloaded.items()}
    else:
        sources = {name: partial(walk.open, root / name) for name in names}
    return discover_tables(root, sources, columns.label, columns.split)


def _arrays(root: Path, names: list[str], walk: Tree) -> Dataset:
    if walk.remote:
        raise DslintError(
            "NumPy array datasets by URL are not supported: copy the arrays to a local folder"
        )
    return discover_arrays(root, names)


def _read(file: Path, walk: Tree, columns: Columns) -> Manifest:
    return read_manifest(file, walk.open, _file_namer(walk, file.parent), columns)


def _file_namer(walk: Tree, base: Path) -> Callable[[str], bool]:
    """Whether a manifest's cell names a data file: a path from `base` (with or without
    its extension, or written from elsewhere: `_named_from_elsewhere`) or the name of a
    file somewhere under it (`id` for train/id.jpg)."""
    index: dict[str, Path] = {}

    def names_file(value: str) -> bool:
        if not value:
            return False
        value = value.replace("\\", "/")
        if is_data_file(value) and (
            walk.has_file(base / value) or _named_from_elsewhere(value, [base], walk) is not None
        ):
            return True
        if not index:
            index.update(_data_files_by_stem(walk, base))
        return value in index or value.rsplit(".", 1)[0] in index

    return names_file


def _manifests_in(
    root: Path,
    files: list[str],
    walk: Tree,
    columns: Columns,
    passed_over: list[tuple[str, str]] | None = None,
) -> list[Manifest]:
    """Manifests at the top of a folder. Several are accepted only when each is named
    after a split (train.csv, val.csv); otherwise the choice is the user's. A table
    that is no manifest is passed over, with why, into `passed_over`."""
    candidates = [name for name in files if name.lower().endswith(MANIFEST_EXTENSIONS)]
    manifests = []
    for name in candidates:
        try:
            manifests.append(_read(root / name, walk, columns))
        except NotAManifest as exc:
            if passed_over is not None:
                passed_over.append((name, exc.reason))
    if len(manifests) > 1 and not all(_split_of_manifest(m) for m in manifests):
        names = ", ".join(m.file.name for m in manifests)
        raise DslintError(f"several manifests in {root} ({names}): choose one with --manifest")
    return manifests


def _manifests_in_subfolders(
    root: Path, dirs: list[str], walk: Tree, columns: Columns
) -> list[Manifest]:
    """One manifest in each subfolder, as PhysioNet 2016 ships its heart sounds
    (training-a/REFERENCE.csv … validation/REFERENCE.csv): read together, each
    naming the files beside it, when every subfolder but tools' has exactly one."""
    found = []
    for name in (d for d in dirs if not is_tool_dir(d)):
        entries = walk.list_dir(root / name)
        files = sorted(e.name for e in entries if walk.is_file(e, f"{name}/{e.name}"))
        try:
            manifests = _manifests_in(root / name, files, walk, columns)
        except DslintError:
            return []
        if len(manifests) != 1:
            return []
        found.extend(manifests)
    return found


def _from_manifests(root: Path, manifests: list[Manifest], walk: Tree) -> Dataset:
    names = ", ".join(f"{_relative(m.file, root)} ({m.description})" for m in manifests)
    dataset = Dataset(
        root=str(root),
        layout=f"manifest {names}",
        label_source="manifest",
        manifest=", ".join(str(m.file) for m in manifests),
    )
    by_stem: dict[Path, dict[str, Path]] = {}  # per folder: its data files by name sans extension
    by_tail: list[tuple[str, Path]] = []  # rows whose path was written from elsewhere
    for manifest in manifests:
        _add_manifest_rows(dataset, root, manifest, walk, by_stem, by_tail)
    if by_tail:
        named, file = by_tail[0]
        dataset.layout += (
            f"; {plural(len(by_tail), 'path')} written from elsewhere, matched by the tail "
            f"that lies here ({named} → {_relative(file, root)})"
        )
    _add_unnamed_files(dataset, root, walk)
    return dataset


def _add_manifest_rows(
    dataset: Dataset,
    root: Path,
    manifest: Manifest,
    walk: Tree,
    by_stem: dict[Path, dict[str, Path]],
    by_tail: list[tuple[str, Path]],
    split_of_folder: str | None = None,
) -> None:
    """The samples a manifest's rows name, under the dataset's `root`, in the split its
    rows, its name, `split_of_folder` (a split folder's manifest) or their paths say."""
    base = manifest.file.parent
    file_split = _split_of_manifest(manifest) or split_of_folder
    named_as = _relative(manifest.file, root)
    dataset.label_files.append(named_as)
    if manifest.label_column is None:
        dataset.one_hot_labels.append(named_as)
    else:
        dataset.label_columns[named_as] = manifest.label_column
    # the rows name files from the manifest's folder, else from the dataset's (a
    # manifest given apart: `dslint check audio --manifest meta/esc50.csv`)
    folders = list(dict.fromkeys((base, root)))
    for row in manifest.rows:
        file = _named_file(row.path, folders, walk, by_stem, by_tail)
        if file is None:
            dataset.missing_files.append((f"{named_as}:{row.line}", row.path))
            continue
        rel = _relative(file, root)
        if walk.excluded(rel) or not walk.allows(file, rel):
            continue
        split = _normalise_split(row.split) or file_split or _split_from_path(rel) or "train"
        dataset.manifest_rows[rel] = (named_as, row.line)
        parent = Path(rel).parent.name or None
        dataset.samples.append(
            Sample(
                source=rel, label=parse_label(row.label), split=split, path=rel, folder_label=parent
            )
        )


def _named_file(
    named: str,
    folders: list[Path],
    walk: Tree,
    by_stem: dict[Path, dict[str, Path]],
    by_tail: list[tuple[str, Path]],
) -> Path | None:
    """The data file a manifest's cell names: a path from the first of `folders` that
    has it, else its tail written from elsewhere (`_named_from_elsewhere`; recorded in
    `by_tail`, for the report's first line), else a file under one of them by name
    without extension, bare name or number (`_data_files_by_stem`, built once per
    folder into `by_stem`)."""
    if not named:
        return None
    key = named.replace("\\", "/")  # a path written on Windows
    for folder in folders:
        file = type(folder)(os.path.normpath(folder / key))
        if walk.has_file(file):
            return file
    if (file := _named_from_elsewhere(key, folders, walk)) is not None:
        by_tail.append((named, file))
        return file
    for folder in folders:
        if folder not in by_stem:
            by_stem[folder] = _data_files_by_stem(walk, folder)
        match = by_stem[folder].get(key) or by_stem[folder].get(key.rsplit(".", 1)[0])
        if match is not None:
            return match
    return None


def _named_from_elsewhere(key: str, folders: list[Path], walk: Tree) -> Path | None:
    """A path written from another folder (`./dataset/train/cat/1.png` in
    `dataset/train.csv`, or `C:/Users/me/project/train/cat/1.png`): the longest tail of
    it, a folder and a file at least, that lies under one of `folders`."""
    parts = [part for part in key.split("/") if part not in ("", ".")]
    for start in range(1, len(parts) - 1):
        for folder in folders:
            file = folder / "/".join(parts[start:])
            if walk.has_file(file):
                return file
    return None


def _add_unnamed_files(dataset: Dataset, root: Path, walk: Tree) -> None:
    """Data files under a manifest's dataset that no row names (an unlabelled test set,
    or leftovers): kept as unlabelled samples, which the duplicate and leak checks
    compare with the labelled ones (a test image that copies a training image is a leak
    whether or not it has a label), and counted per top folder (`.` for the top)."""
    named = {s.path for s in dataset.samples}
    counts: Counter[str] = Counter()
    for folder, dirs, files in walk.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_tool_dir(d) and d != CACHE_DIR_NAME)
        within = _relative(type(root)(folder), root)  # "." for the top
        for name in sorted(files):
            rel = name if within == "." else f"{within}/{name}"
            if not is_data_file(name) or rel in named or walk.excluded(rel):
                continue
            top = rel.split("/", 1)[0] if "/" in rel else "."
            split = split_of_name(top) or (top if top != "." else "")
            where = f"unlabelled {split}".strip()
            dataset.unlabelled.append(Sample(source=rel, label=None, split=where, path=rel))
            counts[top] += 1
    why = "that no manifest row names: without labels, they were compared for leaks only"
    dataset.unused_folders.extend((top, count, why) for top, count in sorted(counts.items()))


def _split_level(root: Path, folders: list[str], walk: Tree) -> dict[str, str]:
    """The folders of `root` that are splits, each with its split: the folders named
    like one (`train`, `training_set`, `seg_test`, `DEV`), with the siblings that hold
    the same classes as they do (`pre-train/` beside `test/`); where none is named so,
    sibling folders that hold mostly the same classes (`A/cat A/dog B/cat B/dog`). A
    split not named like one keeps its own name."""
    named = [d for d in folders if split_of_name(d)]
    if len(folders) < 2 and not named:
        return {}
    classes = {d: _class_names(walk, root / d) for d in folders}
    if named:
        known = set().union(*(classes[d] for d in named))
        chosen = named + [
            d for d in folders if d not in named and _mostly_within(classes[d], known)
        ]
    else:
        chosen = [
            d
            for d in folders
            if len(classes[d]) >= 2
            and _mostly_within(classes[d], set().union(*(classes[o] for o in folders if o != d)))
        ]
        if len(chosen) < 2:
            return {}
    return {d: split_of_name(d) or d for d in sorted(chosen)}


def _mostly_within(names: set[str], others: set[str]) -> bool:
    return bool(names) and len(names & others) >= len(names) / 2


def _class_names(walk: Tree, folder: Path) -> set[str]:
    """The classes a folder holds: its class folders, else the labels in the names of
    its files."""
    folder = _unwrapped(walk, folder)
    subfolders = _subfolders(walk, folder)
    if subfolders:
        return set(subfolders)
    files = [e.name for e in walk.list_dir(folder) if is_data_file(e.name)]
    pattern = name_labels.inferred(files)
    return {pattern.read(name)[0] for name in files} - {None} if pattern else set()


def _names_of_lone_folder(
    walk: Tree, root: Path, folders: list[str], data_files: list[str]
) -> NameLabels | None:
    """The name pattern of a dataset that is one folder of files labelled by their
    names (`recordings/7_jackson_32.wav`): read as one class folder, it would be a
    dataset of one class. Folders of other files only, no data file among them, are
    no classes beside it (the free spoken digit repository's `utils/` of scripts); an
    empty folder may be a class yet to fill."""
    folders = [d for d in folders if not _holds_other_files_only(walk, root / d)]
    if len(folders) != 1 or data_files or _subfolders(walk, root / folders[0]):
        return None
    return name_labels.inferred([e.name for e in walk.list_dir(root / folders[0])])


def _holds_other_files_only(walk: Tree, folder: Path) -> bool:
    """Whether files lie under `folder` and none of them is a data file."""
    names = [name for _, _, files in walk.walk(folder) for name in files]
    return bool(names) and not any(is_data_file(name) for name in names)


def _lead_folder(
    root: Path, folders: list[str], data_files: list[str], walk: Tree, columns: Columns
) -> str | None:
    """The one folder that reads as a dataset of its own (a manifest of its files,
    tables of samples, or split folders named like splits), beside folders of code or a
    few example or output pictures: a repository's `Dataset/` with `labels.csv` beside
    `Code/` and `Exemple Photo/`, its `dataset/training_set/` and `dataset/test_set/`
    beside `cat_save/` and its training plots, or its `data/spam.csv` beside a
    `Report/` of plots, or its `dataset/` of clips and their manifests beside the `data/`
    of 28 recordings they were cut from. Read as class folders, it would be a class of
    its own. The other folders and the files beside them may hold half as many data
    files as it holds samples at most."""
    if not folders:
        return None
    samples = {name: _samples_in(root / name, walk, columns) for name in folders}
    holding = [name for name, count in samples.items() if count]
    if len(holding) != 1:
        return None
    lead = holding[0]
    others = sum(_count_data_files(walk, root / n) for n in folders if n != lead)
    return lead if 2 * (others + len(data_files)) <= samples[lead] else None


def _samples_in(folder: Path, walk: Tree, columns: Columns) -> int:
    """How many samples a folder holds if it reads as a dataset of its own: the data
    files beside a manifest of them or in split folders (one named like a split), or
    the rows of its tables of samples (a repository's `data/train.csv`, beside its
    README); 0 if it does not."""
    entries = walk.list_dir(folder)
    files = [e.name for e in entries if e.name.lower().endswith(MANIFEST_EXTENSIONS)]
    with contextlib.suppress(DslintError):  # several, none named after a split
        manifests = files and _manifests_in(folder, sorted(files), walk, columns)
        if manifests and (named := _count_data_files(walk, folder)):
            return named
    with contextlib.suppress(DslintError):  # none with a label column
        if (dataset := _tables_of_samples(folder, files, walk, columns)) is not None:
            return len(dataset.samples)
    inside = _subfolders(walk, folder)
    if any(map(split_of_name, inside)) and _split_level(folder, inside, walk):
        return _count_data_files(walk, folder)
    return 0


def _is_wrapper(walk: Tree, folder: Path) -> bool:
    """A lone folder that holds the dataset, as unzipping leaves one (`data/dataset/
    train/...`, `data/digits-dataset/digits/Training/...`): not a split, holding no data
    files and several folders, or one more such wrapper."""
    if split_of_name(folder.name) is not None:
        return False
    entries = walk.list_dir(folder)
    if any(is_data_file(e.name) for e in entries if not e.is_dir()):
        return False
    inside = _subfolders(walk, folder)
    return len(inside) >= 2 or (len(inside) == 1 and _is_wrapper(walk, folder / inside[0]))


def _subfolders(walk: Tree, folder: Path) -> list[str]:
    return sorted(
        e.name
        for e in walk.list_dir(folder)
        if e.is_dir() and not is_tool_dir(e.name) and e.name != CACHE_DIR_NAME
    )


def _unwrapped(walk: Tree, folder: Path) -> Path:
    """`training_set/training_set/` (as unzipping often leaves it) is followed to the
    inner folder: a folder whose one entry is a folder of its own name; and
    `Final_Training/Images/` (GTSRB's): a folder whose one folder is named as pictures
    are (`INNER`), beside no data files."""
    while True:
        entries = walk.list_dir(folder)
        if len(entries) == 1 and entries[0].is_dir() and entries[0].name == folder.name:
            folder = folder / entries[0].name
            continue
        inside = [e.name for e in entries if e.is_dir()]
        files = [e.name for e in entries if not e.is_dir()]
        if len(inside) != 1 or inside[0].lower() not in INNER or any(map(is_data_file, files)):
            return folder
        folder = folder / inside[0]


def _from_split_folders(
    root: Path, splits: dict[str, str], folders: list[str], walk: Tree
) -> Dataset:
    renamed = [f"{d} → {s}" for d, s in splits.items() if d != s and d.lower() not in SPLIT_ALIASES]
    own = [d for d in splits if not split_of_name(d)]
    more = [d for d in own if split_family(d) != d]
    notes = [", ".join(renamed)] if renamed else []
    notes.extend(f"{d} as more of {split_family(d)}, not a leak of it" for d in more)
    if others := [d for d in own if d not in more]:
        notes.append(f"{', '.join(others)} as splits of their own names, sharing their classes")
    dataset = Dataset(
        root=str(root),
        layout="class folders in split folders" + (f" ({'; '.join(notes)})" if notes else ""),
        label_source="folder",
    )
    by_stem: dict[Path, dict[str, Path]] = {}
    by_tail: list[tuple[str, Path]] = []
    for split_dir, split in splits.items():
        manifest = _manifest_of_split(walk, root / split_dir)
        if manifest is not None:  # GTSRB's Final_Test/GT-final_test.csv
            _add_manifest_rows(dataset, root, manifest, walk, by_stem, by_tail, split)
            dataset.layout += f"; {split_dir} labelled by {_relative(manifest.file, root)}"
            dataset.label_source = "folder and manifest"
            continue
        folder = _unwrapped(walk, root / split_dir)
        prefix = folder.relative_to(root).as_posix() + "/"
        files = [
            e.name
            for e in walk.list_dir(folder)
            if walk.is_file(e, prefix + e.name)
            and is_data_file(e.name)
            and not walk.excluded(prefix + e.name)
        ]
        pattern = None if _subfolders(walk, folder) else name_labels.inferred(files)
        if pattern is not None:
            dataset.layout = f"labels in file names in split folders, {pattern.describe()}"
            dataset.label_source = "file name"
            _add_named_files(dataset, folder, prefix, files, pattern, split)
            for entry in walk.list_dir(folder):
                if entry.is_dir() and is_tool_dir(entry.name):
                    count = _count_data_files(walk, folder / entry.name)
                    dataset.stray_dirs.append((prefix + entry.name, "class", count))
            continue
        dataset.stray_files.extend(prefix + name for name in files)
        _add_class_folders(dataset, folder, prefix, split, walk)
    for other in folders:
        if other not in splits:
            count = _count_data_files(walk, root / other)
            why = "that were not checked: not a split, its folders are not the splits' classes"
            dataset.unused_folders.append((other, count, why))
    _number_folder_labels(dataset)
    return dataset


def _manifest_of_split(walk: Tree, folder: Path) -> Manifest | None:
    """The one manifest at the top of a split folder that holds no class folders of its
    own, naming the split's files (GTSRB's Final_Test/GT-final_test.csv for
    Final_Test/Images/); None where there is none, or several."""
    entries = walk.list_dir(folder)
    if any(e.is_dir() and e.name.lower() not in INNER for e in entries):
        return None
    files = sorted(e.name for e in entries if not e.is_dir())
    try:
        manifests = _manifests_in(folder, files, walk, CHOSEN_BY_DSLINT)
    except DslintError:
        return None
    return manifests[0] if len(manifests) == 1 else None


def _number_folder_labels(dataset: Dataset) -> None:
    """Class folders named by numbers (`00014/`) beside a split labelled by a manifest's
    numbers (`14`), as GTSRB ships them: the folders' labels become those numbers."""
    labels = [s.label for s in dataset.samples]
    if not any(isinstance(label, int) for label in labels):
        return
    named = [label for label in labels if isinstance(label, str)]
    if not named or not all(label.isdigit() for label in named):
        return
    dataset.samples[:] = [
        s._replace(label=int(s.label)) if isinstance(s.label, str) else s for s in dataset.samples
    ]


def _from_file_names(root: Path, walk: Tree, pattern: NameLabels) -> Dataset:
    """Every data file under `root`, labelled by its name; the split from the name
    (`--label-from-name` with a group `split`), else from a split folder on its path."""
    dataset = Dataset(
        root=str(root),
        layout=f"labels in file names, {pattern.describe()}",
        label_source="file name",
    )
    for folder, _, files in walk.walk(root):
        prefix = Path(folder).relative_to(root).as_posix() + "/"
        prefix = "" if prefix == "./" else prefix
        names = sorted(n for n in files if is_data_file(n) and not walk.excluded(prefix + n))
        _add_named_files(dataset, Path(folder), prefix, names, pattern, None)
    return dataset


def _add_named_files(
    dataset: Dataset,
    folder: Path,
    prefix: str,
    names: list[str],
    pattern: NameLabels,
    split: str | None,
) -> None:
    for name in names:
        rel = prefix + name
        label, named_split = pattern.read(rel)
        if label is None:
            dataset.stray_files.append(rel)
            continue
        where = _normalise_split(named_split) or split or _split_from_path(rel) or "train"
        dataset.samples.append(Sample(source=rel, label=label, split=where, path=rel))


def _add_class_folders(dataset: Dataset, folder: Path, prefix: str, split: str, walk: Tree) -> None:
    for entry in sorted(walk.list_dir(folder), key=lambda e: e.name):
        rel = prefix + entry.name
        if not walk.is_dir(entry, rel) or entry.name == CACHE_DIR_NAME:
            continue
        if is_tool_dir(entry.name):
            dataset.stray_dirs.append((rel, "class", _count_data_files(walk, folder / entry.name)))
            continue
        if entry.name.lower() in UNLABELLED_FOLDERS:
            _add_unlabelled_folder(dataset, folder / entry.name, rel, split, walk)
            continue
        before = len(dataset.samples)
        _add_class_files(dataset, folder / entry.name, rel, entry.name, split, walk)
        if len(dataset.samples) == before:
            dataset.empty_classes.append((split, entry.name, rel))


def _add_unlabelled_folder(
    dataset: Dataset, folder: Path, rel_folder: str, split: str, walk: Tree
) -> None:
    """A folder whose name says its files have no label (IMDB's `train/unsup`, STL-10's
    `unlabeled`): not a class. Its files take part in the leak and duplicate checks as
    unlabelled samples of their split (a test review copied into `train/unsup` is a
    leak; a training review copied there is a repeat), and F007 counts them."""
    count = 0
    for parent, _, files in walk.walk(folder):
        for name in sorted(files):
            rel = _relative(type(folder)(parent) / name, Path(dataset.root))
            if is_data_file(name) and not walk.excluded(rel):
                dataset.unlabelled.append(Sample(source=rel, label=None, split=split, path=rel))
                count += 1
    why = "without labels, as the folder's name says: compared for leaks only"
    dataset.unused_folders.append((rel_folder, count, why))


def _add_class_files(
    dataset: Dataset,
    folder: Path,
    rel_folder: str,
    label: str,
    split: str,
    walk: Tree,
) -> None:
    samples = dataset.samples
    for entry in sorted(walk.list_dir(folder), key=attrgetter("name")):
        rel = f"{rel_folder}/{entry.name}"
        if walk.excluded(rel):
            continue
        if walk.is_file(entry, rel):  # asked first: most entries are samples
            if is_data_file(entry.name):
                samples.append(Sample(rel, label, split, rel, label))  # source and path
            elif not is_vcs_file(entry.name):
                dataset.stray_files.append(rel)
        elif walk.is_dir(entry, rel):
            if is_tool_dir(entry.name):
                count = _count_data_files(walk, folder / entry.name)
                dataset.stray_dirs.append((rel, "inside", count))
            else:
                _add_class_files(dataset, folder / entry.name, rel, label, split, walk)


def _holds_data(walk: Tree, folder: Path) -> bool:
    """Whether any data file lies under `folder` (the walk stops at the first)."""
    return any(is_data_file(name) for _, _, files in walk.walk(folder) for name in files)


def _of_texts(walk: Tree, root: Path, files: list[str]) -> bool:
    """Whether the folder is a dataset of texts: `.txt` files in its subfolders, and no
    table and no other data file anywhere in it."""
    if any(name.lower().endswith(TABLE_EXTENSIONS) for name in files) or _holds_data(walk, root):
        return False
    below = islice(walk.walk(root), 1, None)  # the walk gives the folder itself first
    return any(kind_of(name) == "text" for _, _, names in below for name in names)


def _count_data_files(walk: Tree, folder: Path) -> int:
    return sum(is_data_file(name) for _, _, files in walk.walk(folder) for name in files)


def _data_files_by_stem(walk: Tree, base: Path) -> dict[str, Path]:
    """Data files under `base` by their relative path without extension, for manifests
    that name recordings without one (PhysioNet writes `a0001` for `a0001.wav`), by
    their bare name where no other file has it (Kaggle writes `id` for
    `train/id.jpg`), and a bare name of digits also by its number (a public head-CT
    set's labels.csv writes `7` for `head_ct/007.png`)."""
    found: dict[str, Path] = {}
    for folder, dirs, files in walk.walk(base):
        dirs[:] = sorted(d for d in dirs if not is_tool_dir(d) and d != CACHE_DIR_NAME)
        for name in sorted(files):
            if is_data_file(name):
                file = type(base)(folder) / name
                found.setdefault(_relative(file, base).rsplit(".", 1)[0], file)
    names = Counter(key.rsplit("/", 1)[-1] for key in found)
    unique = [(key.rsplit("/", 1)[-1], file) for key, file in found.items()]
    unique = [(name, file) for name, file in unique if names[name] == 1]
    for name, file in unique:
        found.setdefault(name, file)
    numbers = Counter(str(int(name)) for name, _ in unique if name.isdigit())
    for name, file in unique:
        if name.isdigit() and numbers[str(int(name))] == 1:
            found.setdefault(str(int(name)), file)
    return found


def _relative(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def _normalise_split(value: str | None) -> str | None:
    if not value:
        return None
    return split_of_name(value.strip()) or value.strip()


def _split_of_manifest(manifest: Manifest) -> str | None:
    return split_of_name(manifest.file.stem)


def _split_from_path(rel: str) -> str | None:
    return split_of_name(rel.split("/", 1)[0]) if "/" in rel else None


def _exclusion(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    def excluded(rel: str) -> bool:
        return any(fnmatch(rel, pattern) for pattern in patterns)

    return excluded if patterns else _nothing_excluded


def _nothing_excluded(rel: str) -> bool:
    return False
