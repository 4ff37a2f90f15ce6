from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.analysis.stats import samples_behind
from dslint.engine import Context, Finding, Option, Rule


class Overfitting(Rule):
    """Training keeps improving while validation stalls or gets worse: the epoch where
    they part, the gap at the end, and the epoch to stop at.

    What it catches:
        A history whose validation loss is lowest (or, without it, validation accuracy
        highest) at least two epochs before the end, while the training metric kept
        improving after that epoch, and which either ends with validation clearly worse
        than at its best (val_loss `min-rise` = 10 % above its minimum, or val_acc 0.03
        below its peak) or stalls: no better for a quarter of the run (5 epochs at
        least) while training clearly improved (loss down 10 %, or accuracy up 0.03 or
        at 0.99). Validation accuracy is the monitor when validation loss shows no
        parting (a loss that keeps falling with its weight-decay term, say). Where its
        values are logged at full precision, their steps give the validation size
        (Keras writes 167 of 190 as 0.8789473772), and the epoch named is the first
        within one standard error of the best: a peak 6 samples of 190 above a
        plateau is noise, not the epoch to stop at.
        With accuracies logged, the train/val gap at the end must be at least
        `min-gap` (0.1), unless validation loss rose clearly off its minimum while
        training loss kept falling: that is overfitting even while validation accuracy
        holds (acc 0.81 → 0.99, val_acc flat at 0.89–0.91, val_loss from 0.257 at epoch 4
        to 0.63).

    Why it matters:
        Training and validation accuracy rise together while real features are
        learned and part when the model starts memorising its training samples. The
        coin-year run reached acc 1.0 while val_acc peaked at 0.83 and sank to 0.63–0.77
        as val_loss rose: every epoch after the parting made the model worse.

    Example:
        training and validation part after epoch 1: val_loss is lowest there (0.369)
        and ends at 0.507 (epoch 9); val_acc peaks at 0.831 (epoch 1) and ends at
        0.756 while acc reaches 1.000; stop at epoch 1.

    How to fix:
        Stop at the best validation epoch (Keras `EarlyStopping(monitor="val_loss",
        restore_best_weights=True)`); then get more data, augment, regularise, or, when
        classes differ in a small detail, raise the resolution or crop on it.
    """

    id = "H002"
    name = "overfitting"
    summary = (
        "train improves while validation stalls or falls; names the epoch they part and "
        "where to stop"
    )
    default_severity = "warning"
    reads_findings = True
    options = {
        "min_gap": Option(
            0.1, "train minus validation accuracy that counts as parting", min=0, max=1
        ),
        "min_rise": Option(
            0.1, "rise of validation loss over its minimum that counts, as a share", min=0
        ),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        history = ctx.history
        if history is None:
            return
        pairs = [
            (e, r)
            for e, r in zip(history.epochs, history.rows, strict=True)
            if "val_loss" in r or "val_acc" in r
        ]
        if len(pairs) < 4:
            return
        epochs, rows = [e for e, _ in pairs], [r for _, r in pairs]
        gap = (
            rows[-1]["acc"] - rows[-1]["val_acc"]
            if "acc" in rows[-1] and "val_acc" in rows[-1]
            else None
        )
        parting = self._parting(rows, "val_loss") or self._parting(rows, "val_acc")
        if parting is None:
            return
        key, best, worse, train_key, before, after, noise = parting
        climbs = key == "val_loss" and _climbs(rows, best, worse)
        if gap is not None and gap < self.options["min_gap"] and not climbs:
            return
        values = [r[key] for r in rows]
        word = "lowest" if key == "val_loss" else "highest"
        since = len(rows) - 1 - best
        top = values.index(max(values)) if key == "val_acc" else best
        if top != best:  # later epochs were better by no more than noise
            error, samples = noise
            parts = [
                f"val_acc reaches {values[best]:.3f} there and gains nothing beyond noise "
                f"in the {since} epochs after: its best, {values[top]:.3f} (epoch "
                f"{epochs[top]}), is within one standard error (±{error:.3f}) on the "
                f"{samples:,} validation samples its steps show, and it ends at "
                f"{values[-1]:.3f}"
            ]
        elif worse:
            parts = [
                f"{key} is {word} there ({values[best]:.3f}) and ends at "
                f"{values[-1]:.3f} (epoch {epochs[-1]})"
            ]
        else:
            trend = (
                f"{train_key} stays at {after:.3f}"
                if abs(after - before) < 0.005
                else f"{train_key} goes from {before:.3f} to {after:.3f}"
            )
            parts = [
                f"{key} is {word} there ({values[best]:.3f}) and no better in the "
                f"{since} epochs after, while {trend}"
            ]
        if key == "val_loss" and all("val_acc" in r for r in rows):
            accs = [r["val_acc"] for r in rows]
            peak = accs.index(max(accs))
            parts.append(
                f"val_acc peaks at {accs[peak]:.3f} (epoch {epochs[peak]}) and ends "
                f"at {accs[-1]:.3f}"
            )
        if "acc" in rows[-1]:
            parts.append(f"acc reaches {max(r.get('acc', 0) for r in rows):.3f}")
        gap_text = f"; the gap at the end is {gap:.3f}" if gap is not None else ""
        yield self.finding(
            f"training and validation part after epoch {epochs[best]}: {'; '.join(parts)}"
            f"{gap_text}; stop at epoch {epochs[best]}{_advice(ctx)}",
            paths=[history.source],
            evidence={
                "parting_epoch": epochs[best],
                "marked_epoch": epochs[best],
                "monitor": key,
                "best": values[best],
                "final": values[-1],
                "gap": gap,
                "last_epoch": epochs[-1],
            },
            fix=f"Stop at epoch {epochs[best]} (EarlyStopping on {key} with "
            f"restore_best_weights); then more data, augmentation or regularisation.",
        )

    def _parting(self, rows: list[dict[str, float]], key: str) -> tuple | None:
        """Where validation (`key`) was best, if training went on improving after it
        while validation got worse or stalled: (key, best index, worse, training
        metric, its value at the best epoch, its last value)."""
        if not all(key in r for r in rows):
            return None
        values = [r[key] for r in rows]
        best = values.index(min(values) if key == "val_loss" else max(values))
        noise = _noise(values) if key == "val_acc" else None
        if noise is not None:  # the first epoch as good as the best, within noise
            best = next(i for i, v in enumerate(values) if v >= values[best] - noise[0])
        if best > len(rows) - 3:
            return None
        train_key = "loss" if key == "val_loss" else "acc"
        train = [r.get(train_key) for r in rows]
        before = next((v for v in reversed(train[: best + 1]) if v is not None), None)
        after = train[-1]
        if before is None or after is None:
            return None
        if train_key == "loss":
            improving, clearly = after < before, after < 0.9 * before
            worse = values[-1] > values[best] * (1 + self.options["min_rise"])
        else:  # accuracy: at 0.99 there is nothing left to improve but memorising
            improving = clearly = after > before + 0.03 or after >= 0.99
            worse = values[-1] < values[best] - 0.03
        stalled = len(rows) - 1 - best >= max(5, len(rows) // 4) and clearly
        if not (improving and (worse or stalled)):
            return None
        return key, best, worse, train_key, before, after, noise


def _noise(accuracies: list[float]) -> tuple[float, int] | None:
    """One standard error of the best validation accuracy, and the validation size its
    steps give; None where the log does not say how many samples it was measured on."""
    samples = samples_behind(accuracies)
    if samples is None:
        return None
    best = max(accuracies)
    return math.sqrt(best * (1 - best) / samples), samples


def _climbs(rows: list[dict[str, float]], best: int, worse: bool) -> bool:
    """Whether validation loss rose steadily off its minimum: clearly higher at the end
    (`worse`) and never back within 5 % of the minimum after it (a noisy validation loss
    that dips back near its minimum is noise, not a climb)."""
    if not worse:
        return False
    losses = [r["val_loss"] for r in rows]
    return all(v > losses[best] * 1.05 for v in losses[best + 1 :])


def _advice(ctx: Context) -> str:
    hints = []
    if ctx.fired("B003"):
        hints.append("some classes have too few training samples (B003): more data first")
    if ctx.fired("D004", "D001"):
        hints.append("repeated samples (D001/D004) make memorising easier")
    return f"; {'; '.join(hints)}" if hints else ""
