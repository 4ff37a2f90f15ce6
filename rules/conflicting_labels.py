from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dslint.analysis.near import DEFAULT_DISTANCE
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.evidence import pictures
from dslint.engine.wording import plural
from dslint.model.dataset import format_label, is_class, sort_labels, split_sort_key


class ConflictingLabels(Rule):
    """The same content carrying different labels.

    What it catches:
        Groups of identical samples (bytes, decoded content or array rows), within one
        split or across splits, whose labels differ; and groups of near-duplicate
        images or recordings (as D002) whose labels differ, images only where their
        difference is spread over the picture as a copy's is (no 8×8 block of the
        32×32 thumbnails beyond the pair's limit): two speed-limit signs, 60 and 80,
        can be as close overall as a copy, but differ in their digits. Where copies across two
        splits carry one label in each and neither split uses the other's label, they
        are one finding: one class under two names (`clapping/` in one split, `clap/`
        in the other, as a public repository of sound recordings ships it).

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
        renamed = _renamed_classes(ctx, [g for g in ctx.duplicates() if len(g.labels) >= 2])
        for (first, a, second, b), groups in renamed.items():
            copies = [" = ".join(_one_per_split(g, (first, second))) for g in groups]
            paths = [s.path for g in groups for s in g.members if s.path]
            yield self.finding(
                f"{format_label(a)} in {first} and {format_label(b)} in {second} look like one "
                f"class under two names: {plural(len(groups), 'file')} of the one are "
                f"identical to files of the other ({_describe(', '.join(copies), 200)}), and "
                "no split uses both names",
                paths=paths,
                evidence={
                    "labels": [format_label(a), format_label(b)],
                    "splits": [first, second],
                    "samples": [name for g in groups for name in g.names()],
                    "pictures": pictures(paths),
                },
                fix=f"Name the class alike in every split: rename {format_label(b)} in "
                f"{second} to {format_label(a)}, or the reverse.",
            )
        named_twice = {id(g) for groups in renamed.values() for g in groups}
        for group in ctx.duplicates():
            if len(group.labels) < 2 or id(group) in named_twice:
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
        # a copy's difference is spread over the picture; two look-alikes with two labels
        # (the digits of two speed-limit signs) differ in a block of it
        for near in ctx.near_groups(self.options["max_distance"], spread=True):
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


def _renamed_classes(ctx: Context, conflicts: list) -> dict[tuple, list]:
    """Conflicting copies that span two splits, one label in each, where neither split
    holds the other's label: one class named two ways (`clapping/` in one split,
    `clap/` in the other), by (first split, its label, second split, its label)."""
    found: dict[tuple, list] = defaultdict(list)
    for group in conflicts:
        by_split: dict[str, set] = defaultdict(set)
        for sample in group.members:
            by_split[sample.split].add(sample.label)
        if len(by_split) != 2 or any(len(labels) != 1 for labels in by_split.values()):
            continue
        (first, (a,)), (second, (b,)) = sorted(by_split.items(), key=lambda s: split_sort_key(s[0]))
        if a not in ctx.dataset.class_counts(second) and b not in ctx.dataset.class_counts(first):
            found[(first, a, second, b)].append(group)
    return found


def _one_per_split(group, splits: tuple[str, str]) -> list[str]:
    return [next(s.path or s.source for s in group.members if s.split == split) for split in splits]


def _describe(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(", ", 1)[0] + ", …"
