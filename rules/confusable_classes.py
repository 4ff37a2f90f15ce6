from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.probe import confused_pairs
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import examples
from dslint.model.dataset import format_label


class ConfusableClasses(Rule):
    """Class pairs the probe cannot tell apart, from its out-of-fold confusion matrix.

    What it catches:
        With three classes or more, pairs whose samples the probe mixes up: of the
        samples of the two classes that it assigns to either, at least `min-confusion`
        (default 0.3) go to the other one of the pair.

    Why it matters:
        A model that separates most classes but not these two tops out early and spends
        its errors there; the pair may differ only in a detail, or overlap in what was
        labelled.

    Example:
        2 class pairs are confused: 'husky' and 'wolf' (45 % of their samples mixed up),
        'cat' and 'lynx' (33 %).

    How to fix:
        Look at samples of the pair side by side; merge the classes if they are the same
        thing, or collect samples that show the difference (and a resolution that keeps
        it).
    """

    id = "S003"
    name = "confusable-classes"
    summary = "class pairs the probe cannot tell apart"
    default_severity = "warning"
    options = {
        "min_confusion": Option(
            0.3, "share of a class the probe gives the other class", above=0, max=1
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        result = ctx.probe()
        if result is None or len(result.classes) < 3 or result.p_value >= 0.01:
            return  # a probe that separates nothing confuses every pair: S001's
        pairs = [
            (mixed, result.classes[a], result.classes[b])
            for mixed, a, b in confused_pairs(result.confusion, self.options["min_confusion"])
        ]
        if not pairs:
            return
        shown = [
            f"{format_label(a)} and {format_label(b)} ({100 * m:.0f} % of their samples mixed up)"
            for m, a, b in pairs
        ]
        yield self.finding(
            f"{len(pairs)} class {'pair is' if len(pairs) == 1 else 'pairs are'} confused: "
            f"{examples(shown, 5)}",
            evidence={
                "pairs": [{"classes": [str(a), str(b)], "mixed": round(m, 4)} for m, a, b in pairs]
            },
            fix="Compare samples of each pair side by side; merge them or collect samples "
            "that show the difference.",
        )
