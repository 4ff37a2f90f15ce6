"""Where discovery looks: a local folder or a store's listing, behind one protocol.

Discovery walks, lists and opens through a `Tree` and never asks which kind it has:
`LocalTree` here (symbolic links judged as it goes), `RemoteTree` for a dataset by URL
(dslint.discover.remote, listed once). Paths are `Path` locally and `PurePosixPath` in
a store, joined and split the same way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any, Protocol


class Tree(Protocol):
    """What discovery needs of the place a dataset lies."""

    remote: bool  # files are objects in a store (their versions come from the listing)
    links: dict[str, str]  # path -> why a link was not read (local trees only)

    def kind(self, path: Any) -> str | None:
        """ "file", "folder", or None where nothing is."""

    def readable(self, folder: Any) -> bool: ...

    def list_dir(self, folder: Any) -> list[Any]:
        """The folder's entries (os.DirEntry-like: name, path)."""

    def has_file(self, path: Any) -> bool: ...

    def walk(self, folder: Any) -> Iterator[tuple[str, list[str], list[str]]]:
        """Like os.walk: (folder, subfolder names, file names), subfolders prunable."""

    def open(self, path: Any) -> IO[bytes]: ...

    def locate(self, name: str) -> PurePath:
        """A path the user gave (--manifest) in this tree's terms."""

    def is_dir(self, entry: Any, rel: str) -> bool: ...

    def is_file(self, entry: Any, rel: str) -> bool: ...

    def allows(self, path: Any, rel: str) -> bool:
        """Whether a file (a link's target, or a manifest's path) may be read."""


@dataclass
class LocalTree:
    """A local folder. How the walk treats symbolic links: By default a link to a file is followed
    when its target lies inside the dataset, and a link to a folder is not walked
    (it may loop, or repeat files); with `follow_links` both are followed, each folder
    once. Links not followed, broken or looping are recorded in `links`."""

    root: Path
    follow_links: bool
    excluded: Callable[[str], bool]
    links: dict[str, str] = field(default_factory=dict)  # path -> why it was not read
    walked: set[str] = field(default_factory=set)
    real_folders: dict[str, Path] = field(default_factory=dict)  # folder -> its realpath
    remote = False

    def __post_init__(self) -> None:
        self.real_root = Path(os.path.realpath(self.root))
        # what the resolved paths of what lies inside it start with
        self.inside = str(self.real_root).rstrip(os.sep) + os.sep

    def kind(self, path: Path) -> str | None:
        try:
            return "folder" if path.is_dir() else "file" if path.is_file() else None
        except OSError:  # a name too long to be one (a table's text read as a path)
            return None

    def readable(self, folder: Path) -> bool:
        return os.access(folder, os.R_OK | os.X_OK)

    def list_dir(self, folder: Path) -> list[os.DirEntry]:
        try:
            with os.scandir(folder) as entries:
                return list(entries)
        except OSError:
            return []

    def has_file(self, path: Path) -> bool:
        try:
            return path.is_file()
        except OSError:  # a name too long to be one (a table's text read as a path)
            return False

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
        real = self._real(path)
        if self.follow_links or real == self.real_root or str(real).startswith(self.inside):
            return True
        self.links[rel] = (
            f"points outside the dataset, to {real}; not read (--follow-links reads it)"
        )
        return False

    def _real(self, path: Path) -> Path:
        """The path's `os.path.realpath`, its folder's resolved once: a manifest names
        many files in few folders (resolving each of MNIST's 70,000 anew, a lookup of
        every folder above it, was a third of the time its discovery took)."""
        if path.name in ("", ".", "..") or os.path.islink(path):
            return Path(os.path.realpath(path))
        folder = str(path.parent)
        if folder not in self.real_folders:
            self.real_folders[folder] = Path(os.path.realpath(folder))
        return self.real_folders[folder] / path.name

    def _target(self, entry: os.DirEntry, rel: str) -> Path | None:
        target = Path(os.path.realpath(entry.path))
        if not target.exists():
            self.links[rel] = "a broken or looping link"
            return None
        return target
