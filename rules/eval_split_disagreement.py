from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule


class EvalSplitDisagreement(Rule):
    """Test accuracy far below the validation accuracy the history reported.

    What it catches:
        Predictions (taken as the test set) whose accuracy is more than `max-gap`
        (default 0.1) and more than two standard errors below the final val_acc of the
        training history.

    Why it matters:
        Validation accuracy was the number the run was tuned and stopped on. When a
        fresh test set scores far lower, validation overstated the model: it leaked
        from training (D001), was drawn differently (B002, N006), or was used for so
        many decisions that it was overfitted.

    Example:
        test accuracy 0.620 (500 predictions) is 0.211 below the final val_acc 0.831.

    How to fix:
        Deduplicate across splits, draw val and test the same way (stratified, by
        source), and report test accuracy rather than val accuracy.
    """

    id = "P004"
    name = "eval-split-disagreement"
    summary = "test accuracy far below validation accuracy"
    default_severity = "warning"
    reads_findings = True
    options = {
        "max_gap": Option(0.1, "test accuracy below validation accuracy allowed", min=0, max=1)
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.predictions is None or ctx.history is None or not len(ctx.predictions):
            return
        val = ctx.history.series("val_acc")
        if not val:
            return
        predictions = ctx.predictions
        if not set(predictions.truth) & set(predictions.predicted):
            return  # not the same class space: P003 says so
        n = len(predictions)
        test = (
            sum(t == p for t, p in zip(predictions.truth, predictions.predicted, strict=True)) / n
        )
        gap = val[-1] - test
        error = math.sqrt(max(test * (1 - test), 1e-9) / n)
        if gap <= self.options["max_gap"] or gap <= 2 * error:
            return
        data = sorted({f.rule_id for f in ctx.fired("D001", "B002", "N006")})
        why = f"; the data findings {', '.join(data)} explain it" if data else ""
        yield self.finding(
            f"test accuracy {test:.3f} ({n:,} predictions) is {gap:.3f} below the final "
            f"val_acc {val[-1]:.3f}{why}",
            paths=[predictions.source, ctx.history.source],
            evidence={"test_accuracy": round(test, 4), "val_acc": val[-1], "gap": round(gap, 4)},
            fix="Deduplicate across splits, draw val and test alike, and report test accuracy.",
        )
