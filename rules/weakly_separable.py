from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import text_files
from dslint.engine import Context, Finding, Option, Rule


class WeaklySeparable(Rule):
    """The probe beats chance, but only just: expect training accuracy to race ahead of
    validation.

    What it catches:
        Datasets the probe separates significantly (S001 stays silent) but weakly: its
        balanced accuracy covers less than `min-margin` (default 0.3) of the way from
        chance (1/K) to perfect.

    Why it matters:
        When classes differ in a small detail (coins of different years), a network
        still reaches training accuracy 1.0 by memorising, while validation accuracy
        peaks early (0.83 in the seed run) and sinks as validation loss rises. The probe
        sees the same thing: a signal, but a faint one.

    Example:
        the probe separates the 2 classes only weakly: balanced accuracy 0.612 (chance
        0.500), 22 % of the way to perfect; expect train accuracy to race ahead of
        validation, whose loss starts near ln 2 = 0.693, and whose accuracy stays nearer
        chance, 0.500, than 1.

    How to fix:
        More data per class, stronger augmentation, a higher input resolution, or a crop
        on the distinguishing detail; use early stopping on validation loss.
    """

    id = "S002"
    name = "weakly-separable"
    summary = "the probe barely beats chance: expect train/val divergence"
    default_severity = "warning"
    options = {
        "min_margin": Option(
            0.3,
            "balanced accuracy over chance, as a share of the way to 1, below which it is weak",
            min=0,
            max=1,
        ),
        "max_p": Option(
            0.01,
            "p-value at or above which the probe did not beat chance (then S001 speaks)",
            above=0,
            max=1,
        ),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        result = ctx.probe()
        if result is None or result.p_value >= self.options["max_p"]:
            return
        k = len(result.classes)
        margin = result.way_to_perfect
        if margin >= self.options["min_margin"]:
            return
        level = result.chance_level
        yield self.finding(
            f"the probe separates the {k} classes only weakly: balanced accuracy "
            f"{result.balanced_accuracy:.3f} (chance {1 / k:.3f}), {100 * margin:.0f} % of "
            f"the way to perfect; expect train accuracy to race ahead of validation, whose "
            f"loss starts near {level.loss_text}, and whose accuracy stays nearer chance, "
            f"{level.accuracy_text}, than 1",
            evidence={
                **result.verdict(),
                "margin": round(margin, 4),
                "chance_loss": round(level.loss, 4),
            },
            fix=(
                "More data per class, or inputs that carry the difference (the probe is a "
                "linear model of the columns or words: a model that finds interactions may "
                "do better); stop early on validation loss."
                if ctx.dataset.table_columns or text_files(ctx)
                else "More data per class, stronger augmentation, a higher resolution or a "
                "crop on the distinguishing detail; stop early on validation loss."
            ),
        )
