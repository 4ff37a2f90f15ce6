from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule


class ValAboveTrain(Rule):
    """Validation accuracy consistently above training accuracy.

    What it catches:
        A history (three epochs or more) in which val_acc exceeds acc by more than
        0.02 in at least 75 % of the epochs.

    Why it matters:
        Usually benign: dropout and augmentation act in training only, and Keras
        averages training accuracy over an epoch in which the model improved. But it is
        also what an easier validation set, or validation samples that leak from
        training, look like.

    Example:
        val_acc is above acc in 9 of 10 epochs, by 0.046 on average.

    How to fix:
        Nothing, if dropout or augmentation explain it; otherwise check that val is
        drawn like train (B002, N006) and does not leak (D001).
    """

    id = "H006"
    name = "val-above-train"
    summary = "validation consistently above training (informational)"
    default_severity = "info"
    reads_findings = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        history = ctx.history
        if history is None:
            return
        pairs = [(r["acc"], r["val_acc"]) for r in history.rows if "acc" in r and "val_acc" in r]
        above = [val - train for train, val in pairs if val - train > 0.02]
        if len(pairs) < 3 or len(above) < 0.75 * len(pairs):
            return
        leaks = ctx.fired("D001", "B002", "N006")
        why = (
            f"; the data findings {', '.join(sorted({f.rule_id for f in leaks}))} suggest "
            f"validation is not drawn like training"
            if leaks
            else "; usual with dropout or augmentation, suspicious if val is easier or leaks"
        )
        yield self.finding(
            f"val_acc is above acc in {len(above)} of {len(pairs)} epochs, by "
            f"{sum(above) / len(above):.3f} on average{why}",
            paths=[history.source],
            severity="warning" if leaks else None,
            evidence={"epochs_above": len(above), "epochs": len(pairs)},
            fix="Nothing if dropout or augmentation explain it; otherwise check val for "
            "leaks and a different distribution.",
        )
