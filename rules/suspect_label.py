from __future__ import annotations

from collections.abc import Iterator

from dslint.dataset import format_label
from dslint.probe import confused_pairs, probe_result
from dslint.rule import Context, Finding, Option, Rule
from dslint.wording import examples


class SuspectLabel(Rule):
    """Samples the probe confidently assigns to another class: possible mislabels.

    What it catches:
        Samples whose out-of-fold probe probability for some other class is at least
        `min-confidence` (default 0.8), ranked by that
        probability so the most confident come first, at most `max-listed` (default 50)
        listed. Only when the probe separates the classes well (half the way from
        chance to perfect, `min-margin`), and not between two classes it confuses as a
        whole (S003's pairs, whose errors are about the classes, not the labels).

    Why it matters:
        A few mislabelled samples teach the model contradictions and cap its accuracy;
        in a validation split they make a good model look worse. Labels are wrong more
        often than people think (a few percent in curated benchmarks).

    Example:
        12 samples look like another class to the probe: train/cat/0042.png looks like
        'dog' (p = 0.99), ...

    How to fix:
        Look at the listed samples first (they are ranked); fix or drop the mislabelled
        ones.
    """

    id = "S005"
    name = "suspect-label"
    summary = "samples the probe confidently assigns to another class"
    default_severity = "info"
    options = {
        "min_confidence": Option(
            0.8, "probe probability of another class that makes a sample suspect", above=0, max=1
        ),
        "max_listed": Option(50, "suspects named at most", min=1),
        "max_p": Option(
            0.01, "p-value of the probe against chance above which it is too weak", above=0, max=1
        ),
        "min_margin": Option(
            0.5, "balanced accuracy over chance, as a share of the way to 1, needed", min=0, max=1
        ),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        result = ctx.shared(probe_result)
        if result is None or result.p_value >= self.options["max_p"]:
            return
        k = len(result.classes)
        if (result.balanced_accuracy - 1 / k) / (1 - 1 / k) < self.options["min_margin"]:
            return  # a weak probe errs everywhere: its errors say nothing about labels
        confused = {frozenset((a, b)) for _, a, b in confused_pairs(result.confusion, 0.3)}
        other = result.proba.copy()
        other[range(len(other)), result.truth] = 0
        best = other.argmax(axis=1)
        confidence = other.max(axis=1)
        suspects = [
            i
            for i in confidence.argsort()[::-1]
            if confidence[i] >= self.options["min_confidence"]
            and frozenset((result.truth[i], best[i])) not in confused
        ]
        if not suspects:
            return
        listed = suspects[: self.options["max_listed"]]
        shown = [
            f"{result.sources[i]} looks like {format_label(result.classes[best[i]])} "
            f"(p = {confidence[i]:.2f})"
            for i in listed
        ]
        yield self.finding(
            f"{len(suspects)} {'sample looks' if len(suspects) == 1 else 'samples look'} like "
            f"another class to the probe: {examples(shown, 5)}",
            paths=[result.sources[i] for i in listed],
            evidence={
                "count": len(suspects),
                "samples": [
                    {
                        "sample": result.sources[i],
                        "labelled": str(result.classes[result.truth[i]]),
                        "looks_like": str(result.classes[best[i]]),
                        "p": round(float(confidence[i]), 4),
                    }
                    for i in listed
                ],
            },
            fix="Look at the listed samples first; fix or drop the mislabelled ones.",
        )
