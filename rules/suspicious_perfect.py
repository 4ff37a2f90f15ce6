from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule

CAUSES = {
    "L001": "the labels are two values other than {0, 1} (L001): with sigmoid + binary "
    "cross-entropy such a run shows acc 1.000 / val_acc 1.000 while predicting one "
    "class for everything",
    "L003": "a split holds one class only (L003): always predicting it scores 1.0",
    "D001": "validation samples also appear in training (D001): the model is graded on "
    "answers it memorised",
}


MATCHING_LOSS = 0.2  # the most a cross-entropy loss beside perfect answers should be


class SuspiciousPerfect(Rule):
    """Training and validation accuracy both at 1.0.

    What it catches:
        A history whose acc and val_acc are both at least `threshold` (0.995) at the
        end, when that perfection is suspicious: a data finding explains it (labels not
        {0, 1}, a one-class split, leaked samples); it came too early (within the first
        three epochs or the first tenth of the run); or the loss does not match it
        (negative, or above 0.2 where perfect answers would have it near 0). Perfection
        reached late after a smooth climb, with a loss to match, is a model that
        learned a nearly separable task, and stays silent.

    Why it matters:
        A perfect validation score is far more often a data problem than a perfect
        model. The heart-sound classifier this tool was built for showed
        `acc: 1.000 - val_acc: 1.000` from early on: its labels were {1, -1}, its loss
        binary cross-entropy, and every prediction was the same class. Leaked
        validation samples and one-class splits look the same.

    Example:
        acc and val_acc are both 1.000 from epoch 2 to epoch 15; the labels are two
        values other than {0, 1} (L001): ...

    How to fix:
        Look at the predictions (`--predictions`): if they are all one class, fix the
        labels; check val for leaks and single classes; confirm on a held-out test set.
    """

    id = "H003"
    name = "suspicious-perfect"
    summary = "acc and val_acc both ≈ 1.0, with the label or leak finding that explains it"
    default_severity = "warning"
    reads_findings = True
    options = {"threshold": Option(0.995, "accuracy that counts as perfect", above=0, max=1)}

    def check(self, ctx: Context) -> Iterator[Finding]:
        history = ctx.history
        if history is None:
            return
        limit = self.options["threshold"]
        rows = [
            (e, r)
            for e, r in zip(history.epochs, history.rows, strict=True)
            if "acc" in r and "val_acc" in r
        ]
        if not rows or rows[-1][1]["acc"] < limit or rows[-1][1]["val_acc"] < limit:
            return
        start = len(rows) - 1
        while start > 0 and min(rows[start - 1][1]["acc"], rows[start - 1][1]["val_acc"]) >= limit:
            start -= 1
        since = rows[start][0]
        causes = [CAUSES[rule] for rule in CAUSES if ctx.fired(rule)]
        why = [*causes]
        if start < max(3, len(rows) // 10):
            why.append(f"it came early, at epoch {since} of {rows[-1][0]}")
        loss = rows[-1][1].get("loss")
        if loss is not None and (loss < 0 or loss > MATCHING_LOSS):
            why.append(f"the loss, {loss:.3f}, does not match perfect answers")
        if not why:
            return  # reached late, after a climb, with a loss to match
        explanation = "; " + "; ".join(why)
        if not causes:
            explanation += (
                "; no data finding explains it: confirm on a held-out test set and look at "
                "the predictions"
            )
        yield self.finding(
            f"acc and val_acc are both ≥ {limit} from epoch {since} to epoch {rows[-1][0]}"
            f"{explanation}",
            paths=[history.source],
            severity="error" if causes else None,
            evidence={"since_epoch": since, "causes": [r for r in CAUSES if ctx.fired(r)]},
            fix="Check the predictions for a single class, the labels' values, and val for "
            "leaks; confirm on a held-out test set.",
        )
