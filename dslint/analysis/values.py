"""Per-split value statistics of the inputs, shared by the N rules.

Images and per-sample arrays are summarised from each file's facts; stacked x arrays
from their array statistics. Everything here reads facts, never files.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from dslint.engine.context import Context
    from dslint.model.facts import FileFacts


@dataclass
class SplitValues:
    split: str
    kind: str  # "image", "array" (one file per sample), "stacked" (x_<split>) or "table"
    source: str  # what the split's inputs are, for messages ("x_val.npy", "120 images")
    dtypes: Counter = field(default_factory=Counter)
    samples: int = 0
    min: float = math.inf
    max: float = -math.inf
    mean: float = 0.0
    std: float = 0.0
    sample_means: list[float] = field(default_factory=list)
    p50: float | None = None  # percentiles: stacked arrays only
    p99: float | None = None
    nan_count: int = 0
    inf_count: int = 0

    @property
    def dtype(self) -> str:
        return "/".join(sorted(self.dtypes))

    @property
    def is_float(self) -> bool:
        return any(d.startswith("float") for d in self.dtypes)

    def range_text(self) -> str:
        return f"[{_num(self.min)}, {_num(self.max)}] ({self.dtype})"


def scale_of(values: SplitValues) -> str:
    """The value scale a split's range suggests."""
    if values.max <= 1.0 + 1e-6:
        return "[-1, 1]" if values.min < -1e-6 else "[0, 1]"
    if values.max <= 255 + 1e-6:
        return "[0, 255]"
    if values.max <= 65535 + 1e-6:
        return "[0, 65535]"
    return "unbounded"


def split_values(ctx: Context) -> dict[str, SplitValues]:
    """Value statistics per split, for splits whose inputs have numeric values (an
    unlabelled table's too: a test.csv scaled unlike train.csv matters as much)."""
    found: dict[str, SplitValues] = {}
    unlabelled = [s for s in ctx.dataset.array_inputs if s not in ctx.dataset.splits]
    for split in [*ctx.dataset.splits, *unlabelled]:
        summary = _stacked(ctx, split) or _per_file(ctx, split)
        if summary is not None:
            found[split] = summary
    return found


def _stacked(ctx: Context, split: str) -> SplitValues | None:
    where = ctx.dataset.array_inputs.get(split)
    if where is None:
        return None
    file, key = where
    facts = ctx.facts.get(file)
    stats = facts.arrays.get(key or "") if facts else None
    if not stats or "min" not in stats:
        return None
    return SplitValues(
        split=split,
        kind="table" if file in ctx.dataset.table_columns else "stacked",
        source=f"{file}:{key}" if key else file,
        dtypes=Counter({stats["dtype"]: 1}),
        samples=stats["shape"][0],
        min=stats["min"],
        max=stats["max"],
        mean=stats["mean"],
        std=stats["std"],
        p50=stats.get("p50"),
        p99=stats.get("p99"),
        nan_count=stats.get("nan_count", 0),
        inf_count=stats.get("inf_count", 0),
    )


def _per_file(ctx: Context, split: str) -> SplitValues | None:
    facts = [f for _, f in ctx.files(split) if f.mean is not None]
    if not facts:
        return None
    kind = facts[0].kind
    summary = SplitValues(split=split, kind=kind, source=f"{len(facts):,} {kind} files")
    mins, maxs, means, stds, nans, infs = zip(*map(STATISTICS, facts), strict=True)
    summary.dtypes = _dtypes(facts)
    summary.min, summary.max = min(summary.min, *mins), max(summary.max, *maxs)
    summary.sample_means = list(means)
    summary.nan_count = sum(n or 0 for n in nans)
    summary.inf_count = sum(n or 0 for n in infs)
    spreads, levels = np.array(stds, np.float64), np.array(means, np.float64)
    squares = float(spreads @ spreads + levels @ levels)
    summary.samples = len(facts)
    summary.mean = sum(summary.sample_means) / len(facts)
    summary.std = math.sqrt(max(0.0, squares / len(facts) - summary.mean**2))
    return summary


STATISTICS = attrgetter("min", "max", "mean", "std", "nan_count", "inf_count")


def _dtypes(facts: list[FileFacts]) -> Counter:
    """The files' element types, counted: a picture's from its mode and bit depth,
    counted by those first (a dataset has few)."""
    found: Counter = Counter()
    pictures: Counter = Counter()
    for f in facts:
        if f.arrays.get(""):
            found[f.arrays[""]["dtype"]] += 1
        else:
            pictures[f.mode, f.bit_depth] += 1
    for (mode, depth), files in pictures.items():
        found[_pixel_dtype(mode, depth)] += files
    return found


def _pixel_dtype(mode: str | None, bit_depth: int | None) -> str:
    if mode == "F":
        return "float32"
    return f"uint{bit_depth}" if bit_depth and bit_depth >= 8 else "bool"


def _num(value: float) -> str:
    return f"{value:.4g}"
