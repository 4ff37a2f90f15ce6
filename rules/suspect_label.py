from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from dslint.analysis.probe import confused_pairs
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.evidence import pictures
from dslint.engine.wording import examples
from dslint.model.dataset import format_label


class SuspectLabel(Rule):
    """Samples the probe confidently assigns to another class: possible mislabels.

    What it catches:
        Samples the probe, fitted without them, gives to another class by confident
        learning (Northcutt et al., 2021): a sample labelled y is suspect when its
        probability of some class j is at least j's own average self-confidence (the
        mean probability of j over the samples labelled j) and above its probability
        of y. Each class gets its threshold, so a class the probe finds hard is not
        flagged wholesale. Suspects are ranked by margin (p of j minus p of y), at most
        `max-listed` (default 50) named. Not between two classes the probe confuses as
        a whole (S003's pairs, whose errors are about the classes, not the labels).

        Beyond `--probe-samples` labelled samples (4,000 by default) the probe looks at a
        stratified subsample, and the finding says so: suspects are found among those.

        Silent when the probe is too weak for its disagreement to mean anything: its
        balanced accuracy must be at least `min-margin` (default 0.8) of the way from
        chance to perfect. On the photograph tiles of `bench_planted_mislabels.py`, a
        probe at 0.74 of the way flagged 197 samples of which two in three were its own
        mistakes, not the planted mislabels; on the digits, at 0.89, four in five
        flags were planted.

    Why it matters:
        A few mislabelled samples teach the model contradictions and cap its accuracy;
        in a validation split they make a good model look worse. Labels are wrong more
        often than people think (a few percent in curated benchmarks).

    Example:
        12 samples look like another class to the probe: train/cat/0042.png looks like
        'dog' (p = 0.99 against 0.01 for 'cat'), ...

    How to fix:
        Look at the listed samples first (they are ranked); fix or drop the mislabelled
        ones.
    """

    id = "S005"
    name = "suspect-label"
    summary = "samples the probe confidently assigns to another class"
    default_severity = "info"
    options = {
        "max_listed": Option(50, "suspects named at most", min=1),
        "max_p": Option(
            0.01, "p-value of the probe against chance above which it is too weak", above=0, max=1
        ),
        "min_margin": Option(
            0.8, "balanced accuracy over chance, as a share of the way to 1, needed", min=0, max=1
        ),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        result = ctx.probe()
        if result is None or result.p_value >= self.options["max_p"]:
            return
        if result.way_to_perfect < self.options["min_margin"]:
            return  # a weak probe errs everywhere: its errors say nothing about labels
        proba, truth = result.proba, result.truth
        rows = np.arange(len(truth))
        own = proba[rows, truth]
        other = proba.copy()
        other[rows, truth] = -1
        best = other.argmax(axis=1)
        likeness = other[rows, best]
        confused = {frozenset((a, b)) for _, a, b in confused_pairs(result.confusion, 0.3)}
        margin = likeness - own
        thresholds = np.array(
            [self_confidence(proba, truth, j) for j in range(len(result.classes))]
        )
        suspects = [
            i
            for i in np.argsort(-margin, kind="stable")
            if margin[i] > 0
            and likeness[i] >= thresholds[best[i]]
            and frozenset((truth[i], best[i])) not in confused
        ]
        if not suspects:
            return
        listed = suspects[: self.options["max_listed"]]
        shown = [
            f"{result.sources[i]} looks like {format_label(result.classes[best[i]])} "
            f"(p = {likeness[i]:.2f} against {own[i]:.2f} for "
            f"{format_label(result.classes[truth[i]])})"
            for i in listed
        ]
        among = (
            f" (among the {result.samples:,} of {result.labelled:,} labelled samples it looked "
            "at; --probe-samples to look at more)"
            if result.subsampled
            else ""
        )
        yield self.finding(
            f"{len(suspects)} {'sample looks' if len(suspects) == 1 else 'samples look'} like "
            f"another class to the probe{among}: {examples(shown, 5)}",
            paths=[result.sources[i] for i in listed],
            evidence={
                "count": len(suspects),
                "samples": [
                    {
                        "sample": result.sources[i],
                        "labelled": str(result.classes[truth[i]]),
                        "looks_like": str(result.classes[best[i]]),
                        "p": round(float(likeness[i]), 4),
                        "p_labelled": round(float(own[i]), 4),
                    }
                    for i in listed
                ],
                "pictures": pictures(
                    (result.sources[i] for i in listed),
                    {
                        result.sources[i]: f"labelled {result.classes[truth[i]]}, looks like "
                        f"{result.classes[best[i]]} (p = {likeness[i]:.2f})"
                        for i in listed
                    },
                ),
            },
            fix="Look at the listed samples first; fix or drop the mislabelled ones.",
        )


def self_confidence(proba: np.ndarray, truth: np.ndarray, label: int) -> float:
    """The probe's mean probability of `label` over the samples labelled so: confident
    learning's threshold for calling a sample that class."""
    return float(proba[truth == label, label].mean())
