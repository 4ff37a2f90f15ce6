"""The near-duplicate search finds exactly the pairs a brute-force comparison finds, and
keeps only pairs of one colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance

import dslint
from dslint.analysis.fingerprint import (
    CROP_DISTANCE,
    CROPS,
    Pairs,
    crop_spans,
    cropped_fingerprints,
    cross_pairs,
    distinct,
    fingerprints,
    hamming,
    near_pairs,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize("max_distance", [0, 3, 6, 10])
def test_multi_index_search_equals_brute_force(max_distance: int) -> None:
    rng = np.random.default_rng(max_distance)
    base = rng.integers(0, 2**63, 300, dtype=np.uint64)
    flips = rng.integers(0, 64, (300, 8))
    near = base.copy()
    for i, bits in enumerate(flips):  # a near copy of each, 0 to 8 bits away
        for bit in bits[: i % 9]:
            near[i] ^= np.uint64(1) << np.uint64(bit)
    hashes = np.concatenate([base, near])
    i, j = np.triu_indices(len(hashes), k=1)
    distance = hamming(hashes[i], hashes[j])
    expected = {
        (int(a), int(b)): int(d)
        for a, b, d in zip(i, j, distance, strict=True)
        if d <= max_distance
    }
    assert near_pairs(hashes, max_distance).as_dict() == expected


@pytest.mark.parametrize("crowded_above", [2, 100])
@pytest.mark.parametrize("every", [1, 2])
def test_the_cross_search_equals_brute_force(crowded_above: int, every: int) -> None:
    """Cropped fingerprints against plain ones: every pair within the distance but a
    picture's with itself, less the queries with more matches than `crowded_above`
    (the crops of three pictures with five look-alikes match six targets each). With
    `every` 2, only every other picture asks (the others' crop is themselves)."""
    rng = np.random.default_rng(5)
    targets = rng.integers(0, 2**63, 3_000, dtype=np.uint64)
    queries = _flipped(rng, targets, 3)  # each picture's cropped print, near its own
    queries[:40] = _flipped(rng, targets[40:80], 5)  # crops of other pictures
    targets[100:115] = _flipped(rng, np.repeat(targets[40:43], 5), 2)  # look-alikes of three
    owners = np.arange(0, 3_000, every)
    queries = queries[owners]
    apart = hamming(queries[:, None], targets[None, :])
    i, j = np.nonzero((apart <= 6) & (owners[:, None] != np.arange(3_000)[None, :]))
    matches = np.bincount(i, minlength=len(owners))
    expected = [
        (a, b) for a, b in zip(i.tolist(), j.tolist(), strict=True) if matches[a] <= crowded_above
    ]
    found = cross_pairs(queries, owners, targets, 6, crowded_above)
    assert list(zip(*(side.tolist() for side in found), strict=True)) == expected
    crops = {(k // every, 40 + k) for k in range(3, 40) if k % every == 0}  # uncrowded
    assert crops <= set(expected) and (matches > crowded_above).any() == (crowded_above == 2)
    assert all(owners[a] != b for a, b in expected)


@pytest.mark.parametrize("count", [0, 1, 2, 1_000])
def test_distinct_values_are_numpys_unique_ones(count: int) -> None:
    """Pair codes are made distinct by sorting (np.unique hashes them: 0.5 s for a
    million, where sorting takes 6 ms): the same values, in the same order."""
    values = np.random.default_rng(count).integers(0, 70_000**2, count)
    values = np.concatenate([values, values[: count // 3]])
    assert np.array_equal(distinct(values), np.unique(values))


def test_a_crop_s_fingerprint_is_near_one_of_its_original_s_cropped_ones() -> None:
    """A photograph and its centre crops of 5 %, 10 % and 12.5 %: the crops'
    fingerprints are 8 to 24 bits from the original's, and within `CROP_DISTANCE` of
    one of its cropped ones (95 % of each side, and the centred square of 87.5 %; the
    whole square of a square picture is the picture)."""
    from fixtures.generate import photo_tiles

    tile = photo_tiles("china")[4].resize((256, 256), Image.Resampling.LANCZOS)
    crops = [
        tile.crop((6, 6, 250, 250)),
        tile.crop((13, 13, 243, 243)),
        tile.crop((16, 16, 240, 240)),
    ]
    thumbnails = [_thumbnail(picture) for picture in [tile, *crops]]
    plain = fingerprints(thumbnails)
    cropped = cropped_fingerprints(thumbnails, np.array([tile.size] * 4))[0]
    centre = (0.5, 0.5)
    assert CROPS[:3] == (
        (0.95, "each side", centre),
        (1.0, "square", centre),
        (0.875, "square", centre),
    )
    assert hamming(plain[1:], plain[0]).tolist() == [8, 20, 24]
    assert [hamming(plain[1:], print_).tolist() for print_ in cropped[:3]] == [
        [2, 16, 20],
        [8, 20, 24],
        [16, 2, 4],
    ]


def test_an_evaluation_crop_of_a_wide_photo_is_near_its_cropped_fingerprint() -> None:
    """Resize(256) and CenterCrop(224) of a 640×427 photo keep 58 % of its width and
    88 % of its height: 20 bits from its fingerprint, 0 from that of the centred square
    of 87.5 % of its height, placed on its squeezed thumbnail by its aspect ratio."""
    from sklearn.datasets import load_sample_images

    photo = Image.fromarray(load_sample_images().images[0])
    width, height = photo.size
    smaller = photo.resize((round(width * 256 / height), 256), Image.Resampling.BILINEAR)
    left = (smaller.width - 224) // 2
    evaluated = smaller.crop((left, 16, left + 224, 240))
    plain = fingerprints([_thumbnail(photo), _thumbnail(evaluated)])
    cropped = cropped_fingerprints([_thumbnail(photo)], np.array([photo.size]))[0]
    assert (width, height) == (640, 427) and CROP_DISTANCE == 6
    assert hamming(plain[1], plain[0]) == 20
    assert hamming(plain[1], cropped[:3]).tolist() == [20, 14, 0]


def _thumbnail(picture: Image.Image) -> bytes:
    return picture.resize((32, 32), Image.Resampling.BILINEAR).tobytes()


def _painted(structure: np.ndarray, colour: tuple[int, int, int]) -> Image.Image:
    return Image.fromarray((structure[..., None] * np.array(colour)).astype(np.uint8))


def test_a_look_alike_in_another_colour_is_not_a_near_duplicate(tmp_path: Path) -> None:
    """The fingerprint is grey: an orange picture and the same shapes in blue (equal
    channel sums, so the same grey picture) are 0 bits apart. The colour check keeps
    them apart while a brightened JPEG copy of the orange one still matches."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[:64, :64]
    structure = np.clip(rng.normal(0.6, 0.15, (64, 64)), 0, 1)
    structure[(x - 30) ** 2 + (y - 26) ** 2 < 225] = 1.0
    orange = _painted(structure, (230, 120, 20))
    for path, picture in {
        "train/cat/orange.png": orange,
        "val/dog/blue.png": _painted(structure, (20, 120, 230)),
        "val/cat/orange-copy.jpg": ImageEnhance.Brightness(orange).enhance(1.03),
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        picture.save(tmp_path / path, quality=85)
    thumbnails = [
        Image.open(tmp_path / p).convert("RGB").resize((32, 32)).tobytes()
        for p in ("train/cat/orange.png", "val/dog/blue.png")
    ]
    grey = fingerprints(thumbnails)
    assert hamming(grey[:1], grey[1:])[0] <= 6, "the grey fingerprints alone would match"

    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002", "D003"])
    assert [(f.rule_id, f.paths) for f in report.findings] == [
        ("D002", ("train/cat/orange.png", "val/cat/orange-copy.jpg"))
    ]


def test_planted_pairs_are_found_among_many_distinct_fingerprints() -> None:
    """At 110,000 fingerprints a 9-bit chunk value is shared by ~215 of them by chance:
    the search must not take such common values for a cluster of look-alikes."""
    rng = np.random.default_rng(1)
    base = rng.integers(0, 2**63, 110_000, dtype=np.uint64) << np.uint64(1)
    copies = base[:100].copy()
    for _ in range(6):
        copies ^= np.uint64(1) << rng.integers(0, 64, 100).astype(np.uint64)
    pairs = near_pairs(np.concatenate([base, copies]), 6).as_dict()
    assert all((i, 110_000 + i) in pairs for i in range(100))


def test_a_copy_of_a_look_alike_is_found_from_its_own_side() -> None:
    """300 fingerprints share their low 32 bits, so their chunk values on the first two
    16-bit chunks are left out of the tables as look-alikes. A copy of one of them, 6
    bits away (1 on each of those chunks, 2 on each of the others), can only be found by
    the look-alike's own lookups: the pair must be kept from that side."""
    rng = np.random.default_rng(2)
    shared = np.uint64(rng.integers(0, 2**32))
    alike = (rng.integers(0, 2**32, 300, dtype=np.uint64) << np.uint64(32)) | shared
    copy = alike[-1]
    for bit in (3, 20, 33, 40, 50, 60):
        copy ^= np.uint64(1) << np.uint64(bit)
    distinct = rng.integers(0, 2**63, 20_000, dtype=np.uint64) << np.uint64(1)
    hashes = np.concatenate([[copy], distinct, alike])
    assert near_pairs(hashes, 6).as_dict().get((0, len(hashes) - 1)) == 6


def test_the_fixture_finds_every_planted_pair_and_no_other() -> None:
    data = FIXTURES / "D002-split-leakage-near/fail-edited-copies-in-val/data"
    report = dslint.check(data, use_cache=False, probe=False, select=["D002"])
    groups = [tuple(g["samples"]) for f in report.findings for g in f.evidence["groups"]]
    assert sorted(groups) == [
        ("train/flower/01.png", "val/flower/resized-01.png"),
        ("train/flower/03.png", "val/flower/cropped-03.png"),
        ("train/temple/00.png", "val/temple/reencoded-00.jpg"),
        ("train/temple/02.png", "val/temple/brightened-02.png"),
    ]
    clean = FIXTURES / "D002-split-leakage-near/pass-distinct-photos/data"
    assert not dslint.check(clean, use_cache=False, probe=False, select=["D002", "D003"]).findings


def _flipped(rng: np.random.Generator, hashes: np.ndarray, bits: int) -> np.ndarray:
    out = hashes.copy()
    for _ in range(bits):
        out ^= np.uint64(1) << rng.integers(0, 64, len(out)).astype(np.uint64)
    return out


def test_the_crowded_search_finds_every_pair_of_an_uncrowded_fingerprint() -> None:
    """Folders of look-alikes: most fingerprints have many close neighbours and are
    looked up no further, and some share chunk values too common to be tabled. Every
    pair of two fingerprints with at most 10 close neighbours each must still be
    found, as brute force finds it: the copies of distinct pictures."""
    rng = np.random.default_rng(3)
    centres = rng.integers(0, 2**63, 8, dtype=np.uint64)
    alike = _flipped(rng, np.repeat(centres, 600), 3)  # 8 clusters, common chunk values
    distinct = rng.integers(0, 2**63, 7_000, dtype=np.uint64) << np.uint64(1)
    copies = _flipped(rng, distinct[:400], 4)
    copies_of_alike = _flipped(rng, alike[::60], 5)
    # 300 look-alikes that differ in at most one of their lowest 16 bits (the first
    # chunk), so that their other chunk values are too common to be tabled; and a
    # picture and its copy 4 to 6 bits from them (4 or 5 on the first chunk, 1 on the
    # second): only the look-alikes' own lookups can find those, crowded as they are
    centre = np.uint64(0x5A3C_96F0_0F69_0000)
    bit = rng.integers(0, 17, 300).astype(np.uint64)
    shared = np.where(bit < 16, centre ^ (np.uint64(1) << bit), centre)
    near_shared = centre ^ np.uint64(0b1111 | 1 << 16)
    hashes = np.concatenate(
        [alike, distinct, copies, copies_of_alike, shared, [near_shared, near_shared ^ 1 << 4]]
    )
    rng.shuffle(hashes)

    left, right, distance = [], [], []
    for start in range(0, len(hashes), 500):
        rows = np.arange(start, min(start + 500, len(hashes)))
        apart = hamming(hashes[rows, None], hashes[None, :])
        i, j = np.nonzero((apart <= 6) & (rows[:, None] < np.arange(len(hashes))[None, :]))
        left.append(rows[i])
        right.append(j)
        distance.append(apart[i, j])
    everything = Pairs(*(np.concatenate(side).astype(np.int64) for side in (left, right, distance)))

    degree = np.bincount(np.concatenate([everything.left, everything.right]), minlength=len(hashes))
    uncrowded = (degree[everything.left] <= 10) & (degree[everything.right] <= 10)
    expected = set(everything.where(uncrowded).as_dict().items())
    searched = near_pairs(hashes, 6, crowded_above=10)
    assert len(searched.left) < len(everything.left) / 2, "look-alikes were not left out"
    assert expected <= set(searched.as_dict().items())
    assert len(expected) >= 400  # the distinct pictures' copies at least


def test_a_picture_s_square_crops_are_placed_by_its_aspect_ratio() -> None:
    """On a squeezed thumbnail the centred square of a 500×375 photo is the middle
    75 % of its width (to 1/64), of a portrait one the middle of its height, of a
    square one the whole; 95 % of each side is the same box whatever the shape."""
    each_side, whole_square, evaluation, *corners, _, _ = crop_spans(
        np.array([(500, 375), (375, 500), (500, 500)])
    )
    assert each_side.tolist() == [[1.5 / 64, 1.5 / 64, 62.5 / 64, 62.5 / 64]] * 3
    assert whole_square.tolist() == [
        [8 / 64, 0.0, 56 / 64, 1.0],
        [0.0, 8 / 64, 1.0, 56 / 64],
        [0.0, 0.0, 1.0, 1.0],
    ]
    assert evaluation[2].tolist() == [4 / 64, 4 / 64, 60 / 64, 60 / 64]  # 87.5 % of 64
    assert [corner[2].tolist() for corner in corners] == [  # 93 % at each corner, to 1/64
        [0.0, 0.0, 60 / 64, 60 / 64],
        [4 / 64, 0.0, 1.0, 60 / 64],
        [0.0, 4 / 64, 60 / 64, 1.0],
        [4 / 64, 4 / 64, 1.0, 1.0],
    ]


def test_a_small_picture_s_centred_crop_is_also_printed_in_whole_pixels() -> None:
    """The 95 % crop of a 64×64 picture keeps 61 pixels, and leaves 1 on one side and 2
    on the other, either way round; of 28×28, 27 and 1; of 32×32, 30 and 1 on each side
    (one placement, printed once). A small picture's centred crop is printed at those
    placements instead of half a pixel between them; a large picture's placements are
    its centred box to an eighth of a thumbnail pixel, and it has no whole-pixel
    prints (the plain one, left out of the search)."""
    sizes = np.array([(64, 64), (28, 28), (32, 32), (500, 375)])
    centred, *_, first, last = crop_spans(sizes)
    assert CROPS[-2:] == ((0.95, "whole pixels", (0, 0)), (0.95, "whole pixels", (1, 1)))
    whole = [0.0, 0.0, 1.0, 1.0]
    assert first.tolist() == [
        [1 / 64, 1 / 64, 62 / 64, 62 / 64],
        [0.0, 0.0, 27 / 28, 27 / 28],
        [1 / 32, 1 / 32, 31 / 32, 31 / 32],
        whole,
    ]
    assert (
        last.tolist()
        == [[2 / 64, 2 / 64, 1 - 1 / 64, 1 - 1 / 64], [1 / 28, 1 / 28, 1.0, 1.0]] + [whole] * 2
    )
    assert centred.tolist() == [whole] * 3 + [[1.5 / 64, 1.5 / 64, 62.5 / 64, 62.5 / 64]]
