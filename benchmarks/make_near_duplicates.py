"""Write a realistic image dataset with planted near-duplicates across splits, and
their ground truth: the dataset `bench_near_duplicates.py` compares tools on.

    pip install scikit-image   # its bundled photographs; scikit-learn ships two more
    python benchmarks/make_near_duplicates.py /tmp/near64 --count 20000 [--size 64]

Distinct pictures are tiles of the photographs that scikit-image and scikit-learn ship
(astronaut, coffee, rocket, the Hubble deep field, a retina, a temple, a flower, a cat,
...): every photograph cut into a grid of non-overlapping squares at several scales,
each square in its 8 flips and rotations, near-blank squares left out, saved as JPEG
(quality 90) at `--size` pixels in data/train/<photograph>/ and data/val/<photograph>/. A tenth
of the files are planted near-duplicates: a train picture copied into val after one
of four edits, in equal numbers — re-encoded at JPEG quality 60, resized by ±5 %,
brightened by 3 %, or cropped by 5 %. `truth.csv`, beside data/, lists each planted
pair.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

SCALES = (32, 48, 64, 96, 128, 192)  # tile sides in source pixels
MIN_STD = 12.0  # flatter tiles (sky, background) are blank pictures, not photos
EDITS = ("quality60", "resize", "brighter3", "crop5", "to224")


def photographs() -> dict[str, np.ndarray]:
    """RGB uint8 photographs available offline."""
    from skimage import data
    from sklearn.datasets import load_sample_images

    names = ("astronaut", "chelsea", "coffee", "hubble_deep_field", "immunohistochemistry")
    names += ("retina", "rocket", "camera", "brick", "grass", "gravel", "moon", "coins")
    photos = {name: getattr(data, name)() for name in names}
    photos.update(zip(("china", "flower"), load_sample_images().images, strict=True))
    return {name: _rgb(photo) for name, photo in photos.items()}


def _rgb(photo: np.ndarray) -> np.ndarray:
    return np.repeat(photo[..., None], 3, axis=2) if photo.ndim == 2 else photo[..., :3]


def tiles(photos: dict[str, np.ndarray]) -> list[tuple[str, int, int, int, int]]:
    """(photograph, scale, y, x, flip-rotation) of every usable tile."""
    found = []
    for name, photo in photos.items():
        for scale in SCALES:
            for y in range(0, photo.shape[0] - scale + 1, scale):
                for x in range(0, photo.shape[1] - scale + 1, scale):
                    if photo[y : y + scale, x : x + scale].std() >= MIN_STD:
                        found.extend((name, scale, y, x, turn) for turn in range(8))
    return found


def picture(photos: dict[str, np.ndarray], tile: tuple, size: int) -> Image.Image:
    name, scale, y, x, turn = tile
    square = photos[name][y : y + scale, x : x + scale]
    square = np.rot90(square, turn % 4)
    if turn >= 4:
        square = square[:, ::-1]
    return Image.fromarray(np.ascontiguousarray(square)).resize((size, size), Image.LANCZOS)


def edited(image: Image.Image, edit: str, n: int) -> tuple[Image.Image, int]:
    """The edited copy and its JPEG quality."""
    size = image.size[0]
    if edit == "quality60":
        return image, 60
    if edit == "resize":
        side = round(size * (1.05 if n % 2 else 0.95))
        return image.resize((side, side), Image.LANCZOS), 90
    if edit == "to224":
        return image.resize((224, 224), Image.LANCZOS), 90
    if edit == "brighter3":
        return ImageEnhance.Brightness(image).enhance(1.03), 90
    cut = round(size * 0.05)  # 5 % of the side in all: 61 of 64, 243 of 256
    return image.crop(((cut + 1) // 2, (cut + 1) // 2, size - cut // 2, size - cut // 2)), 90


def digits(count: int, rng: np.random.Generator) -> list[tuple[str, Image.Image]]:
    """scikit-learn's 1,797 handwritten digits (8×8, 17 grey levels) upscaled to 28×28:
    many distinct digits are alike at any resolution."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    order = rng.permutation(len(bunch.images))[:count]
    return [
        (f"digit_{bunch.target[n]}", _grey(bunch.images[n] / 16).resize((28, 28), Image.LANCZOS))
        for n in order
    ]


