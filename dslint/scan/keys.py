"""The files' cache keys, as columns: one `stat` of every file, shared by the check's
replay (which needs only their digest) and the scan (which needs each file's key).

A key is the file's absolute path (or URL), size and modification time (or the store's
version). Kept as a list of names and two arrays, 100,000 files' keys take 2 MB and
digest in 0.02 s; as a dict of tuples they took 30 MB and 0.1 s, which a re-check of
an unchanged dataset paid for nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import xxhash

from dslint.discover.remote import is_url
from dslint.scan.cache import VERSION, CacheKey, key_path
from dslint.scan.worker import ScanTarget

CHUNK = 8192  # names digested at a time


@dataclass(frozen=True)
class FileKeys:
    root: str  # absolute, or a URL
    names: list[str]  # the readable targets, in order
    tables: dict[str, str]  # a table's name -> the columns read of it, part of its key
    sizes: np.ndarray  # int64, one per name
    stamps: np.ndarray | list[str]  # modification times (int64 ns), or versions
    unreadable: dict[str, str]  # name -> why it cannot be read

    def keys(self) -> dict[str, CacheKey]:
        """Each readable name's key."""
        stamps = self.stamps.tolist() if isinstance(self.stamps, np.ndarray) else self.stamps
        return {
            name: (self._path(name), size, stamp)
            for name, size, stamp in zip(self.names, self.sizes.tolist(), stamps, strict=True)
        }

    @cached_property
    def digest(self) -> bytes:
        """Equal only for the same files, unchanged, read the same way by this dslint.
        Kept once made: the replay's key and the dataset's blob both read it."""
        digest = xxhash.xxh3_128(f"{VERSION}\0{self.root}\0{len(self.names)}\0".encode())
        for start in range(0, len(self.names), CHUNK):  # joined whole: 9 MB at once
            chunk = self.names[start : start + CHUNK]
            digest.update("\0".join(chunk).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(repr(sorted(self.tables.items())).encode())
        digest.update(self.sizes.tobytes())
        if isinstance(self.stamps, np.ndarray):
            digest.update(b"t" + self.stamps.tobytes())
        else:
            digest.update(b"v" + "\0".join(self.stamps).encode("utf-8", "surrogateescape"))
        digest.update(repr(sorted(self.unreadable.items())).encode())
        return digest.digest()

    def _path(self, name: str) -> str:
        full = key_path(self.root, name)
        # a table's facts depend on which columns were read: they are part of its key
        return f"{full}#{self.tables[name]}" if name in self.tables else full


def file_keys(
    root: str, targets: list[ScanTarget], versions: dict[str, tuple[int, str]] | None = None
) -> FileKeys:
    """Every target's key, from the store's listing (`versions`) for a dataset by URL,
    else from a `stat` of each file; a file that cannot be read says why."""
    if not is_url(root):
        root = os.path.abspath(root)
    names: list[str] = []
    sizes: list[int] = []
    stamps: list = []
    unreadable: dict[str, str] = {}
    stat = os.stat
    for rel, _, _ in targets:
        if versions is not None:
            if rel in versions:
                size, stamp = versions[rel]
            else:
                unreadable[rel] = "cannot be read: not in the store's listing"
                continue
        else:
            try:
                info = stat(key_path(root, rel))
            except OSError as exc:
                unreadable[rel] = f"cannot be read: {exc.strerror}"
                continue
            size, stamp = info.st_size, info.st_mtime_ns
        names.append(rel)
        sizes.append(size)
        stamps.append(stamp)
    tables = {t.rel: repr(t.table) for t in targets if t.table and t.rel not in unreadable}
    return FileKeys(
        root,
        names,
        tables,
        np.array(sizes, np.int64),
        [str(s) for s in stamps] if versions is not None else np.array(stamps, np.int64),
        unreadable,
    )
