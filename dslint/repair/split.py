"""`dslint split PATH --out NEW`: a new stratified train/val/test split in which
nothing can leak.

Samples are first joined into units that must not be parted: exact copies, confirmed
near-copies (the same groups D001, D002 and D004 report), and samples sharing a group
key (a patient or speaker, from a manifest column or a regular expression over the
path). Units go, largest first, to the split whose class quotas they fill best, so
class proportions hold within a few samples of a unit's size. The copy is written as
class folders in split folders (files linked, not copied, where the file system
allows), or as x_<split>/y_<split> arrays for the NumPy layout; unlabelled samples
are left out.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dslint.api import open_cache, scan_targets
from dslint.discover.layouts import discover
from dslint.discover.remote import local_path
from dslint.discover.table_reader import read_frame
from dslint.engine.context import Context
from dslint.errors import DslintError
from dslint.model.dataset import Dataset, Sample, format_label, is_class, sort_labels
from dslint.repair.write import (
    ROW,
    DatasetFiles,
    check_destination,
    load_array,
    refuse_labels_apart,
    write_table,
)
from dslint.scan.scanner import scan


@dataclass
class SplitResult:
    """The new split: samples per split and class, and the units kept whole."""

    counts: dict[str, Counter] = field(default_factory=dict)
    units: int = 0
    kept_together: int = 0  # units of more than one sample
    left_out: int = 0  # unlabelled samples

    def proportions(self) -> dict[str, dict[str, float]]:
        """Each class's share of each split."""
        return {
            split: {
                format_label(label).strip("'"): counts[label] / max(1, sum(counts.values()))
                for label in sort_labels(counts)
            }
            for split, counts in self.counts.items()
        }

    def describe(self) -> list[str]:
        """The units, then a table of each split's samples per class and their shares."""
        labels = sort_labels({label for counts in self.counts.values() for label in counts})
        rows = [["split", "samples", *(format_label(label).strip("'") for label in labels)]]
        for split_name, counts in self.counts.items():
            total = sum(counts.values())
            rows.append(
                [
                    split_name,
                    f"{total:,}",
                    *(f"{counts[label]:,} ({counts[label] / total:.1%})" for label in labels),
                ]
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        table = [
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        kept = f"{self.units:,} units ({self.kept_together:,} of several samples kept together)"
        left = f"; {self.left_out:,} unlabelled samples left out" if self.left_out else ""
        return [kept + left, *table]


def split(
    path: str | os.PathLike,
    out: str | os.PathLike,
    *,
    val: float = 0.1,
    test: float = 0.1,
    group_by: str | None = None,
    seed: int = 0,
    manifest: str | os.PathLike | None = None,
    label_from_name: str | None = None,
    use_cache: bool = True,
    cache_dir: str | os.PathLike | None = None,
) -> SplitResult:
    """Write a leak-free stratified split of the dataset at `path` to `out`. `group_by`
    is a manifest column's name or a regular expression over each file's path (its
    group `group`, else the whole match, is the key)."""
    if not (0 <= val < 1 and 0 <= test < 1 and val + test < 1):
        raise DslintError(f"--val {val} and --test {test} must leave a share for train")
    source, target = local_path(str(path)), Path(out)
    check_destination(source, target)
    dataset = discover(source, manifest=manifest, label_from_name=label_from_name)
    refuse_labels_apart(dataset, "split")
    ctx = _context(dataset, use_cache, cache_dir)
    try:
        units = _units(ctx, _group_keys(dataset, group_by))
    finally:
        if ctx.cache:
            ctx.cache.close()
    shares = {"train": 1 - val - test, "val": val, "test": test}
    assigned = _assign(units, {s: v for s, v in shares.items() if v > 0}, seed)
    _write(dataset, target, assigned)
    result = SplitResult(
        units=len(units),
        kept_together=sum(len(u) > 1 for u in units),
        left_out=len(dataset.unlabelled) + sum(not is_class(s.label) for s in dataset.samples),
    )
    for split_name, samples in assigned.items():
        result.counts[split_name] = Counter(s.label for s in samples)
    return result


def _context(dataset: Dataset, use_cache: bool, cache_dir: str | os.PathLike | None) -> Context:
    cache = open_cache(cache_dir, [dataset]) if use_cache else None
    facts, _ = scan(
        dataset.root,
        scan_targets(dataset),
        os.cpu_count() or 1,
        cache,
        thumbnails=False,  # the near-duplicate confirmation reads the few it needs
        versions=dataset.file_versions,
    )
    return Context(dataset=dataset, facts=facts, cache=cache)


def _group_keys(dataset: Dataset, group_by: str | None) -> dict[str, str]:
    """Each sample's group key (by source), from a manifest column or a pattern."""
    if not group_by:
        return {}
    column = _column_keys(dataset, group_by)
    if column is not None:
        return column
    try:
        pattern = re.compile(group_by)
    except re.error as exc:
        raise DslintError(
            f"--group-by {group_by!r} is neither a column nor a pattern: {exc}"
        ) from None
    keys = {}
    for sample in dataset.samples:
        match = pattern.search(sample.path or sample.source)
        if match:
            keys[sample.source] = match.groupdict().get("group") or match.group(0)
    if not keys:
        raise DslintError(f"--group-by {group_by!r} matches no sample's path")
    return keys


def _column_keys(dataset: Dataset, name: str) -> dict[str, str] | None:
    tables: dict[str, list[list[str]]] = {}
    files = DatasetFiles(dataset)
    for manifest in dataset.label_columns:
        if Path(manifest).suffix.lower() in (".csv", ".tsv"):
            tables[manifest] = files.rows(manifest)
    keys = {}
    for path, (manifest, line) in dataset.manifest_rows.items():
        table = tables.get(manifest)
        if not table or name not in table[0]:
            continue
        row = table[line - 1]
        column = table[0].index(name)
        keys[path] = row[column] if column < len(row) else ""
    return keys or None


def _units(ctx: Context, keys: dict[str, str]) -> list[list[Sample]]:
    """Labelled samples joined by copies, near-copies and group keys (union-find)."""
    samples = [s for s in ctx.dataset.samples if is_class(s.label)]
    index = {s.source: i for i, s in enumerate(samples)}
    parent = list(range(len(samples)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(members: list[str]) -> None:
        found = [index[m] for m in members if m in index]
        for other in found[1:]:
            parent[root(other)] = root(found[0])

    for group in ctx.duplicates():
        join([s.source for s in group.members])
    for group in ctx.near_groups():
        join([s.source for s in group.members])
    by_key: dict[str, list[str]] = defaultdict(list)
    for source, key in keys.items():
        by_key[key].append(source)
    for members in by_key.values():
        join(members)
    units: dict[int, list[Sample]] = defaultdict(list)
    for i, sample in enumerate(samples):
        units[root(i)].append(sample)
    return list(units.values())


def _assign(
    units: list[list[Sample]], shares: dict[str, float], seed: int
) -> dict[str, list[Sample]]:
    """Units, largest first (ties in a seeded random order), each to the split it takes
    least far from its class quotas."""
    totals = Counter(s.label for unit in units for s in unit)
    quota = {split: {c: share * n for c, n in totals.items()} for split, share in shares.items()}
    filled: dict[str, Counter] = {split: Counter() for split in shares}
    assigned: dict[str, list[Sample]] = {split: [] for split in shares}
    order = np.random.default_rng(seed).permutation(len(units))
    for i in sorted(order, key=lambda i: -len(units[int(i)])):
        unit = units[int(i)]
        classes = Counter(s.label for s in unit)

        def cost(split: str, classes: Counter = classes) -> tuple[float, float]:
            """How much further from its class quotas the split would be with the unit
            (squared, relative to each quota); between equals, the fuller split last."""
            change = sum(
                (
                    (filled[split][c] + n - quota[split][c]) ** 2
                    - (filled[split][c] - quota[split][c]) ** 2
                )
                / max(quota[split][c], 1e-9) ** 2
                for c, n in classes.items()
            )
            whole = sum(quota[split].values())
            return round(change, 9), sum(filled[split].values()) / max(whole, 1e-9)

        best = min(shares, key=cost)
        assigned[best].extend(unit)
        filled[best].update(classes)
    return assigned


def _write(dataset: Dataset, out: Path, assigned: dict[str, list[Sample]]) -> None:
    files = DatasetFiles(dataset)
    if dataset.label_source == "array":
        _write_arrays(dataset, files, out, assigned)
        return
    if dataset.label_source == "table":
        _write_tables(dataset, files, out, assigned)
        return
    for split_name, samples in assigned.items():
        taken: set[Path] = set()
        for sample in sorted(samples, key=lambda s: s.source):
            folder = out / split_name / format_label(sample.label).strip("'")
            target = folder / Path(sample.path).name
            if target in taken:
                target = folder / sample.path.replace("/", "__")
            taken.add(target)
            files.copy(sample.path, target)


def _write_arrays(
    dataset: Dataset, files: DatasetFiles, out: Path, assigned: dict[str, list[Sample]]
) -> None:
    """x_<split>.npy and y_<split>.npy, the rows gathered from the old splits' arrays."""
    inputs = {
        f"{file}:{key}" if key else file: load_array(files.read(file), key)
        for file, key in dataset.array_inputs.values()
    }
    out.mkdir(parents=True, exist_ok=True)
    for split_name, samples in assigned.items():
        rows = [ROW.match(s.source) for s in samples]
        if not all(rows):
            raise DslintError("a split of arrays needs every sample's input rows")
        found = zip(rows, samples, strict=True)
        by_file = _by_source((m["file"], int(m["index"]), s) for m, s in found)
        x = np.concatenate([inputs[name][[i for i, _ in picked]] for name, picked in by_file])
        y = np.array([s.label for _, picked in by_file for _, s in picked])
        np.save(out / f"x_{split_name}.npy", x, allow_pickle=False)
        np.save(out / f"y_{split_name}.npy", y, allow_pickle=False)


def _write_tables(
    dataset: Dataset, files: DatasetFiles, out: Path, assigned: dict[str, list[Sample]]
) -> None:
    """<split>.csv (or the source's format) per new split: the rows gathered from the
    tables they came from ("train.csv:12" is line 12), with the columns of the first."""
    import pandas as pd

    frames = {name: read_frame(files.read(name), name) for name in dataset.table_columns}
    suffix = Path(next(iter(frames))).suffix
    for split_name, samples in assigned.items():
        lines = (s.source.rsplit(":", 1) for s in samples)
        by_file = _by_source((name, int(line) - 2, None) for name, line in lines)
        parts = [frames[name].iloc[[i for i, _ in picked]] for name, picked in by_file]
        write_table(pd.concat(parts, ignore_index=True), out / f"{split_name}{suffix}")


def _by_source(rows: Iterable[tuple[str, int, Any]]) -> list[tuple[str, list[tuple[int, Any]]]]:
    """(source, position, payload) rows gathered per source, in order of first sight,
    so that each source is indexed once rather than row by row."""
    gathered: dict[str, list[tuple[int, Any]]] = {}
    for source, position, payload in rows:
        gathered.setdefault(source, []).append((position, payload))
    return list(gathered.items())
