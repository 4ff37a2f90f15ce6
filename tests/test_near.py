"""Near-duplicates are confirmed on the thumbnails, not only on the fingerprint, and
grouped as a sample with its copies, never as a chain of look-alikes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance
from sklearn.datasets import load_digits

import dslint
from dslint.analysis.confirm import grey
from dslint.analysis.near import stars
from tests.helpers import forget

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_a_chain_of_pairs_makes_stars_not_one_group() -> None:
    left, right = np.array([0, 1, 2]), np.array([1, 2, 3])  # 0≈1, 1≈2, 2≈3
    groups = [(centre, members) for centre, members, _ in stars(left, right)]
    assert groups == [(1, [0, 1, 2]), (2, [2, 3])]  # 0 and 3 never meet


def test_a_picture_and_its_copies_are_one_star() -> None:
    left, right = np.array([0, 0, 3]), np.array([3, 7, 7])
    assert [(c, m) for c, m, _ in stars(left, right)] == [(0, [0, 3, 7])]


def _digit(index: int) -> Image.Image:
    pixels = load_digits().images[index] / 16 * 255
    return Image.fromarray(pixels.astype(np.uint8)).resize((28, 28), Image.LANCZOS)


def test_two_handwritten_sixes_two_fingerprint_bits_apart_are_not_copies(tmp_path: Path) -> None:
    """Digits 67 and 212 of scikit-learn's set are different people's sixes whose
    fingerprints differ in 2 bits of 64; their thumbnails are 17.7 grey levels apart.
    A copy of one, resized to 224×224 and saved as JPEG, is under 1; a brightened copy
    of the other, filed under 5, is a leak and a conflict."""
    files = {
        "train/6/067.png": _digit(67),
        "val/6/212.png": _digit(212),
        "val/6/067-224.jpg": _digit(67).resize((224, 224), Image.LANCZOS),
        "train/5/brighter-212.png": ImageEnhance.Brightness(_digit(212)).enhance(1.03),
    }
    for path, picture in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        picture.save(tmp_path / path)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002", "D003"])
    found = {
        (
            f.rule_id,
            tuple(tuple(g["samples"]) for g in f.evidence.get("groups", []))
            or tuple(f.evidence["samples"]),
        )
        for f in report.findings
    }
    assert found == {
        (
            "D002",
            (
                ("train/5/brighter-212.png", "val/6/212.png"),
                ("train/6/067.png", "val/6/067-224.jpg"),
            ),
        ),
        ("D003", ("train/5/brighter-212.png", "val/6/212.png")),
    }


def test_the_chain_fixture_leaks_one_picture_and_not_the_far_end() -> None:
    data = FIXTURES / "D002-split-leakage-near/fail-chain-of-look-alikes/data"
    report = dslint.check(data, use_cache=False, probe=False, select=["D002", "D004"])
    leak = next(f for f in report.findings if f.rule_id == "D002")
    assert leak.evidence["leaked"] == 1
    assert [g["samples"] for g in leak.evidence["groups"]] == [
        ["train/temple/chain-b.png", "train/temple/chain-a.png", "val/temple/chain-c.png"]
    ]
    assert "val/temple/chain-d.png" not in leak.paths  # a copy of a copy of a copy


def test_a_cached_run_without_the_probe_confirms_from_the_stored_thumbnails(
    tmp_path: Path,
) -> None:
    data = FIXTURES / "D002-split-leakage-near/fail-edited-copies-in-val/data"
    runs = [dslint.check(data, cache_dir=tmp_path, probe=False, select=["D002"])]
    forget(tmp_path, "results")  # the groups themselves are remembered: search again
    runs.append(dslint.check(data, cache_dir=tmp_path, probe=False, select=["D002"]))
    assert runs[1].scan["from_cache"] == runs[1].scan["files"] > 0
    assert [f.evidence["groups"] for f in runs[1].findings] == [
        f.evidence["groups"] for f in runs[0].findings
    ]
    assert runs[1].findings[0].evidence["leaked"] == 4


def test_the_coarse_first_measure_never_rules_out_a_pair_within_its_limit() -> None:
    """Residuals on 8×8 block means are a lower bound of those on every pixel, so the
    pairs measured coarsely only are exactly those the full measure would reject."""
    from dslint.analysis.confirm import grey, limits, residuals

    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (40, 32, 32, 3), dtype=np.uint8)
    noisy = np.clip(base + rng.normal(0, 2, base.shape), 0, 255).astype(np.uint8)
    pictures = grey([p.tobytes() for p in np.concatenate([base, noisy])])
    left, right = np.repeat(np.arange(80), 80), np.tile(np.arange(80), 80)
    exact = residuals(pictures, left, right)
    allowed = limits(pictures, left, right)
    bounded = residuals(pictures, left, right, allowed)
    assert np.all(bounded <= exact + 1e-6)  # a lower bound everywhere
    assert np.array_equal(bounded <= allowed, exact <= allowed)  # the same verdicts
    assert (exact <= allowed).sum() == 80 + 2 * 40  # each with itself, and its noisy copy


def test_an_unchanged_dataset_s_groups_are_read_from_the_cache_not_searched_again(
    tmp_path: Path,
) -> None:
    """With the thumbnails gone from the cache, a new search could confirm nothing: the
    same groups in the second run prove they were remembered. A changed label is a
    changed input, so that run searches again, and confirms nothing."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "D002-split-leakage-near/fail-edited-copies-in-val/data", data)
    cache = tmp_path / "cache"

    def groups() -> list:
        report = dslint.check(data, cache_dir=cache, probe=False, select=["D002"])
        return [f.evidence["groups"] for f in report.findings]

    first = groups()
    assert first
    forget(cache, "thumbnails")
    assert groups() == first
    moved = sorted((data / "train").rglob("*.*"))[-1]
    other = next(d for d in (data / "train").iterdir() if d != moved.parent)
    moved.rename(other / moved.name)
    assert groups() == []


