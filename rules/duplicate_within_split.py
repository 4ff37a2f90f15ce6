from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from dslint.dataset import split_sort_key
from dslint.duplicates import duplicate_groups
from dslint.rule import Context, Finding, Rule
from dslint.wording import examples, percent, plural


class DuplicateWithinSplit(Rule):
    """The same content repeated inside one split.

    What it catches:
        Two or more samples of one split with identical content and the same label
        (repeats with different labels are D003's).

    Why it matters:
        Repeats weight some samples more than others without anyone having decided
        so, inflate the apparent dataset size, and in a validation split count the same
        answer several times. Large numbers of repeats usually mean a copy step ran
        twice or augmented files were saved beside their originals.

    Example:
        train/cat/1.png, train/cat/1 (copy).png: the same content 2 times in train
        (identical bytes); in all, 12 redundant copies in train (0.5 %).

    How to fix:
        Keep one copy of each (`dslint check --format json` lists every group).
    """

    id = "D004"
    name = "duplicate-within-split"
    summary = "repeated samples inside one split"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        repeats = []
        for group in ctx.shared(duplicate_groups):
            if len(group.labels) > 1:
                continue
            by_split = defaultdict(list)
            for sample in group.members:
                by_split[sample.split].append(sample)
            repeats.extend(
                (split, group, members) for split, members in by_split.items() if len(members) > 1
            )
        redundant = Counter()
        for split, _, members in repeats:
            redundant[split] += len(members) - 1
        for split, group, members in sorted(repeats, key=lambda r: split_sort_key(r[0])):
            total = len(ctx.dataset.samples_in(split))
            names = [s.path or s.source for s in members]
            yield self.finding(
                f"{examples(names, 4)}: the same content {len(members)} times in {split} "
                f"({group.how}); in all, "
                f"{plural(redundant[split], 'redundant copy', 'redundant copies')} "
                f"in {split} ({percent(redundant[split], total)})",
                split=split,
                paths=[s.path for s in members if s.path],
                evidence={"how": group.how, "samples": names, "redundant": redundant[split]},
                fix="Keep one copy of each and delete the rest.",
            )
