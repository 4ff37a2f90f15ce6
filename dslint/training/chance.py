"""What the history rules need to know about the task: how many classes, the accuracy
of guessing (the majority rate), and the loss of knowing nothing: the entropy of the
class shares, which is ln K only when the classes are balanced."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dslint.engine.wording import class_name

if TYPE_CHECKING:
    from dslint.engine.context import Context


def entropy(shares: list[float]) -> float:
    """The cross-entropy of a model that learned only the class shares."""
    return -sum(p * math.log(p) for p in shares if p > 0)


MAJORITY_MARGIN = 0.02  # a majority share this far above 1/K makes it chance, not 1/K


def majority_matters(share: float, classes: int) -> bool:
    """Whether the largest class's share is far enough above 1/K to be chance."""
    return share > 1 / classes + MAJORITY_MARGIN


@dataclass(frozen=True)
class Chance:
    classes: int
    accuracy: float  # what guessing scores: the majority rate, or 1/K
    how: str  # "1/4", or "the majority rate of 'normal' in val"
    source: str  # where K came from
    shares: tuple[float, ...] | None = None  # the class shares, where the data is known

    @property
    def loss(self) -> float:
        """The cross-entropy of a model that knows nothing but the class shares: their
        entropy (ln K when they are equal)."""
        return entropy(list(self.shares)) if self.shares else math.log(self.classes)

    @property
    def loss_text(self) -> str:
        """The loss of knowing nothing, in words: 'ln 4 = 1.386', or for imbalanced
        classes '0.325, the entropy of the class shares (ln 2 = 0.693 only if balanced)'."""
        balanced = f"ln {self.classes} = {math.log(self.classes):.3f}"
        if self.loss > 0.99 * math.log(self.classes):
            return balanced
        return f"{self.loss:.3f}, the entropy of the class shares ({balanced} only if balanced)"

    @property
    def accuracy_text(self) -> str:
        """What guessing scores: '0.250', or '0.900 (the majority class's share)'."""
        majority = majority_matters(self.accuracy, self.classes)
        return f"{self.accuracy:.3f}" + (" (the majority class's share)" if majority else "")


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
        shares = tuple(n / total for n in counts.values()) if total else None
        if total and majority_matters(top_count / total, k):
            return Chance(
                k,
                top_count / total,
                f"the share of {class_name(top)} in {split}",
                "the dataset",
                shares,
            )
        return Chance(k, 1 / k, f"1/{k}", "the dataset", shares)
    if ctx.predictions is not None:
        truth = {t for t in ctx.predictions.truth}
        if len(truth) >= 2:
            return Chance(len(truth), 1 / len(truth), f"1/{len(truth)}", "the predictions")
    if ctx.history is not None:
        return _uniform_answer(ctx.history) or _estimated(ctx.history)
    return None


EXACT_K = 20  # the most classes read from a loss of exactly ln K
EXACT = 5e-5  # what rounds to ln K's four decimals, as Keras prints them


def _uniform_answer(history) -> Chance | None:
    """K from a loss of exactly ln K (to the four decimals a log prints) in two epochs or
    more: the loss of a model that answers 1/K for every class, whatever the input (a
    public cats-and-dogs log shows val_loss 0.6931 in six epochs, its first loss being
    2.870). Small K only: a loss within rounding of some ln K up to 1,000 is common by
    chance, of one up to 20 and twice over is not."""
    losses = [
        (epoch, value)
        for name in ("loss", "val_loss")
        for epoch, value in zip(history.epochs_of(name), history.series(name), strict=True)
    ]
    for k in range(2, EXACT_K + 1):
        exact = {epoch for epoch, value in losses if abs(value - math.log(k)) <= EXACT}
        if len(exact) >= 2:
            return Chance(
                k,
                1 / k,
                f"1/{k}",
                f"an estimate from a loss of {math.log(k):.4f} = ln {k} in {len(exact)} "
                f"epochs, that of answering 1/{k} for everything",
            )
    return None


def _estimated(history) -> Chance | None:
    """K estimated from the first plausible loss (at most ln 1000) within 5 % of ln K.
    Where several K fit (2.36 is within 5 % of ln 10, ln 11 and ln 12), the one whose
    chance accuracy 1/K is nearest the run's first accuracy wins: a 10-class run starts
    near 0.10, not 0.09."""
    plausible = [
        v for v in history.series("loss") if math.isfinite(v) and v <= math.log(1000) * 1.05
    ]
    if not plausible or plausible[0] <= 0.5:
        return None
    first = plausible[0]  # an exploded first epoch (5e8) says nothing of K
    fits = [k for k in range(2, 1001) if abs(first - math.log(k)) / math.log(k) < 0.05]
    if not fits:
        return None
    accuracies = [v for v in history.series("acc") or history.series("val_acc") if math.isfinite(v)]

    def misfit(k: int) -> float:
        loss_misfit = abs(first - math.log(k)) / math.log(k)
        return loss_misfit + (abs(accuracies[0] - 1 / k) * k / 2 if accuracies else 0)

    k = min(fits, key=misfit)
    return Chance(k, 1 / k, f"1/{k}", f"an estimate from the first loss {first:.3f} ≈ ln {k}")


MIN_FROZEN = 5  # epochs of a frozen accuracy and loss before they are called stagnation


def frozen_run(history) -> tuple[list[float], list[float]] | None:
    """The training accuracy and loss of a run in which neither moves (accuracy within
    0.002, loss within 1 %): a model giving every input the same answer, whatever the
    loss's value (a saturated output sits at a constant such as 7.71, not ln K)."""
    accuracy = [v for v in history.series("acc") if math.isfinite(v)]
    loss = [v for v in history.series("loss") if math.isfinite(v)]
    if len(accuracy) < MIN_FROZEN or len(loss) < MIN_FROZEN:
        return None
    still = max(accuracy) - min(accuracy) <= 0.002
    flat = max(loss) - min(loss) <= 0.01 * max(abs(statistics.median(loss)), 1e-9)
    return (accuracy, loss) if still and flat else None


def span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.3f}" if abs(high - low) < 5e-4 else f"{low:.3f}–{high:.3f}"


def epochs_text(epochs: list[int]) -> str:
    return f"epoch {epochs[0]}" if len(epochs) == 1 else f"epochs {epochs[0]}–{epochs[-1]}"
