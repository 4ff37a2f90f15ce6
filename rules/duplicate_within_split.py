from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dslint.analysis.near import DEFAULT_DISTANCE
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import chain, examples, percent, plural, split_name
from dslint.model.dataset import Sample, is_augmented, split_sort_key


class DuplicateWithinSplit(Rule):
    """The same content repeated inside one split.

    What it catches:
        Two or more samples of one split with identical content and the same label
        (repeats with different labels are D003's); and, in a finding of their own,
        near-copies within a split (burst shots, re-saves, resized copies), confirmed
        as D002 confirms them across splits and grouped among the split's own samples,
        but for a split named as augmentations (`train_augmented`), whose flips and
        crops of one picture are its purpose.

    Why it matters:
        Repeats weight some samples more than others without anyone having decided
        so, inflate the apparent dataset size, and in a validation split count the same
        answer several times. Large numbers of repeats usually mean a copy step ran
        twice or augmented files were saved beside their originals.

    Example:
        12 redundant copies in train (0.5 % of its samples): train/cat/1.png =
        train/cat/1 (copy).png (identical bytes), ... and 9 more.

    How to fix:
        Keep one copy of each (`dslint check --format json` lists every group).
    """

    id = "D004"
    name = "duplicate-within-split"
    summary = "repeated samples inside one split"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        yield from self._report(ctx, _exact_repeats(ctx), near=False)
        yield from self._report(ctx, _near_repeats(ctx), near=True)

    def _report(self, ctx: Context, repeats: Repeats, near: bool) -> Iterator[Finding]:
        words = ("near-copy", "near-copies") if near else ("redundant copy", "redundant copies")
        for split in sorted(repeats, key=split_sort_key):
            found = repeats[split]
            # a near-copy group is a sample and its copies, and groups may share copies:
            # each copy counts once
            copies = {s for members, _ in found for s in members[1:]}
            redundant = len(copies) if near else sum(len(members) - 1 for members, _ in found)
            total = ctx.dataset.split_size(split)
            shown = [
                chain([s.path or s.source for s in members], " ≈ " if near else " = ") + f" ({how})"
                for members, how in found
            ]
            yield self.finding(
                f"{plural(redundant, *words)} in {split_name(split)} ({percent(redundant, total)} "
                f"of its samples){', with the same label' if near else ''}: {examples(shown, 3)}",
                split=split,
                paths=sorted({s.path for members, _ in found for s in members if s.path}),
                evidence={
                    "redundant": redundant,
                    "split_size": total,
                    "near": near,
                    "groups": [
                        {"samples": [s.path or s.source for s in members], "how": how}
                        for members, how in found
                    ],
                },
                fix="Keep one of each group of near-copies (a burst, re-saves, an edited text), "
                "or keep them together in one split and know that they weigh more than the rest."
                if near
                else "Keep one copy of each and delete the rest.",
            )


Repeats = dict[str, list[tuple[list[Sample], str]]]  # by split: the samples, and how alike


def _exact_repeats(ctx: Context) -> Repeats:
    repeats: Repeats = defaultdict(list)
    for group in ctx.duplicates():
        if len(group.labels) > 1:
            continue  # D003's
        by_split = defaultdict(list)
        for sample in group.members:
            by_split[sample.split].append(sample)
        for split, members in by_split.items():
            if len(members) > 1:
                repeats[split].append((members, group.how))
    return repeats


def _near_repeats(ctx: Context) -> Repeats:
    repeats: Repeats = defaultdict(list)
    for group in ctx.near_groups(DEFAULT_DISTANCE, within_splits=True):
        centre, *others = group.members  # the others are copies of the centre
        same = [s for s in others if (s.split, s.label) == (centre.split, centre.label)]
        if same and not is_augmented(centre.split):
            repeats[centre.split].append(([centre, *same], group.how))
    return repeats
