from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import NamedTuple

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import percent, split_name, tally
from dslint.model.dataset import split_family, split_sort_key


class Format(NamedTuple):
    """What the properties read of a file's facts."""

    kind: str
    width: int | None
    height: int | None
    mode: str | None
    bit_depth: int | None
    sample_rate: int | None
    format: str | None


FORMAT = attrgetter(*Format._fields)
PROPERTIES: dict[str, Callable[[Format], str | None]] = {
    "image size": lambda f: f"{f.width}×{f.height}" if f.kind == "image" and f.width else None,
    "image mode": lambda f: f.mode if f.kind == "image" else None,
    "bit depth": lambda f: f"{f.bit_depth}-bit" if f.kind == "image" and f.bit_depth else None,
    "sample rate": lambda f: f"{f.sample_rate:,} Hz" if f.sample_rate else None,
    "file format": lambda f: f.format,
}
ONE_SPLIT = 0.99  # the share of a value's files in one split for it to tell that split
CHANCE = 1e-6  # how unlikely that would be if files were spread over splits by size
COVERS = 0.1  # the least share of its split a telling value must hold to matter


class SplitRevealingFormat(Rule):
    """A file property that tells which split a file came from.

    What it catches:
        Image size, mode or bit depth, audio sample rate, or file format, when one of
        its values is found in one split only, in so many files that chance cannot
        explain it (all of them in the split, against at most a one-in-a-million chance
        of that if files had fallen into splits by the splits' sizes), and in at least
        a tenth of that split. The finding names the splits and their values. A split
        that is more of another (`train_augmented` beside `train`) counts as that one:
        the model trains on both, whatever tells them apart.

    Why it matters:
        It is the trace of a split made in another way than the rest: validation
        resized to 224×224 from originals that stayed in train, a test set scanned on
        another machine, recordings of one split resampled. Often those files are
        copies of another split's (D002 checks), and always the model meets a format
        in evaluation that it never trained on, or can tell the splits apart by it.

    Example:
        image size tells the split: every 48×48 image is in val (1,000 files, 100.0 %
        of val); val: 48×48 ×1,000; train: 28×28 ×6,000; test: 28×28 ×1,000.

    How to fix:
        Prepare every split the same way (one size, mode, format and sample rate)
        and find out how the odd split was made: if it was derived from another,
        re-split from the originals.
    """

    id = "D005"
    name = "split-revealing-format"
    summary = "image size, mode, bit depth, sample rate or file format tells the split"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        # files counted by split and format first: a dataset has few distinct ones. A
        # split that is more of another (train_augmented) counts as it: the model
        # trains on both, whatever tells them apart
        formats = Counter(
            (split_family(s.split), FORMAT(f)) for s, f in ctx.files(unlabelled=True) if not f.error
        )
        for what, value_of in PROPERTIES.items():
            by_split: dict[str, Counter] = defaultdict(Counter)
            for (split, facts), files in formats.items():
                value = value_of(Format(*facts))
                if value is not None:
                    by_split[split][value] += files
            if len(by_split) < 2:
                continue
            telling = _telling(by_split)
            if not telling:
                continue
            splits = sorted(by_split, key=split_sort_key)
            told = "; ".join(
                f"every {value} {_noun(what)} is in {split_name(split)} ({count:,} files, "
                f"{percent(count, sum(by_split[split].values()))} of {split_name(split)})"
                for value, split, count in telling
            )
            shown = "; ".join(
                f"{split_name(split)}: {tally(by_split[split], 3)}" for split in splits
            )
            yield self.finding(
                f"{what} tells the split: {told}; {shown}",
                evidence={
                    "property": what,
                    "telling": [{"value": v, "split": s, "files": c} for v, s, c in telling],
                    "by_split": {split: dict(by_split[split]) for split in splits},
                },
                fix="Prepare every split the same way, and find out how the odd split was "
                "made: if it was derived from another split, re-split from the originals.",
            )


def _telling(by_split: dict[str, Counter]) -> list[tuple[str, str, int]]:
    """(value, split, files) for each value found in one split, beyond chance."""
    sizes = {split: sum(counts.values()) for split, counts in by_split.items()}
    total = sum(sizes.values())
    found = []
    for value in sorted({v for counts in by_split.values() for v in counts}):
        counts = {split: c[value] for split, c in by_split.items() if c[value]}
        files = sum(counts.values())
        split = max(counts, key=counts.__getitem__)
        if (
            counts[split] >= ONE_SPLIT * files
            and (sizes[split] / total) ** files < CHANCE
            and counts[split] >= COVERS * sizes[split]
        ):
            found.append((value, split, counts[split]))
    return sorted(found, key=lambda item: (split_sort_key(item[1]), item[0]))


def _noun(what: str) -> str:
    return {"sample rate": "recording", "file format": "file"}.get(what, "image")
