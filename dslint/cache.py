"""The facts cache: one SQLite file outside the dataset, keyed by absolute path, size,
modification time and dslint version.

SQLite commits are atomic, so a run killed mid-scan leaves every committed batch
usable and nothing half-written; WAL mode and a busy timeout let two dslint processes
share one cache.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

from dslint import __version__

SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    path BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    version TEXT NOT NULL,
    facts TEXT NOT NULL
)
"""
CacheKey = tuple[str, int, int]  # absolute path, size, mtime_ns


class FactsCache:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.file = directory / "facts-v1.sqlite"
        self._db = sqlite3.connect(self.file, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)
        self._db.commit()

    @classmethod
    def open(cls, directory: Path) -> FactsCache | None:
        """The cache, or None (with a one-line warning) when it cannot be used."""
        try:
            return cls(directory)
        except (OSError, sqlite3.Error) as exc:
            print(f"dslint: warning: cache {directory} not used: {exc}", file=sys.stderr)
            return None

    def get_many(self, keys: Iterable[CacheKey]) -> dict[str, dict]:
        """Cached facts for the keys whose size, mtime and version still match."""
        wanted = {os.fsencode(path): (path, size, mtime) for path, size, mtime in keys}
        found: dict[str, dict] = {}
        blobs = list(wanted)
        try:
            for start in range(0, len(blobs), 900):
                chunk = blobs[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for blob, size, mtime, version, text in self._db.execute(
                    f"SELECT path, size, mtime_ns, version, facts FROM facts "
                    f"WHERE path IN ({marks})",
                    chunk,
                ):
                    path, want_size, want_mtime = wanted[blob]
                    if (size, mtime, version) == (want_size, want_mtime, __version__):
                        found[path] = json.loads(text)
        except (sqlite3.Error, ValueError) as exc:
            print(
                f"dslint: warning: cache {self.file} unreadable, rescanning: {exc}", file=sys.stderr
            )
            return {}
        return found

    def put_many(self, rows: Iterable[tuple[CacheKey, dict]]) -> None:
        records = [
            (os.fsencode(path), size, mtime, __version__, json.dumps(facts, separators=(",", ":")))
            for (path, size, mtime), facts in rows
        ]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)", records)
        except sqlite3.Error as exc:
            print(f"dslint: warning: cache {self.file} not updated: {exc}", file=sys.stderr)

    def close(self) -> None:
        self._db.close()
