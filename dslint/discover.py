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

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import IO

from dslint.arrays import ARRAY_FILE, discover_arrays
from dslint.dataset import SPLIT_ALIASES, Dataset, Sample
from dslint.errors import DslintError
from dslint.filetypes import MANIFEST_EXTENSIONS, is_data_file, is_tool_dir, is_vcs_file
from dslint.labels import parse_label
from dslint.manifest import Manifest, read_manifest
from dslint.remote import RemoteTree, is_url, local_path
from dslint.wording import plural

CACHE_DIR_NAME = ".dslint_cache"


def discover(
    path: str | Path,
    manifest: str | Path | None = None,
    exclude: tuple[str, ...] = (),
    follow_links: bool = False,
) -> Dataset:
    """The dataset at `path`. Symbolic links are followed only where they stay inside
    the dataset (files) unless `follow_links`; the others are recorded, not read."""
    path = local_path(path)
    if is_url(path):
        return _discover_remote(str(path), manifest, _exclusion(exclude))
    root = Path(path)
    if not root.exists():
        raise DslintError(f"path {root} does not exist")
    walk = _Walk(root if root.is_dir() else root.parent, follow_links, _exclusion(exclude))
    dataset = _discover(root, manifest, walk)
    dataset.skipped_links.extend(sorted(walk.links.items()))
    return dataset


