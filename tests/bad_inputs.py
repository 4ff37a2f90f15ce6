"""The bad-input corpus: every kind of broken input dslint meets in the wild, written
into a folder. `python -m tests.bad_inputs DIR` writes it for a look by hand; the tests
build it in a temporary folder.

Each entry names what dslint must answer: the rule ids of its findings (the rest of
the dataset still checked), or exit code 2 with one line.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fixtures.generate import heart_sound, png_header_only, shape_image, write_wav


@dataclass(frozen=True)
class BadInput:
    name: str
    args: tuple[str, ...]  # relative to the corpus folder
    expect: str  # "exit 2" or the rule ids (comma-separated) that must appear


def _png_bytes(seed: int) -> bytes:
    buffer = io.BytesIO()
    shape_image("circle", seed).save(buffer, format="PNG")
    return buffer.getvalue()


def _corrupt_chunk(png: bytes) -> bytes:
    """Flip a byte inside the IDAT data: the chunk's CRC no longer matches."""
    at = png.index(b"IDAT") + 12
    return png[:at] + bytes([png[at] ^ 0xFF]) + png[at + 1 :]


def build(root: Path) -> list[BadInput]:
    """Write the corpus under `root`; return what each part must produce."""
    messy = root / "messy"
    seed = 0
    for split, count in (("train", 4), ("val", 2)):
        for label in ("cat", "dog"):
            for i in range(count):
                seed += 1
                path = messy / split / label / f"ok{i}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(_png_bytes(seed))
    cat, dog = messy / "train/cat", messy / "train/dog"
    good = _png_bytes(999)
    (cat / "truncated.png").write_bytes(good[: len(good) // 2])
    (cat / "zero.png").write_bytes(b"")
    (cat / "corrupt-chunk.png").write_bytes(_corrupt_chunk(good))
    (cat / "bomb.png").write_bytes(png_header_only(100_000, 100_000))
    (cat / "text.jpg").write_text("not a picture\n")
    write_wav(dog / "clip.wav", heart_sound(1))
    (dog / "truncated.wav").write_bytes((dog / "clip.wav").read_bytes()[:30])
    (dog / "zero.wav").write_bytes(b"")
    (dog / "clip.wav").unlink()
    np.save(dog / "pickled.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    os.symlink("loop.png", dog / "loop.png")
    outside = root / "outside-secret.png"
    outside.write_bytes(good)
    os.symlink(outside, dog / "outside.png")
    os.symlink(messy / "val", dog / "folder-link")
    with open(os.path.join(os.fsencode(dog), b"caf\xe9.png"), "wb") as handle:
        handle.write(_png_bytes(7))
    (dog / ("long" * 60 + ".png")).write_bytes(_png_bytes(8))
    locked = dog / "locked.png"
    locked.write_bytes(_png_bytes(9))
    locked.chmod(0)

    manifests = root / "manifests"
    manifests.mkdir()
    (manifests / "missing-columns.csv").write_text("path,weight\na.png,1\n")
    (manifests / "img.png").write_bytes(good)
    rows = ["path,label,note", 'img.png,cat,"two\nlines"', "img.png,1,x", "img.png,,x"]
    rows += [f"gone/{i}.png,{i % 3}," for i in range(1_000_000)]
    (manifests / "huge.csv").write_text("\n".join(rows) + "\n")
    (manifests / "latin1.csv").write_bytes("path,label\nimg.png,caf\xe9\n".encode("latin-1"))

    arrays = root / "odd-npz"
    arrays.mkdir()
    np.savez(arrays / "data.npz", features=np.zeros((3, 2)), targets=np.zeros(3))
    (root / "empty").mkdir()
    single = root / "single"
    (single / "cat").mkdir(parents=True)
    (single / "cat/only.png").write_bytes(good)
    (root / "garbage.log").write_bytes(bytes(range(256)) * 64)
    zipped = root / "bad.npz"
    zipped.write_bytes(b"PK\x03\x04" + zlib.compress(b"nonsense"))

    return [
        BadInput("messy class folders", ("messy",), "F001,F002,F006"),
        BadInput("manifest with missing columns", ("manifests/missing-columns.csv",), "exit 2"),
        BadInput(
            "manifest of 1,000,000 rows, quoted newline, wrong types",
            ("manifests/huge.csv",),
            "F001,L005",
        ),
        BadInput("manifest that is not UTF-8", ("manifests/latin1.csv",), "exit 2"),
        BadInput(".npz with odd keys", ("odd-npz",), "exit 2"),
        BadInput(".npz that is not a zip archive", ("bad.npz",), "exit 2"),
        BadInput("empty dataset", ("empty",), "exit 2"),
        BadInput("dataset of one file", ("single",), "L003"),
        BadInput("history of binary garbage", ("--history", "garbage.log"), "exit 2"),
        BadInput("path that does not exist", ("no-such-folder",), "exit 2"),
    ]


def cleanup(root: Path) -> None:
    """Undo the permissions the corpus took away, so the folder can be deleted."""
    locked = root / "messy/train/dog/locked.png"
    if locked.exists():
        locked.chmod(0o644)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for bad in build(target):
        print(f"{bad.name}: dslint check {' '.join(bad.args)} -> {bad.expect}")
