"""Perceptual fingerprints and the search for near-duplicates.

The fingerprint is a 64-bit DCT hash (pHash) of the 32×32 thumbnail the scan already
keeps for every image, spectrogram and array: the 8×8 lowest frequencies of the grey
picture, each bit saying whether a coefficient is above their median. Re-encoding,
resizing, small crops and brightness changes move few bits; different pictures differ
in about half. Audio is not fingerprinted (see dslint.near).

The search is multi-index hashing (Norouzi et al.): cut the 64 bits into m chunks;
two fingerprints within Hamming distance d are within d // m bits on at least one chunk
(pigeonhole), so each fingerprint is compared only with those whose chunk value is its
own with at most d // m bits flipped, looked up in a table per chunk. m is chosen by
the number of fingerprints (4 chunks of 16 bits at 20,000, 3 of 21-22 bits at
1,000,000), so chance matches stay few at any size. A chunk value shared by more than
`MAX_BUCKET` fingerprints (a class of look-alike pictures, blank images) is not
expanded: the pairs it would give are chains of look-alikes, and expanding it is
quadratic.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np

SIZE = 32
_BASIS = np.array(
    [[np.cos(np.pi * (2 * x + 1) * u / (2 * SIZE)) for x in range(SIZE)] for u in range(8)]
)  # the 8 lowest DCT-II frequencies
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
MAX_BUCKET = 200  # a chunk value this common (look-alikes, blank images) is not expanded
# Chromaticity (each channel's share of the mean colour) moved at most 0.057 between a
# photo and its copy brightened, re-contrasted or re-saturated by 15 %, cropped by 5 %
# or re-encoded (benchmarks/make_near_duplicates.py tiles); orange and blue differ by 0.5.
MAX_TINT_SHIFT = 0.08


def fingerprints(thumbnails: list[bytes]) -> np.ndarray:
    """One uint64 per 32×32 RGB thumbnail."""
    grey = (
        np.frombuffer(b"".join(thumbnails), dtype=np.uint8)
        .reshape(len(thumbnails), SIZE, SIZE, 3)
        .mean(axis=3)
    )
    low = np.matmul(np.matmul(_BASIS, grey), _BASIS.T).reshape(len(thumbnails), 64)
    bits = low > np.median(low[:, 1:], axis=1, keepdims=True)
    return np.packbits(bits, axis=1).view(">u8").ravel().astype(np.uint64)


def tint_of(thumbnail: bytes) -> int:
    """The mean colour of a 32×32 RGB thumbnail as 0xRRGGBB."""
    red, green, blue = np.frombuffer(thumbnail, dtype=np.uint8).reshape(-1, 3).mean(axis=0)
    return (round(red) << 16) | (round(green) << 8) | round(blue)


def same_tint(tints: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Whether images `left[k]` and `right[k]` have one colour: the grey fingerprint
    cannot tell an orange picture from the same shapes in blue. Compared as
    chromaticity, which brightness changes leave alone (+30 keeps near-black stable)."""
    rgb = np.stack([(tints >> shift) & 0xFF for shift in (16, 8, 0)], axis=1).astype(float)
    chromaticity = rgb / (rgb.sum(axis=1, keepdims=True) + 30)
    shift = np.abs(chromaticity[left] - chromaticity[right]).max(axis=1)
    return shift <= MAX_TINT_SHIFT


def as_signed(value: np.uint64) -> int:
    """A fingerprint as SQLite stores integers (signed 64-bit)."""
    return int(np.array(value, dtype=np.uint64).view(np.int64))


def from_signed(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64).view(np.uint64)


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    xor = np.bitwise_xor(a, b).astype(np.uint64)
    return _POPCOUNT[xor.view(np.uint8).reshape(-1, 8)].sum(axis=1)


def near_pairs(hashes: np.ndarray, max_distance: int) -> dict[tuple[int, int], int]:
    """Every pair (i < j) of fingerprints within `max_distance` bits, with the distance."""
    count = len(hashes)
    chunks = _chunk_count(count, max_distance)
    radius = max_distance // chunks
    found: list[np.ndarray] = []
    low = 0
    for chunk in range(chunks):
        width = 64 // chunks + (chunk < 64 % chunks)
        keys = ((hashes >> np.uint64(low)) & np.uint64((1 << width) - 1)).astype(np.int64)
        low += width
        sizes = np.bincount(keys, minlength=1 << width)
        sizes[sizes > MAX_BUCKET] = 0  # look-alikes: left out (see the module's docstring)
        starts = np.cumsum(sizes) - sizes
        members = np.argsort(keys, kind="stable")
        members = members[sizes[keys[members]] > 0]
        for flip in _flips(width, radius):
            found.append(_probe(hashes, keys ^ flip, sizes, starts, members, max_distance))
    pairs = np.concatenate(found) if found else np.empty((0, 3), dtype=np.int64)
    pairs = np.unique(pairs, axis=0)
    return {(int(i), int(j)): int(d) for i, j, d in pairs}


def _probe(
    hashes: np.ndarray,
    wanted: np.ndarray,
    sizes: np.ndarray,
    starts: np.ndarray,
    members: np.ndarray,
    max_distance: int,
) -> np.ndarray:
    """Rows (i, j, distance) of the close pairs where j's chunk value is `wanted[i]`."""
    hits = sizes[wanted]
    total = int(hits.sum())
    if total == 0:
        return np.empty((0, 3), dtype=np.int64)
    left = np.repeat(np.arange(len(hashes)), hits)
    offsets = np.arange(total) - np.repeat(np.cumsum(hits) - hits, hits)
    right = members[np.repeat(starts[wanted], hits) + offsets]
    ordered = left < right
    left, right = left[ordered], right[ordered]
    distance = hamming(hashes[left], hashes[right])
    close = distance <= max_distance
    return np.stack([left[close], right[close], distance[close].astype(np.int64)], axis=1)


def _chunk_count(count: int, max_distance: int) -> int:
    """How many chunks to cut the 64 bits into: with m chunks, two fingerprints within
    d bits are within d // m bits on at least one chunk (pigeonhole), so each chunk
    value is probed with every variant up to that many bits flipped. Fewer, wider
    chunks mean fewer chance matches and more probes; this picks the cheaper by the
    expected work for `count` uniformly spread fingerprints (wider than 24 bits the
    tables outgrow their use)."""

    def work(chunks: int) -> float:
        width = 64 // chunks
        probes = sum(comb(width, k) for k in range(max_distance // chunks + 1))
        return chunks * probes * (count + 3 * count * count / 2**width)

    return min((m for m in range(3, max_distance + 2) if 64 // m <= 24), key=work, default=3)


def _flips(width: int, radius: int) -> list[int]:
    """Every mask of `width` bits with at most `radius` bits set."""
    return [
        sum(1 << bit for bit in bits)
        for k in range(radius + 1)
        for bits in combinations(range(width), k)
    ]


def groups_of(pairs: dict[tuple[int, int], int], count: int) -> list[tuple[list[int], int]]:
    """Connected groups of the pairs (union-find): members and the largest distance of
    a pair inside the group; a photo and its three re-encodings are one group."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs:
        parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in sorted({k for pair in pairs for k in pair}):
        members.setdefault(root(i), []).append(i)
    widest: dict[int, int] = {}
    for (i, _), d in pairs.items():
        widest[root(i)] = max(widest.get(root(i), 0), d)
    return [
        (group, widest[key]) for key, group in sorted(members.items(), key=lambda item: item[1][0])
    ]
