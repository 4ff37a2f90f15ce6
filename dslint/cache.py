"""The facts cache: one SQLite file outside the dataset, keyed by absolute path, size,
modification time and dslint version (for a dataset by URL: URL, size, ETag).

SQLite commits are atomic, so a run killed mid-scan leaves every committed batch
usable and nothing half-written; WAL mode and a busy timeout let two dslint processes
share one cache.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from dslint import __version__
from dslint.facts import CACHED_FIELDS

CacheKey = tuple[str, int, int | str]  # absolute path or URL, size, mtime_ns or ETag
FILE_NAME = "facts-v2.sqlite"
SET_UP_ATTEMPTS = 100  # 0.1 s apart
KEY_COLUMNS = ("key_path", "key_size", "key_mtime_ns", "key_version")


class FactsCache:
    """Rows of `FileFacts.to_row()` values, one column per cached field, so that a
    cached run reads plain tuples rather than decoding a document per file."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.file = directory / FILE_NAME
        self._db = sqlite3.connect(self.file, timeout=30)
        self._set_up()
        self._insert = (
            f"INSERT OR REPLACE INTO facts VALUES "
            f"(?, ?, ?, ?, {', '.join('?' * len(CACHED_FIELDS))})"
        )

    def _set_up(self) -> None:
        """WAL mode and the table. A table written by a dslint with other fact fields
        is dropped: its rows could be neither read nor extended. Switching the journal
        mode can fail at once with "database is locked" while another process creates
        the same file (SQLite does not wait on its busy timeout there), so the set-up
        is retried for a while."""
        columns = ", ".join(f'"{name}"' for name in CACHED_FIELDS)
        for attempt in range(SET_UP_ATTEMPTS):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                if self._columns() not in ([], [*KEY_COLUMNS, *CACHED_FIELDS]):
                    self._db.execute("DROP TABLE facts")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS facts (key_path BLOB PRIMARY KEY, "
                    f"key_size INTEGER, key_mtime_ns INTEGER, key_version TEXT, {columns})"
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
        self, keys: Iterable[CacheKey], without: frozenset[str] = frozenset()
    ) -> dict[str, tuple]:
        """Cached rows for the keys whose size, mtime and version still match, with
        the fields in `without` read as None (a run without the probe has no use for
        the thumbnails, which are most of the bytes). The whole table is read in one
        query: cheaper than many keyed lookups when most of it is wanted, which is the
        case a cache is for."""
        wanted = {os.fsencode(path): (path, size, mtime) for path, size, mtime in keys}
        found: dict[str, tuple] = {}
        columns = ", ".join("NULL" if name in without else f'"{name}"' for name in CACHED_FIELDS)
        query = f"SELECT {', '.join(KEY_COLUMNS)}, {columns} FROM facts"
        try:
            for blob, size, mtime, version, *row in self._db.execute(query):
                hit = wanted.get(blob)
                if hit and (size, mtime, version) == (hit[1], hit[2], __version__):
                    found[hit[0]] = tuple(row)
        except sqlite3.Error as exc:
            print(
                f"dslint: warning: cache {self.file} unreadable, rescanning: {exc}", file=sys.stderr
            )
            return {}
        return found

    def put_many(self, rows: Iterable[tuple[CacheKey, tuple]]) -> None:
        records = [
            (os.fsencode(path), size, mtime, __version__, *row) for (path, size, mtime), row in rows
        ]
        try:
            with self._db:
                self._db.executemany(self._insert, records)
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def close(self) -> None:
        self._db.close()
