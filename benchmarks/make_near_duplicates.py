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
EDITS = ("quality60", "resize", "brighter3", "crop5")


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
    if edit == "brighter3":
        return ImageEnhance.Brightness(image).enhance(1.03), 90
    cut = round(size * 0.05)  # 5 % of the side in all: 61 of 64, 243 of 256
    return image.crop(((cut + 1) // 2, (cut + 1) // 2, size - cut // 2, size - cut // 2)), 90


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    photos = photographs()
    pool = tiles(photos)
    planted = args.count // 10
    distinct = args.count - planted
    if distinct > len(pool):
        parser.error(f"only {len(pool):,} distinct tiles: ask for fewer files")
    rng = np.random.default_rng(args.seed)
    chosen = [pool[i] for i in rng.choice(len(pool), distinct, replace=False)]
    if args.root.exists():
        shutil.rmtree(args.root)
    data = args.root / "data"
    val_from = round(distinct * 0.8)
    paths = []
    for n, tile in enumerate(chosen):
        split = "train" if n < val_from else "val"
        path = Path(split) / tile[0] / f"{n:06d}.jpg"
        (data / path.parent).mkdir(parents=True, exist_ok=True)
        picture(photos, tile, args.size).save(data / path, quality=90)
        paths.append(path)
    with open(args.root / "truth.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["train", "val", "edit"])
        for k, n in enumerate(rng.choice(val_from, planted, replace=False)):
            edit = EDITS[k % len(EDITS)]
            copy, quality = edited(picture(photos, chosen[n], args.size), edit, k)
            path = Path("val") / chosen[n][0] / f"{distinct + k:06d}.jpg"
            (data / path.parent).mkdir(parents=True, exist_ok=True)
            copy.save(data / path, quality=quality)
            writer.writerow([paths[n].as_posix(), path.as_posix(), edit])
    print(f"{args.count:,} images ({planted:,} planted near-duplicates) in {data}")


if __name__ == "__main__":
    main()
