from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.duplicates import DuplicateGroup
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import chain, examples, percent, split_name
from dslint.model.dataset import leaking_splits, split_sort_key


class SplitLeakageExact(Rule):
    """The same content in two splits: a validation or test sample that is also a
    training sample.

    What it catches:
        Samples of different splits with identical bytes, or identical decoded content
        (the same pixels re-saved with other metadata or compression), or identical
        rows of stacked arrays. One finding per leaking split says how many of its
        samples leak, as a fraction, names every file of every group, and lists the
        groups in its evidence. A split that is more of another (`train_augmented`
        beside `train`) may copy it: only a copy in another split (val, test) leaks.

    Why it matters:
        A leaked validation sample is graded on an answer the model has memorised:
        validation accuracy overstates real accuracy by up to the leaked fraction, and
        early stopping and model selection reward memorisation. Typical causes: the
        same photo downloaded twice, augmented copies written to disk before the split,
        or a split made after deduplication was skipped.

    Example:
        37 of 360 val samples (10.3 %) also appear in train: train/dog/17.jpg =
        val/dog/v3.jpg (identical bytes), ... and 34 more.

    How to fix:
        Deduplicate before splitting (or remove the copies from val/test), and split
        by source (photo, recording, patient) so that near-copies stay together.
    """

    id = "D001"
    name = "split-leakage-exact"
    summary = "identical content (bytes or decoded) in two splits"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        leaks = [g for g in ctx.duplicates() if len(g.splits) > 1]
        by_split: dict[str, list[DuplicateGroup]] = {}
        for group in leaks:
            for split in leaking_splits(group.splits):
                by_split.setdefault(split, []).append(group)
        for split in sorted(by_split, key=split_sort_key):
            groups = by_split[split]
            leaked = sorted(
                {s.path or s.source for g in groups for s in g.members if s.split == split}
            )
            total = ctx.dataset.split_size(split)
            sources = sorted(
                {s.split for g in groups for s in g.members} - {split},
                key=split_sort_key,
            )
            shown = [chain(g.names(), " = ") + f" ({g.how})" for g in groups]
            yield self.finding(
                f"{len(leaked):,} of {total:,} {split_name(split)} samples "
                f"({percent(len(leaked), total)}) also appear in "
                f"{' or '.join(map(split_name, sources))}: {examples(shown, 3)}",
                split=split,
                paths=sorted({s.path for g in groups for s in g.members if s.path})
                or _array_files(ctx, [split, *sources]),
                evidence={
                    "leaked": len(leaked),
                    "split_size": total,
                    "groups": [{"samples": g.names(), "how": g.how} for g in groups],
                },
                fix="Deduplicate before splitting, or remove the copies from the later "
                "split; split by source so near-copies stay together.",
            )


def _array_files(ctx: Context, splits: list[str]) -> list[str]:
    return sorted({ctx.dataset.array_inputs[s][0] for s in splits if s in ctx.dataset.array_inputs})
