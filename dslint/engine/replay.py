"""A check of an unchanged dataset replays the outcome of the check that made it.

What a dataset's rules find depends on its files, on what discovery made of them
(samples, labels, splits), on the settings and rules, and on dslint's code: the
outcome is stored in the facts cache under a digest of all of these, and a later check
whose digest matches reads it back instead of unpacking every file's facts and running
the rules. One changed file, label, setting or source file and the digest differs:
the rules run again. On 100,000 unchanged files this is what brings a re-check under a
second; the `stat` of every file and discovery still run, since they are how the check
knows nothing changed.

The history and predictions are never replayed (they are read on every run), nor a
dataset read on a Dask cluster.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import sys
from functools import lru_cache
from importlib import metadata
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import xxhash

import dslint
from dslint.discover.tables import file_stamp
from dslint.model.report import Finding, RuleCrash

if TYPE_CHECKING:
    from dslint.analysis.probe import ProbeSettings
    from dslint.engine.rule import Rule
    from dslint.gate.config import Config
    from dslint.model.dataset import Dataset
    from dslint.scan.cache import FactsCache
    from dslint.scan.keys import FileKeys

# the Dataset's fields digested by marshal (large); the others by their repr
_LARGE = ("samples", "unlabelled", "manifest_rows")
_PRIVATE = ("_by_split", "_counts", "_indexed")
CHUNK = 8192  # samples digested at a time
SAID = "unchanged since the last check: its findings replayed"  # in the reports


class Outcome(NamedTuple):
    """What the rules and the probe made of one dataset."""

    findings: list[Finding]
    probe: dict | None
    unprobed: str | None
    columns: list[dict] | None
    crashes: list[RuleCrash]


class CheckKey(NamedTuple):
    files: bytes  # the files' digest: a dataset's outcomes under other files are dropped
    key: bytes  # that and everything else the outcome depends on


def check_key(
    dataset: Dataset, known: FileKeys, rules: list[Rule], settings: Config, probe: ProbeSettings
) -> CheckKey | None:
    """A digest of everything a dataset's outcome depends on; None when something in it
    cannot be digested (the check then runs as usual)."""
    if not known.names:
        return None
    files = known.digest
    digest = xxhash.xxh3_128(files)
    try:
        digest.update(_dataset_digest(dataset))
    except ValueError:  # a label marshal cannot write
        return None
    # the files discovery read labels from (a table's labels apart are among them)
    for path in dict.fromkeys(filter(None, (dataset.manifest, *dataset.label_files))):
        digest.update(f"{path}\0{file_stamp(Path(dataset.root) / path)}".encode())
    digest.update(repr(settings).encode())
    digest.update(" ".join(rule.id for rule in rules).encode())
    digest.update(_code_digest(tuple(sorted({type(rule).__module__ for rule in rules}))))
    digest.update(f"{sys.version}\0{np.__version__}".encode())
    if probe.enabled:
        model = probe.model.read_bytes() if probe.model else b""
        options = (probe.device, probe.max_samples, _version("onnxruntime"))
        digest.update(repr(options).encode() + xxhash.xxh3_128_digest(model))
    return CheckKey(files, digest.digest())


def replayed(cache: FactsCache, key: CheckKey) -> Outcome | None:
    """The outcome a check of the same files, settings and code stored, or None."""
    found = cache.outcome(key.key)
    return found if isinstance(found, Outcome) else None


def keep(cache: FactsCache, root: str, key: CheckKey, outcome: Outcome) -> None:
    cache.put_outcome(root, key.files, key.key, outcome)


def _dataset_digest(dataset: Dataset) -> bytes:
    """The samples and what else discovery recorded. The large lists go in a chunk at
    a time: marshalled whole, 100,000 samples took 16 MB for a moment."""
    digest = xxhash.xxh3_128()
    for field in dataclasses.fields(dataset):
        value = getattr(dataset, field.name)
        if field.name in _LARGE:
            items = iter(value.items() if isinstance(value, dict) else value)
            while chunk := [tuple(item) for item in islice(items, CHUNK)]:
                digest.update(marshal.dumps(chunk))
        elif field.name not in _PRIVATE:
            digest.update(repr(value).encode())
    return digest.digest()


def _version(distribution: str) -> str:
    for name in (distribution, f"{distribution}-gpu"):  # the GPU build in its place
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


@lru_cache(maxsize=8)
def _code_digest(modules: tuple[str, ...]) -> bytes:
    """A digest of dslint's own files and of the rules' modules (their whole package
    where they are in one), by name, size and modification time, so that a changed
    rule or engine (an editable install, a plugin upgraded) never replays."""
    files = set(_package_files(Path(dslint.__file__).parent))
    for name in modules:
        where = getattr(sys.modules.get(name), "__file__", None)
        if where:
            folder = Path(where).parent
            files.update(_package_files(folder) if (folder / "__init__.py").exists() else [where])
    digest = xxhash.xxh3_128()
    for path in sorted(files):
        info = os.stat(path)
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.digest()


def _package_files(folder: Path) -> list[str]:
    found = []
    for top, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__"]
        found.extend(os.path.join(top, name) for name in names)
    return found
