"""The confirmation stage of the near-duplicate search: a pair of images whose
fingerprints are close is a pair of copies only when their 32×32 grey thumbnails,
after matching brightness and contrast (a least-squares line from one to the other),
differ by at most `MAX_RESIDUAL` grey levels (root mean square, of 255).

Why this evidence: a fingerprint keeps 64 bits of the coarse layout, and in datasets
whose pictures share one layout (scans, X-rays, faces, digits, spectrograms) distinct
pictures are as close as copies. The residual keeps every pixel of the thumbnail.
Measured on `benchmarks/make_near_duplicates.py`'s five sets (photo tiles, digits,
grey scans, faces, spectrograms), a copy re-encoded at JPEG quality 60, resized by
±5 % or to 224×224, or brightened by 3 % is at most 2.9 grey levels from its original;
the closest distinct pair the fingerprint search proposed was 2.0 (two dark tiles of
one retina photograph), then 3.2 (spectrograms of two tones a few hertz apart); distinct
digits, scans and faces were 6.3 or more.

The residual must also be at most half the spread (standard deviation) of the flatter
picture's grey levels: two nearly flat thumbnails (a dark corner of one photograph, a
patch of sky of another) are within 3 grey levels whatever they show. On 20,000 photo
tiles this took the conflicting labels among distinct tiles from 5 pairs to 1, and
the recall of re-encoded, resized and brightened copies from 0.973 to 0.969.

The two must also have the same colours, block by block: in no 4×4 block of the
thumbnails may red against green, or blue against green, differ by more than `MAX_HUE`
levels. The grey residual is blind to hue. On 20,000 photo tiles the only conflicting
labels among distinct tiles were two nearly black tiles, of the astronaut and of the
retina photographs, each with a bright lower-left corner, white in one and red in the
other: 2.8 grey levels apart, and 70.6 levels of colour apart in that corner. Planted
copies (JPEG quality 60, ±5 %, to 224×224, 3 % brighter) differed by at most 8.4.
Brightening scales the colour differences with the levels, so a copy brightened by
much more than a tenth may fail this where its colours are strong. A crop is compared
with the box of its original that its fit found (dslint.analysis.crops.boxed): its
unaligned blocks are shifted by a pixel or two, and of 300 centre crops of 5-20 % of
flower photos, 52 of the 110 their fits confirmed differed by more than `MAX_HUE`
there; against their boxes, by at most 12.9.

The ceiling adapts to the dataset: it is lowered to half the residual of the most
alike one in a thousand random pairs of textured pictures with different labels (or
of any two pictures when there are no labels; from 200 textured pictures up, under
which the odd copy would be that one in a thousand), so that in a dataset whose distinct
pictures differ by less than the usual re-encoding noise, only closer pairs count.
"""

from __future__ import annotations

import functools

import numpy as np

from dslint.analysis.fingerprint import SIZE

MAX_RESIDUAL = 3.0  # grey levels of 255, root mean square over the 32×32 thumbnail
MAX_SHARE = 0.5  # of the flatter picture's own spread: two near-flat pictures prove nothing
CALIBRATION_SAMPLE = 2_000  # pictures drawn to calibrate the ceiling
CALIBRATION_PAIRS = 20_000  # random pairs among them
MIN_CALIBRATION = 200  # textured pictures needed: fewer, and the few copies are the tail
TEXTURED = 8.0  # grey levels of standard deviation: flatter pictures are alike anyway
CHANCE_QUANTILE = 0.001  # the most alike one in a thousand distinct pairs
BLOCKS = 8  # block means per side for a pair's coarse measure
# the coarse measures a pair goes through before every pixel: on 20,000 look-alike
# shapes, 84 % of 600,000 candidates were ruled out on 4×4 block means, 73 % of the rest
# on 8×8
BOUND_SIDES = (4, BLOCKS)
BOUND_SLACK = 1e-3  # grey levels: float rounding, so the bound never wrongly rules out
MAX_HUE = 30.0  # levels of 255: the largest colour difference a copy shows in a block
SPREAD_BLOCK = 8  # pixels a side of the blocks a copy's difference is spread over
HUE_BLOCK = 4  # pixels per side of the blocks whose colours are compared
GREY_CHUNK = 1_024  # thumbnails made grey at a time: 4 MB each of a few temporaries
PAIR_CHUNK = 2_048  # pairs measured at a time: their pictures gathered, 8 MB a side


