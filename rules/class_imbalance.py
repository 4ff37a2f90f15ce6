from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import class_name, examples, split_name


class ClassImbalance(Rule):
    """Classes of very different sizes, with the accuracy that always predicting the
    majority class would score.

    What it catches:
        A training split whose largest class has more than `max-ratio` times the
        samples of its smallest (default 4).

    Why it matters:
        On imbalanced data accuracy flatters: a model that has learned nothing and
        predicts the majority class every time scores the majority rate. A validation
        accuracy of 0.91 means nothing if 91 % of the validation samples are `normal`.
        The loss also under-weights the small classes, which the model then ignores.

    Example:
        train classes range from 'abnormal' (100 samples) to 'normal' (900), a ratio of 9.0;
        always predicting 'normal' scores accuracy 0.900 on train and 0.910 on val.

    How to fix:
        Compare the model's accuracy with the majority baseline (or report balanced
        accuracy / per-class recall); weight the loss by class
        (`class_weight=` in Keras, `weight=` in PyTorch's CrossEntropyLoss), resample,
        or collect more samples of the small classes.
    """

    id = "B001"
    name = "class-imbalance"
    summary = "max/min class ratio over threshold; majority-class baseline accuracy stated"
    default_severity = "warning"
    options = {"max_ratio": Option(4.0, "largest class count over smallest allowed", min=1)}

    def check(self, ctx: Context) -> Iterator[Finding]:
        dataset = ctx.dataset
        reference = "train" if "train" in dataset.splits else next(iter(dataset.splits), None)
        if reference is None:
            return
        counts = dataset.class_counts(reference)
        if len(counts) < 2:
            return
        (small, low), (big, high) = min(counts.items(), key=_size), max(counts.items(), key=_size)
        ratio = high / low
        if ratio <= self.options["max_ratio"]:
            return
        baselines = {}
        for split in dataset.splits:
            split_counts = dataset.class_counts(split)
            if split_counts:
                baselines[split] = split_counts[big] / sum(split_counts.values())
        shown = [f"{v:.3f} on {split_name(split)}" for split, v in baselines.items()]
        yield self.finding(
            f"{reference} classes range from {class_name(small)} ({low:,} samples) to "
            f"{class_name(big)} ({high:,}), a ratio of {ratio:.1f}; always predicting "
            f"{class_name(big)} scores accuracy {examples(shown, 4)}",
            split=reference,
            evidence={
                "counts": {str(k): v for k, v in counts.items()},
                "ratio": round(ratio, 3),
                "majority_class": str(big),
                "majority_baseline": {k: round(v, 4) for k, v in baselines.items()},
            },
            fix=f"Judge accuracy against the {class_name(big)} baseline (or use balanced "
            f"accuracy); weight the loss by class or resample.",
        )


def _size(item: tuple) -> tuple:
    label, count = item
    return (count, str(label))
