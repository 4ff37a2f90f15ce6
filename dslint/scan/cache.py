"""The facts cache: one SQLite file outside the dataset, keyed by absolute path, size,
modification time and dslint version (for a dataset by URL: URL, size, ETag).

A file's facts are one `marshal`-packed row (reading 100,000 rows took 0.63 s as one
column per field and 0.2 s packed); thumbnails, most of the bytes, lie in a table of
their own, which a run without the probe does not read. marshal is not meant for
untrusted data, so a row is unpacked only when its key matches a file just looked at
(path, size, modification time to the nanosecond and dslint version), which a cache
file planted in a repository cannot foresee; a row that does not unpack is a miss.

SQLite commits are atomic, so a run killed mid-scan leaves every committed batch
usable and nothing half-written; WAL mode and a busy timeout let two dslint processes
share one cache.

A dataset whose every file came from the cache is also stored whole, its rows as one
blob under a digest of every file's name, size and modification time: the next check
of the same, unchanged dataset reads that one blob (on 100,000 files 0.2 s less than
a row per file). It is unpacked only when the digest matches the files just looked at.
"""

from __future__ import annotations

import hashlib
import io
import json
import marshal
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dslint import __version__
from dslint.model.facts import CACHED_FIELDS

if TYPE_CHECKING:
    from dslint.analysis.probe_compute import Fit

CacheKey = tuple[str, int, int | str]  # absolute path or URL, size, mtime_ns or ETag
FILE_NAME = "facts-v2.sqlite"
SET_UP_ATTEMPTS = 100  # 0.1 s apart
COLUMNS = ("key_path", "key_size", "key_mtime_ns", "key_version", "facts")
THUMBNAIL = CACHED_FIELDS.index("thumbnail")
# the fields whose values repeat from file to file, stored once each in a dataset's blob
REPEATING = frozenset(
    CACHED_FIELDS.index(name)
    for name in ("kind", "format", "width", "height", "mode", "bit_depth", "channels", "min", "max")
)
# what the scan stores inside the facts (a table's or text's statistics): raise it when
# that changes, so that facts of another shape are scanned again, not misread
FACTS_SHAPE = 6
# rows written by a dslint with other fact fields or shapes are never read as this one's
FIELDS = hashlib.sha256(" ".join(CACHED_FIELDS).encode()).hexdigest()[:8]
VERSION = f"{__version__}+{FIELDS}.{FACTS_SHAPE}"
MARSHAL_VERSION = 4
LOOKUP_CHUNK = 500  # keys per query: SQLite's limit on parameters is 999 in old builds


