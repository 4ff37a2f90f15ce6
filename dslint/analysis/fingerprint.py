"""Perceptual fingerprints and the search for near-duplicates.

The fingerprint is a 64-bit DCT hash (pHash) of the 32×32 thumbnail the scan already
keeps for every image, spectrogram and array: the 8×8 lowest frequencies of the grey
picture, each bit saying whether a coefficient is above their median. Re-encoding,
resizing, small crops and brightness changes move few bits; different pictures differ
in about half. Recordings have their own fingerprint (dslint.analysis.audio_print).

The search is multi-index hashing (Norouzi et al.): cut the 64 bits into m chunks;
two fingerprints within Hamming distance d are within d // m bits on at least one chunk
(pigeonhole), so each fingerprint is compared only with those whose chunk value is its
own with at most d // m bits flipped, looked up in a table per chunk. m is chosen by
the number of fingerprints (for 6 bits: 7 chunks of 9 bits, exact, below 10,000; 4 of
16 bits, one bit flipped, from 10,000 to a few million), so chance matches stay few
at any size. A chunk value shared by more than `MAX_BUCKET` fingerprints (a class of
look-alike pictures, blank images) is not expanded: the pairs it would give are chains
of look-alikes, and expanding it is quadratic.

A crop of a tenth of a side moves a fingerprint by about 10 bits, often more: the
copy's content is zoomed. Each image also has the fingerprints of crops of its
thumbnail (`CROPS`, `cropped_fingerprints`), and `cross_pairs` finds the images whose
plain fingerprint is within `CROP_DISTANCE` bits of another's cropped one: candidate
crops, which the confirmation fits as any other (dslint.analysis.crops). The thumbnail
squeezes a picture to a square, so the centred square of a 500×375 photo is the middle
75 % of its thumbnail's width: the crops are placed by each picture's aspect ratio. A
small picture's centred crop is of whole pixels, an odd one left over on one side or
the other: the crop of 3 pixels of a 64×64 spectrogram starts a quarter of a thumbnail
pixel away from the centred box, which moves its stripes' bits. A small picture is
printed at both placements instead.
"""

from __future__ import annotations

from itertools import combinations, pairwise
from math import comb
from typing import NamedTuple

import numpy as np

SIZE = 32
_BASIS = np.array(
    [[np.cos(np.pi * (2 * x + 1) * u / (2 * SIZE)) for x in range(SIZE)] for u in range(8)]
)  # the 8 lowest DCT-II frequencies
# the crops each image is fingerprinted at too: a share of each side about the centre or
# a corner (left, top: 0 the start, 1 the end), or of the shorter side as a centred
# square (what Resize(256) and CenterCrop(224), the evaluation transform of ImageNet
# models, keep with 0.875; the whole shorter side with 1.0). On 200 crops of flower
# photos at a corner, the plain fingerprint reached 51 of 100 of 5 % and 4 of 100 of
# 8 %; with the corners' fingerprints at 93 %, 90 and 97.
# A small picture's 95 % crop of whole pixels, its odd pixel left over last (0) or first
# (1): a centred crop's start is often rounded down (`(side - kept) // 2`), and
# torchvision's center_crop rounds it half to even (Python's round). In place of the
# centred print, half a pixel from both: on 40 crops of 3 pixels of 64×64
# spectrograms, 10 were no candidates with it, 1 with these.
CROPS = (
    (0.95, "each side", (0.5, 0.5)),
    (1.0, "square", (0.5, 0.5)),
    (0.875, "square", (0.5, 0.5)),
    *((0.93, "each side", corner) for corner in ((0, 0), (1, 0), (0, 1), (1, 1))),
    *((0.95, "whole pixels", (first, first)) for first in (0, 1)),
)
# pixels on the shorter side under which a picture is small: half a pixel of it is an
# eighth of a thumbnail pixel or more
SMALL = 4 * SIZE
SPAN_STEP = 1 / 64  # crops' edges are placed to this share of a side (half a thumbnail pixel)
CROP_DISTANCE = 6  # bits of a cropped fingerprint within which another is a candidate crop
MAX_BUCKET = 200  # a chunk value this common (look-alikes, blank images) is not expanded
# Chromaticity (each channel's share of the mean colour) moved at most 0.057 between a
# photo and its copy brightened, re-contrasted or re-saturated by 15 %, cropped by 5 %
# or re-encoded (benchmarks/make_near_duplicates.py tiles); orange and blue differ by 0.5.
MAX_TINT_SHIFT = 0.08
PROBE_BLOCK = 1 << 18  # candidate pairs compared at once


