from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural, split_name
from dslint.model.dataset import format_label, sort_labels


class UnseenLabel(Rule):
    """Labels that appear in val/test but not in train, and train classes missing
    from val/test.

    What it catches:
        A class present in an evaluation split (val, test) that the training split never
        shows (error), and a training class absent from an evaluation split (warning).

    Why it matters:
        A model cannot predict a class it never saw in training: every such sample is
        an error built into the score. With folder layouts the class index shifts as
        well: Keras and ImageFolder number classes per split folder, so 'dog' can be
        index 1 in train and index 2 in val. A class missing from val is never measured.

    Example:
        val has 1 label that train never shows: 'bird' (5 samples).

    How to fix:
        Re-split so every class is in every split (stratified), or drop the class from
        all splits; with folder layouts, create the same class folders everywhere.
    """

    id = "L004"
    name = "unseen-label"
    summary = "label in val/test absent from train, or train class absent from val"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        dataset = ctx.dataset
        if "train" not in dataset.splits:
            return
        train = set(dataset.class_counts("train"))
        for split in dataset.splits:
            if split == "train":
                continue
            counts = dataset.class_counts(split)
            unseen = sort_labels(set(counts) - train)
            if unseen:
                shown = [f"{format_label(v)} ({plural(counts[v], 'sample')})" for v in unseen]
                yield self.finding(
                    f"{split_name(split)} has {plural(len(unseen), 'label')} "
                    "that train never shows: "
                    f"{examples(shown, 5)}",
                    split=split,
                    evidence={"labels": [str(v) for v in unseen]},
                    fix="Re-split so every class is in train, or drop these samples.",
                )
            absent = sort_labels(train - set(counts))
            if absent and counts:
                yield self.finding(
                    f"{split_name(split)} has no samples of "
                    f"{plural(len(absent), 'training class', 'training classes')}: "
                    f"{examples([format_label(v) for v in absent], 5)}; "
                    f"accuracy on {split_name(split)} says nothing about them",
                    split=split,
                    severity="warning",
                    evidence={"labels": [str(v) for v in absent]},
                    fix="Re-split with stratification so every class is in every split.",
                )