class FactsCache:
    """Rows of `FileFacts.to_row()` values, packed (see the module's docstring)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.file = directory / FILE_NAME
        self._db = sqlite3.connect(self.file, timeout=30)
        self._set_up()

    def _set_up(self) -> None:
        """WAL mode and the table. A table of another layout (an older dslint's) is
        dropped: its rows could be neither read nor extended. Switching the journal
        mode can fail at once with "database is locked" while another process creates
        the same file (SQLite does not wait on its busy timeout there), so the set-up
        is retried for a while."""
        for attempt in range(SET_UP_ATTEMPTS):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                if self._columns() not in ([], list(COLUMNS)):
                    self._db.execute("DROP TABLE facts")
                    self._db.execute("DROP TABLE IF EXISTS thumbnails")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS facts (key_path BLOB PRIMARY KEY, "
                    "key_size INTEGER, key_mtime_ns INTEGER, key_version TEXT, facts BLOB)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS thumbnails "
                    "(key_path BLOB PRIMARY KEY, thumbnail BLOB)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS probe_features "
                    "(key BLOB PRIMARY KEY, features BLOB)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS probe_fits (key BLOB PRIMARY KEY, proba BLOB, "
                    "shortcuts TEXT, converged INTEGER)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, arrays BLOB)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS datasets (root BLOB PRIMARY KEY, digest BLOB, "
                    "facts BLOB)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS checks (key BLOB PRIMARY KEY, root BLOB, "
                    "files BLOB, outcome BLOB)"
                )
                self._db.commit()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == SET_UP_ATTEMPTS - 1:
                    raise
                time.sleep(0.1)

    def _columns(self) -> list[str]:
        return [row[1] for row in self._db.execute("PRAGMA table_info(facts)")]

    @classmethod
    def open(cls, directory: Path) -> FactsCache | None:
        """The cache, or None (with a one-line warning) when it cannot be used."""
        try:
            return cls(directory)
        except (OSError, sqlite3.Error) as exc:
            print(f"dslint: warning: cache {directory} not used: {exc}", file=sys.stderr)
            return None

    def get_many(
        self, keys: dict[str, CacheKey], thumbnails: bool = True
    ) -> Iterator[tuple[str, tuple]]:
        """(name, cached row) for each of `keys` (a file's name and its key) whose
        size, mtime and version still match, the thumbnail read as None unless
        `thumbnails` is set (a run without the probe has no use for them, and they are
        most of the bytes). The whole table is read in one query: cheaper than many
        keyed lookups when most of it is wanted, which is the case a cache is for. Rows
        come one at a time, so that the caller keeps only what it makes of them."""
        wanted = {os.fsencode(key[0]): (name, *key[1:]) for name, key in keys.items()}
        query = "SELECT key_path, key_size, key_mtime_ns, key_version, facts, " + (
            "thumbnail FROM facts LEFT JOIN thumbnails USING (key_path)"
            if thumbnails
            else "NULL FROM facts"
        )
        try:
            for blob, size, mtime, version, packed, picture in self._db.execute(query):
                hit = wanted.get(blob)
                if hit and (size, mtime, version) == (hit[1], hit[2], VERSION):
                    row = _unpacked(packed)
                    if row is not None:
                        yield hit[0], (*row[:THUMBNAIL], picture, *row[THUMBNAIL:])
        except sqlite3.Error as exc:
            print(
                f"dslint: warning: cache {self.file} unreadable, rescanning: {exc}", file=sys.stderr
            )

    def unchanged_dataset(self, root: str, digest: bytes, files: int) -> list[tuple] | None:
        """Every file's cached row (thumbnails as None), in the order they were stored,
        when the dataset at `root` is just as it was stored: the same files, sizes and
        modification times and the same dslint (`digest`, of them all). One blob for the
        whole dataset: on 100,000 unchanged files, half the time of a row per file."""
        try:
            row = self._db.execute(
                "SELECT digest, facts FROM datasets WHERE root = ?", (os.fsencode(root),)
            ).fetchone()
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} unreadable: {exc}", file=sys.stderr)
            return None
        if row is None or row[0] != digest:
            return None
        return _unpacked_dataset(row[1], files)

    def put_unchanged_dataset(self, root: str, digest: bytes, rows: Iterable[tuple]) -> None:
        """Store every file's row of the dataset at `root` as one blob under `digest`,
        for `unchanged_dataset`."""
        shared: dict = {}
        packed = marshal.dumps(
            [
                tuple(
                    None
                    if field == THUMBNAIL
                    else _one_of(shared, value)
                    if field in REPEATING
                    else value
                    for field, value in enumerate(row)
                )
                for row in rows
            ],
            MARSHAL_VERSION,
        )
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO datasets VALUES (?, ?, ?)",
                    (os.fsencode(root), digest, packed),
                )
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def thumbnails(self, root: str, names: list[str]) -> dict[str, bytes]:
        """The stored thumbnails of these files of the dataset at `root`, by name, for
        the few a run without the probe needs: the confirmation of near-duplicate
        candidates. Written with each file's facts, so as fresh as they are."""
        found: dict[str, bytes] = {}
        by_key = {os.fsencode(key_path(root, name)): name for name in names}
        keys = list(by_key)
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key_path, thumbnail FROM thumbnails WHERE key_path IN ({marks})"
                for blob, picture in self._db.execute(query, chunk):
                    if picture is not None:
                        found[by_key[blob]] = picture
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} unreadable: {exc}", file=sys.stderr)
        return found

    def put_many(self, rows: Iterable[tuple[CacheKey, tuple]]) -> None:
        records, pictures = [], []
        for (path, size, mtime), row in rows:
            key = os.fsencode(path)
            packed = marshal.dumps((*row[:THUMBNAIL], *row[THUMBNAIL + 1 :]), MARSHAL_VERSION)
            records.append((key, size, mtime, VERSION, packed))
            pictures.append((key, row[THUMBNAIL]))
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)", records)
                self._db.executemany("INSERT OR REPLACE INTO thumbnails VALUES (?, ?)", pictures)
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def features(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        """The probe's cached features by key (a digest of the picture and the model,
        so no stale entry can match)."""
        found: dict[bytes, np.ndarray] = {}
        try:
            for start in range(0, len(keys), LOOKUP_CHUNK):
                chunk = keys[start : start + LOOKUP_CHUNK]
                query = "SELECT key, features FROM probe_features WHERE key IN "
                rows = self._db.execute(query + f"({','.join('?' * len(chunk))})", chunk)
                found.update((key, np.frombuffer(blob, np.float32)) for key, blob in rows)
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} unreadable: {exc}", file=sys.stderr)
            return {}
        return found

    def put_features(self, items: Iterable[tuple[bytes, np.ndarray]]) -> None:
        rows = [(key, np.asarray(f, np.float32).tobytes()) for key, f in items]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO probe_features VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def fit(self, key: bytes) -> Fit | None:
        """The probe's fit for these inputs (`key` is a digest of all it reads)."""
        from dslint.analysis.probe_compute import Fit

        try:
            row = self._db.execute(
                "SELECT proba, shortcuts, converged FROM probe_fits WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            proba = np.load(io.BytesIO(row[0]), allow_pickle=False)
            return Fit(proba, json.loads(row[1]), bool(row[2]))
        except (sqlite3.Error, ValueError, OSError) as exc:
            print(
                f"dslint: warning: cache {self.file}: probe fit unreadable: {exc}", file=sys.stderr
            )
            return None

    def put_fit(self, key: bytes, fit: Fit) -> None:
        packed = io.BytesIO()
        np.save(packed, fit.proba, allow_pickle=False)
        row = (key, packed.getvalue(), json.dumps(fit.shortcuts), int(fit.converged))
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO probe_fits VALUES (?, ?, ?, ?)", row)
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def result(self, key: bytes) -> dict[str, np.ndarray] | None:
        """The arrays an analysis stored under `key`, a digest of everything it read
        (so an unchanged dataset does not redo it), or None."""
        try:
            row = self._db.execute("SELECT arrays FROM results WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            with np.load(io.BytesIO(row[0]), allow_pickle=False) as stored:
                return {name: stored[name] for name in stored.files}
        except (sqlite3.Error, ValueError, OSError) as exc:
            print(f"dslint: warning: cache {self.file}: result unreadable: {exc}", file=sys.stderr)
            return None

    def put_result(self, key: bytes, arrays: dict[str, np.ndarray]) -> None:
        packed = io.BytesIO()
        np.savez(packed, allow_pickle=False, **arrays)
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?)", (key, packed.getvalue())
                )
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def outcome(self, key: bytes) -> object | None:
        """What a check stored under `key` (`engine.replay`), or None."""
        try:
            row = self._db.execute("SELECT outcome FROM checks WHERE key = ?", (key,)).fetchone()
            # pickled by a check of these very files, settings and code (the key says
            # so): a planted cache cannot foresee the modification times in it
            return pickle.loads(row[0]) if row else None
        except Exception as exc:  # whatever a damaged blob raises: the check runs instead
            print(f"dslint: warning: cache {self.file}: check unreadable: {exc}", file=sys.stderr)
            return None

    def put_outcome(self, root: str, files: bytes, key: bytes, outcome: object) -> None:
        """Store a check's outcome of the dataset at `root`, whose files have the digest
        `files`; outcomes of the dataset's earlier states go."""
        packed = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with self._db:
                self._db.execute(
                    "DELETE FROM checks WHERE root = ? AND files != ?", (os.fsencode(root), files)
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO checks VALUES (?, ?, ?, ?)",
                    (key, os.fsencode(root), files, packed),
                )
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def close(self) -> None:
        self._db.close()