def fingerprints(thumbnails: list[bytes]) -> np.ndarray:
    """One uint64 per 32×32 RGB thumbnail."""
    return _prints(_grey(thumbnails))


def cropped_fingerprints(thumbnails: list[bytes], sizes: np.ndarray) -> np.ndarray:
    """For each 32×32 RGB thumbnail, a row of the fingerprints of its `CROPS`, each
    resampled to 32×32: what a copy so cropped would have. `sizes` are the pictures'
    widths and heights in pixels (a row each, 0 where unknown). Pictures whose crop is
    the same box are fingerprinted together; a crop that is the whole picture (a
    square picture's whole square, a large one's whole pixels) has the plain print."""
    grey = _grey(thumbnails)
    found = np.empty((len(thumbnails), len(CROPS)), np.uint64)
    plain = None
    for which, spans in enumerate(crop_spans(sizes)):
        for (left, top, right, bottom), members in by_box(spans):
            if (left, top, right, bottom) == (0.0, 0.0, 1.0, 1.0):
                plain = _prints(grey) if plain is None else plain
                found[members, which] = plain[members]
                continue
            across = _BASIS @ span_resampling(SIZE, left, right)
            down = _BASIS @ span_resampling(SIZE, top, bottom)
            found[members, which] = _prints(grey[members], down, across)
    return found


def crop_spans(sizes: np.ndarray) -> list[np.ndarray]:
    """For each of `CROPS`, each picture's box of it (left, top, right, bottom, as
    shares of its sides, to `SPAN_STEP` or to its pixels), given its width and height
    (a row each, 0 where unknown: a square picture, and not a small one)."""
    sizes = np.asarray(sizes, float)
    known = (sizes > 0).all(axis=1)
    aspects = np.where(known, sizes[:, 0] / np.where(known, sizes[:, 1], 1.0), 1.0)
    small = known & (sizes.min(axis=1) < SMALL)
    found = []
    for share, shape, anchor in CROPS:
        if shape == "whole pixels":
            found.append(_whole_pixels(sizes, small, share, anchor[0]))
            continue
        of_width = share * np.minimum(1.0, 1.0 / aspects) if shape == "square" else share
        of_height = share * np.minimum(1.0, aspects) if shape == "square" else share
        spans = np.broadcast_to(np.stack([of_width, of_height], axis=-1), (len(aspects), 2))
        kept = np.round(spans / SPAN_STEP) * SPAN_STEP
        start = (1 - kept) * np.asarray(anchor, float)
        boxes = np.concatenate([start, start + kept], axis=1)
        if (share, shape, anchor) == CROPS[0]:  # a small picture's is of whole pixels
            boxes[small] = (0.0, 0.0, 1.0, 1.0)
        found.append(boxes)
    return found


def _whole_pixels(sizes: np.ndarray, small: np.ndarray, share: float, first: int) -> np.ndarray:
    """Each `small` picture's centred crop of `share` of each side in whole pixels, the
    odd pixel left over last (`first` 0) or first (1), as shares of its sides; the
    whole picture for the others, and for a crop left over evenly on both sides, the
    same both ways and so printed once (on 0)."""
    kept = np.round(share * sizes)
    over = sizes - kept
    start = np.floor(over / 2) + first * (over % 2)
    sides = np.where(sizes > 0, sizes, 1.0)[:, [0, 1, 0, 1]]
    boxes = np.concatenate([start, start + kept], axis=1) / sides
    printed = small & (over % 2 == 1).any(axis=1) if first else small
    boxes[~printed] = (0.0, 0.0, 1.0, 1.0)
    return boxes


