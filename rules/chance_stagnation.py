from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.training.chance import chance, epochs_text, frozen_run, span


class ChanceStagnation(Rule):
    """Accuracy that stays at chance, and loss that stays at ln K: nothing is learned.

    What it catches:
        A history whose training and validation accuracy never rise more than
        `margin` (default 0.06) above chance over the logged epochs, or, when no
        accuracy was logged, whose loss stays within 3 % of ln K. Chance is 1/K, or
        the majority rate when the dataset was checked and is imbalanced. K comes from
        the dataset, the predictions, or a first loss of ln K. A log whose loss sits at
        ln K while its accuracy is far above chance contradicts itself, and is
        reported as such (info). A validation accuracy frozen at one value (to four
        decimals, in half of four or more epochs) is reported too (warning): the model
        answers the validation set the same way whatever it learns, so that value is
        the share of the class it always predicts. Three epochs at least are needed.

    Why it matters:
        Four classes of the same shape give `loss ≈ 1.386 (= ln 4)` and accuracy 0.25
        epoch after epoch; no amount of training changes it, because the inputs carry
        nothing that tells the classes apart, the labels do not match the inputs, or the
        learning rate is so wrong that nothing moves.

    Example:
        accuracy stays at chance for 4 classes over epochs 12–15: acc 0.255–0.292,
        val_acc 0.228–0.250 against 0.250 (1/4); loss 1.383–1.390 against
        ln 4 = 1.386.

    How to fix:
        Check that the classes differ in the inputs at all (look at a few per class),
        that labels match inputs (shuffle bugs), that inputs are normalised, and try a
        learning rate 10× lower and higher. When the data was checked too, the data
        findings say which.
    """

    id = "H001"
    name = "chance-stagnation"
    summary = (
        "accuracy stays at chance / loss stays at ln K; a loss at ln K beside high "
        "accuracy is called a contradiction"
    )
    default_severity = "error"
    reads_findings = True
    options = {
        "margin": Option(0.06, "how far above chance accuracy still counts as chance", min=0, max=1)
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        history = ctx.history
        if history is None or len(history.rows) < MIN_EPOCHS:
            return  # "stays" needs a few epochs
        level = chance(ctx)
        if level is None:
            frozen = list(self._frozen_training(history))
            yield from frozen or self._frozen_validation(history)
            return
        margin = self.options["margin"]
        accuracies = {
            name: history.series(name) for name in ("acc", "val_acc") if history.series(name)
        }
        losses = [v for v in history.series("loss") if math.isfinite(v)]
        at_chance = bool(accuracies) and all(
            max(values) <= level.accuracy + margin for values in accuracies.values()
        )
        at_ln_k = bool(losses) and all(abs(v - level.loss) / level.loss < 0.03 for v in losses)
        epochs = epochs_text(history.epochs)
        loss_text = f"; loss {span(losses)} against {level.loss_text}" if losses else ""
        acc_text = ", ".join(f"{name} {span(v)}" for name, v in accuracies.items())
        if at_chance or (at_ln_k and not accuracies):
            cause = _cause(ctx, level.how)
            yield self.finding(
                f"accuracy stays at chance for {level.classes} classes{_k_from(level)} over "
                f"{epochs}: "
                f"{acc_text or 'no accuracy logged'} against {level.accuracy:.3f} "
                f"({level.how}){loss_text}: the model learns nothing{cause}",
                paths=[history.source],
                evidence={
                    "classes": level.classes,
                    "chance": round(level.accuracy, 4),
                    "ln_k": round(math.log(level.classes), 4),
                    "chance_loss": round(level.loss, 4),
                    "levels": {"acc": round(level.accuracy, 4), "loss": round(level.loss, 4)},
                    "k_from": level.source,
                    "epochs": [history.epochs[0], history.epochs[-1]],
                },
                fix="Check that the classes differ in the inputs, that labels match inputs, "
                "that inputs are normalised; try the learning rate ×10 and ÷10.",
            )
        elif at_ln_k and accuracies:
            best = max(max(v) for v in accuracies.values())
            yield self.finding(
                f"the log contradicts itself: loss stays at {level.loss_text} "
                f"({span(losses)}) over {epochs}, what a model that knows "
                f"nothing scores, while accuracy reaches {best:.3f} ({acc_text}); the loss "
                f"and accuracy columns cannot both be right",
                paths=[history.source],
                severity="info",
                evidence={
                    "classes": level.classes,
                    "ln_k": round(level.loss, 4),
                    "levels": {"loss": round(level.loss, 4)},
                    "best_accuracy": best,
                },
                fix="Check that the loss and accuracy come from the same run and model "
                "output (a copied column, a loss on another head).",
            )

        if not at_chance:
            yield from self._frozen_validation(history)

    def _frozen_training(self, history) -> Iterator[Finding]:
        """Accuracy and loss that do not move, whatever K: a model giving every input
        the same answer. The loss need not be ln K: a saturated output (always one
        class, with certainty) sits at a large constant loss such as 7.71."""
        frozen = frozen_run(history)
        if frozen is None:
            return
        accuracy, loss = frozen
        level = statistics.median(accuracy)
        guess = round(1 / level) if level > 0 else 0
        chance_text = (
            f"; {level:.3f} is chance for {guess} balanced classes"
            if 2 <= guess <= 1000 and abs(1 / guess - level) <= 0.01
            else ""
        )
        yield self.finding(
            f"accuracy is frozen at {span(accuracy)} and loss at {span(loss)} over "
            f"{epochs_text(history.epochs)}: the model gives every input the same answer, "
            f"so it learns nothing{chance_text}",
            paths=[history.source],
            evidence={
                "acc": round(level, 4),
                "loss": round(statistics.median(loss), 4),
                "epochs": [history.epochs[0], history.epochs[-1]],
            },
            fix="Check the labels against the loss (0/1 for binary cross-entropy), that "
            "inputs are normalised, and the learning rate (×10 and ÷10); a loss stuck at a "
            "large value is a saturated output.",
        )

    def _frozen_validation(self, history) -> Iterator[Finding]:
        if not all(math.isfinite(v) for v in history.series("loss")):
            return  # a NaN loss freezes everything: H005's
        frozen = _frozen(history.series("val_acc"))
        if frozen is not None:
            value, count = frozen
            yield self.finding(
                f"val_acc is exactly {value:.4f} in {count} of {len(history.series('val_acc'))} "
                f"epochs: the model gives the validation set the same answer whatever it "
                f"learns; that accuracy is the share of the class it always predicts",
                paths=[history.source],
                severity="warning",
                evidence={"val_acc": value, "epochs": count},
                fix="Look at the predictions (--predictions): if they are one class, weight "
                "the loss by class, resample, or check the labels and the learning rate.",
            )


MIN_EPOCHS = 3


def _frozen(values: list[float]) -> tuple[float, int] | None:
    """The value validation accuracy takes in at least half of four or more epochs,
    to four decimals: a model answering the validation set the same way each time."""
    if len(values) < 4:
        return None
    rounded = Counter(round(v, 4) for v in values)
    value, count = rounded.most_common(1)[0]
    return (value, count) if count >= len(values) / 2 and 0 < value < 1 else None


def _cause(ctx: Context, how: str) -> str:
    if ctx.fired("B001") and "share of" in how:
        return (
            "; its accuracy is the majority rate, so it predicts the majority class "
            "(B001: the classes are imbalanced)"
        )
    labels = ctx.fired("L001", "L005", "D003")
    if labels:
        ids = ", ".join(sorted({f.rule_id for f in labels}))
        return f"; the data findings point at the labels ({ids})"
    if ctx.fired("S001"):
        return "; the data gives the model nothing to learn (S001)"
    return ""


def _k_from(level) -> str:
    if level.source == "the dataset":
        return ""
    if level.source.startswith("an estimate"):
        return f" (K is {level.source}; set task.classes to settle it)"
    return f" (K from {level.source})"