def key_path(root: str, name: str) -> str:
    """The path a file's cache key holds: its dataset's root (a folder or a URL) and
    its name in the dataset."""
    return f"{root}/{name}"


def _unpacked(packed: bytes) -> tuple | None:
    """One file's row (its thumbnail left out); None if the bytes are not one."""
    found = _loaded(packed)
    return found if isinstance(found, tuple) and len(found) == len(CACHED_FIELDS) - 1 else None


def _unpacked_dataset(packed: bytes, files: int) -> list[tuple] | None:
    """A dataset's `files` full rows; None if the bytes are not that."""
    found = _loaded(packed)
    if not isinstance(found, list) or len(found) != files:
        return None
    whole = len(CACHED_FIELDS)
    return found if all(type(row) is tuple and len(row) == whole for row in found) else None


def _loaded(packed: bytes) -> object:
    try:
        return marshal.loads(packed)
    except (EOFError, ValueError, TypeError):
        return None


def _one_of(shared: dict, value: object) -> object:
    """`value`, or an equal value of the same type met before: marshal writes a value
    met again as a reference, and reading it back shares one object (100,000 files'
    "JPEG", "RGB", 0.0 and 255.0 each once)."""
    if type(value) is float:
        return shared.setdefault((float, value.hex()), value)
    if type(value) in (str, int):
        return shared.setdefault((type(value), value), value)
    return value
