"""Each kind of data file is declared once (dslint.model.formats): its decoder fills only
the facts it declares, the probe tests only the properties it declares, and the report
draws it as declared."""

from __future__ import annotations

import io
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image

from dslint.analysis.probe import _properties
from dslint.lazy import resolve
from dslint.model.facts import FileFacts
from dslint.model.formats import COMMON_FACTS, KINDS, expected_format, kind_of
from dslint.scan.decode import decode_into, fingerprint_images


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.arange(48 * 64 * 3, dtype=np.uint8).reshape(48, 64, 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _wav() -> bytes:
    buffer = io.BytesIO()
    tone = 0.5 * np.sin(np.linspace(0, 400 * np.pi, 8000)).astype(np.float32)
    soundfile.write(buffer, tone, 8000, format="WAV")
    return buffer.getvalue()


def _npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.linspace(0, 1, 28 * 28, dtype=np.float32).reshape(28, 28))
    return buffer.getvalue()


def _txt() -> bytes:
    return b"A film about a dog, with a long walk and a short ending.\n"


FILES = {
    "image": ("a.png", _png),
    "audio": ("a.wav", _wav),
    "array": ("a.npy", _npy),
    "text": ("a.txt", _txt),
}


def _filled(facts: FileFacts) -> set[str]:
    blank = FileFacts(path=facts.path, kind=facts.kind)
    return {f.name for f in fields(FileFacts) if getattr(facts, f.name) != getattr(blank, f.name)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_decoder_fills_the_facts_its_kind_declares_and_no_others(kind: str) -> None:
    name, make = FILES[kind]
    facts = FileFacts(path=name, kind=kind_of(name))
    decode_into(facts, make())
    fingerprint_images([facts])  # the worker's second step, over a batch of images
    assert facts.error is None
    declared = set(KINDS[kind].facts)
    assert _filled(facts) <= declared | set(COMMON_FACTS)
    # every declared fact but the counts of NaN and Inf (float content only) and the
    # oversized flag is filled by this ordinary file
    assert declared - {"nan_count", "inf_count", "oversized"} <= _filled(facts)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_probe_tests_only_the_properties_its_kind_declares(kind: str) -> None:
    name, make = FILES[kind]
    facts = FileFacts(path=name, kind=kind, size=100)
    decode_into(facts, make())
    assert set(_properties(facts)) <= set(KINDS[kind].probe_properties)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_report_draws_each_kind_as_declared(kind: str) -> None:
    _, make = FILES[kind]
    drawn, size = resolve(KINDS[kind].picture)(io.BytesIO(make()))
    assert drawn.startswith(("<img", "<svg", "<blockquote"))
    assert (
        size
        == {
            "image": "64×48",
            "audio": "1.0 s, 8,000 Hz",
            "array": "28×28",
            "text": "57 characters",
        }[kind]
    )


def test_an_extension_names_its_kind_and_format_in_any_case() -> None:
    assert (kind_of("x/IMG_1.JPG"), expected_format("x/IMG_1.JPG")) == ("image", "JPEG")
    assert (kind_of("a.Flac"), expected_format("a.Flac")) == ("audio", "FLAC")
    assert (kind_of("notes.md"), expected_format("notes.md")) == (None, None)


def test_a_txt_file_is_data_only_in_a_dataset_of_texts() -> None:
    from dslint.discover.filetypes import is_data_file, texts_are_data

    assert kind_of("README.txt") == "text"
    assert not is_data_file("README.txt")  # beside images: a README, a licence, YOLO boxes
    with texts_are_data():
        assert is_data_file("review_1.txt")
    assert not is_data_file("review_1.txt")


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_a_jpeg_has_the_same_facts_through_libjpeg_turbo_as_through_pillow(mode: str) -> None:
    """The fast JPEG path (simplejpeg) must give exactly Pillow's facts; CMYK, which it
    does not decode as Pillow does, goes to Pillow."""
    from dslint.scan.decode import decode_image, decode_with_pillow

    rng = np.random.default_rng(0)
    picture = Image.fromarray(rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)).convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    fast, slow = FileFacts("a.jpg", "image"), FileFacts("a.jpg", "image")
    decode_image(fast, buffer.getvalue())
    decode_with_pillow(slow, buffer.getvalue())
    assert fast == slow
    assert (fast.mode, fast.width, fast.height) == (mode, 53, 37)


