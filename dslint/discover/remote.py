"""Datasets addressed by URL (`s3://bucket/data`, `gs://…`), through fsspec.

A remote dataset is listed once, recursively (object stores page such a listing
cheaply, where walking "folders" costs a request each), then walked in memory by the
same discovery code as a local folder. Objects are read in batches with fsspec's
concurrent `cat`. An object's version, half of its cache key, is its ETag where the
store gives one, else its modification time, so an unchanged object is never read
twice. Credentials come from each filesystem's own environment and configuration
(for S3: AWS_* variables, ~/.aws, instance roles); dslint passes none and prints
none. `file://` URLs are plain local paths.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from dslint.errors import DslintError
from dslint.extras import install_hint

URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
VERSION_FIELDS = ("ETag", "etag", "md5Hash", "LastModified", "last_modified", "mtime", "updated")


def is_url(path: object) -> bool:
    return isinstance(path, str) and bool(URL.match(path)) and not path.startswith("file://")


def local_path(path: str) -> str:
    """A `file://` URL as the local path it names; anything else unchanged."""
    return path[len("file://") :] if isinstance(path, str) and path.startswith("file://") else path


def filesystem(url: str):  # -> (fsspec.AbstractFileSystem, str)
    """The fsspec filesystem of `url` and the path within it."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise DslintError(
            f"checking {url} needs fsspec and its filesystem: {install_hint('s3')} "
            "(or the fsspec package for that scheme)"
        ) from None
    try:
        fs, path = url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise DslintError(f"cannot open {url}: {exc}") from None
    return fs, path.rstrip("/")


@dataclass(frozen=True)
class RemoteEntry:
    """What discovery needs of a listed name: the same attributes as os.DirEntry."""

    name: str
    path: str
    folder: bool

    def is_dir(self) -> bool:
        return self.folder


class RemoteTree:
    """A dataset by URL, listed once. Paths are the filesystem's own ("bucket/data/…"),
    as `PurePosixPath`, so that discovery joins and splits them as it does local ones.
    There are no links in an object store: `links` stays empty."""

    remote = True

    def __init__(self, url: str, excluded: Callable[[str], bool]) -> None:
        self.url = url.rstrip("/")
        self.excluded = excluded
        self.links: dict[str, str] = {}
        self.files: dict[str, tuple[int, str]] = {}  # path -> size, version
        self.children: dict[str, list[RemoteEntry]] = {}
        self.fs, path = filesystem(self.url)
        self.fs.invalidate_cache()  # fsspec keeps listings per process: list afresh
        try:
            top = self.fs.info(path)
            folder = path if top["type"] == "directory" else posixpath.dirname(path)
            listing = self.fs.find(folder, withdirs=True, detail=True)
        except FileNotFoundError:
            raise DslintError(f"path {self.url} does not exist") from None
        except Exception as exc:  # the store's own reason: permissions, network
            raise DslintError(f"cannot list {self.url}: {type(exc).__name__}: {exc}") from None
        self.root = PurePosixPath(path)
        self.folders = {folder}
        for name, info in listing.items():
            name = name.rstrip("/")
            if name == folder:
                continue
            is_folder = info["type"] == "directory"
            if is_folder:
                self.folders.add(name)
            else:
                self.files[name] = (info.get("size") or 0, _version(info))
            entry = RemoteEntry(posixpath.basename(name), name, is_folder)
            self.children.setdefault(posixpath.dirname(name), []).append(entry)

    def kind(self, path: PurePosixPath) -> str | None:
        key = str(path)
        if key in self.files:
            return "file"
        return "folder" if key in self.folders else None

    def readable(self, folder: PurePosixPath) -> bool:
        return True

    def list_dir(self, folder: PurePosixPath) -> list[RemoteEntry]:
        return list(self.children.get(str(folder), []))

    def is_dir(self, entry: RemoteEntry, rel: str) -> bool:
        return entry.folder

    def is_file(self, entry: RemoteEntry, rel: str) -> bool:
        return not entry.folder

    def has_file(self, path: PurePosixPath) -> bool:
        return str(path) in self.files

    def allows(self, path: PurePosixPath, rel: str) -> bool:
        return True

    def walk(self, folder: PurePosixPath) -> Iterator[tuple[str, list[str], list[str]]]:
        """Like os.walk, over the listing: (folder, subfolder names, file names)."""
        entries = self.children.get(str(folder), [])
        dirs = [e.name for e in entries if e.folder]
        yield str(folder), dirs, [e.name for e in entries if not e.folder]
        for name in dirs:
            yield from self.walk(folder / name)

    def open(self, path: PurePosixPath) -> IO[bytes]:
        return io.BytesIO(self.fs.cat_file(str(path)))

    def url_of(self, path: PurePosixPath) -> str:
        return self.fs.unstrip_protocol(str(path))

    def locate(self, name: str) -> PurePosixPath:
        """A path given by the user (--manifest): a URL on the same store."""
        if not is_url(name):
            raise DslintError(f"--manifest {name}: a dataset by URL needs its manifest by URL")
        return PurePosixPath(filesystem(name)[1])

    def versions(self, root: PurePosixPath) -> dict[str, tuple[int, str]]:
        """Size and version of every object under `root`, by its path relative to it."""
        prefix = f"{root}/"
        return {
            name[len(prefix) :]: version
            for name, version in self.files.items()
            if name.startswith(prefix)
        }


def read_objects(url: str, rels: list[str]) -> dict[str, bytes | Exception]:
    """The bytes of each object under `url`, read concurrently; a failure is returned
    in place of its bytes, so one bad object does not stop the batch."""
    fs, root = filesystem(url)
    paths = {f"{root}/{rel}": rel for rel in rels}
    try:
        found = fs.cat(list(paths), on_error="return")
    except Exception as exc:  # the whole batch failed: every object gets the reason
        return dict.fromkeys(rels, exc)
    return {paths[path]: data for path, data in found.items()}


def _version(info: dict) -> str:
    for name in VERSION_FIELDS:
        if info.get(name):
            return str(info[name]).strip('"')
    return ""