def test_no_candidate_pairs_is_no_residuals() -> None:
    from dslint.analysis.confirm import residuals

    none = np.array([], dtype=np.int64)
    empty = np.zeros((0, 1024), np.float32)
    assert residuals(empty, none, none, np.array([])).shape == (0,)


def _dark_with_a_corner(path: Path, colour: tuple[int, int, int], gain: float = 1.0) -> None:
    """A near-black picture, faintly textured, with a bright triangle in its lower-left
    corner (a thirty-second of it)."""
    from PIL import Image

    rng = np.random.default_rng(7)
    picture = rng.normal(6, 2, (64, 64, 1)).repeat(3, axis=2)
    y, x = np.mgrid[0:64, 0:64]
    picture[y - x > 48] = colour
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.clip(picture * gain, 0, 255).astype(np.uint8)).save(path)


def test_pictures_alike_in_grey_but_not_in_colour_are_no_copies(tmp_path: Path) -> None:
    """A white corner and a red corner on black are the same grey picture once contrast
    is matched, and of one overall colour: only their colours block by block tell them
    apart (two such tiles were the one false D003 among 20,000 photo tiles). A copy 3 %
    brighter of an orange corner stays a copy."""
    data = tmp_path / "data"
    _dark_with_a_corner(data / "train/a/white.png", (255, 255, 255))
    _dark_with_a_corner(data / "val/b/red.png", (255, 60, 40))
    _dark_with_a_corner(data / "train/a/orange.png", (250, 120, 20))
    _dark_with_a_corner(data / "val/a/orange-copy.png", (250, 120, 20), gain=1.03)
    report = dslint.check(data, use_cache=False, probe=False, select=["D002", "D003"])
    assert [(f.rule_id, f.paths) for f in report.findings] == [
        ("D002", ("train/a/orange.png", "val/a/orange-copy.png"))
    ]


def test_the_ceiling_is_the_quantile_of_every_distinct_pair_s_residual() -> None:
    """The calibration measures on every pixel only the pairs whose block-mean lower
    bound could make them among the most alike: its ceiling is the one measuring them
    all would give."""
    from dslint.analysis import confirm

    rng = np.random.default_rng(1)
    for spread in (1.0, 4.0, 8.0):
        pictures = rng.normal(0, 20, (300, 1024)).astype(np.float32)
        pictures[150:] = pictures[:150] + rng.normal(0, spread, (150, 1024))  # look-alikes
        pictures -= pictures.mean(axis=1, keepdims=True)
        labels = rng.integers(0, 3, 300).tolist()
        left, right = np.random.default_rng(0).choice(300, (2, confirm.CALIBRATION_PAIRS))
        distinct = (left != right) & (np.array(labels)[left] != np.array(labels)[right])
        every = confirm.residuals(pictures, left[distinct], right[distinct])
        expected = min(confirm.MAX_RESIDUAL, np.quantile(every, confirm.CHANCE_QUANTILE) / 2)
        assert confirm.ceiling(pictures, labels) == pytest.approx(expected, rel=1e-12)


def test_a_split_of_copies_resized_to_one_size_says_so(tmp_path: Path) -> None:
    """A public chest-X-ray re-split: val holds 224×224 copies of train's originals."""
    from PIL import Image

    from fixtures.generate import photo_tiles, save

    for label, tiles in (("temple", photo_tiles("china")), ("flower", photo_tiles("flower"))):
        for i, tile in enumerate(tiles[:8]):
            save(tile, tmp_path / "train" / label / f"{i:02d}.png")
            if i < 3:
                save(tile.resize((224, 224), Image.LANCZOS), tmp_path / "val" / label / f"v{i}.png")
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
    (finding,) = report.findings
    assert finding.severity == "error"
    assert finding.message.startswith("val is largely copies resized to 224×224 of train: 6 of 6")


CROPS = FIXTURES / "D002-split-leakage-near/fail-cropped-copies-in-val/data"
CROPPED = {  # the fixture's copies cropped by 5–6 % of a side, by their originals
    "val/temple/crop-of-224-02.png": "train/temple/02.png",
    "val/temple/crop-resized-04.png": "train/temple/04.png",
    "val/flower/crop-top-right-05.png": "train/flower/05.png",
}