def grey(thumbnails: list[bytes]) -> np.ndarray:
    """The 32×32 RGB thumbnails as grey pictures, one row of 1,024 values each, centred
    on their mean. Made a chunk at a time: the bytes of 100,000 thumbnails joined at
    once were 300 MB more at the confirmation's peak."""
    found = np.empty((len(thumbnails), SIZE * SIZE), np.float32)
    for start in range(0, len(thumbnails), GREY_CHUNK):
        chunk = thumbnails[start : start + GREY_CHUNK]
        pictures = np.frombuffer(b"".join(chunk), dtype=np.uint8).reshape(-1, SIZE * SIZE, 3)
        red, green, blue = (pictures[..., channel] for channel in range(3))
        values = (red.astype(np.float32) + green + blue) / 3  # 4× faster than mean(axis=2)
        found[start : start + len(chunk)] = values - values.mean(axis=1, keepdims=True)
    return found


def spreads(pictures: np.ndarray) -> np.ndarray:
    """Each grey picture's standard deviation, from its values as `grey` centres them:
    numpy's std would hold a copy of every picture's deviations (80 MB for 20,000)."""
    return np.sqrt(np.einsum("ij,ij->i", pictures, pictures) / pictures.shape[1])


def block_residuals(wide: np.ndarray, narrow: np.ndarray) -> np.ndarray:
    """For pairs of centred grey pictures (a row each, paired by position), the largest
    root-mean-square over the `SPREAD_BLOCK`-pixel blocks of what is left of the narrow
    picture once the closest line through the wide one is taken off (as `residuals`
    measures it over the whole picture). A copy's difference is noise spread over the
    picture; two look-alikes differ where their content does (the digits of two
    speed-limit signs), which the whole picture's residual dilutes."""
    dot = np.einsum("ij,ij->i", wide, narrow).astype(np.float64)
    gain = dot / np.maximum(np.einsum("ij,ij->i", wide, wide), 1e-6)
    left_over = narrow - gain[:, None].astype(np.float32) * wide
    return np.sqrt((left_over * left_over) @ _pooling(SIZE // SPREAD_BLOCK)).max(axis=1)


def hues(thumbnails: list[bytes]) -> np.ndarray:
    """The 32×32 RGB thumbnails' colours by 4×4 block: the block means of red minus
    green and of blue minus green, one row of 128 values each (zeros for a grey one)."""
    pictures = np.frombuffer(b"".join(thumbnails), dtype=np.uint8).reshape(-1, SIZE * SIZE, 3)
    red, green, blue = (pictures[..., channel].astype(np.float32) for channel in range(3))
    pool = _pooling(SIZE // HUE_BLOCK)
    return np.concatenate([(red - green) @ pool, (blue - green) @ pool], axis=1)


def hue_differences(hues: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """For each pair, the largest difference of colour in any block (see `hues`)."""
    return np.abs(hues[left] - hues[right]).max(axis=1, initial=0.0)


def residuals(
    pictures: np.ndarray, left: np.ndarray, right: np.ndarray, limits: np.ndarray | None = None
) -> np.ndarray:
    """For each pair, the root-mean-square difference of `right`'s picture from the
    closest line through `left`'s (brightness and contrast matched); symmetric enough
    for copies, where both directions are a few grey levels. With centred pictures a
    and b that is sqrt((|b|² - (a·b)² / |a|²) / n): one dot product per pair.

    With `limits` (one per pair), a pair is first measured on its pictures' 4×4 block
    means, then 8×8, 64 and 16 times fewer values: averaging blocks is a projection,
    which can only shrink the difference, so a pair already above its limit there
    keeps that lower bound, and only the others are measured on every pixel (on
    look-alike shapes, most of the search's candidates are ruled out on the blocks)."""
    if limits is None:
        return _residuals(pictures, left, right)
    return _bounded(pictures, left, right, limits)


def _bounded(
    pictures: np.ndarray, left: np.ndarray, right: np.ndarray, limits: np.ndarray
) -> np.ndarray:
    found = np.empty(len(left), dtype=np.float64)
    undecided = np.arange(len(left))
    for side in BOUND_SIDES:
        coarse = _residuals(block_means(pictures, side), left[undecided], right[undecided])
        found[undecided] = coarse
        undecided = undecided[coarse <= limits[undecided] + BOUND_SLACK]
    found[undecided] = _residuals(pictures, left[undecided], right[undecided])
    return found


def block_means(pictures: np.ndarray, side: int = BLOCKS) -> np.ndarray:
    """The pictures' `side`×`side` block means, one row each (still centred): residuals
    on them are lower bounds of the residuals on every pixel."""
    return pictures @ _pooling(side)


@functools.cache
def _pooling(side: int) -> np.ndarray:
    """The matrix that takes a row of 32×32 values to its `side`×`side` block means: a
    matrix product (BLAS) is four times faster than numpy's mean over the blocks' axes."""
    step = SIZE // side
    pixel = np.arange(SIZE * SIZE)
    block = (pixel // SIZE // step) * side + pixel % SIZE // step
    pool = np.zeros((SIZE * SIZE, side * side), np.float32)
    pool[pixel, block] = 1 / step**2
    return pool


def _smallest(pictures: np.ndarray, left: np.ndarray, right: np.ndarray, count: int) -> np.ndarray:
    """The `count` smallest residuals of the pairs, in order, measured on every pixel
    only for the pairs whose lower bound (on block means) could place them there: once
    the `count`-th smallest measured is at most the lowest bound not yet measured, no
    other pair can come under it."""
    bounds = _residuals(block_means(pictures), left, right)
    order = np.argsort(bounds, kind="stable")
    measured = min(len(order), 4 * count)
    while True:
        chosen = order[:measured]
        found = np.sort(_residuals(pictures, left[chosen], right[chosen]))[:count]
        if measured == len(order) or found[-1] <= bounds[order[measured]]:
            return found
        measured = min(len(order), 2 * measured)


def _residuals(pictures: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    squares = np.einsum("ij,ij->i", pictures, pictures).astype(np.float64)
    found = np.empty(len(left), dtype=np.float64)
    for start in range(0, len(left), PAIR_CHUNK):  # bounded memory on a folder of look-alikes
        a, b = left[start : start + PAIR_CHUNK], right[start : start + PAIR_CHUNK]
        dot = np.einsum("ij,ij->i", pictures[a], pictures[b]).astype(np.float64)
        found[start : start + len(a)] = unexplained(dot, squares[a], squares[b], pictures.shape[1])
    return found


def unexplained(dot, wide_squares, narrow_squares, size: int):
    """The root-mean-square of what is left of a centred picture (of `size` values and
    squared norm `narrow_squares`) once the closest line through another (squared norm
    `wide_squares`) is taken off, given their dot product: the residual every tier of
    the confirmation measures, for arrays of pairs or one pair."""
    left_over = narrow_squares - dot**2 / np.maximum(wide_squares, 1e-6)
    return np.sqrt(np.maximum(left_over, 0) / size)


def limits(pictures: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The residual each pair may have and be copies: under `MAX_RESIDUAL`, and under
    `MAX_SHARE` of the flatter picture's spread."""
    spread = spreads(pictures)
    return np.minimum(MAX_RESIDUAL, MAX_SHARE * np.minimum(spread[left], spread[right]))


def ceiling(pictures: np.ndarray, labels: list, seed: int = 0) -> float:
    """The residual under which a pair is a copy in this dataset, given a random sample
    of its pictures and their labels: `MAX_RESIDUAL`, or half the residual of the most
    alike distinct pairs when that is lower."""
    textured = np.flatnonzero(spreads(pictures) >= TEXTURED)
    if len(textured) < MIN_CALIBRATION:
        return MAX_RESIDUAL  # a copy or two would be the most alike pairs
    left, right = np.random.default_rng(seed).choice(textured, (2, CALIBRATION_PAIRS))
    codes = np.unique([str(label) for label in labels], return_inverse=True)[1]
    distinct = (left != right) & ((codes[left] != codes[right]) | (codes.max() == 0))
    pairs = int(distinct.sum())
    if pairs < 1 / CHANCE_QUANTILE:
        return MAX_RESIDUAL
    # the quantile as numpy's default (linear) method takes it, from the two smallest
    # residuals around its position: only those pairs need measuring on every pixel
    position = (pairs - 1) * CHANCE_QUANTILE
    below = int(position)
    low, high = _smallest(pictures, left[distinct], right[distinct], below + 2)[below:]
    alike = low + (high - low) * (position - below)
    return float(min(MAX_RESIDUAL, alike / 2))


def renumbered(count: int, *sides: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The indices (below `count`) that the pairs' sides name, in order, and each side
    renumbered as positions among them: a lookup table, linear in the pairs, where
    sorting a look-alike dataset's million candidates took a tenth of a second."""
    named = np.zeros(count, bool)
    for side in sides:
        named[side] = True
    position = np.cumsum(named) - 1
    return np.flatnonzero(named), [position[side] for side in sides]