def scans(count: int, rng: np.random.Generator) -> list[tuple[str, Image.Image]]:
    """Chest-X-ray-like grey scans, 256×256: a body, two dark lung fields with ribs, a
    spine and fine texture, each jittered a little; 'opacity' scans carry bright
    patches in a lung. Every scan is the same picture at 32×32, give or take."""
    y, x = np.mgrid[0:256, 0:256] / 256
    found = []
    for n in range(count):
        cls = "opacity" if n % 2 else "clear"
        j = rng.normal(0, 1, 8)
        body = np.exp(-(((x - 0.5) / (0.42 + 0.02 * j[0])) ** 4) - ((y - 0.55) / 0.6) ** 4)
        centre_y, width = 0.5 + 0.02 * j[2], 0.14 + 0.01 * j[1]
        lungs = sum(
            np.exp(-(((x - cx) / width) ** 2) - ((y - centre_y) / 0.26) ** 2)
            for cx in (0.32 + 0.015 * j[3], 0.68 + 0.015 * j[4])
        )
        ribs = 0.06 * np.sin(2 * np.pi * (y * (9 + 0.4 * j[5]) + 0.3 * np.abs(x - 0.5)) + j[6])
        spine = 0.25 * np.exp(-(((x - 0.5 - 0.01 * j[7]) / 0.04) ** 2))
        texture = _smooth_noise(rng, 256, 3) * 0.05
        picture = 0.75 * body - 0.6 * lungs * (1 + ribs) + spine + 0.5 * texture
        if cls == "opacity":
            for _ in range(rng.integers(1, 4)):
                cx, cy = rng.choice([0.32, 0.68]) + rng.normal(0, 0.04), rng.uniform(0.35, 0.7)
                picture += 0.25 * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 0.003)
        picture = (picture - picture.min()) / np.ptp(picture)
        found.append((cls, _grey(picture ** rng.uniform(0.8, 1.2))))
    return found


def faces(count: int, rng: np.random.Generator) -> list[tuple[str, Image.Image]]:
    """Face-like 48×48 grey crops (the FER-2013 format): an oval face, eyes, brows, a
    nose shadow and a mouth whose curve is the class, with pose, light and skin
    texture jittered."""
    y, x = np.mgrid[0:48, 0:48] / 48
    found = []
    for n in range(count):
        cls = ("happy", "sad", "neutral")[n % 3]
        cx, cy, s = 0.5 + rng.normal(0, 0.03), 0.5 + rng.normal(0, 0.03), rng.uniform(0.9, 1.1)
        face = ((x - cx) / (0.34 * s)) ** 2 + ((y - cy) / (0.45 * s)) ** 2 < 1
        picture = 0.25 + 0.5 * face + 0.2 * (x - 0.5) * rng.normal()
        for side in (-1, 1):
            ex, ey = cx + side * 0.14 * s, cy - 0.1 * s
            picture -= 0.45 * (((x - ex) / 0.06) ** 2 + ((y - ey) / 0.03) ** 2 < 1)
            brow = np.abs(y - (ey - 0.07 + 0.02 * rng.normal())) < 0.015
            picture -= 0.3 * (brow & (np.abs(x - ex) < 0.08))
        picture -= 0.15 * np.exp(-(((x - cx) / 0.03) ** 2) - ((y - cy - 0.05) / 0.08) ** 2)
        curve = {"happy": 0.12, "sad": -0.12, "neutral": 0.0}[cls] + rng.normal(0, 0.03)
        lips = y - (cy + 0.22 * s - curve * (1 - ((x - cx) / 0.12) ** 2))
        picture -= 0.4 * ((np.abs(lips) < 0.02) & (np.abs(x - cx) < 0.12))
        picture += _smooth_noise(rng, 48, 1) * 0.06
        found.append((cls, _grey(np.clip(picture, 0, 1))))
    return found