def test_copies_cropped_by_a_few_percent_are_found_on_their_originals() -> None:
    """Their thumbnails are 3.9–15.5 grey levels from their originals', over the copy's
    limit of 3: only the crop tier, fitting a box of the original, finds them."""
    from dslint.analysis.confirm import limits, residuals

    pictures = grey([_thumbnail_of(CROPS / path) for path in [*CROPPED, *CROPPED.values()]])
    left, right = np.arange(3), np.arange(3, 6)
    assert (residuals(pictures, left, right) > limits(pictures, left, right)).all()

    report = dslint.check(CROPS, use_cache=False, probe=False, select=["D002"])
    (leak,) = report.findings
    assert {tuple(g["samples"]) for g in leak.evidence["groups"]} == {
        (original, copy) for copy, original in CROPPED.items()
    }
    assert [g["how"].split("one a ")[1] for g in leak.evidence["groups"]] == [
        "5 % crop of the other",
        "6 % crop of the other",
        "5 % crop of the other",
    ]


def test_a_crop_s_colours_are_compared_with_its_box_of_the_original(tmp_path: Path) -> None:
    """Strongly coloured pictures and centre crops of 5-10 % of them resized back: the
    crop's 4×4 colour blocks are shifted by a pixel or two against its original's
    thumbnail, and differed by more than `MAX_HUE` there (52 of 110 centre crops of
    flower photos that their fits confirmed were dropped so); against the box the fit
    found, they agree."""
    rng = np.random.default_rng(1)
    for label in ("a", "b"):
        (tmp_path / "train" / label).mkdir(parents=True)
        (tmp_path / "val" / label).mkdir(parents=True)
        for k in range(6):
            coarse = Image.fromarray(rng.integers(0, 256, (6, 6, 3)).astype(np.uint8))
            smooth = np.asarray(coarse.resize((192, 192), Image.Resampling.BICUBIC), float)
            detail = rng.normal(0, 18, (192, 192, 1))
            picture = Image.fromarray(np.clip(smooth + detail, 0, 255).astype(np.uint8))
            picture.save(tmp_path / "train" / label / f"{k}.jpg", quality=90)
            if share := {("a", 1): 0.92, ("b", 0): 0.95, ("b", 2): 0.9}.get((label, k)):
                side = round(192 * share)
                at = (192 - side) // 2
                crop = picture.crop((at, at, at + side, at + side)).resize((192, 192))
                crop.save(tmp_path / "val" / label / f"centre-{k}.jpg", quality=90)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
    (leak,) = report.findings
    assert [(g["samples"], g["how"].split("one a ")[1]) for g in leak.evidence["groups"]] == [
        (["train/a/1.jpg", "val/a/centre-1.jpg"], "8 % crop of the other"),
        (["train/b/0.jpg", "val/b/centre-0.jpg"], "5 % crop of the other"),
        (["train/b/2.jpg", "val/b/centre-2.jpg"], "10 % crop of the other"),
    ]


def test_copies_saved_after_resize_256_and_centre_crop_224_are_found(tmp_path: Path) -> None:
    """The evaluation transform of ImageNet models keeps the centre 224 of 256 pixels:
    12.5 % of a side is cut, and the copy's fingerprint is 24 and 12 bits from its
    original's, beyond the search's reach. The original's fingerprint at 90 % zoom is
    6 and 2 bits from it: a candidate, which the crop fit confirms."""
    from fixtures.generate import photo_tiles

    for k, tile in enumerate(photo_tiles("china")[:8]):
        picture = tile.resize((256, 256), Image.Resampling.LANCZOS)
        (tmp_path / "train" / "temple").mkdir(parents=True, exist_ok=True)
        picture.save(tmp_path / "train" / "temple" / f"{k}.jpg", quality=90)
        if k in (1, 2):
            (tmp_path / "val" / "temple").mkdir(parents=True, exist_ok=True)
            eval_copy = picture.crop((16, 16, 240, 240))
            eval_copy.save(tmp_path / "val" / "temple" / f"eval-{k}.jpg", quality=90)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
    (leak,) = report.findings
    assert leak.message.startswith("val is largely copies cropped to 224×224 of train: 2 of 2")
    assert [(g["samples"], g["how"].split("one a ")[1]) for g in leak.evidence["groups"]] == [
        (["train/temple/1.jpg", "val/temple/eval-1.jpg"], "13 % crop of the other"),
        (["train/temple/2.jpg", "val/temple/eval-2.jpg"], "15 % crop of the other"),
    ]


