from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule


class NotSeparable(Rule):
    """The probe cannot tell the classes apart better than chance: training is expected
    to stagnate at chance accuracy, with loss near ln K.

    What it catches:
        Datasets on which the separability probe (a linear classifier on features of a
        small random convolutional network, scored out-of-fold) does not beat the
        majority rate significantly (one-sided binomial test, p ≥ `max-p`, default 0.01)
        and stays within `max-gain` (0.1) of it. The probe runs with at least 8 labelled
        samples per class (on a stratified subsample of 20,000 at most).

    Why it matters:
        Four classes whose images are the same simple shape gave `loss ≈ 1.386 (= ln 4)`
        and accuracy 0.25 for every epoch: the network had nothing to learn. The probe
        says so in seconds, before any training; days of tuning batch size, depth and
        learning rate cannot fix inputs that do not differ between classes.

    Example:
        the probe cannot tell the 4 classes apart: out-of-fold accuracy 0.262 against
        chance 0.250 (p = 0.36) on 400 samples; training is expected to stagnate at
        accuracy 0.250 with loss near ln 4 = 1.386.

    How to fix:
        Look at a few samples per class: do they differ at all at this resolution? Check
        that labels belong to their inputs (a shuffled manifest), that the right files
        are in each class folder, and that the distinguishing detail survives resizing.
    """

    id = "S001"
    name = "not-separable"
    summary = (
        "the probe cannot beat chance: training will stagnate at chance accuracy (loss ≈ ln K)"
    )
    default_severity = "error"
    options = {
        "max_p": Option(
            0.01, "p-value of the probe against chance above which it failed", above=0, max=1
        ),
        "max_gain": Option(
            0.1, "accuracy above chance that still counts as no signal", min=0, max=1
        ),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        result = ctx.probe()
        if result is None or result.p_value < self.options["max_p"]:
            return
        if result.accuracy >= result.chance + self.options["max_gain"]:
            return  # above chance, if not significantly: too little data for a verdict
        k = len(result.classes)
        level = result.chance_level
        yield self.finding(
            f"the probe cannot tell the {k} classes apart: out-of-fold accuracy "
            f"{result.accuracy:.3f} against chance {result.chance:.3f} (p = "
            f"{result.p_value:.2g}) on {result.samples:,} samples; training is expected to "
            f"stagnate at accuracy {level.accuracy_text} with loss near {level.loss_text}",
            evidence={
                **result.verdict(),
                "classes": k,
                "ln_k": round(math.log(k), 4),
                "chance_loss": round(level.loss, 4),
            },
            fix="Look at samples of each class: do they differ at all in what the model sees? "
            "Check that labels belong to their inputs.",
        )