def by_box(spans: np.ndarray) -> list[tuple[tuple[float, ...], np.ndarray]]:
    """The distinct boxes among pictures' boxes (a row each, as `crop_spans` gives
    them), each with the positions of its pictures: a dataset's pictures have few
    shapes, and those of one box are resampled together."""
    boxes, group = np.unique(spans, axis=0, return_inverse=True)
    group = group.ravel()
    return [(tuple(box.tolist()), np.flatnonzero(group == k)) for k, box in enumerate(boxes)]


def _prints(grey: np.ndarray, down: np.ndarray = _BASIS, across: np.ndarray = _BASIS) -> np.ndarray:
    low = np.matmul(np.matmul(down, grey), across.T).reshape(len(grey), 64)
    bits = low > np.partition(low[:, 1:], 31, axis=1)[:, 31:32]  # the median of 63, fast
    return np.packbits(bits, axis=1).view(">u8").ravel().astype(np.uint64)


def _grey(thumbnails: list[bytes]) -> np.ndarray:
    """The thumbnails' mean of channels: channel by channel, 5× faster than numpy's mean
    over them, and the same values."""
    pictures = _pictures(thumbnails)
    return (pictures[..., 0].astype(np.float64) + pictures[..., 1] + pictures[..., 2]) / 3


def tints(thumbnails: list[bytes]) -> np.ndarray:
    """The mean colour of each 32×32 RGB thumbnail as 0xRRGGBB (summed channel by
    channel: 6× faster than numpy's mean over the pixels, the same values)."""
    pictures = _pictures(thumbnails)
    red, green, blue = (
        np.rint(pictures[..., channel].sum(axis=(1, 2), dtype=np.int64) / SIZE**2).astype(np.int64)
        for channel in range(3)
    )
    return (red << 16) | (green << 8) | blue


def span_resampling(side: int, start: float, stop: float) -> np.ndarray:
    """The matrix that takes a row of `side` values to the `side` values of its span
    from `start` to `stop` (shares of the row), linearly interpolated."""
    at = side * start + (np.arange(side) + 0.5) * (stop - start) - 0.5
    low = np.clip(np.floor(at).astype(int), 0, side - 1)
    high = np.minimum(low + 1, side - 1)
    weight = (at - np.floor(at)).astype(np.float32)
    matrix = np.zeros((side, side), np.float32)
    np.add.at(matrix, (np.arange(side), low), 1 - weight)
    np.add.at(matrix, (np.arange(side), high), weight)
    return matrix


def _pictures(thumbnails: list[bytes]) -> np.ndarray:
    return np.frombuffer(b"".join(thumbnails), dtype=np.uint8).reshape(-1, SIZE, SIZE, 3)


