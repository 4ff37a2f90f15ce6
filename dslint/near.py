"""Near-duplicate groups, shared by D002 and D003: images whose perceptual
fingerprints are within a Hamming distance, grouped, leaving out groups of exact
copies (D001, D004) and groups of more than `MAX_GROUP` members: matches chain, and a
class of similar-looking pictures (the same coin, minted in two years) becomes one big
group that says nothing about copies. The fingerprint is grey, so a pair is kept only
when the two images also have one colour. Recordings are matched by their own audio
fingerprint (dslint.audio_print), which no distance option changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dslint.audio import audio_files
from dslint.audio_print import near_recordings
from dslint.dataset import Sample, split_sort_key
from dslint.facts import FileFacts
from dslint.fingerprint import Pairs, from_signed, groups_of, near_pairs, same_tint
from dslint.rule import Context

DEFAULT_DISTANCE = 6  # measured: see the README's near-duplicate section
MAX_GROUP = 10  # larger groups are chains of look-alike pictures, not copies of one


@dataclass(frozen=True)
class NearGroup:
    """Near-duplicate images or recordings. `distance` is the widest matched pair's:
    differing bits of 64 for images, the share of differing fingerprint bits for
    recordings."""

    members: tuple[Sample, ...]
    distance: int | float
    kind: str = "image"

    @property
    def splits(self) -> set[str]:
        return {s.split for s in self.members}

    @property
    def how(self) -> str:
        if self.kind == "audio":
            return f"{100 * self.distance:.1f} % of their audio fingerprint bits differ"
        bits = "bit" if self.distance == 1 else "bits"
        if len(self.members) == 2:
            return f"image fingerprints {self.distance} {bits} apart"
        return f"image fingerprints within {self.distance} {bits} of each other"

    def names(self) -> list[str]:
        return [s.path or s.source for s in self.members]


@lru_cache(maxsize=8)
def near_groups_within(max_distance: int) -> Callable[[Context], list[NearGroup]]:
    """The shared computation for one distance (so D002 and D003 search once)."""

    def near_groups(ctx: Context) -> list[NearGroup]:
        images = [
            (s, f)
            for s in ctx.dataset.with_unlabelled()
            if (f := ctx.facts_of(s)) is not None
            and f.kind == "image"
            and f.fingerprint is not None
            and not f.error
        ]
        found = []
        if len(images) >= 2:
            hashes = from_signed([f.fingerprint for _, f in images])
            pairs = near_pairs(hashes, max_distance, crowded_above=MAX_GROUP)
            pairs = _of_one_colour(pairs, [f.tint for _, f in images])
            found.extend(_groups(images, pairs, "image"))
        return found + ctx.shared(_recording_groups)

    return near_groups


def _recording_groups(ctx: Context) -> list[NearGroup]:
    """Near-duplicate recordings: searched once, whatever D002's and D003's distances."""
    recordings = [(s, f) for s, f in ctx.shared(audio_files) if f.audio_print]
    matches = near_recordings([f.audio_print for _, f in recordings])
    if not matches:
        return []
    pairs = Pairs(*(np.array(side) for side in zip(*matches, strict=True)))
    return _groups(recordings, pairs, "audio")


def _groups(chosen: list[tuple[Sample, FileFacts]], pairs: Pairs, kind: str) -> list[NearGroup]:
    found = []
    # a larger group is a chain of look-alikes (one class of similar pictures)
    for members, distance in groups_of(pairs, len(chosen), largest=MAX_GROUP):
        if len({chosen[i][1].content_hash for i in members}) == 1:
            continue  # exact copies: D001 and D004 report them
        group = sorted(
            (chosen[i][0] for i in members),
            key=lambda s: (split_sort_key(s.split), s.path or s.source),
        )
        found.append(NearGroup(tuple(group), distance, kind))
    return found


def _of_one_colour(pairs: Pairs, tints: list[int | None]) -> Pairs:
    """The pairs whose two images have the same colour (an image without a recorded
    colour is taken to match)."""
    known = np.array([-1 if t is None else t for t in tints], dtype=np.int64)
    left, right = pairs.left, pairs.right
    keep = same_tint(np.maximum(known, 0), left, right) | (known[left] < 0) | (known[right] < 0)
    return pairs.where(keep)