def test_evaluation_crops_of_wide_photos_are_found(tmp_path: Path) -> None:
    """Resize(256) and CenterCrop(224) of 4:3 photos: a square of 58 % of the width and
    88 % of the height, resized. The fit starts from the centred square that the
    fingerprint matched, and the split says how its copies were made."""
    from sklearn.datasets import load_sample_images

    rng = np.random.default_rng(2)
    for n, photo in enumerate(load_sample_images().images):
        (tmp_path / "train" / "photo").mkdir(parents=True, exist_ok=True)
        for k in range(6):
            height = int(rng.integers(240, 420))
            width = height * 4 // 3
            y, x = (
                int(rng.integers(0, limit))
                for limit in np.subtract(photo.shape[:2], (height, width))
            )
            picture = Image.fromarray(photo[y : y + height, x : x + width])
            picture.save(tmp_path / "train" / "photo" / f"{n}-{k}.jpg", quality=90)
            if k == 0:
                smaller = picture.resize(
                    (round(width * 256 / height), 256), Image.Resampling.BILINEAR
                )
                left = (smaller.width - 224) // 2
                (tmp_path / "val" / "photo").mkdir(parents=True, exist_ok=True)
                evaluated = smaller.crop((left, 16, left + 224, 240))
                evaluated.save(tmp_path / "val" / "photo" / f"eval-{n}.jpg", quality=90)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
    (leak,) = report.findings
    assert leak.message.startswith("val is largely copies cropped to 224×224 of train: 2 of 2")
    assert [(g["samples"], g["how"].split("one a ")[1]) for g in leak.evidence["groups"]] == [
        (
            ["train/photo/0-0.jpg", "val/photo/eval-0.jpg"],
            "crop of the other (34 % of its width and 13 % of its height cut)",
        ),
        (
            ["train/photo/1-0.jpg", "val/photo/eval-1.jpg"],
            "crop of the other (34 % of its width and 13 % of its height cut)",
        ),
    ]


def test_near_copies_within_a_split_of_augmentations_are_its_purpose(tmp_path: Path) -> None:
    """A re-save beside its original in train is a near-copy; the brightened and
    re-saved versions of one picture in train_augmented are what that folder is for."""
    from fixtures.generate import photo_tiles

    tiles = photo_tiles("china")
    for folder, pictures in (("train", tiles[:6]), ("train_augmented", tiles[6:9])):
        (tmp_path / folder / "temple").mkdir(parents=True)
        for k, tile in enumerate(pictures):
            tile.save(tmp_path / folder / "temple" / f"{k}.png")
            if k == 0:
                brighter = ImageEnhance.Brightness(tile).enhance(1.03)
                brighter.save(tmp_path / folder / "temple" / f"{k}-again.jpg", quality=80)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D004"])
    assert [(f.rule_id, f.split, f.paths) for f in report.findings] == [
        ("D004", "train", ("train/temple/0-again.jpg", "train/temple/0.png"))
    ]


def test_near_copies_in_train_are_reported_when_their_group_s_centre_is_augmented(
    tmp_path: Path,
) -> None:
    """A picture in train and its re-save; in train_augmented, a crop of it and three
    re-saves of that crop. The crop has the most copies: the centre of the star of
    all six, in train_augmented. D004 groups the pairs inside one split: the re-save
    in train is still reported."""
    from fixtures.generate import photo_tiles

    tile = photo_tiles("china")[4].resize((128, 128), Image.Resampling.LANCZOS)
    for folder in ("train/temple", "train_augmented/temple"):
        (tmp_path / folder).mkdir(parents=True)
    for k, other in enumerate(photo_tiles("china")[5:10]):
        other.save(tmp_path / "train" / "temple" / f"other-{k}.png")
    tile.save(tmp_path / "train/temple/original.png")
    tile.save(tmp_path / "train/temple/again.jpg", quality=85)
    crop = tile.crop((5, 5, 123, 123)).resize((128, 128), Image.Resampling.BILINEAR)
    crop.save(tmp_path / "train_augmented/temple/crop.png")
    for k, gain in enumerate((1.02, 1.0, 0.98)):
        again = ImageEnhance.Brightness(crop).enhance(gain)
        again.save(tmp_path / "train_augmented" / "temple" / f"crop-{k}.jpg", quality=90)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D004"])
    assert [(f.rule_id, f.split, f.paths) for f in report.findings] == [
        ("D004", "train", ("train/temple/again.jpg", "train/temple/original.png"))
    ]


@pytest.mark.parametrize(
    ("cropped", "said"),
    [
        ((5, 6), ", one a 6 % crop of the other"),
        ((35, 13), ", one a crop of the other (35 % of its width and 13 % of its height cut)"),
        ((6, 0), ", one a crop of the other (6 % of its width cut)"),
        ((0, 0), ""),
    ],
)
def test_a_crop_says_how_much_of_each_side_it_lacks(cropped: tuple[int, int], said: str) -> None:
    from dslint.analysis.near import NearGroup

    group = NearGroup((), 4, residual=1.2, cropped=cropped)
    assert group.how == "1.2 grey levels apart at 32×32, brightness matched" + said


def test_a_star_shows_its_members_in_other_splits_first() -> None:
    """A track of frames of one traffic sign in train and one frame in test, centred on
    a train frame: the test frame, the leak, is named first, then the train ones."""
    from dslint.analysis.near import NearGroup
    from dslint.model.dataset import Sample

    def frame(split: str, name: str) -> Sample:
        return Sample(name, 14, split, name)

    members = [frame("train", f"train/00014/{i}.ppm") for i in range(6)]
    group = NearGroup((*members, frame("test", "test/00666.ppm")), 4, residual=2.0)
    assert group.shown() == (
        "train/00014/0.ppm ≈ each of test/00666.ppm, train/00014/1.ppm, train/00014/2.ppm, "
        "train/00014/3.ppm and 2 more"
    )


