"""What the history rules need to know about the task: how many classes, the accuracy
of guessing, and the loss of knowing nothing (ln K)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dslint.rule import Context
from dslint.wording import class_name


@dataclass(frozen=True)
class Chance:
    classes: int
    accuracy: float  # what guessing scores: the majority rate, or 1/K
    how: str  # "1/4", or "the majority rate of 'normal' in val"
    source: str  # where K came from

    @property
    def loss(self) -> float:
        """The cross-entropy of a model that knows nothing: ln K."""
        return math.log(self.classes)


def chance(ctx: Context) -> Chance | None:
    """K and the chance accuracy: from `task.classes`, else from the dataset when it
    was checked, else from the predictions' labels, else inferred from a first-epoch
    loss within 5 % of ln K."""
    if ctx.task.classes:
        k = ctx.task.classes
        return Chance(k, 1 / k, f"1/{k}", "the configured task.classes")
    dataset = ctx.dataset
    classes = dataset.classes()
    if len(classes) >= 2:
        split = next((s for s in ("val", "test", "train") if dataset.class_counts(s)), None)
        counts = dataset.class_counts(split) if split else {}
        total = sum(counts.values())
        top, top_count = max(counts.items(), key=lambda item: (item[1], str(item[0])))
        k = len(classes)
        if total and top_count / total > 1 / k + 0.02:
            return Chance(
                k, top_count / total, f"the share of {class_name(top)} in {split}", "the dataset"
            )
        return Chance(k, 1 / k, f"1/{k}", "the dataset")
    if ctx.predictions is not None:
        truth = {t for t in ctx.predictions.truth}
        if len(truth) >= 2:
            return Chance(len(truth), 1 / len(truth), f"1/{len(truth)}", "the predictions")
    if ctx.history is not None:
        losses = ctx.history.series("loss")
        if losses and math.isfinite(losses[0]) and losses[0] > 0.5:
            k = round(math.exp(losses[0]))
            if 2 <= k <= 1000 and abs(losses[0] - math.log(k)) / math.log(k) < 0.05:
                return Chance(k, 1 / k, f"1/{k}", f"the first loss ≈ ln {k}")
    return None


def span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.3f}" if abs(high - low) < 5e-4 else f"{low:.3f}–{high:.3f}"


def epochs_text(epochs: list[int]) -> str:
    return f"epoch {epochs[0]}" if len(epochs) == 1 else f"epochs {epochs[0]}–{epochs[-1]}"
