from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.analysis.stats import binomial_tail
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import class_name, label_set


class ChanceAccuracy(Rule):
    """Prediction accuracy that is not above chance.

    What it catches:
        Predictions whose accuracy is not significantly above the majority rate of the
        true labels: a one-sided binomial test, p ≥ `alpha` (default 0.05).

    Why it matters:
        A model at chance has learned nothing that transfers to these samples; on
        imbalanced data an accuracy that looks decent (0.85) can be exactly the share
        of the majority class.

    Example:
        accuracy 0.260 on 400 samples is not above chance, 0.250 (the share of 'cat');
        binomial p = 0.34.

    How to fix:
        Compare with the history (H001: did training learn anything?), check that the
        predictions are aligned with the labels (same order, same class indices), and
        look at the data findings.
    """

    id = "P003"
    name = "chance-accuracy"
    summary = (
        "prediction accuracy not above chance (binomial test), or predictions in another "
        "class space"
    )
    default_severity = "warning"
    reads_findings = True
    options = {
        "alpha": Option(0.05, "significance level of the test against chance", above=0, below=1)
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        predictions = ctx.predictions
        if predictions is None or len(predictions) < 2:
            return
        n = len(predictions)
        truth, predicted = set(predictions.truth), set(predictions.predicted)
        if not truth & predicted:
            yield self.finding(
                f"the predictions name {label_set(predicted)}, classes the labels never use "
                f"({label_set(truth)}): predictions and labels are not in the same class "
                f"space, so every prediction counts as wrong",
                paths=[predictions.source],
                severity="error",
                evidence={
                    "predicted": sorted(map(str, predicted)),
                    "labels": sorted(map(str, truth)),
                },
                fix="Map the predictions and the labels to the same class values (e.g. "
                "{-1, 1} labels against {0, 1} sigmoid outputs).",
            )
            return
        right = sum(t == p for t, p in zip(predictions.truth, predictions.predicted, strict=True))
        ((top, count),) = Counter(predictions.truth).most_common(1)
        base = count / n
        p_value = binomial_tail(right, n, base)  # P(X >= right)
        if p_value < self.options["alpha"] or base >= 1.0:
            return
        yield self.finding(
            f"accuracy {right / n:.3f} on {n:,} samples is not above chance, {base:.3f} "
            f"(the share of {class_name(top)}); binomial p = {p_value:.2g}",
            paths=[predictions.source],
            severity="error" if right / n <= base else None,
            evidence={
                "accuracy": round(right / n, 4),
                "chance": round(base, 4),
                "p": float(f"{p_value:.3g}"),
                "samples": n,
            },
            fix="Check that predictions and labels are aligned (order, class indices), "
            "then the history and data findings.",
        )
