"""A table's statistics per split, gathered batch by batch (dslint.discover.table_reader)
so that memory stays bounded by a batch: for each row a hash of its content, for each
column what the T rules, N001/N006, N003 and the reports read. Everything is computed
over whole columns of a batch with pyarrow and NumPy, never row by row in Python, but
the SimHash prints of free-text rows.

A row's content is its feature columns, numbers by value ("1.0" is "1") and text in
Unicode NFKC, lower-cased, with whitespace collapsed, so that a message re-typed with
other case or spacing is still a copy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dslint.scan.text import MOJIBAKE, SHORT_TEXT, text_prints

CATEGORIES = 50  # distinct values of a column listed for the T rules
TOP = 5  # most common values of a column kept for the reports
VALUES = 1_000  # distinct values of a column counted exactly (categories, purity)
SAMPLE = 20_000  # numbers kept per column for its quartiles (every k-th, k doubling)
FREE_TEXT = 20  # mean characters from which a text column is prose, not categories
KIND_SHARE = 0.95  # share of a column's filled cells of one kind (numbers, words) making its kind
MIX = np.uint64(0x100000001B3)  # multiplier folding column hashes into a row's


class ColumnTally:
    """One column of one split, as far as its batches went."""

    def __init__(self) -> None:
        self.rows = self.missing = self.numeric = self.nan = self.inf = 0
        self.length = self.short = self.mojibake = 0
        self.counts: dict[str, int] | None = {}  # value -> rows, while VALUES or fewer
        self.by_label: dict[tuple[str, str], int] | None = {}  # (value, label) -> rows
        self.low, self.high, self.total, self.squares, self.finite = math.inf, -math.inf, 0, 0, 0
        self.zeros, self.least_positive = 0, math.inf
        self.kept: list[np.ndarray] = []
        self.stride = 1

    def add(self, cells, numbers: np.ndarray, parsed: np.ndarray, labels) -> None:
        """A batch of the column: its cells (arrow), their values as numbers (NaN
        where none), which cells are numbers, and the rows' labels (arrow, or None)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        self.rows += len(cells)
        self.missing += cells.null_count
        self.numeric += int(parsed.sum())
        values = numbers[parsed]
        finite = values[np.isfinite(values)]
        self.nan += int(np.isnan(values).sum())
        self.inf += len(values) - len(finite) - int(np.isnan(values).sum())
        if len(finite):
            self.low, self.high = min(self.low, finite.min()), max(self.high, finite.max())
            positive = finite[finite > 0]
            self.zeros += int(np.count_nonzero(finite == 0))
            if len(positive):
                self.least_positive = min(self.least_positive, float(positive.min()))
            self.total += float(finite.sum())
            self.squares += float(np.square(finite).sum())
            self.finite += len(finite)
            self._keep(finite)
        if pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type):
            lengths = pc.fill_null(pc.utf8_length(cells), 0)
            self.length += pc.sum(lengths).as_py() or 0
            if len(values) < len(cells) - cells.null_count:  # some cells are words
                trimmed = pc.fill_null(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0)
                self.short += pc.sum(pc.less(trimmed, SHORT_TEXT)).as_py() or 0
                garbled = pc.match_substring_regex(cells, MOJIBAKE)
                self.mojibake += pc.sum(pc.fill_null(garbled, False)).as_py() or 0
            else:
                self.short += cells.null_count
        else:
            self.short += cells.null_count
        self._count(cells, labels)

    def _keep(self, finite: np.ndarray) -> None:
        self.kept.append(finite[:: self.stride].copy())  # a view would keep the batch
        if sum(len(k) for k in self.kept) > 2 * SAMPLE:
            self.kept = [np.concatenate(self.kept)[::2]]
            self.stride *= 2

    def _count(self, cells, labels) -> None:
        """Values and (value, label) pairs counted, while the column has few values."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.counts is None:
            return
        counted = pc.value_counts(cells.drop_null())
        if len(counted) > VALUES:  # too many to count, and to turn into Python objects
            self.counts = self.by_label = None
            return
        for pair in counted.to_pylist():
            key = str(pair["values"])
            self.counts[key] = self.counts.get(key, 0) + pair["counts"]
        if len(self.counts) > VALUES:
            self.counts = self.by_label = None
            return
        if labels is None or self.by_label is None:
            return
        keys = pc.fill_null(pc.cast(cells, pa.string()), "")
        grouped = (
            pa.table({"v": keys, "l": labels}).group_by(["v", "l"]).aggregate([("v", "count")])
        )
        for value, label, count in zip(
            *(grouped[c].to_pylist() for c in ("v", "l", "v_count")), strict=True
        ):
            self.by_label[(value, label)] = self.by_label.get((value, label), 0) + count

    def summary(self) -> dict[str, Any]:
        counts = self.counts
        distinct = len(counts) if counts is not None else None
        summary: dict[str, Any] = {
            "rows": self.rows,
            "missing": self.missing,
            "numeric": self.numeric,
            "text": self.rows - self.missing - self.numeric,
            "distinct": distinct,
            "categories": sorted(counts) if counts is not None and distinct <= CATEGORIES else None,
            "top": sorted(counts.items(), key=lambda kv: -kv[1])[:TOP] if counts else [],
            "mean_length": self.length / self.rows if self.rows else 0.0,
            "short": self.short,
            "mojibake": self.mojibake,
            "predicts_label": self._purity(),
        }
        if self.finite:
            mean = self.total / self.finite
            kept = np.concatenate(self.kept)
            summary.update(
                min=float(self.low),
                max=float(self.high),
                zeros=self.zeros,
                least_positive=self.least_positive if self.least_positive < math.inf else None,
                mean=mean,
                std=math.sqrt(max(0.0, self.squares / self.finite - mean**2)),
                quartiles=[float(q) for q in np.percentile(kept, (25, 50, 75))],
            )
        return summary

    def _purity(self) -> float | None:
        """The share of rows whose label is their value's most common label: how well
        the column alone predicts the label (None for a column with a value in nearly
        every row, which predicts any label by memorising it, or too many to count)."""
        if not self.by_label or self.counts is None or len(self.counts) > self.rows / 2:
            return None
        best: dict[str, int] = {}
        for (value, _), count in self.by_label.items():
            best[value] = max(best.get(value, 0), count)
        return sum(best.values()) / self.rows


class SplitTally:
    """One split of a table: its columns, and the rows' hashes and text prints."""

    def __init__(self, features: tuple[str, ...]) -> None:
        self.features = features
        self.columns = {name: ColumnTally() for name in features}
        self.row_hashes: list[np.ndarray] = []
        self.text_prints: list[list[int]] = []  # per row: words, 3-grams
        self.rows = 0

    def add(self, batch, labels, prose: list[str]) -> None:
        """A batch of this split's rows (arrow), their labels, and which columns are
        free text (their rows get a SimHash print of the whole row)."""
        import pandas as pd
        import pyarrow.compute as pc

        self.rows += batch.num_rows
        hashes = np.zeros(batch.num_rows, dtype=np.uint64)
        joined = []
        for name in self.features:
            cells = batch.column(name)
            numbers, parsed = numbers_of(cells)
            self.columns[name].add(cells, numbers, parsed, labels)
            # words to normalise only where a filled cell is no number (an empty cell
            # hashes as its NaN, whatever the column)
            words_in = int((~parsed).sum()) > cells.null_count
            text = _normalised(cells) if words_in else None
            column_hash = pd.util.hash_array(numbers)
            if text is not None:
                words = pd.util.hash_array(np.asarray(text.to_numpy(zero_copy_only=False)))
                column_hash = np.where(parsed, column_hash, words)
            with np.errstate(over="ignore"):
                hashes = hashes * MIX + column_hash
            if prose:
                joined.append(
                    text if text is not None and not parsed.any() else pc.cast(cells, "string")
                )
        if self.features:
            self.row_hashes.append(hashes)
        if prose and self.features:
            rows = pc.binary_join_element_wise(*(pc.fill_null(c, "") for c in joined), " ")
            self.text_prints.extend(text_prints(row) for row in rows.to_pylist())

    def stats(self) -> dict[str, Any]:
        """The split's facts, as the rules read them."""
        columns = {name: tally.summary() for name, tally in self.columns.items()}
        stats: dict[str, Any] = {
            "dtype": "float64",
            "shape": [self.rows, len(self.features)],
            "constant_rows": [],
            "columns": columns,
            **_pooled(
                [
                    t
                    for t in self.columns.values()
                    if t.finite and not t.rows - t.missing - t.numeric
                ]
            ),
        }
        if self.features:
            stats["row_hashes"] = (
                np.concatenate(self.row_hashes).view(np.int64).tolist() if self.row_hashes else []
            )
        if self.text_prints:
            stats["text_prints"] = self.text_prints
        return stats


