from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.near import DEFAULT_DISTANCE
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.evidence import pictures
from dslint.model.dataset import format_label, is_class, sort_labels


class ConflictingLabels(Rule):
    """The same content carrying different labels.

    What it catches:
        Groups of identical samples (bytes, decoded content or array rows), within one
        split or across splits, whose labels differ; and groups of near-duplicate
        images or recordings (as D002) whose labels differ.

    Why it matters:
        The model is asked to give two answers to one input: at best it learns to
        hedge between the classes, and it can never score 100 % on these samples.
        Across splits, the "wrong" answer is graded as a mistake however good the
        model is. It is a sign of a labelling error or of ambiguous classes.

    Example:
        train/cat/3.png is 'cat' and train/dog/9.png is 'dog', yet they hold the same
        content (identical bytes).

    How to fix:
        Decide the right label for the content, keep one copy with it, and delete the
        others; if the classes are genuinely ambiguous, revisit the class definitions.
    """

    id = "D003"
    name = "conflicting-labels"
    summary = "identical or near-identical content carrying different labels"
    default_severity = "error"
    options = {
        "max_distance": Option(
            DEFAULT_DISTANCE, "fingerprint bits two near-duplicates may differ in", min=0, max=32
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        for group in ctx.duplicates():
            if len(group.labels) < 2:
                continue
            yield self.finding(
                f"{_describe(group.describe_labels())}, yet they hold the same content "
                f"({group.how})",
                paths=[s.path for s in group.members if s.path],
                split=group.members[0].split if len(group.splits) == 1 else None,
                evidence={
                    "how": group.how,
                    "labels": [format_label(v) for v in sort_labels(group.labels)],
                    "samples": group.names(),
                    "pictures": pictures(s.path for s in group.members if s.path),
                },
                fix="Keep one copy with the right label and delete the others.",
            )
        for near in ctx.near_groups(self.options["max_distance"]):
            labels = {s.label for s in near.members if is_class(s.label)}
            if len(labels) < 2:
                continue
            described = ", ".join(
                f"{s.path or s.source} is {format_label(s.label)}" for s in near.members
            )
            yield self.finding(
                f"{_describe(described)}, yet they are near-duplicates ({near.how})",
                severity="warning",  # a thumbnail match is strong evidence, not proof
                paths=[s.path for s in near.members if s.path],
                split=near.members[0].split if len(near.splits) == 1 else None,
                evidence={
                    "how": "near-duplicate",
                    "kind": near.kind,
                    "distance": near.distance,
                    "labels": [format_label(v) for v in sort_labels(labels)],
                    "samples": near.names(),
                    "pictures": pictures(s.path for s in near.members if s.path),
                },
                fix="Decide the right label for the content, keep one copy with it and "
                "delete the others.",
            )


def _describe(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(", ", 1)[0] + ", …"
