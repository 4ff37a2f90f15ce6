"""A training history: per-epoch metrics under canonical names (`acc`, `val_acc`, `loss`,
`val_loss`; other metrics keep their own names), whatever format it was read from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# canonical name -> spellings, compared lower-case
ALIASES = {
    "acc": (
        "acc",
        "accuracy",
        "train_acc",
        "train_accuracy",
        "train_acc_epoch",
        "train_accuracy_epoch",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "binary_accuracy",
        "train/acc",
        "train/accuracy",
    ),
    "val_acc": (
        "val_acc",
        "val_accuracy",
        "val_acc_epoch",
        "val_accuracy_epoch",
        "val_categorical_accuracy",
        "val_sparse_categorical_accuracy",
        "val_binary_accuracy",
        "valid_acc",
        "validation_accuracy",
        "val/acc",
        "val/accuracy",
        "validation_acc",
        "valid_accuracy",
        "test_acc",
        "test_accuracy",
    ),
    "loss": ("loss", "train_loss", "train_loss_epoch", "training_loss", "train/loss"),
    "val_loss": (
        "val_loss",
        "val_loss_epoch",
        "valid_loss",
        "validation_loss",
        "val/loss",
        "test_loss",
    ),
}


def _squash(name: str) -> str:
    """Case, spaces, underscores, dashes and slashes removed: "Train Loss", "train_loss"
    and "TrainLoss" are one name."""
    return re.sub(r"[\s_/-]+", "", name.lower())


CANONICAL = {
    _squash(spelling): name for name, spellings in ALIASES.items() for spelling in spellings
}


@dataclass
class History:
    """Per-epoch metrics. `epochs[i]` is the epoch number of `rows[i]` (1-based)."""

    source: str
    format: str
    epochs: list[int] = field(default_factory=list)
    rows: list[dict[str, float]] = field(default_factory=list)
    stopped: str | None = None  # where a truncated or malformed log stopped

    def series(self, name: str) -> list[float]:
        """The metric's values over the epochs that logged it."""
        return [row[name] for row in self.rows if name in row]

    def epochs_of(self, name: str) -> list[int]:
        return [epoch for epoch, row in zip(self.epochs, self.rows, strict=True) if name in row]

    @property
    def metrics(self) -> list[str]:
        return sorted({name for row in self.rows for name in row})


def canonical(name: str) -> str:
    return CANONICAL.get(_squash(name), name.strip())