def numbers_of(cells) -> tuple[np.ndarray, np.ndarray]:
    """A column's cells as float64 (NaN where a cell is empty or words) and which cells
    are numbers: cast in C++ where every filled cell is one, else cell by cell."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    filled = ~np.asarray(cells.is_null().to_numpy(zero_copy_only=False))
    try:
        numbers = pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(numbers, np.float64), filled
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(pd.Series(cells.to_pandas()), errors="coerce").to_numpy(np.float64)
        return values, filled & ~np.isnan(values)


def _normalised(cells):
    """Cells as text compares them: NFKC, lower-cased, whitespace collapsed ("" where
    empty)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = cells if pa.types.is_string(cells.type) else pc.cast(cells, pa.string())
    text = pc.utf8_lower(pc.utf8_normalize(text, "NFKC"))
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r"\s+", " "))
    return pc.fill_null(text, "")


def _pooled(columns: list[ColumnTally]) -> dict[str, Any]:
    """The numeric columns' values pooled (N003 reads the missing and non-finite ones):
    range, mean, standard deviation, NaN and Inf counts (an empty cell is a NaN),
    median and 99th percentile."""
    if not columns:
        return {}
    finite = sum(t.finite for t in columns)
    mean = sum(t.total for t in columns) / finite
    squares = sum(t.squares for t in columns) / finite
    kept = np.concatenate([k for t in columns for k in t.kept])
    return {
        "min": float(min(t.low for t in columns)),
        "max": float(max(t.high for t in columns)),
        "mean": mean,
        "std": math.sqrt(max(0.0, squares - mean**2)),
        "nan_count": sum(t.missing + t.nan for t in columns),
        "inf_count": sum(t.inf for t in columns),
        "p50": float(np.percentile(kept, 50)),
        "p99": float(np.percentile(kept, 99)),
    }