def _photo_jpegs() -> tuple[bytes, bytes, bytes]:
    """A 1024×768 photograph as JPEG; the same with one pixel 8 levels brighter (a
    draft cannot tell them apart); the first again with a comment (other bytes, the
    same pixels)."""
    from sklearn.datasets import load_sample_images

    photo = np.asarray(Image.fromarray(load_sample_images().images[0]).resize((1024, 768)))
    touched = photo.copy()
    touched[100, 100] = np.clip(touched[100, 100].astype(int) + 8, 0, 255)

    def jpeg(pixels: np.ndarray, **options) -> bytes:
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, "JPEG", quality=95, **options)
        return buffer.getvalue()

    return jpeg(photo), jpeg(touched), jpeg(photo, comment=b"re-saved")


def test_a_large_jpeg_is_decoded_as_a_draft_and_its_copies_confirmed_in_full(
    tmp_path: Path,
) -> None:
    import dslint

    original, touched, commented = _photo_jpegs()
    drafts = []
    for data in (original, touched):
        facts = FileFacts(path="a.jpg", kind="image")
        decode_into(facts, data)
        assert (facts.width, facts.height) == (1024, 768)  # the file's own size
        drafts.append(facts.content_hash)
    assert drafts[0] == drafts[1] and drafts[0].startswith("draft:")
    for split, name, data in (
        ("train", "photo.jpg", original),
        ("val", "touched.jpg", touched),
        ("test", "commented.jpg", commented),
    ):
        (tmp_path / split / "temple").mkdir(parents=True)
        (tmp_path / split / "temple" / name).write_bytes(data)
    report = dslint.check(tmp_path, select=["D001"], probe=False, use_cache=False)
    (leak,) = report.findings  # the touched photo is no copy; the commented one is
    assert leak.message == (
        "1 of 1 test samples (100.0 %) also appear in train: train/temple/photo.jpg = "
        "test/temple/commented.jpg (same decoded content)"
    )


def test_a_mix_names_its_few_strays_but_not_a_common_minority(tmp_path: Path) -> None:
    """A palette GIF among RGB photos is named (hymenoptera_data ships one, a "this
    image could not be found" placeholder among its ants); six grey scans among
    twenty colour ones are a minority, not strays."""
    import dslint

    rng = np.random.default_rng(0)
    for k in range(20):
        colour = rng.integers(0, 256, (24, 24, 3), dtype=np.uint8)
        path = tmp_path / "train" / ("ants" if k % 2 else "bees") / f"{k}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(colour).save(path)
    Image.new("P", (30, 30)).save(tmp_path / "train/ants/imageNotFound.gif")
    stray = dslint.check(tmp_path, select=["N005"], probe=False, use_cache=False).findings
    assert [(f.message, f.paths) for f in stray if f.severity == "warning"] == [
        (
            "samples mix modes RGB ×20, P ×1 (train/ants/imageNotFound.gif); "
            "channel counts 3 ×20, 1 ×1 (train/ants/imageNotFound.gif)",
            ("train/ants/imageNotFound.gif",),
        )
    ]
    for k in range(6):
        Image.new("L", (24, 24), 40 * k).save(tmp_path / "train" / "bees" / f"grey{k}.png")
    (tmp_path / "train/ants/imageNotFound.gif").unlink()
    minority = dslint.check(tmp_path, select=["N005"], probe=False, use_cache=False).findings
    assert [(f.message, f.paths) for f in minority if f.severity == "warning"] == [
        ("samples mix modes RGB ×20, L ×6; channel counts 3 ×20, 1 ×6", ())
    ]
