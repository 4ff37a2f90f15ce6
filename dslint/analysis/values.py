"""Per-split value statistics of the inputs, shared by the N rules.

Images and per-sample arrays are summarised from each file's facts; stacked x arrays
from their array statistics. Everything here reads facts, never files.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dslint.engine.context import Context


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
    squares = 0.0
    for f in facts:
        summary.dtypes[_dtype(f)] += 1
        summary.min, summary.max = min(summary.min, f.min), max(summary.max, f.max)
        summary.sample_means.append(f.mean)
        squares += f.std**2 + f.mean**2
        summary.nan_count += f.nan_count or 0
        summary.inf_count += f.inf_count or 0
    summary.samples = len(facts)
    summary.mean = sum(summary.sample_means) / len(facts)
    summary.std = math.sqrt(max(0.0, squares / len(facts) - summary.mean**2))
    return summary


def _dtype(facts) -> str:
    if facts.arrays.get(""):
        return facts.arrays[""]["dtype"]
    if facts.mode == "F":
        return "float32"
    return f"uint{facts.bit_depth}" if facts.bit_depth and facts.bit_depth >= 8 else "bool"


def _num(value: float) -> str:
    return f"{value:.4g}"
