from __future__ import annotations

from collections.abc import Iterator

from dslint.dataset import split_sort_key
from dslint.near import DEFAULT_DISTANCE, NearGroup, near_groups_within
from dslint.rule import Context, Finding, Option, Rule
from dslint.wording import examples, percent


class SplitLeakageNear(Rule):
    """Near-duplicates across splits: the same photo re-encoded, resized, lightly
    cropped or brightened, in train and in validation or test.

    What it catches:
        Images of different splits whose perceptual fingerprints (a 64-bit DCT hash of
        the 32×32 picture the scan keeps) are within `max-distance` bits (default 6)
        and whose colours agree; recordings whose audio fingerprints (32 bits per 16 ms
        of band-energy changes) differ in at most a quarter of their aligned bits, at
        any time offset. Both are grouped so that a photo and its three re-encodings
        are one group; groups of exact copies are D001's, and chains of more than 10
        look-alikes are left out. One finding per leaking split gives the fraction of
        its samples that leak and every group with its distance. A warning: a
        fingerprint match is evidence, not proof.

    Why it matters:
        Exact hashes miss the leak that hurts most: a validation image that is a
        re-saved, resized or slightly cropped training image is graded on a picture the
        model has memorised, so validation accuracy overstates real accuracy and early
        stopping rewards memorisation.

    Example:
        12 of 400 val samples (3.0 %) are near-duplicates of train samples:
        train/cat/0012.jpg ≈ val/cat/0457.jpg (image fingerprints 4 bits apart), ...

    How to fix:
        Deduplicate before splitting (keep one of each group), and split by source
        (photo session, patient, recording) so that near-copies stay together.
    """

    id = "D002"
    name = "split-leakage-near"
    summary = "near-duplicate images or recordings across splits (fingerprints, grouped)"
    default_severity = "warning"  # a fingerprint match is evidence, not proof
    options = {
        "max_distance": Option(
            DEFAULT_DISTANCE, "fingerprint bits two near-duplicates may differ in", min=0, max=32
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        groups = ctx.shared(near_groups_within(self.options["max_distance"]))
        by_split: dict[str, list[NearGroup]] = {}
        for group in groups:
            for split in sorted(group.splits, key=split_sort_key)[1:]:
                by_split.setdefault(split, []).append(group)
        for split in sorted(by_split, key=split_sort_key):
            found = by_split[split]
            leaked = {s.path or s.source for g in found for s in g.members if s.split == split}
            total = ctx.dataset.split_size(split)
            sources = sorted(
                {s.split for g in found for s in g.members} - {split}, key=split_sort_key
            )
            shown = [" ≈ ".join(g.names()) + f" ({g.how})" for g in found]
            yield self.finding(
                f"{len(leaked):,} of {total:,} {split} samples ({percent(len(leaked), total)}) "
                f"are near-duplicates of {' or '.join(sources)} samples: {examples(shown, 3)}",
                split=split,
                paths=sorted({s.path for g in found for s in g.members if s.path}),
                evidence={
                    "leaked": len(leaked),
                    "split_size": total,
                    "max_distance": self.options["max_distance"],
                    "groups": [
                        {
                            "samples": g.names(),
                            "kind": g.kind,
                            "distance": g.distance,
                            "how": g.how,
                        }
                        for g in found
                    ],
                },
                fix="Deduplicate before splitting and split by source, so near-copies stay "
                "together.",
            )
