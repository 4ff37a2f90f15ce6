"""Near-duplicate groups, shared by D002 and D003: images whose perceptual
fingerprints are within a Hamming distance, grouped, leaving out groups of exact
copies (D001, D004) and groups of more than `MAX_GROUP` members: matches chain, and a
class of similar-looking pictures (the same coin, minted in two years) becomes one big
group that says nothing about copies. The fingerprint is grey, so a pair is kept only
when the two images also have one colour. Audio is not fingerprinted here yet: a
picture hash of two heartbeats' spectrograms finds them alike whoever recorded them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dslint.dataset import Sample, split_sort_key
from dslint.fingerprint import Pairs, from_signed, groups_of, near_pairs, same_tint
from dslint.rule import Context

DEFAULT_DISTANCE = 6  # measured: see the README's near-duplicate section
MAX_GROUP = 10  # larger groups are chains of look-alike pictures, not copies of one


@dataclass(frozen=True)
class NearGroup:
    members: tuple[Sample, ...]
    distance: int  # the largest Hamming distance of a matched pair in the group

    @property
    def splits(self) -> set[str]:
        return {s.split for s in self.members}

    def names(self) -> list[str]:
        return [s.path or s.source for s in self.members]


@lru_cache(maxsize=8)
def near_groups_within(max_distance: int) -> Callable[[Context], list[NearGroup]]:
    """The shared computation for one distance (so D002 and D003 search once)."""

    def near_groups(ctx: Context) -> list[NearGroup]:
        chosen = [
            (s, f)
            for s in ctx.dataset.samples
            if (f := ctx.facts_of(s)) is not None
            and f.kind == "image"
            and f.fingerprint is not None
            and not f.error
        ]
        if len(chosen) < 2:
            return []
        hashes = from_signed([f.fingerprint for _, f in chosen])
        pairs = near_pairs(hashes, max_distance, crowded_above=MAX_GROUP)
        pairs = _of_one_colour(pairs, [f.tint for _, f in chosen])
        found = []
        # a larger group is a chain of look-alikes (one class of similar pictures)
        for members, distance in groups_of(pairs, len(chosen), largest=MAX_GROUP):
            if len({chosen[i][1].content_hash for i in members}) == 1:
                continue  # exact copies: D001 and D004 report them
            group = sorted(
                (chosen[i][0] for i in members),
                key=lambda s: (split_sort_key(s.split), s.path or s.source),
            )
            found.append(NearGroup(tuple(group), distance))
        return found

    return near_groups


def _of_one_colour(pairs: Pairs, tints: list[int | None]) -> Pairs:
    """The pairs whose two images have the same colour (an image without a recorded
    colour is taken to match)."""
    known = np.array([-1 if t is None else t for t in tints], dtype=np.int64)
    left, right = pairs.left, pairs.right
    keep = same_tint(np.maximum(known, 0), left, right) | (known[left] < 0) | (known[right] < 0)
    return pairs.where(keep)
