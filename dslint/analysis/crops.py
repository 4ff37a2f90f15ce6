"""The crop tier of the near-duplicate confirmation. A copy cropped by a few percent
(and often resized back) is shifted against its original: the 32×32 residual of
dslint.analysis.confirm reads it as another picture, and a 5 % crop moves a
thumbnail's edges by 1.6 pixels, too coarse to align on. This tier re-reads the
originals, of few pairs:

1. Of the candidate pairs the residual did not confirm, each picture's closest on 8×8
   block means (`closest`), where a shift of a pixel or two hardly counts: a folder of
   look-alike faces proposes twenty distinct candidates a picture, a copy's original
   is its closest. When a crop is found (steps 2 and 3), its pictures' next closest
   are tried in a second round: a picture with two copies has only one as its closest.
2. Their thumbnails are aligned (`aligned`): a box of one is resampled to fit the
   other, both ways round, the box `ZOOMS` of its side about its centre and each
   corner, or its centred squares (the square crops it is fingerprinted at, placed
   by its aspect ratio: the evaluation crop of a 4:3 photo keeps 58 % of its
   squeezed thumbnail's width); a pair goes on when that takes a tenth of its
   residual off (`MAX_SHARE`), tried first on 16×16 block means, which on 20,000
   look-alike shapes left 0.18 s of the 1.1 s it took on every pixel, and when the
   box, judged on the thumbnails, would hold (`_held`, as step 3 asks of the fit).
   A small picture and a crop of whole pixels of it, as their sizes tell
   (`pixel_crops`), skip the thumbnails: a crop of 3 pixels of a 64×64 spectrogram
   is a fraction of a thumbnail pixel, and its stripes did not align there, or
   aligned with the crop taken for the wider, for 7 of the 30 such crops proposed on
   benchmarks/make_near_duplicates.py's spectrograms. Their originals are read, and
   the crop is placed where it fits best on every pixel of the wider (`placed`).
3. The originals of what is left are read again and a box of the wider is fitted to
   the narrower (`refined`) from there, each resampled to 32×32 as the scan makes
   thumbnails. A crop is then confirmed under the same limits as any copy, when the
   fit also holds its box (`PINNED`): a box can be slid along a single straight
   edge, or along stripes, almost anywhere, and on 20,000 photo tiles 118 pairs of
   distinct pictures (most of them retina tiles, black with a red rim) fitted within
   their limit, each with a box it did not hold. Pictures whose edges run mostly one
   way were once not fitted at all, which left out the crops of log-mel
   spectrograms: striped by their harmonics, held by their onsets.

Measured on benchmarks/make_near_duplicates.py's sets: README, near-duplicates.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from itertools import product
from typing import NamedTuple

import numpy as np
import simplejpeg
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from dslint.analysis.confirm import block_means, renumbered, residuals, unexplained
from dslint.analysis.fingerprint import (
    CROPS,
    SIZE,
    SMALL,
    by_box,
    crop_spans,
    span_resampling,
)
from dslint.scan.decode import (
    ARRAY_MODES,
    JPEG_MODES,
    JPEG_START,
    MAX_DECODE_PIXELS,
    grey_levels,
)

ZOOMS = (0.925, 0.975)  # the share of the wider picture's side a crop keeps, to start from
ANCHORS = ((0.5, 0.5), (0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0))  # centre, corners
RANKED_ON = 8  # blocks a side of the thumbnails on which each picture's closest is chosen
ROUNDS = 2  # of choosing closest candidates: the second for pictures a crop was found for
COARSE = 16  # blocks a side of the thumbnails on which pairs are aligned first
COARSE_SHARE = 0.95  # of the unaligned residual there: what the first alignment must leave
# of the unaligned residual: what the thumbnails' alignment must leave. At 0.75, 11 of the
# 29 crops of striped spectrograms that came this far were left (a box of a 32×32
# thumbnail, resampled without smoothing, misplaces stripes); at 0.9, 5
MAX_SHARE = 0.9
DELTA = 0.25  # pixels an edge is nudged by to see how the box's thumbnail changes
MAX_MOVE = 2.0  # pixels an edge moves at most in one step
SETTLED = 0.05  # pixels: a step that moves no edge further ends the fit
STEPS = 8  # Gauss–Newton steps at most
# times a pair's limit: a fit still this far off after its first step, or a later one,
# is left; confirmed crops were at most 2.97 and 1.36 times their limits there (flowers)
GIVE_UP = (3.0, 1.5)
# a fit's residual at most this many times its pin (`_pin`): a box one thumbnail pixel
# off would be further from the crop than the fit is. On 20,000 photo tiles, 118 fits of
# distinct pictures within their limit were at most 0.74; 239 of 244 crops' were 1.0 or more
PINNED = 1.0
# pixels: a step that moves no edge further, after which the fit is within its limit and
# holds its box (`PINNED`), ends it: more steps would only polish a crop's residual. On
# 20,000 photo tiles the crops' fits took 10 renderings instead of 15, the same 248 crops;
# ended after any step, one of the fixture's 5 % crops read as 4 %
PLACED = 0.25
# times a fit's residual: a fit whose pin (`_pin`) is under the first before its first
# step, or under the second later, is left, as it will not hold its box. On 20,000 photo
# tiles the 248 crops' fits were at 0.38 or more before their first step and 0.98 or more
# after it; fits ending within their limit but unheld at most 0.92 after it, and those
# ending over their limit at most 0.72; 1,070 of the 1,463 fits stopped so, 845 before a step
LOOSE = (0.25, 0.5)
# times the thumbnails' aligned residual: a pair whose box's pin there is under it is not
# fitted (`_held`). Of the pairs fitted on 20,000 photo tiles, the 248 crops' were at
# 0.36 or more there and 703 of the other 1,215 under 0.2; on the other benchmark sets,
# FER-2013 and the flower crops, crops were at 0.27 or more, and the vibrato tone's of
# test_near at 0.21. Judged first on the 16×16 block means too, it left 331 of the 1,603
# pairs of the tiles that went on from there, none a crop's, but the confirmation took as
# long, and the vibrato tone's crop was at 0.20 there
HELD_THUMBNAIL = 0.2
NUDGE = 0.25 / SIZE  # shares of a side: a quarter of a thumbnail pixel
RIDGE = 1e-9 * np.eye(4)  # added to a fit's normal equations: a flat picture's stay solvable
# pairs aligned at a time: their zoomed pictures are held at once. Their arrays were
# 50 MB at 16,384 on FER-2013 (9,325 pairs of 12,773 faces), fresh memory for each box,
# and aligning took 1.4 s in a new process; at 1,024, 0.7 s
PAIR_CHUNK = 1_024
# times a pair's least residual on 16×16 block means: the boxes within it are tried on
# every pixel
SHORTLIST = 2.0
SIDE = 64  # pixels a side an original is decoded at (at least), or reduced to
MAX_PIXELS = MAX_DECODE_PIXELS  # larger originals are not read, as the scan does not
# of each side of the wider picture: the least a crop of whole pixels keeps. The wider
# is small (fingerprint.SMALL, as for the prints of whole pixels): under 2 × SIDE a
# side, which `decoded` leaves as it is, so the crop is placed on its pixels (`placed`)
PIXEL_CROP = 0.8
# times a pair's limit: what a crop of whole pixels may differ by from the pixels it
# was placed on (`placed`) to be fitted from there; a pair further off is a crop resized
# since, or none, and is aligned on the thumbnails, as is a pair that did not fit from
# its pixels (of 66 crops of 8 % resized to 62 of 64 pixels, 2 fitted only from the
# thumbnails' box, 26 not from their pixels). On 20,000 photo tiles the 257 crops of
# whole pixels were at most 1.83 (JPEG's noise, at full size), 16 of the other 214
# pairs under 2; the spectrograms' PNG crops at 0
PIXEL_MATCH = 2.0

Box = tuple[float, float, float, float]  # left, top, right, bottom: shares of the sides
Fit = tuple[int, int, Box]  # wider, narrower, and the box of the wider to start from
# the boxes every pair is aligned on: `ZOOMS` of each side at `ANCHORS`
BOXES: tuple[Box, ...] = tuple(
    ((1 - zoom) * x, (1 - zoom) * y, (1 - zoom) * x + zoom, (1 - zoom) * y + zoom)
    for zoom, (x, y) in product(ZOOMS, ANCHORS)
)


class Crops(NamedTuple):
    """Pairs confirmed as crops: their positions, the residuals of their fits, the
    percent of the width and of the height the narrower lacks (a row each), the wider
    picture of each, and the box of it the narrower fitted (left, top, right, bottom,
    as shares of its sides)."""

    pairs: np.ndarray
    residual: np.ndarray
    cut: np.ndarray
    wide: np.ndarray
    box: np.ndarray

    @classmethod
    def none(cls) -> Crops:
        return cls(
            np.empty(0, np.int64),
            np.empty(0),
            np.empty((0, 2), np.int64),
            np.empty(0, np.int64),
            np.empty((0, 4)),
        )


def fitted(
    pictures: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    candidates: np.ndarray,
    allowed: np.ndarray,
    read: Callable[[list[int]], dict[int, bytes | Exception]],
    sizes: np.ndarray,
) -> Crops:
    """Of the `candidates` (positions among the pairs `left`, `right` of the grey
    `pictures`), those whose originals fit as a crop of one another within their
    `allowed` residual. `read` gives the bytes of the originals at some positions,
    `sizes` each picture's width and height in pixels (a row each, 0 where unknown).

    Each picture's closest candidate is tried first; then, for the pictures a crop was
    found for, their closest among the candidates not yet tried (`ROUNDS` in all). A
    picture with two copies (its augmented crop in train_augmented and another in val)
    has one of them as its closest, and the second copy's closest may be the first,
    of which it is no crop."""
    a, b = left[candidates], right[candidates]
    coarse = residuals(block_means(pictures, RANKED_ON), a, b)
    originals: dict[int, Image.Image | None] = {}
    found = []
    untried, open_to = np.ones(len(candidates), bool), np.ones(len(candidates), bool)
    for _ in range(ROUNDS):
        pool = np.flatnonzero(untried & open_to)
        chosen = pool[closest(a[pool], b[pool], coarse[pool])]
        untried[chosen] = False
        crops = _fitted(pictures, left, right, candidates[chosen], allowed, read, originals, sizes)
        found.append(crops)
        ends = np.union1d(left[crops.pairs], right[crops.pairs])
        open_to = np.isin(a, ends) | np.isin(b, ends)
    return Crops(*(np.concatenate(side) for side in zip(*found, strict=True)))


def _fitted(
    pictures: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    chosen: np.ndarray,
    allowed: np.ndarray,
    read: Callable[[list[int]], dict[int, bytes | Exception]],
    originals: dict[int, Image.Image | None],
    sizes: np.ndarray,
) -> Crops:
    """The chosen pairs whose originals fit: a small picture and a crop of whole pixels
    of it started where the crop matches on the pixels (`placed`), the others, and
    those that did not fit so, where their thumbnails align. The originals decoded on
    the way are kept in `originals` for a later round."""
    a, b = left[chosen], right[chosen]
    pixels, wider, narrower = pixel_crops(sizes, a, b)
    wider, narrower = wider.tolist(), narrower.tolist()
    _read(originals, read, wider + narrower)
    starts = [
        placed(originals.get(w), originals.get(n)) for w, n in zip(wider, narrower, strict=True)
    ]
    bounds = PIXEL_MATCH * allowed[chosen[pixels]]
    matched = [k for k, start in enumerate(starts) if start and start[1] <= bounds[k]]
    whole = np.flatnonzero(pixels)[matched]
    fits = [(wider[k], narrower[k], starts[k][0]) for k in matched]
    crops = _tried(originals, chosen, whole, fits, allowed)
    rest = np.flatnonzero(~np.isin(chosen, crops.pairs))
    kept, fits = aligned(pictures, a[rest], b[rest], sizes)
    _read(originals, read, [i for fit in fits for i in fit[:2]])
    more = _tried(originals, chosen, rest[kept], fits, allowed)
    return Crops(*(np.concatenate(side) for side in zip(crops, more, strict=True)))


def _tried(
    originals: dict[int, Image.Image | None],
    chosen: np.ndarray,
    at: np.ndarray,
    fits: list[Fit],
    allowed: np.ndarray,
) -> Crops:
    """Of the chosen pairs `at` these positions, started at their `fits`, those whose
    originals fit as a crop within their `allowed` residual."""
    if not fits:
        return Crops.none()
    limits = allowed[chosen[at]]
    found = [refined(originals.get, fit, limit) for fit, limit in zip(fits, limits, strict=True)]
    residual, box, pin = (np.array(values) for values in zip(*found, strict=True))
    fine = (residual <= limits) & (pin >= PINNED * residual)
    spans = np.stack([box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]], axis=1)
    cut = np.rint(100 * (1 - spans)).astype(np.int64)
    wide = np.array([fit[0] for fit in fits], np.int64)
    return Crops(chosen[at][fine], residual[fine], cut[fine], wide[fine], box[fine])


def _read(
    originals: dict[int, Image.Image | None],
    read: Callable[[list[int]], dict[int, bytes | Exception]],
    wanted: list[int],
) -> None:
    """Decode the originals wanted that are not yet in `originals` (None for those that
    cannot be read or decoded)."""
    fresh = sorted(set(wanted) - originals.keys())
    originals.update(
        (index, decoded(data) if isinstance(data, bytes) else None)
        for index, data in (read(fresh) if fresh else {}).items()
    )


def pixel_crops(
    sizes: np.ndarray, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which pairs are, by their sizes (a row of width and height each), a small
    original and a crop of whole pixels of it: one picture's width and height each at
    most the other's and at least `PIXEL_CROP` of it, one of them less, the wider under
    `SMALL` pixels on its shorter side. And the wider and the narrower of those pairs.
    A crop of a few pixels of a 64×64 spectrogram is a fraction of a thumbnail pixel,
    too fine to align on the thumbnails, and one such pixel misplaces stripes."""
    a, b = sizes[left], sizes[right]
    left_wider = (a >= b).all(axis=1)
    big = np.where(left_wider[:, None], a, b)
    small = np.where(left_wider[:, None], b, a)
    found = (left_wider | (b >= a).all(axis=1)) & (a != b).any(axis=1)
    found &= (small >= PIXEL_CROP * big).all(axis=1) & (big.min(axis=1) < SMALL)
    wide = np.where(left_wider, left, right)[found]
    return found, wide, np.where(left_wider, right, left)[found]


