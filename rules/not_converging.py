from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from dslint.engine import Context, Finding, Option, Rule
from dslint.training.chance import chance, epochs_text, frozen_run


class NotConverging(Rule):
    """Training loss that oscillates instead of settling, or does not decrease at all.

    What it catches:
        A training loss (five epochs or more) that changes direction in at least half
        of its steps and strays from its own trend (a running median of five epochs) by
        over `max-swing` (10 %) of its mean on average while swinging around a level (its
        last third's mean no more than 20 % below its first's), so that a loss falling fast, or
        to a small value that jitters, is not called unsettled; one that ends no lower
        than it started; or one that fell
        and then stayed flat (under 2 % of change) through the second half of a run of
        ten epochs or more while training accuracy stayed below 0.9 (underfitting). A
        loss stuck at ln K is H001's.

    Why it matters:
        A loss that jumps up and down from epoch to epoch is the usual sign of a
        learning rate that is too high (or of unnormalised inputs, or a batch size of a
        few samples); one that never goes down means the optimiser is not doing its job.
        Neither gets better with more epochs.

    Example:
        loss does not settle over epochs 1–10: it strays 0.200 from its own trend per
        epoch on average (19 % of its mean) and changes direction 8 times in 9 steps.

    How to fix:
        Lower the learning rate (÷3 to ÷10) or add a schedule/warm-up, normalise the
        inputs, raise the batch size, clip gradients.
    """

    id = "H004"
    name = "not-converging"
    summary = "loss oscillates or does not decrease"
    default_severity = "warning"
    reads_findings = True
    options = {
        "max_swing": Option(
            0.1, "swing of the loss around its own trend allowed, relative to its mean", min=0
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        history = ctx.history
        if history is None:
            return
        loss = history.series("loss")
        if len(loss) < 5 or not all(math.isfinite(v) for v in loss):
            return  # a NaN or Inf loss is H005's
        level = chance(ctx)
        if level and all(abs(v - level.loss) / level.loss < 0.03 for v in loss):
            return  # stuck at ln K: H001
        if level is None and frozen_run(history):
            return  # accuracy and loss frozen: H001
        steps = np.diff(loss)
        swing = float(np.abs(np.asarray(loss) - running_median(loss)).mean())
        turns = int(np.sum(np.sign(steps[1:]) != np.sign(steps[:-1])))
        trend = float(np.polyfit(np.arange(len(loss)), loss, 1)[0])
        mean = float(np.mean(loss))
        epochs = epochs_text(history.epochs_of("loss"))
        evidence = {"swing": round(swing, 4), "turns": turns, "trend": round(trend, 4)}
        third = max(1, len(loss) // 3)
        around_a_level = np.mean(loss[-third:]) >= 0.8 * np.mean(loss[:third])
        if (
            around_a_level
            and turns >= (len(steps) - 1) / 2
            and swing > self.options["max_swing"] * mean
        ):
            yield self.finding(
                f"loss does not settle over {epochs}: it strays {swing:.3f} from its own "
                f"trend per epoch on average ({100 * swing / mean:.0f} % of its mean) and "
                f"changes direction {turns} times in {len(steps)} steps",
                paths=[history.source],
                evidence=evidence,
                fix="Lower the learning rate (÷3 to ÷10) or add a schedule; normalise the "
                "inputs; use larger batches or gradient clipping.",
            )
        elif loss[-1] >= loss[0] * 0.99:
            yield self.finding(
                f"loss does not decrease over {epochs}: {loss[0]:.4g} at the start, "
                f"{loss[-1]:.4g} at the end (trend {trend:+.3g} per epoch)",
                paths=[history.source],
                evidence=evidence,
                fix="Check the learning rate (try ×10 and ÷10), that gradients reach the "
                "weights (frozen layers), and that the inputs are normalised.",
            )
        elif plateau := _plateau(loss, history.series("acc")):
            start, change, accuracy = plateau
            epochs_all = history.epochs_of("loss")
            yield self.finding(
                f"loss stopped decreasing: over epochs {epochs_all[start]}–{epochs_all[-1]} it "
                f"changed by {100 * change:+.1f} % ({loss[start]:.4g} → {loss[-1]:.4g}) with "
                f"training accuracy at {accuracy:.3f}: the model underfits",
                paths=[history.source],
                evidence={**evidence, "plateau_from": epochs_all[start]},
                fix="Try a larger model or a different learning rate (×10 and ÷10) and check "
                "that the inputs carry the signal (dslint's data findings).",
            )


def running_median(values: list[float], window: int = 5) -> np.ndarray:
    """Each value's trend: the median of the `window` epochs around it (fewer at the
    ends). A loss that falls steadily, however fast, is its own trend; one that swings
    about a level strays from it."""
    padded = np.pad(np.asarray(values, dtype=float), window // 2, mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, window), axis=1)


def _plateau(loss: list[float], accuracy: list[float]) -> tuple[int, float, float] | None:
    """A loss that fell, then stayed flat (under 2 % of change) for the second half of a
    run of ten epochs or more, while training accuracy stayed below 0.9:
    (first epoch index of the flat half, its relative change, the last accuracy)."""
    if len(loss) < 10 or not accuracy or accuracy[-1] >= 0.9:
        return None
    start = len(loss) // 2
    half = loss[start:]
    slope = float(np.polyfit(np.arange(len(half)), half, 1)[0])
    change = slope * (len(half) - 1) / float(np.mean(half))
    if change < -0.02 or loss[start] >= loss[0] * 0.95:
        return None
    return start, change, accuracy[-1]
