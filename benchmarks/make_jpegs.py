"""Write a folder of N small JPEGs in class folders, train/val, with planted exact
duplicates across splits: the dataset the scan benchmarks run on.

    python benchmarks/make_jpegs.py /tmp/jpegs20k --count 20000 [--size 64]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

CLASSES = ("circle", "square", "stripe", "noise")


def picture(kind: str, rng: np.random.Generator, size: int) -> Image.Image:
    y, x = np.mgrid[:size, :size]
    base = rng.normal(90, 25, (size, size, 3))
    cx, cy, r = rng.uniform(0.3, 0.7) * size, rng.uniform(0.3, 0.7) * size, size / 4
    if kind == "circle":
        mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
    elif kind == "square":
        mask = (abs(x - cx) < r) & (abs(y - cy) < r)
    elif kind == "stripe":
        mask = ((x + y + int(rng.integers(0, 8))) // 6) % 2 == 0
    else:
        mask = rng.random((size, size)) < 0.3
    base[mask] += rng.uniform(60, 140, 3)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument(
        "--duplicates", type=float, default=0.01, help="fraction of val images copied from train"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n_val = args.count // 5
    train_files = []
    for i in range(args.count - n_val):
        kind = CLASSES[i % len(CLASSES)]
        path = args.out / "train" / kind / f"{i:06d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        picture(kind, rng, args.size).save(path, quality=90)
        train_files.append(path)
    planted = int(n_val * args.duplicates)
    for i in range(n_val):
        kind = CLASSES[i % len(CLASSES)]
        path = args.out / "val" / kind / f"v{i:06d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        if i < planted:
            shutil.copyfile(train_files[i], path)
        else:
            picture(kind, rng, args.size).save(path, quality=90)
    print(f"{args.count} JPEGs ({planted} val copies of train images) in {args.out}")


if __name__ == "__main__":
    main()
