from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule


class NonFiniteLoss(Rule):
    """A loss that becomes NaN or infinite, and from which epoch.

    What it catches:
        The first epoch at which the training or validation loss is NaN or ±Inf, with
        the last finite value before it.

    Why it matters:
        After one NaN update every weight is NaN and the run is over, however many
        epochs remain. The causes are few: a learning rate that makes the loss explode,
        a log or division of zero in a custom loss, NaN in the inputs, labels out of the
        range the loss expects.

    Example:
        loss is NaN from epoch 7 on (last finite value 3.2e+04 at epoch 6).

    How to fix:
        Lower the learning rate or clip gradients; check inputs for NaN (N003) and
        labels against the loss (L001, L002); add an epsilon to logs and divisions.
    """

    id = "H005"
    name = "non-finite-loss"
    summary = "NaN/Inf loss, from which epoch"
    default_severity = "error"
    reads_findings = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        history = ctx.history
        if history is None:
            return
        for name in ("loss", "val_loss"):
            epochs, values = history.epochs_of(name), history.series(name)
            bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
            if bad is None:
                continue
            before = (
                f" (last finite value {values[bad - 1]:.3g} at epoch {epochs[bad - 1]})"
                if bad > 0
                else " (from the first epoch)"
            )
            data = [f.rule_id for f in ctx.fired("N003", "N002", "L001", "L002")]
            hint = (
                f"; the data findings {', '.join(sorted(set(data)))} may explain it" if data else ""
            )
            yield self.finding(
                f"{name} is {values[bad]} from epoch {epochs[bad]} on{before}{hint}",
                paths=[history.source],
                evidence={"metric": name, "epoch": epochs[bad], "value": str(values[bad])},
                fix="Lower the learning rate or clip gradients; check inputs for NaN and "
                "labels against the loss.",
            )