def test_each_picture_s_closest_candidate_goes_on_to_the_crop_fit() -> None:
    from dslint.analysis.crops import closest

    left, right = np.array([0, 0, 1, 3]), np.array([1, 2, 2, 1])
    residual = np.array([5.0, 3.0, 9.0, 4.0])
    # 0's closest is (0, 2), 1's and 3's (3, 1), 2's (0, 2): (0, 1) and (1, 2) are no one's
    assert closest(left, right, residual).tolist() == [1, 3]
    assert closest(left[:0], right[:0], residual[:0]).tolist() == []


def test_a_second_copy_is_fitted_once_the_first_is_found(tmp_path: Path) -> None:
    """A picture's closest candidate is its augmented crop in train_aug; a copy in val,
    cropped at a corner, has that augmented crop as its closest, of which it is no crop
    (each keeps an edge the other lacks). Once the first is found, the original's next
    closest is fitted too: the val copy leaks."""
    digits = load_digits()
    rng = np.random.default_rng(7)

    def drawn(index: int) -> Image.Image:
        smooth = Image.fromarray((digits.images[index] / 16 * 255).astype(np.uint8))
        pixels = np.asarray(smooth.resize((56, 56), Image.Resampling.BICUBIC), float)
        noisy = np.clip(pixels + rng.normal(0, 4, pixels.shape), 0, 255)
        return Image.fromarray(noisy.astype(np.uint8))

    zeros = [i for i, label in enumerate(digits.target) if label == 0][:12]
    for k, index in enumerate(zeros):
        split = "train" if k < 8 else "val"
        (tmp_path / split / "0").mkdir(parents=True, exist_ok=True)
        drawn(index).save(tmp_path / split / "0" / f"{index}.png")
    original = Image.open(tmp_path / "train" / "0" / f"{zeros[3]}.png")
    (tmp_path / "train_aug" / "0").mkdir(parents=True)
    original.crop((1, 1, 55, 55)).resize((56, 56)).save(tmp_path / "train_aug/0/augmented.png")
    copy = original.crop((3, 3, 56, 56)).resize((56, 56), Image.Resampling.BILINEAR)
    copy.save(tmp_path / "val" / "0" / "copy.png")

    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
    (leak,) = report.findings
    assert [g["samples"] for g in leak.evidence["groups"]] == [
        [f"train/0/{zeros[3]}.png", "train_aug/0/augmented.png", "val/0/copy.png"]
    ]


