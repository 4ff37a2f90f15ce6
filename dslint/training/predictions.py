"""Reading a model's predictions: a CSV with label and prediction columns (or one
probability column per class), an .npz with `y_true`/`y_pred`, or a `y_pred.npy`
with `y_true.npy` beside it. Probabilities become the class of highest probability
(or, for one column of binary scores, the class above 0.5)."""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dslint.discover.labels import labels_from_array, parse_label
from dslint.discover.manifest import PATH_COLUMNS
from dslint.errors import DslintError
from dslint.model.dataset import Label

TRUE_COLUMNS = (
    "label",
    "labels",
    "y_true",
    "true",
    "target",
    "truth",
    "ground_truth",
    "true_label",
    "class",
)
PREDICTED_COLUMNS = (
    "prediction",
    "predictions",
    "pred",
    "predicted",
    "y_pred",
    "predicted_label",
    "predicted_class",
    "output",
)
PROBABILITY_PREFIXES = ("p_", "prob_", "proba_", "probability_", "score_")


@dataclass
class Predictions:
    source: str
    truth: list[Label]
    predicted: list[Label]

    def __len__(self) -> int:
        return len(self.truth)


def read_predictions(file: Path) -> Predictions:
    if not file.is_file():
        raise DslintError(f"predictions {file} does not exist")
    suffix = file.suffix.lower()
    if suffix in (".npz", ".npy"):
        return _arrays(file)
    return _table(file)


def _table(file: Path) -> Predictions:
    try:
        with open(file, newline="", encoding="utf-8-sig") as handle:
            delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
            rows = list(csv.reader(handle, delimiter=delimiter))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DslintError(f"predictions {file} cannot be read: {exc}") from None
    if len(rows) < 2:
        raise DslintError(f"predictions {file} has no rows")
    header = [h.strip().lower() for h in rows[0]]
    truth_col = next((header.index(n) for n in TRUE_COLUMNS if n in header), None)
    if truth_col is None:
        raise DslintError(
            f"predictions {file} has no true-label column (expected one of: "
            f"{', '.join(TRUE_COLUMNS)}; found: {', '.join(rows[0])})"
        )
    predicted_col = next((header.index(n) for n in PREDICTED_COLUMNS if n in header), None)
    skip = {truth_col, *(header.index(n) for n in PATH_COLUMNS if n in header)}
    probability_cols = [
        i for i, h in enumerate(header) if i not in skip and h.startswith(PROBABILITY_PREFIXES)
    ]
    if predicted_col is None and not probability_cols:
        raise DslintError(
            f"predictions {file} has no prediction column (one of: "
            f"{', '.join(PREDICTED_COLUMNS)}) and no probability columns "
            f"(p_<class>, prob_<class>)"
        )
    truth, predicted = [], []
    for cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        padded = cells + [""] * (len(header) - len(cells))
        truth.append(parse_label(padded[truth_col]))
        if predicted_col is not None:
            predicted.append(parse_label(padded[predicted_col]))
        else:
            scores = [_float(padded[i]) for i in probability_cols]
            best = int(np.nanargmax(scores)) if not all(np.isnan(scores)) else 0
            predicted.append(parse_label(rows[0][probability_cols[best]].split("_", 1)[1]))
    predicted = _threshold_scores(predicted)
    return Predictions(source=str(file), truth=truth, predicted=predicted)


def _arrays(file: Path) -> Predictions:
    try:
        if file.suffix.lower() == ".npz":
            with np.load(file, allow_pickle=False) as archive:
                if not {"y_true", "y_pred"} <= set(archive.files):
                    raise DslintError(
                        f"predictions {file} needs y_true and y_pred arrays "
                        f"(found: {', '.join(archive.files)})"
                    )
                y_true, y_pred = archive["y_true"], archive["y_pred"]
        else:
            truth_file = file.with_name("y_true.npy")
            if not truth_file.is_file():
                raise DslintError(f"predictions {file}: no y_true.npy beside it")
            y_true = np.load(truth_file, allow_pickle=False)
            y_pred = np.load(file, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise DslintError(f"predictions {file} cannot be read: {exc}") from None
    if len(y_true) != len(y_pred):
        raise DslintError(f"predictions {file}: {len(y_true)} labels but {len(y_pred)} predictions")
    if y_pred.ndim == 2 and y_pred.shape[1] > 1:
        y_pred = y_pred.argmax(axis=1)
    predicted = _threshold_scores(labels_from_array(np.asarray(y_pred)))
    return Predictions(
        source=str(file), truth=labels_from_array(np.asarray(y_true)), predicted=predicted
    )


def _threshold_scores(predicted: list[Label]) -> list[Label]:
    """One column of binary scores in [0, 1] (a sigmoid output) becomes classes 0/1."""
    numbers = [p for p in predicted if isinstance(p, (int, float))]
    fractional = any(isinstance(p, float) for p in numbers)
    if (
        fractional
        and numbers
        and len(numbers) == len(predicted)
        and all(0 <= p <= 1 for p in numbers)
    ):
        return [int(p > 0.5) for p in numbers]
    return predicted


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")