def same_tint(tints: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Whether images `left[k]` and `right[k]` have one colour: the grey fingerprint
    cannot tell an orange picture from the same shapes in blue. Compared as
    chromaticity, which brightness changes leave alone (+30 keeps near-black stable)."""
    rgb = np.stack([(tints >> shift) & 0xFF for shift in (16, 8, 0)]).astype(float)
    kept = np.ones(len(left), dtype=bool)
    for chromaticity in rgb / (rgb.sum(axis=0) + 30):  # one channel at a time: 10× faster
        kept &= np.abs(chromaticity[left] - chromaticity[right]) <= MAX_TINT_SHIFT
    return kept


def as_signed(values: np.ndarray) -> list[int]:
    """Fingerprints as SQLite stores integers (signed 64-bit)."""
    return values.astype(np.uint64).view(np.int64).tolist()


def from_signed(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64).view(np.uint64)


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.bitwise_count(np.bitwise_xor(a, b).astype(np.uint64))


class Pairs(NamedTuple):
    """Pairs of fingerprints (left[k] < right[k], by index) and their distances, as
    arrays: a folder of look-alike pictures has millions of close pairs."""

    left: np.ndarray
    right: np.ndarray
    distance: np.ndarray

    def where(self, keep: np.ndarray) -> Pairs:
        return Pairs(self.left[keep], self.right[keep], self.distance[keep])

    def as_dict(self) -> dict[tuple[int, int], int]:
        return {
            (int(i), int(j)): int(d)
            for i, j, d in zip(self.left, self.right, self.distance, strict=True)
        }


def near_pairs(hashes: np.ndarray, max_distance: int, crowded_above: int | None = None) -> Pairs:
    """Every pair (i < j) of fingerprints within `max_distance` bits, with the distance,
    ordered by (i, j). With `crowded_above`, a fingerprint found with more close
    neighbours than that is crowded: its group is bound to be larger than
    `crowded_above`, so it is looked up no further, or, on a chunk where its value is
    too common to be tabled (so that nobody finds it), looked up among the uncrowded
    fingerprints only. Pairs of crowded fingerprints may then be missing, while every
    pair with another fingerprint is still found. A folder of look-alike pictures is
    mostly crowded fingerprints, found so after the first lookups."""
    count = len(hashes)
    chunks = _chunk_count(count, max_distance)
    radius = max_distance // chunks
    codes = np.empty(0, dtype=np.int64)  # pair (i, j) as i * count + j, sorted
    limit = count if crowded_above is None else crowded_above  # no degree exceeds count
    degree = np.zeros(count, dtype=np.int64)
    crowded = np.zeros(count, dtype=bool)
    for low, width in _chunk_spans(chunks):
        keys = _chunk_values(hashes, low, width)
        left_out = (np.bincount(keys, minlength=1 << width) > MAX_BUCKET)[keys]  # look-alikes
        everyone = _table(keys, ~left_out, width)
        uncrowded = _table(keys, ~left_out & ~crowded, width)
        found = [codes]
        for flip in _flips(width, radius):  # a pair is found on one flip of a chunk
            one_sided = crowded | left_out
            for queries, table in ((~crowded, everyone), (crowded & left_out, uncrowded)):
                queries = np.flatnonzero(queries)
                pairs = _probe(
                    hashes, queries, keys[queries] ^ flip, table, one_sided, max_distance
                )
                fresh = pairs[~_contains(codes, pairs[:, 0] * count + pairs[:, 1])]
                found.append(fresh[:, 0] * count + fresh[:, 1])  # not found on a chunk before
                degree += np.bincount(fresh.ravel(), minlength=count)
            crowded |= degree > limit
        codes = np.sort(np.concatenate(found))
    left, right = (side.astype(np.int32) for side in np.divmod(codes, count))
    return Pairs(left, right, hamming(hashes[left], hashes[right]))


def cross_pairs(
    queries: np.ndarray,
    owners: np.ndarray,
    targets: np.ndarray,
    max_distance: int,
    crowded_above: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) of a query and a target fingerprint within `max_distance` bits (a
    cropped fingerprint and a plain one), as two arrays ordered by (i, j), but a
    query's with its own picture's (target `owners[i]`); a query with more than
    `crowded_above` such targets gives none (it is like too many to say which it was
    cropped from). A target whose chunk value is too common to be tabled is not found
    on that chunk."""
    count = len(targets)
    chunks = _chunk_count(count, max_distance)
    found = [np.empty(0, np.int64)]
    for low, width in _chunk_spans(chunks):
        keys, asked = _chunk_values(targets, low, width), _chunk_values(queries, low, width)
        common = np.bincount(keys, minlength=1 << width) > MAX_BUCKET
        table = _table(keys, ~common[keys], width)
        everyone = np.arange(len(queries))
        for flip in _flips(width, max_distance // chunks):
            wanted = asked ^ flip
            for block in _blocks(table[1][wanted]):
                left, right = _candidates(everyone[block], wanted[block], table)
                close = owners[left] != right
                close &= hamming(queries[left], targets[right]) <= max_distance
                found.append(left[close] * count + right[close])
    codes = distinct(np.concatenate(found))
    left, right = np.divmod(codes, count)
    keep = (np.bincount(left, minlength=len(queries)) <= crowded_above)[left]
    return left[keep], right[keep]


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, in order: sorted, as np.unique did before NumPy 2 hashed them
    (numpy/numpy#31969), which took 6.2 s for the 8 million candidate pairs of MNIST's
    70,000 digits where sorting takes a tenth of a second."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))[: len(ordered)]]


def _chunk_spans(chunks: int) -> list[tuple[int, int]]:
    """The lowest bit and the width of each of `chunks` chunks of the 64 bits (the first
    64 % chunks of them a bit wider)."""
    widths = [64 // chunks + (chunk < 64 % chunks) for chunk in range(chunks)]
    return [(sum(widths[:chunk]), width) for chunk, width in enumerate(widths)]


def _chunk_values(hashes: np.ndarray, low: int, width: int) -> np.ndarray:
    """Each fingerprint's value on the chunk of `width` bits from bit `low`."""
    return ((hashes >> np.uint64(low)) & np.uint64((1 << width) - 1)).astype(np.int64)


def _contains(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of `values` is in `sorted_values`."""
    if len(sorted_values) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[at] == values


def _table(
    keys: np.ndarray, members: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lookup table of the chosen fingerprints by chunk value: where each value's
    members start, how many there are, and the members ordered by value."""
    chosen = np.flatnonzero(members)
    sizes = np.bincount(keys[chosen], minlength=1 << width)
    order = chosen[np.argsort(keys[chosen], kind="stable")]
    return np.cumsum(sizes) - sizes, sizes, order


def _probe(
    hashes: np.ndarray,
    queries: np.ndarray,
    wanted: np.ndarray,
    table: tuple[np.ndarray, np.ndarray, np.ndarray],
    one_sided: np.ndarray,
    max_distance: int,
) -> np.ndarray:
    """Rows (i, j), i < j, of the close pairs of a query and a fingerprint whose chunk
    value is the query's `wanted` one. A pair is kept from its lower side only, unless
    one side cannot find the other: a crowded fingerprint makes no query, and one whose
    chunk value is left out of the table is found by nobody. Done in blocks of about
    `PROBE_BLOCK` candidates, which bounds the memory of a folder of look-alikes."""
    found = [np.empty((0, 2), dtype=np.int64)]
    for block in _blocks(table[1][wanted]):
        left, right = _candidates(queries[block], wanted[block], table)
        kept = (left < right) | one_sided[left] | one_sided[right]
        left, right = left[kept], right[kept]
        close = hamming(hashes[left], hashes[right]) <= max_distance
        left, right = left[close], right[close]
        found.append(np.stack([np.minimum(left, right), np.maximum(left, right)], axis=1))
    return np.concatenate(found)


def _blocks(hits: np.ndarray) -> list[slice]:
    """Runs of queries with about `PROBE_BLOCK` candidates each, given each query's."""
    ends = np.cumsum(hits)
    cuts = np.searchsorted(ends, np.arange(PROBE_BLOCK, ends[-1] if len(ends) else 0, PROBE_BLOCK))
    return [slice(a, b) for a, b in pairwise([0, *cuts.tolist(), len(hits)]) if b > a]


def _candidates(
    queries: np.ndarray, wanted: np.ndarray, table: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Every (query, member) pair of a query and a member of its wanted chunk value."""
    starts, sizes, members = table
    hits = sizes[wanted]
    left = np.repeat(queries, hits)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(hits) - hits, hits)
    return left, members[np.repeat(starts[wanted], hits) + offsets]


def _chunk_count(count: int, max_distance: int) -> int:
    """How many chunks to cut the 64 bits into: with m chunks, two fingerprints within
    d bits are within d // m bits on at least one chunk (pigeonhole), so each chunk
    value is probed with every variant up to that many bits flipped. Fewer, wider
    chunks mean fewer chance matches and more probes; this picks the cheaper by the
    expected work for `count` uniformly spread fingerprints, a probe of every fingerprint
    weighing twice a chance match (as measured at 1,000,000: 4 chunks 29 s, 3 chunks
    37 s); wider than 24 bits the tables outgrow their use."""

    def work(chunks: int) -> float:
        width = 64 // chunks
        probes = sum(comb(width, k) for k in range(max_distance // chunks + 1))
        return chunks * probes * (count + count * count / 2 ** (width + 1))

    return min((m for m in range(3, max_distance + 2) if 64 // m <= 24), key=work, default=3)


def _flips(width: int, radius: int) -> list[int]:
    """Every mask of `width` bits with at most `radius` bits set."""
    return [
        sum(1 << bit for bit in bits)
        for k in range(radius + 1)
        for bits in combinations(range(width), k)
    ]