def test_look_alike_digits_fitted_as_crops_stay_distinct(tmp_path: Path) -> None:
    """Twenty people's handwritten ones: some pairs come through every sieve on their
    thumbnails, so their originals are read and fitted, and no fit is a copy's."""
    from itertools import combinations

    from dslint.analysis import crops
    from dslint.analysis.confirm import limits
    from dslint.analysis.fingerprint import fingerprints, hamming
    from dslint.analysis.near import DEFAULT_DISTANCE

    ones = [i for i, label in enumerate(load_digits().target) if label == 1][:20]
    paths = [
        tmp_path / ("train" if k < 14 else "val") / "1" / f"{i}.png" for k, i in enumerate(ones)
    ]
    for path, index in zip(paths, ones, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        _digit(index).save(path)
    thumbnails = [_thumbnail_of(path) for path in paths]
    pictures = grey(thumbnails)
    left, right = (np.array(side) for side in zip(*combinations(range(len(paths)), 2), strict=True))
    close = hamming(*(fingerprints(thumbnails)[side] for side in (left, right))) <= DEFAULT_DISTANCE
    left, right = left[close], right[close]
    asked: list[int] = []

    def read(chosen: list[int]) -> dict[int, bytes | Exception]:
        asked.extend(chosen)
        return {i: paths[i].read_bytes() for i in chosen}

    allowed = limits(pictures, left, right)
    sizes = np.array([Image.open(path).size for path in paths])
    found = crops.fitted(pictures, left, right, np.arange(len(left)), allowed, read, sizes)
    assert len(asked) >= 2 and len(found.pairs) == 0

    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002", "D004"])
    assert report.findings == []


def test_a_crops_fit_ends_once_its_box_is_placed_and_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fitting the fixture's crops on after their box holds within the limit, edges
    placed to a quarter of a pixel, would only polish their residuals: the same box
    to a tenth of a pixel, for more renderings (61 against 51)."""
    from dslint.analysis import crops
    from dslint.analysis.confirm import limits

    paths = [*CROPPED, *CROPPED.values()]
    pictures = grey([_thumbnail_of(CROPS / path) for path in paths])
    originals = {i: crops.decoded((CROPS / path).read_bytes()) for i, path in enumerate(paths)}
    left, right = np.arange(3), np.arange(3, 6)
    sizes = np.array([Image.open(CROPS / path).size for path in paths])
    _, fits = crops.aligned(pictures, left, right, sizes)
    allowed = limits(pictures, left, right)
    renderings = []
    resize = Image.Image.resize

    def counted(*args, **kwargs):
        renderings[-1] += 1
        return resize(*args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", counted)
    ended = {}
    for placed in (crops.PLACED, 0.0):
        monkeypatch.setattr(crops, "PLACED", placed)
        renderings.append(0)
        ended[placed] = [crops.refined(originals.get, fit, 3.0) for fit in fits]
    assert len(fits) == 3 and (allowed == 3.0).all()
    for (residual, box, pin), (polished, to_the_end, _) in zip(*ended.values(), strict=True):
        assert polished <= residual <= 3.0 and pin >= crops.PINNED * residual
        assert np.abs(np.subtract(box, to_the_end)).max() * 64 < 0.1
    assert renderings[1] > renderings[0]


def test_a_box_slid_along_a_straight_edge_is_no_crop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two distinct pictures of one straight edge, dark to the left, bright to the
    right, placed apart: a box of one fits the other within its limit, but the fit
    holds it in one way only (across the edge), and a crop must be held in three. The
    slopes say so from the start, and the fit is left early."""
    from dslint.analysis import crops

    rng = np.random.default_rng(0)

    def edge(at: int) -> Image.Image:
        values = np.where(np.arange(64) < at, 40.0, 200.0)[None, :].repeat(64, axis=0)
        return Image.fromarray((values + rng.normal(0, 2, values.shape)).astype(np.float32), "F")

    pictures = {0: edge(30), 1: edge(32)}
    start = (0, 1, (0.0, 0.0, 0.95, 0.95))
    residual, _, pin = crops.refined(pictures.get, start, 3.0)
    assert residual > 3.0 and pin < crops.LOOSE[0] * residual
    monkeypatch.setattr(crops, "LOOSE", (0.0, 0.0))  # fitted to its end
    residual, _, pin = crops.refined(pictures.get, start, 3.0)
    assert residual <= 3.0
    assert pin < crops.PINNED * residual


def test_a_pair_whose_box_would_slide_is_not_fitted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thumbnails of one straight edge, placed a pixel or three apart: a zoomed box of
    one aligns with the other, but it would slide along the edge, which its slopes on
    the thumbnails already show, so the originals are not read to fit it."""
    from dslint.analysis import crops

    rng = np.random.default_rng(0)

    def edge(at: int) -> np.ndarray:
        values = np.where(np.arange(32) < at, 40.0, 200.0)[None, :].repeat(32, axis=0)
        values = (values + rng.normal(0, 1, values.shape)).ravel().astype(np.float32)
        return values - values.mean()

    for apart in (1, 2, 3):
        pictures = np.stack([edge(15), edge(15 + apart)])
        pair = (pictures, np.array([0]), np.array([1]), np.full((2, 2), 64))
        assert crops.aligned(*pair)[1] == []
        with monkeypatch.context() as patched:
            patched.setattr(crops, "HELD_THUMBNAIL", 0.0)
            assert len(crops.aligned(*pair)[1]) == 1


def test_crops_of_striped_spectrograms_are_found(tmp_path: Path) -> None:
    """Log-mel spectrograms of steady harmonic tones with a vibrato are stripes (edges
    running one way: 0.008-0.012 of the isotropy that once kept a picture from its fit),
    held in time by the vibrato and the noise: a 5 % crop of one, resized back, is
    found, and a tone a little higher is not taken for it."""
    import librosa

    rate = 8_000
    t = np.arange(rate) / rate

    def tone(pitch: float, vibrato: float, seed: int) -> Image.Image:
        frequency = pitch * (1 + 0.01 * np.sin(2 * np.pi * vibrato * t))
        phase = 2 * np.pi * np.cumsum(frequency) / rate
        sound = sum(np.sin(k * phase) / k for k in range(1, 6))
        sound = sound + np.random.default_rng(seed).normal(0, 0.02, rate)
        mel = librosa.feature.melspectrogram(y=sound, sr=rate, n_mels=64, hop_length=125)
        db = librosa.power_to_db(mel, ref=np.max)[::-1, :64]
        return Image.fromarray(np.round(np.clip((db + 80) / 80, 0, 1) * 255).astype(np.uint8))

    (tmp_path / "train" / "tone").mkdir(parents=True)
    (tmp_path / "val" / "tone").mkdir(parents=True)
    for k, (pitch, vibrato) in enumerate([(220, 5), (300, 4), (400, 6)]):
        tone(pitch, vibrato, k).save(tmp_path / "train" / "tone" / f"{k}.png")
    original = Image.open(tmp_path / "train" / "tone" / "0.png")
    original.crop((2, 2, 62, 62)).resize((64, 64)).save(tmp_path / "val" / "tone" / "crop.png")
    tone(225, 5, 3).save(tmp_path / "val" / "tone" / "higher.png")
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
    (leak,) = report.findings
    assert [g["samples"] for g in leak.evidence["groups"]] == [
        ["train/tone/0.png", "val/tone/crop.png"]
    ]


def test_look_alikes_that_differ_in_one_block_are_no_conflicting_copies(tmp_path: Path) -> None:
    """A photo tile and the same tile with a 12-pixel square in its middle turned round,
    under two labels: 2.6 grey levels apart at 32×32, within the limit of 3, but one
    8×8 block of the difference is at 6.5, where a copy's difference is spread over
    the picture (as two speed-limit signs, 60 and 80, differ in their digits alone). Across
    splits they are still a leak (D002), but not one content under two labels (D003);
    a JPEG-60 copy of another tile under another label is (its worst block 2.2)."""
    import io

    from fixtures.generate import photo_tiles

    tiles = photo_tiles("china")
    patched = np.asarray(tiles[12]).copy()
    patched[24:36, 24:36] = patched[24:36, 24:36][::-1, ::-1]
    resaved = io.BytesIO()
    tiles[4].save(resaved, "JPEG", quality=60)
    files = {
        "train/cat/0.png": tiles[12],
        "val/dog/1.png": Image.fromarray(patched),
        "train/cat/2.png": tiles[4],
        "val/dog/3.jpg": Image.open(resaved),
    }
    for name, picture in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        picture.save(tmp_path / name)
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002", "D003"])
    leaks = [f for f in report.findings if f.rule_id == "D002"]
    conflicts = [f for f in report.findings if f.rule_id == "D003"]
    assert sorted(g["samples"] for f in leaks for g in f.evidence["groups"]) == [
        ["train/cat/0.png", "val/dog/1.png"],
        ["train/cat/2.png", "val/dog/3.jpg"],
    ]
    assert [f.evidence["samples"] for f in conflicts] == [["train/cat/2.png", "val/dog/3.jpg"]]


def test_crops_of_whole_pixels_of_small_spectrograms_are_found(tmp_path: Path) -> None:
    """Log-mel spectrograms of chirps, 64×64, and crops of 3 pixels of four of them
    (2, 2, 63, 63: the odd pixel left over first), not resized back, beside four
    distinct chirps: the crops' prints are a quarter of a thumbnail pixel off the
    centred box, and their curved stripes defeat the thumbnails' alignment (one of the
    four was found before a small picture's crop was placed on its pixels). Each crop is
    found with its original, and nothing else."""
    import librosa

    rng = np.random.default_rng(1)
    rate = 16_000
    t = np.arange(rate) / rate

    def chirp() -> Image.Image:
        frequency = rng.uniform(200, 800) * np.exp(t * rng.uniform(-1.5, 1.5))
        sound = np.sin(2 * np.pi * np.cumsum(frequency) / rate)
        sound = sound + rng.normal(0, rng.uniform(0.01, 0.1), rate)
        mel = librosa.feature.melspectrogram(y=sound, sr=rate, n_mels=64, hop_length=250)
        db = librosa.power_to_db(mel, ref=np.max)[::-1, :64]
        return Image.fromarray(np.round(np.clip((db + 80) / 80, 0, 1) * 255).astype(np.uint8))

    for split in ("train", "val"):
        (tmp_path / split / "chirp").mkdir(parents=True)
    for k in range(8):
        original = chirp()
        original.save(tmp_path / "train" / "chirp" / f"{k}.png")
        if k % 2 == 0:
            original.crop((2, 2, 63, 63)).save(tmp_path / "val" / "chirp" / f"crop{k}.png")
        else:
            chirp().save(tmp_path / "val" / "chirp" / f"other{k}.png")
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002", "D003", "D004"])
    (leak,) = report.findings
    assert sorted(g["samples"] for g in leak.evidence["groups"]) == [
        [f"train/chirp/{k}.png", f"val/chirp/crop{k}.png"] for k in (0, 2, 4, 6)
    ]


def test_crops_resized_since_are_aligned_on_the_thumbnails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crops of 8 % at a corner of 64×64 photo tiles, resized to 62×62: by their sizes
    crops of whole pixels, but on no pixels of the original, which they match to no
    better than twice their limit. They are aligned on their thumbnails, as other
    pairs, and 25 of the 33 are found, all but 2 of them only so."""
    from dslint.analysis import crops
    from fixtures.generate import photo_tiles

    tiles = photo_tiles("china") + photo_tiles("flower")
    for split in ("train", "val"):
        (tmp_path / split / "tile").mkdir(parents=True)
    for k, tile in enumerate(tiles):
        tile.save(tmp_path / "train" / "tile" / f"{k}.png")
        tile.crop((0, 0, 59, 59)).resize((62, 62)).save(tmp_path / "val" / "tile" / f"{k}.png")

    def found() -> int:
        report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
        return sum(len(g["samples"]) - 1 for f in report.findings for g in f.evidence["groups"])

    assert len(tiles) == 33 and found() == 25
    aligned = crops.aligned

    def unless_whole_pixels(pictures, left, right, sizes):  # the thumbnails' path closed
        plain = ~crops.pixel_crops(sizes, left, right)[0]
        kept, fits = aligned(pictures, left[plain], right[plain], sizes)
        return np.flatnonzero(plain)[kept], fits

    monkeypatch.setattr(crops, "aligned", unless_whole_pixels)
    assert found() == 2


def test_a_crop_of_whole_pixels_is_placed_on_the_pixels_it_fits_best() -> None:
    """A small picture and a crop of whole pixels of it, told apart by their sizes
    alone: the crop is placed where it came from, on any pixel, where nothing is left
    of it; a crop brighter and of another contrast is placed alike, and a picture
    larger than the other, or unread, is placed nowhere."""
    from dslint.analysis import crops

    rng = np.random.default_rng(0)
    picture = rng.uniform(0, 255, (64, 70)).astype(np.float32)  # 70 wide, 64 high
    wide = Image.fromarray(picture, "F")
    for left, top in ((0, 0), (3, 1), (6, 4)):
        narrow = picture[top : top + 60, left : left + 64]
        expected = (left / 70, top / 64, (left + 64) / 70, (top + 60) / 64)
        for copy in (narrow, narrow * 0.8 + 40):
            box, residual = crops.placed(wide, Image.fromarray(copy, "F"))
            assert box == expected and residual < 1e-3
    assert crops.placed(Image.fromarray(picture[:60, :64], "F"), wide) is None
    assert crops.placed(None, wide) is None

    sizes = np.array([(70, 64), (64, 60), (64, 64), (64, 64), (500, 400), (480, 380), (40, 40)])
    found, wider, narrower = crops.pixel_crops(
        sizes, np.array([1, 0, 2, 4, 0]), np.array([0, 2, 3, 5, 6])
    )
    # a crop either way round; pictures of one size; large pictures; a crop of 62 %
    assert found.tolist() == [True, True, False, False, False]
    assert wider.tolist() == [0, 0] and narrower.tolist() == [1, 2]


def _thumbnail_of(path: Path) -> bytes:
    from dslint.model.facts import FileFacts
    from dslint.scan.decode import decode_image

    facts = FileFacts(path=path.name, kind="image")
    decode_image(facts, path.read_bytes())
    return facts.thumbnail


def test_an_original_that_cannot_be_read_again_leaves_its_pair_unconfirmed() -> None:
    from dslint.analysis import crops

    assert crops.decoded(b"not a picture") is None
    unread = crops.refined(lambda index: None, (0, 1, (0.0, 0.0, 0.95, 0.95)), 3.0)
    assert unread == (np.inf, (0.0, 0.0, 1.0, 1.0), 0.0)


def test_a_16_bit_picture_is_read_again_in_its_thumbnails_grey_levels(tmp_path: Path) -> None:
    """A 16-bit scan's values are scaled from its least to its greatest to 0-255, as its
    thumbnail's are, which the limits are in. Read as stored (most of them above 255),
    they were taken for 255 everywhere: any box of a flat white picture fits another at
    0 grey levels, and 16-bit copies of the benchmark's scans gave 49 false near-copies
    (precision 0.798) and 4 false conflicts. A crop of a 16-bit photo tile is found as
    its 8-bit copy is, a grey level or so from its box (the box a little wide: 8 % for a
    crop of 6 %, as for the 8-bit tile)."""
    import io

    from dslint.analysis import crops
    from dslint.scan.decode import grey_levels
    from fixtures.generate import photo_tiles

    scan = (np.add.outer(np.arange(40), np.arange(48)) * 1_000 + 2_000).astype(np.uint16)
    stored = io.BytesIO()
    Image.fromarray(scan).save(stored, format="PNG")
    grey = np.asarray(crops.decoded(stored.getvalue()))
    assert np.allclose(grey, grey_levels(scan)) and grey.min() == 0 and grey.max() == 255

    (tmp_path / "train" / "scan").mkdir(parents=True)
    (tmp_path / "val" / "scan").mkdir(parents=True)
    for i, tile in enumerate(photo_tiles("china")[:6]):
        values = np.asarray(tile.convert("L")).astype(np.uint16) * 200 + 3_000
        Image.fromarray(values).save(tmp_path / "train" / "scan" / f"tile{i}.png")
        if i == 0:
            crop = Image.fromarray(values).crop((2, 2, 62, 62)).resize((64, 64))
            crop.save(tmp_path / "val" / "scan" / "crop.png")
    report = dslint.check(tmp_path, use_cache=False, probe=False, select=["D002"])
    (leak,) = report.findings
    (group,) = leak.evidence["groups"]
    assert group["samples"] == ["train/scan/tile0.png", "val/scan/crop.png"]
    residual = float(group["how"].split(" grey levels")[0])
    assert 0.1 < residual < 3 and group["how"].endswith("one a 8 % crop of the other")


@pytest.mark.parametrize(
    ("mode", "fmt"), [("L", "JPEG"), ("RGB", "JPEG"), ("RGB", "PNG"), ("I;16", "PNG"), ("P", "PNG")]
)
@pytest.mark.parametrize("size", [(48, 40), (640, 480)])
def test_an_original_is_read_again_as_grey_values(
    mode: str, fmt: str, size: tuple[int, int]
) -> None:
    """Grey values whatever the file holds: a small picture at its size, a large one
    reduced to between one and two times `SIDE` pixels on its shorter side."""
    import io

    from dslint.analysis import crops

    width, height = size
    picture = Image.fromarray(
        (np.arange(width * height).reshape(height, width) % 251).astype(np.uint8)
    )
    stored = io.BytesIO()
    picture.convert(mode).save(stored, format=fmt)
    grey = crops.decoded(stored.getvalue())
    assert grey is not None and grey.mode == "F"
    if max(size) <= crops.SIDE:
        assert grey.size == size
    else:
        assert crops.SIDE <= min(grey.size) < 2 * crops.SIDE
        assert grey.size[0] / grey.size[1] == pytest.approx(width / height, rel=0.05)