def spectrograms(count: int, rng: np.random.Generator) -> list[tuple[str, Image.Image]]:
    """Log-mel spectrograms (64 bands × 64 frames) of one-second synthetic sounds:
    harmonic tones, chirps and noise bursts, with pitch, timing and noise jittered."""
    import librosa

    rate, t = 16_000, np.arange(16_000) / 16_000
    found = []
    for n in range(count):
        cls = ("tone", "chirp", "burst")[n % 3]
        if cls == "tone":
            f0 = rng.uniform(150, 600) * (1 + 0.01 * np.sin(2 * np.pi * rng.uniform(3, 7) * t))
            sound = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / rate) / k for k in range(1, 6))
        elif cls == "chirp":
            f = rng.uniform(200, 800) * np.exp(t * rng.uniform(-1.5, 1.5))
            sound = np.sin(2 * np.pi * np.cumsum(f) / rate)
        else:
            envelope = sum(np.exp(-(((t - rng.uniform(0.1, 0.9)) / 0.03) ** 2)) for _ in range(3))
            sound = rng.normal(0, 1, rate) * envelope
        sound = sound + rng.normal(0, rng.uniform(0.01, 0.1), rate)
        mel = librosa.feature.melspectrogram(y=sound, sr=rate, n_mels=64, hop_length=250)
        db = librosa.power_to_db(mel, ref=np.max)[::-1, :64]
        found.append((cls, _grey(np.clip((db + 80) / 80, 0, 1))))
    return found


def _grey(values: np.ndarray) -> Image.Image:
    return Image.fromarray(np.round(np.clip(values, 0, 1) * 255).astype(np.uint8), "L")


def _smooth_noise(rng: np.random.Generator, side: int, sigma: float) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    noise = gaussian_filter(rng.normal(0, 1, (side, side)), sigma)
    return noise / noise.std()


HOMOGENEOUS = {"digits": digits, "scans": scans, "faces": faces, "spectrograms": spectrograms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--set", choices=("photos", *HOMOGENEOUS), default="photos")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=64, help="photo tiles' side")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--bits",
        type=int,
        choices=(8, 16),
        default=8,
        help="16: grey PNGs saved as 16-bit, as scans often are (JPEG copies stay 8-bit)",
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    planted = args.count // 10
    distinct = args.count - planted
    if args.set == "photos":
        photos = photographs()
        pool = tiles(photos)
        if distinct > len(pool):
            parser.error(f"only {len(pool):,} distinct tiles: ask for fewer files")
        chosen = [pool[i] for i in rng.choice(len(pool), distinct, replace=False)]
        pictures = [(tile[0], picture(photos, tile, args.size)) for tile in chosen]
        suffix = ".jpg"
    else:
        pictures = HOMOGENEOUS[args.set](distinct, rng)
        distinct = len(pictures)  # the digits are 1,797 at most
        suffix = ".png"
    if args.root.exists():
        shutil.rmtree(args.root)
    data = args.root / "data"
    val_from = round(distinct * 0.8)
    paths = []
    for n, (cls, image) in enumerate(pictures):
        path = Path("train" if n < val_from else "val") / cls / f"{n:06d}{suffix}"
        _save(image, data / path, 90, args.bits)
        paths.append(path)
    with open(args.root / "truth.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["train", "val", "edit"])
        for k, n in enumerate(rng.choice(val_from, min(planted, val_from), replace=False)):
            edit = EDITS[k % len(EDITS)]
            copy, quality = edited(pictures[n][1], edit, k)
            path = Path("val") / pictures[n][0] / f"{distinct + k:06d}{suffix}"
            if edit == "quality60":
                path = path.with_suffix(".jpg")  # a PNG re-encoded as JPEG
            _save(copy, data / path, quality, args.bits)
            writer.writerow([paths[n].as_posix(), path.as_posix(), edit])
    print(f"{distinct + planted:,} {args.set} ({planted:,} planted near-duplicates) in {data}")


def _save(image: Image.Image, path: Path, quality: int, bits: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if bits == 16 and image.mode == "L" and path.suffix == ".png":
        image = Image.fromarray(np.asarray(image).astype(np.uint16) * 257)
    image.save(path, quality=quality)


if __name__ == "__main__":
    main()