def placed(wide: Image.Image | None, narrow: Image.Image | None) -> tuple[Box, float] | None:
    """The box of whole pixels of the wider original in which the narrower fits best
    (least left once brightness and contrast are matched, as the residual measures),
    as shares of its sides, and what is left there: where a fit of the two starts. None
    when either is unread, or does not fit in the other as decoded."""
    if wide is None or narrow is None:
        return None
    big, small = np.asarray(wide, np.float64), np.asarray(narrow, np.float64)
    height, width = small.shape
    rows, columns = big.shape[0] - height + 1, big.shape[1] - width + 1
    if rows < 1 or columns < 1:
        return None
    # every placement's pixels as a row (a copy of a few small pictures), and one product
    windows = sliding_window_view(big, small.shape).reshape(rows * columns, small.size)
    target = small.ravel() - small.mean()
    dot = windows @ target
    sums = windows.sum(axis=1)
    own = np.einsum("ij,ij->i", windows, windows) - sums * sums / small.size
    best = int(np.argmax(dot * np.abs(dot) / np.maximum(own, 1e-6)))
    residual = float(unexplained(dot[best], own[best], target @ target, small.size))
    top, left = divmod(best, columns)
    across, down = big.shape[1], big.shape[0]
    return (left / across, top / down, (left + width) / across, (top + height) / down), residual


