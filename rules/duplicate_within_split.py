from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from dslint.dataset import split_sort_key
from dslint.duplicates import DuplicateGroup, duplicate_groups
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
        repeats: dict[str, list[tuple[DuplicateGroup, list]]] = defaultdict(list)
        for group in ctx.shared(duplicate_groups):
            if len(group.labels) > 1:
                continue  # D003's
            by_split = defaultdict(list)
            for sample in group.members:
                by_split[sample.split].append(sample)
            for split, members in by_split.items():
                if len(members) > 1:
                    repeats[split].append((group, members))
        for split in sorted(repeats, key=split_sort_key):
            found = repeats[split]
            redundant = sum(len(members) - 1 for _, members in found)
            total = ctx.dataset.split_size(split)
            shown = [
                " = ".join(s.path or s.source for s in members) + f" ({group.how})"
                for group, members in found
            ]
            yield self.finding(
                f"{plural(redundant, 'redundant copy', 'redundant copies')} in {split} "
                f"({percent(redundant, total)} of its samples): {examples(shown, 3)}",
                split=split,
                paths=sorted({s.path for _, members in found for s in members if s.path}),
                evidence={
                    "redundant": redundant,
                    "split_size": total,
                    "groups": [
                        {"samples": [s.path or s.source for s in members], "how": group.how}
                        for group, members in found
                    ],
                },
                fix="Keep one copy of each and delete the rest.",
            )
