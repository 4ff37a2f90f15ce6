from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import class_name, examples, plural
from dslint.model.dataset import sort_labels


class TooFewSamples(Rule):
    """Classes with too few training samples to generalise from.

    What it catches:
        Classes with fewer than `min-samples` training samples (default 10).

    Why it matters:
        With a handful of examples a network memorises them: training accuracy reaches
        1.0 while validation accuracy stalls, the pattern of the coin-year story
        (val_acc peaking near 0.83, then sinking as val_loss rises). No regularisation
        setting fixes missing data.

    Example:
        2 classes have fewer than 10 training samples: 'bird' (4), 'fish' (6).

    How to fix:
        Collect more samples of these classes, merge them into a broader class, or use
        a pretrained backbone with strong augmentation (few-shot settings).
    """

    id = "B003"
    name = "too-few-samples"
    summary = "classes with too few training samples to generalise"
    default_severity = "warning"
    options = {"min_samples": Option(10, "training samples a class needs", min=1)}

    def check(self, ctx: Context) -> Iterator[Finding]:
        counts = ctx.dataset.class_counts("train")
        limit = self.options["min_samples"]
        few = [label for label in sort_labels(counts) if counts[label] < limit]
        if not few:
            return
        few.sort(key=lambda label: counts[label])
        shown = [f"{class_name(label)} ({counts[label]})" for label in few]
        yield self.finding(
            f"{plural(len(few), 'class', 'classes')} {'has' if len(few) == 1 else 'have'} "
            f"fewer than {limit} training samples: {examples(shown, 5)}",
            split="train",
            evidence={"classes": {str(c): counts[c] for c in few}, "min": limit},
            fix="Collect more samples of these classes, or merge them into broader ones.",
        )