def closest(left: np.ndarray, right: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """The pairs (indices, in order) that are the closest of some picture's: for each
    picture, on either side of its pairs, its pair of least residual (all of them, on
    a tie)."""
    least = np.full(max(left.max(initial=-1), right.max(initial=-1)) + 1, np.inf)
    np.minimum.at(least, left, residual)
    np.minimum.at(least, right, residual)
    return np.flatnonzero((residual == least[left]) | (residual == least[right]))


def aligned(
    pictures: np.ndarray, left: np.ndarray, right: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, list[Fit]]:
    """The pairs (positions) whose thumbnails, a box of one resampled to fit the other,
    come within `MAX_SHARE` of their residual unaligned with a box that would hold
    (`_held`), and for each the box that fitted: one of `BOXES`, or the wider
    picture's centred squares (the square `CROPS` of dslint.analysis.fingerprint,
    placed by its aspect ratio, from its width and height in `sizes`: a 4:3 photo's
    evaluation crop is no zoom of its squeezed thumbnail). `pictures` are the grey
    thumbnails as `confirm.grey` makes them (centred). Pairs are first tried on their
    16×16 block means, against `COARSE_SHARE`, and then on every pixel with the boxes
    that came within `SHORTLIST` of their best there. `PAIR_CHUNK` pairs at a time: the
    resampled pictures of a chunk's pairs are held at once."""
    kept: list[np.ndarray] = [np.empty(0, np.int64)]
    fits: list[Fit] = []
    for start in range(0, len(left), PAIR_CHUNK):
        chunk = slice(start, start + PAIR_CHUNK)
        found, boxes = _aligned(pictures, left[chunk], right[chunk], sizes)
        kept.append(start + found)
        fits.extend(boxes)
    return np.concatenate(kept), fits


def _aligned(
    pictures: np.ndarray, left: np.ndarray, right: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, list[Fit]]:
    ends, own, a, b = _gathered(pictures, left, right)
    jobs = _jobs(_squares(sizes[ends]), len(own))
    coarse = block_means(own, COARSE)
    table = _table(coarse, a, b, jobs)
    best = table.min(axis=(1, 2))
    tried = np.flatnonzero(best <= COARSE_SHARE * residuals(coarse, a, b))
    wanted = table[tried] <= SHORTLIST * best[tried, None, None]
    table = _table(own, a[tried], b[tried], jobs, wanted).reshape(len(tried), 2 * len(jobs))
    job, direction = np.divmod(table.argmin(axis=1), 2)  # direction 0: left is the wider
    best = table.min(axis=1)
    fine = np.flatnonzero(best <= MAX_SHARE * residuals(own, a[tried], b[tried]))
    wide = np.where(direction[fine] == 0, a[tried][fine], b[tried][fine])
    narrow = np.where(direction[fine] == 0, b[tried][fine], a[tried][fine])
    boxes = [box for box, _ in jobs]
    fine = fine[_held(own, wide, narrow, job[fine], boxes, best[fine])]
    sides = (left[tried], right[tried])
    return tried[fine], [
        (int(sides[direction[k]][k]), int(sides[1 - direction[k]][k]), boxes[job[k]]) for k in fine
    ]


def _jobs(squares: np.ndarray, count: int) -> list[tuple[Box, np.ndarray | None]]:
    """The boxes pairs are aligned on, each with the pictures (of `count`) that have it,
    or None for all: each of `BOXES`, and each picture's squares (see `_squares`), the
    pictures of one box together."""
    jobs: list[tuple[Box, np.ndarray | None]] = [(box, None) for box in BOXES]
    for crop in squares:
        for box, members in by_box(crop):
            if box != (0.0, 0.0, 1.0, 1.0):  # a square picture's whole square
                jobs.append((box, None if len(members) == count else members))
    return jobs


def _table(
    pictures: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    jobs: list[tuple[Box, np.ndarray | None]],
    wanted: np.ndarray | None = None,
) -> np.ndarray:
    """For each pair of square pictures (centred, one row each), the residual of each
    job's box of one resampled to fit the other, both ways round (left the wider, then
    right): a row of jobs by two each, infinity where the wider has no such box or
    `wanted` (of that shape) is false. Only the pictures asked for are resampled."""
    side = round(np.sqrt(pictures.shape[1]))
    grids = pictures.reshape(-1, side, side)
    flipped = _transposed(pictures)  # the narrow pictures are compared as `_boxed` gives
    squared = np.einsum("ij,ij->i", pictures, pictures)
    found = np.full((len(left), len(jobs), 2), np.inf)
    ways = ((left, right), (right, left))
    for index, (box, members) in enumerate(jobs):
        has = np.ones(len(pictures), bool)
        if members is not None:
            has[:] = False
            has[members] = True
        asked = [
            np.flatnonzero(has[wide] & (True if wanted is None else wanted[:, index, way]))
            for way, (wide, _) in enumerate(ways)
        ]
        marked = np.zeros(len(pictures), bool)
        for (wide, _), at in zip(ways, asked, strict=True):
            marked[wide[at]] = True
        needed = np.flatnonzero(marked)
        if len(needed) == 0:
            continue
        resampled = _boxed(grids[needed], box)
        # the narrow pictures are centred, so the dot products need no centring of the
        # resampled
        centred = _centred_squares(resampled)
        row = np.full(len(pictures), -1)
        row[needed] = np.arange(len(needed))
        for way, ((wide, narrow), at) in enumerate(zip(ways, asked, strict=True)):
            rows = row[wide[at]]
            dot = np.einsum("ij,ij->i", resampled[rows], flipped[narrow[at]])
            found[at, index, way] = unexplained(
                dot, centred[rows], squared[narrow[at]], resampled.shape[1]
            )
    return found


def _held(
    pictures: np.ndarray,
    wide: np.ndarray,
    narrow: np.ndarray,
    which: np.ndarray,
    boxes: list[Box],
    residual: np.ndarray,
) -> np.ndarray:
    """Whether each aligned pair's box (`boxes[which]` of its `wide` picture, fitted to
    its `narrow` one with this `residual`) could hold, judged on the thumbnails as a
    fit's `_pin` is on the originals: its pin at least `HELD_THUMBNAIL` times the
    residual. A box that slides along an edge or stripes here slides there too, and
    its originals need not be read."""
    pin = np.zeros(len(wide))
    for index in np.unique(which):
        group = np.flatnonzero(which == index)
        grids = pictures[wide[group]].reshape(-1, SIZE, SIZE)
        box = np.array(boxes[index])
        base = _boxed(grids, tuple(box))
        centred = _centred_squares(base)
        gain = np.einsum("ij,ij->i", base, _transposed(pictures[narrow[group]]))
        gain = gain / np.maximum(centred, 1e-6)
        slopes = np.empty((len(group), 4, SIZE * SIZE), np.float32)
        steps = np.where((np.arange(4) < 2) | (box + NUDGE <= 1), NUDGE, -NUDGE) * SIZE
        for edge in range(4):
            moved = box.copy()
            moved[edge] += steps[edge] / SIZE
            slopes[:, edge] = _boxed(grids, tuple(moved)) - base
        slopes -= slopes.mean(axis=2, keepdims=True)
        normal = np.einsum("aik,ajk->aij", slopes, slopes).astype(np.float64)
        normal *= (gain**2)[:, None, None] / np.outer(steps, steps)
        # the slopes are over moves of thumbnail pixels: the thumbnail is its own original
        pin[group] = _pin(normal, np.full(4, float(SIZE)), slopes.shape[2])
    return pin >= HELD_THUMBNAIL * residual


def _centred_squares(pictures: np.ndarray) -> np.ndarray:
    """Each picture's (one row each) sum of squares once centred, without the copy that
    centring them would make."""
    return np.einsum("ij,ij->i", pictures, pictures) - pictures.sum(axis=1) ** 2 / pictures.shape[1]


def _transposed(pictures: np.ndarray) -> np.ndarray:
    """Square pictures (one row each) as `_boxed` gives them, columns first."""
    side = round(np.sqrt(pictures.shape[1]))
    return pictures.reshape(-1, side, side).transpose(0, 2, 1).reshape(len(pictures), -1)


def _squares(sizes: np.ndarray) -> np.ndarray:
    """Each picture's boxes of the square `CROPS`, one row of four shares each, one
    block of rows a crop."""
    return np.stack(
        [
            spans
            for (_, shape, _), spans in zip(CROPS, crop_spans(sizes), strict=True)
            if shape == "square"
        ]
    )


def _gathered(
    pictures: np.ndarray, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The indices of the pictures that the pairs name, those pictures, and the pairs
    renumbered among them: what is measured of a few pairs' pictures is not measured
    of every picture."""
    ends, (a, b) = renumbered(len(pictures), left, right)
    return ends, pictures[ends], a, b


def _boxed(grids: np.ndarray, box: Box) -> np.ndarray:
    """Each picture's `box`, resampled to its full size, transposed (its columns first:
    a copy less), one row each, not centred: two matrix products over every picture's
    rows, then its columns."""
    count, side = len(grids), grids.shape[1]
    across = grids.reshape(-1, side) @ span_resampling(side, box[0], box[2]).T
    down = across.reshape(count, side, side).transpose(0, 2, 1).reshape(-1, side)
    return (down @ span_resampling(side, box[1], box[3]).T).reshape(count, side * side)


def refined(
    read: Callable[[int], Image.Image | None], fit: Fit, limit: float
) -> tuple[float, Box, float]:
    """The least residual of the narrower original against a box of the wider, and the
    box (left, top, right, bottom, as shares of the wider picture's sides); infinity
    and the whole picture when either cannot be read.

    The box starts where the thumbnails fitted and is refined by Gauss–Newton steps on
    its four edges (a crop resized to another shape has its own height for its width):
    each step measures how the box's thumbnail changes as each edge moves by `DELTA`
    pixels, solves for the moves that best explain what is left of the difference, and
    takes them (at most `MAX_MOVE` pixels an edge; or half, or a quarter, whichever
    first lowers the residual), until a step helps no more, moves no edge by `SETTLED`
    pixels (or by `PLACED` pixels when the fit is a crop's by then), or `STEPS` are
    done. Textured pictures need edges placed to a fraction of a pixel: a photo tile's
    crop was 0.8 grey levels from its box, and 5.1 from the box a quarter-pixel away.
    A fit still over `GIVE_UP` times its `limit` after its first step (or, closer,
    after a later one) is not a crop's and is left: a crop's first step takes it most
    of the way. So is a fit whose slopes already show it will not hold its box
    (`LOOSE`), judged again after each step on the slopes it was taken on: waiting for
    the next step's slopes kept 189 more fits on 20,000 photo tiles, none a crop's.
    The slopes are measured at every step: measured again only after a step of more
    than a pixel, they saved a tenth of the tier's time on 20,000 photo tiles, but
    left four crops of FER-2013 faces a hundredth of a grey level over their limit,
    and one at 5.5 where it fits at 2.6.

    The third value is how firmly the fit holds its box (`_pin`), from the last
    slopes."""
    wide, narrow = read(fit[0]), read(fit[1])
    if wide is None or narrow is None:
        return np.inf, (0.0, 0.0, 1.0, 1.0), 0.0
    width, height = wide.size
    bounds = np.array([width, height, width, height], float)
    target = _thumbnail(narrow).ravel().astype(np.float64)
    target -= target.mean()
    energy = float(target @ target)

    def rendered(boxes: np.ndarray) -> np.ndarray:
        data = b"".join(
            wide.resize((SIZE, SIZE), Image.Resampling.BILINEAR, box=tuple(box)).tobytes()
            for box in boxes.tolist()
        )
        return np.frombuffer(data, np.float32).reshape(len(boxes), -1).astype(np.float64)

    def matched(picture: np.ndarray) -> tuple[float, float, np.ndarray]:
        """The residual of the target against the picture, the picture's gain, and
        the picture centred."""
        centred = picture - picture.mean()
        own, dot = float(centred @ centred), float(centred @ target)
        residual = float(unexplained(dot, own, energy, len(target)))
        return residual, dot / max(own, 1e-6), centred

    box = np.array(fit[2]) * bounds
    picture = rendered(box[None, :])[0]
    residual, gain, centred = matched(picture)
    for step in range(STEPS):
        nudge = np.where(box + DELTA <= bounds, DELTA, -DELTA)
        slopes = (rendered(box + np.diag(nudge)) - picture) / nudge[:, None]
        slopes -= slopes.sum(axis=1, keepdims=True) / slopes.shape[1]
        slopes *= gain
        normal = slopes @ slopes.T + RIDGE  # least squares, by its normal equations
        pin = float(_pin(normal, bounds, len(target)))
        if pin < LOOSE[min(step, 1)] * residual:
            break
        move = np.linalg.solve(normal, slopes @ (target - gain * centred))
        move = np.clip(move, -MAX_MOVE, MAX_MOVE)
        for share in (1.0, 0.5, 0.25):
            moved = np.clip(box + share * move, 0, bounds)
            if _inside(moved, width, height):
                found = rendered(moved[None, :])[0]
                fit_there, gain_there, centred_there = matched(found)
                if fit_there < residual:
                    break
        else:
            break  # no step lowers the residual
        shift = np.abs(moved - box).max()
        box, picture, residual, gain, centred = moved, found, fit_there, gain_there, centred_there
        if shift < SETTLED or residual > GIVE_UP[min(step, 1)] * limit:
            break
        if residual <= limit and pin >= PINNED * residual and shift < PLACED:
            break  # a crop, placed: further steps would only polish its residual
        if pin < LOOSE[1] * residual:
            break  # as the next step would find
    return residual, tuple((box / bounds).tolist()), pin


def _pin(normal: np.ndarray, bounds: np.ndarray, size: int) -> np.ndarray:
    """How firmly a fit holds its box: the root-mean-square change of the box's
    thumbnail (of `size` values) when the box moves by one thumbnail pixel the second
    least changing way, from the fit's normal equations over moves of the original's
    pixels (`bounds`: its width, height, width, height). The second: one edge of a
    crop may lie in flat sky and move freely, while a straight edge or stripes leave
    two ways free (the box slides along them, and stretches along them). For one fit
    or a stack of them (a 4×4 matrix each)."""
    per_pixel = bounds / SIZE  # the original's pixels in one of the thumbnail's
    scaled = normal * np.outer(per_pixel, per_pixel) / size
    return np.sqrt(np.maximum(np.linalg.eigvalsh(scaled)[..., 1], 0.0))


def boxed(thumbnail: bytes, box: np.ndarray) -> bytes:
    """A 32×32 RGB thumbnail's box (shares of its sides, as `refined` gives it)
    resampled to the thumbnail's size: a crop's colours are compared with its box of
    the wider picture, block by block, where the unaligned blocks of a 12 % crop are
    shifted by a pixel or two."""
    image = Image.frombytes("RGB", (SIZE, SIZE), thumbnail)
    return _thumbnail(image, tuple(SIZE * float(share) for share in box)).tobytes()


def _inside(box: np.ndarray, width: int, height: int) -> bool:
    """Whether the box keeps a tenth of each side at least (it is clipped to the picture)."""
    return box[2] - box[0] >= width / 10 and box[3] - box[1] >= height / 10


def decoded(data: bytes) -> Image.Image | None:
    """An original as grey values (the mean of its channels, as `confirm.grey` takes
    them), at least `SIDE` pixels a side where it is larger: a JPEG by libjpeg-turbo's
    DCT scaling (half the time of Pillow's draft on 64×64 tiles, the same values),
    others reduced. None for what cannot be decoded here."""
    values = _jpeg(data) if data[:2] == JPEG_START else None
    if values is None:
        values = _pillow(data)
    if values is None:
        return None
    if values.ndim == 3:  # as confirm.grey: the channels' sum, 4× faster than their mean
        values = (values[..., 0].astype(np.float32) + values[..., 1] + values[..., 2]) / 3
    grey = Image.fromarray(values.astype(np.float32), "F")
    factor = min(grey.size) // SIDE
    return grey.reduce(factor) if factor > 1 else grey


def _jpeg(data: bytes) -> np.ndarray | None:
    try:
        height, width, colours, _ = simplejpeg.decode_jpeg_header(data)
        if colours not in JPEG_MODES or width * height > MAX_PIXELS:
            return None
        pixels = simplejpeg.decode_jpeg(
            data, colorspace=JPEG_MODES[colours], min_height=SIDE, min_width=SIDE
        )
    except ValueError:
        return None
    return pixels[..., 0] if colours == "Gray" else pixels


def _pillow(data: bytes) -> np.ndarray | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = Image.open(io.BytesIO(data))
            if image.size[0] * image.size[1] > MAX_PIXELS:
                return None
            if image.mode in ARRAY_MODES:  # 16-bit and float pictures, as their thumbnails
                return grey_levels(np.asarray(image))
            return np.asarray(image if image.mode == "L" else image.convert("RGB"))
        except Exception:  # a file unreadable now stays unconfirmed, as its pair
            return None


def _thumbnail(image: Image.Image, box: Box | None = None) -> np.ndarray:
    return np.asarray(image.resize((SIZE, SIZE), Image.Resampling.BILINEAR, box=box))
