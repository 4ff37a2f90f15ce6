"""Turning raw label values (manifest cells, array entries) into `Label`s."""

from __future__ import annotations

import math

import numpy as np

from dslint.model.dataset import InvalidLabel, Label


def parse_label(raw: str) -> Label:
    """A manifest cell as a label: integers (also "1.0") become int, other numbers
    float, empty and NaN cells an `InvalidLabel`, anything else stays a string."""
    text = raw.strip()
    if text == "":
        return InvalidLabel(raw, "empty")
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isnan(number):
        return InvalidLabel(raw, "NaN")
    if math.isinf(number):
        return InvalidLabel(raw, "infinite")
    return int(number) if number.is_integer() else number


def labels_from_array(y: np.ndarray) -> list[Label]:
    """Labels from a y array: class indices, a column vector, or one-hot rows."""
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 1:
        return [_scalar_label(v) for v in y.tolist()]
    if y.ndim == 2:
        return [_one_hot_label(row) for row in np.asarray(y, dtype=np.float64)]
    return [InvalidLabel(f"shape {y.shape}", "label array has more than two dimensions")] * len(y)


def _scalar_label(value: object) -> Label:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return InvalidLabel("nan", "NaN")
        if math.isinf(value):
            return InvalidLabel(str(value), "infinite")
        return int(value) if value.is_integer() else value
    return str(value)


def _one_hot_label(row: np.ndarray) -> Label:
    total = float(row.sum())
    if not np.all(np.isfinite(row)):
        return InvalidLabel(_row_text(row), "one-hot row holds NaN or Inf")
    if row.min() < 0 or row.max() > 1 or abs(total - 1.0) > 1e-3:
        return InvalidLabel(_row_text(row), f"one-hot row sums to {total:g}")
    return int(row.argmax())


def _row_text(row: np.ndarray) -> str:
    values = ", ".join(f"{v:g}" for v in row[:6])
    return f"[{values}{', …' if len(row) > 6 else ''}]"
