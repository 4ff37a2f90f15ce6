"""Perceptual fingerprints and the search for near-duplicates.

The fingerprint is a 64-bit DCT hash (pHash) of the 32×32 thumbnail the scan already
keeps for every image, spectrogram and array: the 8×8 lowest frequencies of the grey
picture, each bit saying whether a coefficient is above their median. Re-encoding,
resizing, small crops and brightness changes move few bits; different pictures differ
in about half. Audio gets the same fingerprint of its log-mel picture.

The search is multi-index hashing: split the 64 bits into d+1 chunks; two fingerprints
within Hamming distance d agree exactly on at least one chunk (pigeonhole), so only
fingerprints sharing a chunk value are compared. Linear in the number of fingerprints
for distinct data. A chunk value shared by more than `MAX_BUCKET` fingerprints (a class
of look-alike pictures, blank images) is not expanded: the pairs it would give are
chains of look-alikes, and expanding it is quadratic.
"""

from __future__ import annotations

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
    chunks = max_distance + 1
    width = 64 // chunks
    found: dict[tuple[int, int], int] = {}
    for chunk in range(chunks):
        shift = np.uint64(chunk * width)
        mask = np.uint64((1 << width) - 1)
        keys = (hashes >> shift) & mask
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], len(order)]
        for start, end in zip(starts, ends, strict=True):
            if end - start < 2 or end - start > MAX_BUCKET:
                continue
            members = np.sort(order[start:end])
            left, right = np.triu_indices(len(members), k=1)
            distance = hamming(hashes[members[left]], hashes[members[right]])
            close = distance <= max_distance
            for i, j, d in zip(
                members[left[close]], members[right[close]], distance[close], strict=True
            ):
                found[(int(i), int(j))] = int(d)
    return found


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
