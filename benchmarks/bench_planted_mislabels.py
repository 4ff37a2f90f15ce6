"""S005's precision and recall on real pictures with planted mislabels.

    pip install scikit-image   # its bundled photographs; scikit-learn ships two more
    python benchmarks/bench_planted_mislabels.py /tmp/planted [--share 0.05]

Two datasets, each written as class folders with `--share` of the labels flipped to
another class at random (the ground truth beside them in truth.csv):

- photos: 64×64 JPEG tiles of the 15 photographs scikit-image and scikit-learn ship
  (cut, flipped and rotated as `make_near_duplicates.py` does), 100 per photograph,
  the class being the photograph;
- digits: scikit-learn's 1,797 handwritten digits, 8×8 scaled to 32×32 PNG, the class
  being the digit.

dslint runs S005 at its default settings (with the listing uncapped, so that every
suspect counts) and the script prints, per dataset, how many samples were flagged,
how many of those were planted (precision) and how many planted were found (recall),
and the same for the 50 named first, the default cap.
"""

from __future__ import annotations

import argparse
import csv
import shutil
from pathlib import Path

import numpy as np
from make_near_duplicates import photographs, picture, tiles
from PIL import Image

import dslint

PER_PHOTO = 100
LISTED = 50


def photo_samples(rng: np.random.Generator) -> list[tuple[str, Image.Image]]:
    photos = photographs()
    pool = tiles(photos)
    samples = []
    for name in photos:
        own = [tile for tile in pool if tile[0] == name]
        for i in rng.choice(len(own), min(PER_PHOTO, len(own)), replace=False):
            samples.append((name, picture(photos, own[i], 64)))
    return samples


def digit_samples() -> list[tuple[str, Image.Image]]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    return [
        (str(label), Image.fromarray((image * 255 / 16).astype(np.uint8)).resize((32, 32)))
        for image, label in zip(digits.images, digits.target, strict=True)
    ]


def write(root: Path, samples: list, share: float, rng: np.random.Generator) -> set[str]:
    """Class folders with `share` of the labels flipped; the flipped files' paths."""
    classes = sorted({label for label, _ in samples})
    flipped = set(rng.choice(len(samples), round(share * len(samples)), replace=False))
    planted = set()
    with open(root / "truth.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "true", "filed_as"])
        for n, (label, image) in enumerate(samples):
            filed = label
            if n in flipped:
                filed = str(rng.choice([c for c in classes if c != label]))
            path = f"{filed}/{n:05d}.{'png' if image.mode == 'L' else 'jpg'}"
            (root / "data" / filed).mkdir(parents=True, exist_ok=True)
            image.save(root / "data" / path)
            if n in flipped:
                planted.add(path)
                writer.writerow([path, label, filed])
    return planted


def score(flagged: list[str], planted: set[str]) -> str:
    if not flagged:
        return "silent"
    hits = sum(path in planted for path in flagged)
    precision, recall = hits / len(flagged), hits / len(planted)
    return f"{len(flagged)} flagged, precision {precision:.2f}, recall {recall:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    if args.root.exists():
        shutil.rmtree(args.root)
    config = args.root / "dslint.toml"
    args.root.mkdir(parents=True)
    config.write_text("[rules.S005]\nmax-listed = 1000000\n")
    for name, samples in (("photos", photo_samples(rng)), ("digits", digit_samples())):
        (args.root / name).mkdir()
        planted = write(args.root / name, samples, args.share, rng)
        report = dslint.check(
            args.root / name / "data", select=["S005"], config=config, use_cache=False
        )
        flagged = [p for f in report.findings for p in f.paths]
        probe = report.datasets[0].probe
        chance = 1 / len(probe["classes"])
        way = (probe["balanced_accuracy"] - chance) / (1 - chance)
        print(
            f"{name}: {len(samples):,} samples, {len(planted)} planted; probe "
            f"{probe['balanced_accuracy']:.3f}, {way:.2f} of the way to perfect; S005: "
            f"{score(flagged, planted)}; first {LISTED}: {score(flagged[:LISTED], planted)}"
        )


if __name__ == "__main__":
    main()
