from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import class_name, percent


class ConstantPredictions(Rule):
    """A model that predicts one class for (nearly) every sample.

    What it catches:
        Predictions in which one class makes up at least `max-share` (default 0.95) of
        all predictions while the true labels hold two classes or more.

    Why it matters:
        This is the seed failure: the heart-sound model with labels {1, -1} reported
        `acc 1.000 / val_acc 1.000` and predicted the same class for every recording.
        A collapsed model can also look fine on imbalanced data: predicting `normal`
        everywhere scores the share of `normal`.

    Example:
        the model predicts 1 for 98.0 % of the samples (490 of 500), while the labels
        hold 2 classes.

    How to fix:
        Check the label values against the loss (L001), the class balance (B001), and
        whether the inputs reach the model normalised; then retrain.
    """

    id = "P001"
    name = "constant-predictions"
    summary = "the model predicts one class for (nearly) all samples"
    default_severity = "error"
    reads_findings = True
    options = {"max_share": Option(0.95, "share of predictions one class may take", above=0, max=1)}

    def check(self, ctx: Context) -> Iterator[Finding]:
        predictions = ctx.predictions
        if predictions is None or not len(predictions):
            return
        truth = set(predictions.truth)
        ((top, count),) = Counter(predictions.predicted).most_common(1)
        share = count / len(predictions)
        if len(truth) < 2 or share < self.options["max_share"]:
            return
        causes = [f.rule_id for f in ctx.fired("L001", "B001", "L003")]
        why = f"; the data findings {', '.join(sorted(set(causes)))} explain it" if causes else ""
        yield self.finding(
            f"the model predicts {class_name(top)} for {percent(count, len(predictions))} "
            f"of the samples ({count:,} of {len(predictions):,}), while the labels hold "
            f"{len(truth)} classes{why}",
            paths=[predictions.source],
            evidence={"class": str(top), "share": round(share, 4), "classes": len(truth)},
            fix="Check label values against the loss (L001) and class balance (B001); "
            "then retrain.",
        )
