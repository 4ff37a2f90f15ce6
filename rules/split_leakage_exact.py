from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.dataset import split_sort_key
from dslint.duplicates import duplicate_groups
from dslint.rule import Context, Finding, Rule
from dslint.wording import examples, percent


class SplitLeakageExact(Rule):
    """The same content in two splits: a validation or test sample that is also a
    training sample.

    What it catches:
        Samples of different splits with identical bytes, or identical decoded content
        (the same pixels re-saved with other metadata or compression), or identical
        rows of stacked arrays. Each group is one finding naming every file in it; the
        message also says how many samples of the later split leak, as a fraction.

    Why it matters:
        A leaked validation sample is graded on an answer the model has memorised:
        validation accuracy overstates real accuracy by up to the leaked fraction, and
        early stopping and model selection reward memorisation. Typical causes: the
        same photo downloaded twice, augmented copies written to disk before the split,
        or a split made after deduplication was skipped.

    Example:
        train/dog/17.jpg and val/dog/v3.jpg hold the same content (identical bytes);
        in all, 37 of 360 val samples (10.3 %) also appear in train.

    How to fix:
        Deduplicate before splitting (or remove the copies from val/test), and split
        by source (photo, recording, patient) so that near-copies stay together.
    """

    id = "D001"
    name = "split-leakage-exact"
    summary = "identical content (bytes or decoded) in two splits"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        leaks = [g for g in ctx.shared(duplicate_groups) if len(g.splits) > 1]
        if not leaks:
            return
        leaked: Counter = Counter()
        earliest: dict[str, set[str]] = {}
        for group in leaks:
            first = min(group.splits, key=split_sort_key)
            for sample in group.members:
                if sample.split != first:
                    leaked[sample.split] += 1
                    earliest.setdefault(sample.split, set()).add(first)
        totals = {split: len(ctx.dataset.samples_in(split)) for split in leaked}
        summary = "; ".join(
            f"{leaked[s]:,} of {totals[s]:,} {s} samples ({percent(leaked[s], totals[s])}) "
            f"also appear in {' or '.join(sorted(earliest[s], key=split_sort_key))}"
            for s in sorted(leaked, key=split_sort_key)
        )
        for group in leaks:
            splits = sorted(group.splits, key=split_sort_key)
            yield self.finding(
                f"{examples(group.names(), 4)} hold the same content ({group.how}) across "
                f"{' and '.join(splits)}; in all, {summary}",
                paths=[s.path for s in group.members if s.path] or _array_files(ctx, splits),
                split=splits[-1],
                evidence={
                    "how": group.how,
                    "samples": group.names(),
                    "leaked": dict(leaked),
                    "split_sizes": totals,
                },
                fix="Deduplicate before splitting, or remove the copies from the later "
                "split; split by source so near-copies stay together.",
            )


def _array_files(ctx: Context, splits: list[str]) -> list[str]:
    return sorted({ctx.dataset.array_inputs[s][0] for s in splits if s in ctx.dataset.array_inputs})
