"""Write a folder of photo-sized JPEGs (1024×768 by default) in class folders, train/val:
crops of the photographs scikit-learn and scikit-image ship, one class per photograph,
each crop at a random place and scale, resized to the photo size, quality 90; 1 % of
val copied from train.

    python benchmarks/make_photos.py /tmp/photos4k --count 4000 [--width 1024 --height 768]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
from PIL import Image


def photographs() -> dict[str, np.ndarray]:
    """The RGB photographs scikit-learn and scikit-image ship (scikit-image is a
    benchmark-only dependency)."""
    from skimage import data
    from sklearn.datasets import load_sample_images

    found = dict(zip(("china", "flower"), load_sample_images().images, strict=True))
    for name in ("astronaut", "coffee", "chelsea", "rocket"):
        found[name] = getattr(data, name)()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=4_000)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=768)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    photos = photographs()
    names = sorted(photos)
    for i in range(args.count):
        name = names[i % len(names)]
        photo = photos[name]
        tall, wide = photo.shape[:2]
        scale = rng.uniform(0.6, 1.0)
        h, w = int(tall * scale), int(wide * scale)
        y, x = int(rng.integers(0, tall - h + 1)), int(rng.integers(0, wide - w + 1))
        crop = Image.fromarray(photo[y : y + h, x : x + w]).resize((args.width, args.height))
        split = "val" if i % 5 == 0 else "train"
        folder = args.out / split / name
        folder.mkdir(parents=True, exist_ok=True)
        crop.save(folder / f"{i:05d}.jpg", quality=90)
    copies = sorted((args.out / "train").rglob("*.jpg"))[: args.count // 500]
    for source in copies:
        shutil.copy(source, args.out / "val" / source.parent.name / f"copy-{source.name}")


if __name__ == "__main__":
    main()