HOW_TO_LABEL = (
    "put each class in a folder of its own (train/cat/1.jpg), or name the files and their "
    "labels in a manifest (a CSV with path and label columns, given with --manifest)"
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
    raise DslintError(f"no labelled samples in {dataset.root} ({dataset.layout}): {found}")


def _discover_remote(url: str, manifest: str | Path | None, excluded: Callable) -> Dataset:
    """A dataset by URL: walked over one listing of the store; its objects' versions
    are kept for the cache key."""
    tree = RemoteTree(url, excluded)
    dataset = _discover(tree.root, manifest, tree)
    root = PurePosixPath(dataset.root)
    dataset.root = tree.url_of(root)
    dataset.file_versions = tree.versions(root)
    return dataset


def _discover(root: Path, manifest: str | Path | None, walk: Tree) -> Dataset:
    if manifest is not None:
        manifest_file = walk.locate(str(manifest))
        if walk.kind(manifest_file) != "file":
            raise DslintError(f"manifest {manifest} does not exist")
        return _from_manifests(
            root if walk.kind(root) == "folder" else manifest_file.parent,
            [read_manifest(manifest_file, walk.open)],
            walk,
        )
    if walk.kind(root) == "file":
        if root.suffix.lower() in (".npz", ".npy"):
            return _arrays(root.parent, [root.name], walk)
        if root.suffix.lower() in MANIFEST_EXTENSIONS:
            return _from_manifests(root.parent, [read_manifest(root, walk.open)], walk)
        raise DslintError(
            f"{root} is a file, but neither a manifest (CSV/TSV/Parquet) nor "
            f"NumPy arrays (.npy/.npz)"
        )
    if not walk.readable(root):
        raise DslintError(f"folder {root} cannot be read (permission denied)")
    entries = walk.list_dir(root)
    files = sorted(e.name for e in entries if walk.is_file(e, e.name))
    dirs = sorted(e.name for e in entries if walk.is_dir(e, e.name) and e.name != CACHE_DIR_NAME)

    array_files = [name for name in files if ARRAY_FILE.match(name) or name.endswith(".npz")]
    if array_files:
        return _arrays(root, array_files, walk)
    manifests = _manifests_in(root, files, walk) or _manifests_in_subfolders(root, dirs, walk)
    if manifests:
        return _from_manifests(root, manifests, walk)
    split_dirs = [d for d in dirs if d.lower() in SPLIT_ALIASES]
    if split_dirs:
        return _from_split_folders(root, split_dirs, walk)
    if [d for d in dirs if not is_tool_dir(d)]:
        dataset = Dataset(
            root=str(root), layout="class folders (no split folders)", label_source="folder"
        )
        _add_class_folders(dataset, root, "", "train", walk)
        return dataset
    data_files = [name for name in files if is_data_file(name)]
    if data_files:
        raise DslintError(
            f"{plural(len(data_files), 'data file')} in {root} (first: {data_files[0]}) but no "
            f"class folders, so no labels: {HOW_TO_LABEL}"
        )
    raise DslintError(
        f"no dataset found in {root}: expected class folders, split folders "
        f"(train/ val/ test/), a manifest (CSV/TSV) or NumPy arrays (x_train.npy)"
    )


def _arrays(root: Path, names: list[str], walk: Tree) -> Dataset:
    if walk.remote:
        raise DslintError(
            "NumPy array datasets by URL are not supported: copy the arrays to a local folder"
        )
    return discover_arrays(root, names)


def _manifests_in(root: Path, files: list[str], walk: Tree) -> list[Manifest]:
    """Manifests at the top of a folder. Several are accepted only when each is named
    after a split (train.csv, val.csv); otherwise the choice is the user's."""
    candidates = [name for name in files if name.lower().endswith(MANIFEST_EXTENSIONS)]
    manifests = []
    for name in candidates:
        try:
            manifests.append(read_manifest(root / name, walk.open))
        except DslintError:
            continue
    if len(manifests) > 1 and not all(_split_of_manifest(m) for m in manifests):
        names = ", ".join(m.file.name for m in manifests)
        raise DslintError(f"several manifests in {root} ({names}): choose one with --manifest")
    return manifests


def _manifests_in_subfolders(root: Path, dirs: list[str], walk: Tree) -> list[Manifest]:
    """One manifest in each subfolder, as PhysioNet 2016 ships its heart sounds
    (training-a/REFERENCE.csv … validation/REFERENCE.csv): read together, each
    naming the files beside it, when every subfolder but tools' has exactly one."""
    found = []
    for name in (d for d in dirs if not is_tool_dir(d)):
        entries = walk.list_dir(root / name)
        files = sorted(e.name for e in entries if walk.is_file(e, f"{name}/{e.name}"))
        try:
            manifests = _manifests_in(root / name, files, walk)
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
    dataset.label_files = [_relative(m.file, root) for m in manifests]
    by_stem: dict[Path, dict[str, Path]] = {}  # per folder: its data files by name sans extension
    for manifest in manifests:
        base = manifest.file.parent
        file_split = _split_of_manifest(manifest)
        for row in manifest.rows:
            source = f"{_relative(manifest.file, root)}:{row.line}"
            file = base / row.path
            if not row.path or not walk.has_file(file):
                if base not in by_stem:
                    by_stem[base] = _data_files_by_stem(walk, base)
                match = by_stem[base].get(row.path.replace("\\", "/"))
                if match is None:
                    dataset.missing_files.append((source, row.path))
                    continue
                file = match
            rel = _relative(file, root)
            if walk.excluded(rel) or not walk.allows(file, rel):
                continue
            split = _normalise_split(row.split) or file_split or _split_from_path(rel) or "train"
            parent = Path(rel).parent.name or None
            dataset.samples.append(
                Sample(
                    source=rel,
                    label=parse_label(row.label),
                    split=split,
                    path=rel,
                    folder_label=parent,
                )
            )
    return dataset


def _from_split_folders(root: Path, split_dirs: list[str], walk: Tree) -> Dataset:
    dataset = Dataset(
        root=str(root), layout="class folders in split folders", label_source="folder"
    )
    for split_dir in split_dirs:
        split = SPLIT_ALIASES[split_dir.lower()]
        for entry in walk.list_dir(root / split_dir):
            rel = f"{split_dir}/{entry.name}"
            if walk.is_file(entry, rel) and is_data_file(entry.name) and not walk.excluded(rel):
                dataset.stray_files.append(rel)
        _add_class_folders(dataset, root / split_dir, split_dir + "/", split, walk)
    return dataset


def _add_class_folders(dataset: Dataset, folder: Path, prefix: str, split: str, walk: Tree) -> None:
    for entry in sorted(walk.list_dir(folder), key=lambda e: e.name):
        rel = prefix + entry.name
        if not walk.is_dir(entry, rel) or entry.name == CACHE_DIR_NAME:
            continue
        if is_tool_dir(entry.name):
            dataset.stray_dirs.append((rel, "class", _count_data_files(walk, folder / entry.name)))
            continue
        before = len(dataset.samples)
        _add_class_files(dataset, folder / entry.name, rel, entry.name, split, walk)
        if len(dataset.samples) == before:
            dataset.empty_classes.append((split, entry.name, rel))


def _add_class_files(
    dataset: Dataset,
    folder: Path,
    rel_folder: str,
    label: str,
    split: str,
    walk: Tree,
) -> None:
    for entry in sorted(walk.list_dir(folder), key=lambda e: e.name):
        rel = f"{rel_folder}/{entry.name}"
        if walk.excluded(rel):
            continue
        if walk.is_dir(entry, rel):
            if is_tool_dir(entry.name):
                count = _count_data_files(walk, folder / entry.name)
                dataset.stray_dirs.append((rel, "inside", count))
            else:
                _add_class_files(dataset, folder / entry.name, rel, label, split, walk)
        elif walk.is_file(entry, rel):
            if is_data_file(entry.name):
                dataset.samples.append(
                    Sample(source=rel, label=label, split=split, path=rel, folder_label=label)
                )
            elif not is_vcs_file(entry.name):
                dataset.stray_files.append(rel)


@dataclass
class _Walk:
    """How the walk treats symbolic links. By default a link to a file is followed
    when its target lies inside the dataset, and a link to a folder is not walked
    (it may loop, or repeat files); with `follow_links` both are followed, each folder
    once. Links not followed, broken or looping are recorded in `links`."""

    root: Path
    follow_links: bool
    excluded: Callable[[str], bool]
    links: dict[str, str] = field(default_factory=dict)  # path -> why it was not read
    walked: set[str] = field(default_factory=set)
    remote = False

    def __post_init__(self) -> None:
        self.real_root = Path(os.path.realpath(self.root))

    def kind(self, path: Path) -> str | None:
        return "folder" if path.is_dir() else "file" if path.is_file() else None

    def readable(self, folder: Path) -> bool:
        return os.access(folder, os.R_OK | os.X_OK)

    def list_dir(self, folder: Path) -> list[os.DirEntry]:
        try:
            with os.scandir(folder) as entries:
                return list(entries)
        except OSError:
            return []

    def has_file(self, path: Path) -> bool:
        return path.is_file()

    def walk(self, folder: Path) -> Iterator[tuple[str, list[str], list[str]]]:
        return os.walk(folder)

    def open(self, path: Path) -> IO[bytes]:
        return open(path, "rb")

    def locate(self, name: str) -> Path:
        return Path(name)

    def is_dir(self, entry: os.DirEntry, rel: str) -> bool:
        try:
            if not entry.is_symlink():
                return entry.is_dir(follow_symlinks=False)
            target = self._target(entry, rel)
            if target is None or not target.is_dir():
                return False
            if not self.follow_links:
                self.links[rel] = f"a link to the folder {target}, not walked"
                return False
            if str(target) in self.walked or target in self.real_root.parents:
                self.links[rel] = f"a link back to {target}, not walked twice"
                return False
            self.walked.add(str(target))
            return True
        except OSError:
            return False

    def is_file(self, entry: os.DirEntry, rel: str) -> bool:
        try:
            if not entry.is_symlink():
                return entry.is_file(follow_symlinks=False)
            target = self._target(entry, rel)
            return target is not None and target.is_file() and self.allows(target, rel)
        except OSError:
            return False

    def allows(self, path: Path, rel: str) -> bool:
        """Whether a file (a link's target, or a manifest's path) may be read."""
        real = Path(os.path.realpath(path))
        if self.follow_links or real == self.real_root or self.real_root in real.parents:
            return True
        self.links[rel] = (
            f"points outside the dataset, to {real}; not read (--follow-links reads it)"
        )
        return False

    def _target(self, entry: os.DirEntry, rel: str) -> Path | None:
        target = Path(os.path.realpath(entry.path))
        if not target.exists():
            self.links[rel] = "a broken or looping link"
            return None
        return target


Tree = _Walk | RemoteTree  # where discovery looks: a local folder, or a store's listing


def _count_data_files(walk: Tree, folder: Path) -> int:
    return sum(is_data_file(name) for _, _, files in walk.walk(folder) for name in files)


def _data_files_by_stem(walk: Tree, base: Path) -> dict[str, Path]:
    """Data files under `base` by their relative path without extension, for manifests
    that name recordings without one (PhysioNet writes `a0001` for `a0001.wav`)."""
    found: dict[str, Path] = {}
    for folder, dirs, files in walk.walk(base):
        dirs[:] = sorted(d for d in dirs if not is_tool_dir(d) and d != CACHE_DIR_NAME)
        for name in sorted(files):
            if is_data_file(name):
                file = type(base)(folder) / name
                found.setdefault(_relative(file, base).rsplit(".", 1)[0], file)
    return found


def _relative(file: Path, root: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def _normalise_split(value: str | None) -> str | None:
    if not value:
        return None
    return SPLIT_ALIASES.get(value.strip().lower(), value.strip())


def _split_of_manifest(manifest: Manifest) -> str | None:
    return SPLIT_ALIASES.get(manifest.file.stem.lower())


def _split_from_path(rel: str) -> str | None:
    first = rel.split("/", 1)[0].lower()
    return SPLIT_ALIASES.get(first) if "/" in rel else None


def _exclusion(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    def excluded(rel: str) -> bool:
        return any(fnmatch(rel, pattern) for pattern in patterns)

    return excluded
