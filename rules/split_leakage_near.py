from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.analysis.near import DEFAULT_DISTANCE, NearGroup
from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import examples, percent, split_name
from dslint.model.dataset import leaking_splits, split_sort_key


class SplitLeakageNear(Rule):
    """Near-duplicates across splits: the same photo re-encoded, resized, lightly
    cropped or brightened, in train and in validation or test.

    What it catches:
        Images of different splits whose perceptual fingerprints (a 64-bit DCT hash of
        the 32×32 picture the scan keeps) are within `max-distance` bits (default 10),
        confirmed by their thumbnails: once brightness and contrast are matched they
        differ by no more than re-encoding noise (3 grey levels of 255, lower in a
        dataset whose distinct pictures are closer), and their colours agree;
        recordings whose audio fingerprints (32 bits per 16 ms of band-energy changes)
        differ in at most a quarter of their aligned bits, at any time offset. A group
        is a sample and its copies, never a chain of look-alikes; groups of exact
        copies are D001's. As for D001, copies between a split and what is more of it
        (`train_augmented` beside `train`) do not leak. One finding per leaking split
        gives the fraction of its samples that leak and every group. A warning, and an
        error when at least `error-share` of the split (default a quarter) is copies:
        then the split no longer measures anything but memory, and where nearly all
        its copies have one size their originals lack, the finding says they were
        resized (or cropped) to it.

    Why it matters:
        Exact hashes miss the leak that hurts most: a validation image that is a
        re-saved, resized or slightly cropped training image is graded on a picture the
        model has memorised, so validation accuracy overstates real accuracy and early
        stopping rewards memorisation.

    Example:
        12 of 400 val samples (3.0 %) are near-duplicates of train samples:
        train/cat/0012.jpg ≈ val/cat/0457.jpg (1.2 grey levels apart at 32×32,
        brightness matched), ...

    How to fix:
        Deduplicate before splitting (keep one of each group), and split by source
        (photo session, patient, recording) so that near-copies stay together.
    """

    id = "D002"
    name = "split-leakage-near"
    summary = "near-duplicate images or recordings across splits (fingerprints, grouped)"
    default_severity = "warning"  # a few copies distort a score; many make it meaningless
    options = {
        "max_distance": Option(
            DEFAULT_DISTANCE, "fingerprint bits two near-duplicates may differ in", min=0, max=32
        ),
        "error_share": Option(
            0.25, "share of a split that, once copies, makes the finding an error", min=0, max=1
        ),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        groups = ctx.near_groups(self.options["max_distance"])
        by_split: dict[str, list[NearGroup]] = {}
        for group in groups:
            for split in leaking_splits(group.splits):
                by_split.setdefault(split, []).append(group)
        for split in sorted(by_split, key=split_sort_key):
            found = by_split[split]
            leaked = {s.path or s.source for g in found for s in g.members if s.split == split}
            total = ctx.dataset.split_size(split)
            sources = sorted(
                {s.split for g in found for s in g.members} - {split},
                key=split_sort_key,
            )
            shown = [f"{g.shown()} ({g.how})" for g in found]
            name = split_name(split)
            count = f"{len(leaked):,} of {total:,} {name} samples ({percent(len(leaked), total)})"
            overrun = total and len(leaked) / total >= self.options["error_share"]
            made = _made_to(ctx, found, split)
            copies = f"copies {made}" if made else "copies"
            yield self.finding(
                (
                    f"{name} is largely {copies} of {' and '.join(map(split_name, sources))}: "
                    f"{count} are "
                    f"near-duplicates, so its score measures memory: {examples(shown, 3)}"
                )
                if overrun
                else f"{count} are near-duplicates of "
                f"{' or '.join(map(split_name, sources))} samples: {examples(shown, 3)}",
                severity="error" if overrun else None,
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
                            "residual": g.residual,
                            "how": g.how,
                        }
                        for g in found
                    ],
                },
                fix="Deduplicate before splitting and split by source, so near-copies stay "
                "together.",
            )


RESIZED = 0.9  # of a split's copies in one size its originals lack, to call them resized


def _made_to(ctx: Context, groups: list[NearGroup], split: str) -> str | None:
    """How the split's copies were made ("resized to 224×224", or "cropped to" when
    their fits found crops): the one size that nearly all of them have and their
    originals in the other splits do not."""
    sizes = []
    for group in groups:
        facts = {s: ctx.facts_of(s) for s in group.members}
        shape = {s: (f.width, f.height) for s, f in facts.items() if f and f.width}
        mine = {shape[s] for s in group.members if s.split == split and s in shape}
        theirs = {shape[s] for s in group.members if s.split != split and s in shape}
        if len(mine) == 1 and theirs and not mine & theirs:
            sizes.append((next(iter(mine)), max(group.cropped) > 0))
        else:
            sizes.append((None, False))
    if not sizes:
        return None
    size, count = Counter(size for size, _ in sizes).most_common(1)[0]
    if not size or count < RESIZED * len(sizes):
        return None
    crops = sum(cropped for shape, cropped in sizes if shape == size)
    how = "cropped" if crops == count else "resized" if not crops else "resized or cropped"
    return f"{how} to {size[0]}×{size[1]}"
