from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural
from dslint.model.dataset import format_label, sort_labels


class CollapsedPredictions(Rule):
    """Classes that the model never predicts.

    What it catches:
        Classes present in the true labels that no prediction names (when the model
        does not already predict a single class, P001).

    Why it matters:
        A class that is never predicted has recall 0: the model has given up on it,
        usually because it is rare (B001, B003) or confusable with another; overall
        accuracy hides it.

    Example:
        2 of 10 classes are never predicted: 'otter' (12 samples), 'seal' (9 samples).

    How to fix:
        Weight the loss by class or oversample the rare classes, collect more of them,
        and look at the confusion matrix for the class they are taken for.
    """

    id = "P002"
    name = "collapsed-predictions"
    summary = "some classes are never predicted"
    default_severity = "warning"
    reads_findings = True

    def check(self, ctx: Context) -> Iterator[Finding]:
        predictions = ctx.predictions
        if predictions is None:
            return
        predicted = set(predictions.predicted)
        truth = sort_labels(set(predictions.truth))
        if len(predicted) <= 1:
            return  # P001's
        missing = [c for c in truth if c not in predicted]
        if not missing:
            return
        shown = [
            f"{format_label(c)} ({plural(predictions.truth.count(c), 'sample')})" for c in missing
        ]
        yield self.finding(
            f"{len(missing)} of {len(truth)} classes {'is' if len(missing) == 1 else 'are'} "
            f"never predicted: {examples(shown, 5)}",
            paths=[predictions.source],
            evidence={"never_predicted": [str(c) for c in missing]},
            fix="Weight the loss by class or oversample rare classes; look at what they are "
            "mistaken for.",
        )
