"""Does the probe's verdict come true? Train a small real CNN on each dataset and
compare what it did with what S001/S002 predicted.

    pip install torch scikit-image   # benchmark-only: dslint itself needs neither
    python benchmarks/probe_validity.py /tmp/validity [--epochs 40]

Datasets: the probe fixtures (four identical shapes, 90/10 identical shapes, two
classes differing in a small detail, the same at 60/40, distinct shapes, look-alike
classes, a size shortcut, planted mislabels), scikit-learn's digits (clean, with 20 %
and with 60 % of the labels flipped), and 64×64 tiles of the photographs scikit-image
and scikit-learn ship (class = photograph). Each is split as it ships (train/val
folders) or 80/20 by a fixed seed.

The network: two 3×3 convolutions (32 and 64 channels, each with max-pooling), a
128-unit hidden layer, Adam at 1e-3, batches of 64, `--epochs` epochs on the CPU, on
the pictures at 32×32 RGB scaled to 0–1. After each epoch it records train and
validation accuracy. Each verdict is held to what its message says:

- S001 ("training will stagnate at chance"): the network's best validation accuracy is
  within max(0.05, two standard errors) of chance (the majority share of validation);
- S002 ("train will race ahead of validation, which stays nearer chance than 1"): the
  best validation accuracy is below the midpoint of chance and 1, and the last epoch's
  train accuracy is at least 0.15 above its validation accuracy;
- silent: the best validation accuracy reaches that midpoint.

The datasets are halved (every other one, in the order listed): the
first half is where thresholds may be tuned, the second is reported apart as held out.
The last six ("fresh": one digit split into two classes, 3 against 8, digits with 40 %
flipped, three textures, 90/10 photograph tiles, tiles with 30 % flipped) were added
after the criteria above were written, and are held out from everything.
"""

from __future__ import annotations

import argparse
import math
import shutil
from pathlib import Path

import numpy as np
from bench_planted_mislabels import digit_samples, photo_samples
from PIL import Image

import dslint

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SPLITS = {"train", "val", "test"}
FIRST_FRESH = 12  # the datasets from here on were added after the criteria were fixed


def fixture_sets() -> dict[str, Path]:
    cases = {
        "four identical shapes": "S001-not-separable/fail-identical-shapes",
        "identical shapes 90/10": "S001-not-separable/fail-imbalanced-identical-shapes",
        "small detail": "S002-weakly-separable/fail-small-detail",
        "small detail 60/40": "S002-weakly-separable/fail-imbalanced-small-detail",
        "distinct shapes": "S002-weakly-separable/pass-distinct-shapes",
        "look-alike classes": "S003-confusable-classes/fail-lookalike-classes",
        "size shortcut": "S004-shortcut-feature/fail-size-gives-class-away",
        "planted mislabels": "S005-suspect-label/fail-planted-mislabels",
    }
    return {name: FIXTURES / case / "data" for name, case in cases.items()}


def written_sets(root: Path, rng: np.random.Generator) -> dict[str, Path]:
    """Class folders of real pictures, some with flipped labels."""
    digits = digit_samples()
    sets = {
        "digits": digits,
        "digits, 20 % flipped": flipped(digits, 0.2, rng),
        "digits, 60 % flipped": flipped(digits, 0.6, rng),
        "photograph tiles": photo_samples(rng),
        **fresh_sets(digits, rng),
    }
    paths = {}
    for n, (name, samples) in enumerate(sets.items()):
        data = root / f"set{n}"
        for i, (label, image) in enumerate(samples):
            (data / label).mkdir(parents=True, exist_ok=True)
            image.save(data / label / f"{i:05d}.png")
        paths[name] = data
    return paths


def fresh_sets(digits: list, rng: np.random.Generator) -> dict[str, list]:
    """Datasets added after the criteria were fixed: a held-out set nobody looked at."""
    tiles = photo_samples(rng)
    ones = [image for label, image in digits if label == "1"]
    return {
        "one digit as two classes": [(str(rng.choice(["a", "b"])), image) for image in ones],
        "3 against 8": [(label, image) for label, image in digits if label in ("3", "8")],
        "digits, 40 % flipped": flipped(digits, 0.4, rng),
        "three textures": [(c, i) for c, i in tiles if c in ("grass", "gravel", "brick")],
        "astronaut 90, coffee 10": [(c, i) for c, i in tiles if c == "astronaut"]
        + [(c, i) for c, i in tiles if c == "coffee"][:11],
        "photograph tiles, 30 % flipped": flipped(tiles, 0.3, rng),
    }


def flipped(samples: list, share: float, rng: np.random.Generator) -> list:
    classes = sorted({label for label, _ in samples})
    chosen = set(rng.choice(len(samples), round(share * len(samples)), replace=False))
    return [
        (str(rng.choice([c for c in classes if c != label])) if i in chosen else label, image)
        for i, (label, image) in enumerate(samples)
    ]


def verdict(data: Path) -> str:
    report = dslint.check(data, select=["S001", "S002"], use_cache=False)
    ids = sorted({f.rule_id for f in report.findings})
    return ids[0] if ids else "silent"


def pictures(data: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pictures (N, 3, 32, 32) in 0–1, class indices, and whether each is validation."""
    tops = {p.name for p in data.iterdir() if p.is_dir()}
    if tops & SPLITS:
        files = [(f, f.parent.name, f.parts[-3] != "train") for f in data.glob("*/*/*")]
    else:
        files = [(f, f.parent.name, None) for f in data.glob("*/*")]
    files = sorted((f, label, val) for f, label, val in files if f.is_file())
    if files[0][2] is None:
        held = np.random.default_rng(0).random(len(files)) < 0.2
        files = [(f, label, bool(h)) for (f, label, _), h in zip(files, held, strict=True)]
    classes = sorted({label for _, label, _ in files})
    x = np.stack(
        [
            np.asarray(Image.open(f).convert("RGB").resize((32, 32)), np.float32) / 255
            for f, _, _ in files
        ]
    ).transpose(0, 3, 1, 2)
    y = np.array([classes.index(label) for _, label, _ in files])
    return x, y, np.array([val for _, _, val in files])


def train(x: np.ndarray, y: np.ndarray, val: np.ndarray, epochs: int) -> list[tuple]:
    """(train accuracy, validation accuracy) after each epoch."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    k = int(y.max()) + 1
    net = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Linear(128, k),
    )  # fmt: skip
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt, yt = torch.tensor(x[~val]), torch.tensor(y[~val])
    xv, yv = torch.tensor(x[val]), torch.tensor(y[val])
    history = []
    for _ in range(epochs):
        net.train()
        for batch in torch.randperm(len(xt)).split(64):
            optimiser.zero_grad()
            nn.functional.cross_entropy(net(xt[batch]), yt[batch]).backward()
            optimiser.step()
        net.eval()
        with torch.no_grad():
            history.append(
                (
                    float((net(xt).argmax(1) == yt).float().mean()),
                    float((net(xv).argmax(1) == yv).float().mean()),
                )
            )
    return history


def agrees(said: str, history: list[tuple], y_val: np.ndarray) -> tuple[bool, str]:
    """Whether the network did what the verdict said, and what it did in words."""
    chance = np.bincount(y_val).max() / len(y_val)
    tolerance = max(0.05, 2 * math.sqrt(chance * (1 - chance) / len(y_val)))
    best = max(v for _, v in history)
    gap = history[-1][0] - history[-1][1]
    midpoint = (chance + 1) / 2
    if best <= chance + tolerance:
        did = f"val at chance ({chance:.2f})"
    elif best < midpoint:
        did = f"val nearer chance ({chance:.2f}) than 1"
    else:
        did = "val past halfway to 1"
    did += f", train ahead by {gap:.2f}"
    if said == "S001":
        return best <= chance + tolerance, did
    if said == "S002":
        return best < midpoint and gap >= 0.15, did
    return best >= midpoint, did


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    if args.root.exists():
        shutil.rmtree(args.root)
    args.root.mkdir(parents=True)
    sets = {**fixture_sets(), **written_sets(args.root, np.random.default_rng(0))}
    print("| half | dataset | probe | network: best val; last train, val | what it did | agree |")
    print("|---|---|---|---|---|---|")
    agree = {"tuning": [], "held out": [], "fresh": []}
    for n, (name, data) in enumerate(sets.items()):
        said = verdict(data)
        x, y, val = pictures(data)
        history = train(x, y, val, args.epochs)
        hit, did = agrees(said, history, y[val])
        half = "fresh" if n >= FIRST_FRESH else "tuning" if n % 2 == 0 else "held out"
        agree[half].append(hit)
        best = max(v for _, v in history)
        print(
            f"| {half} | {name} | {said} | {best:.2f}; {history[-1][0]:.2f}, "
            f"{history[-1][1]:.2f} | {did} | {'yes' if hit else 'no'} |",
            flush=True,
        )
    for half, hits in agree.items():
        print(f"{half}: the network did what the probe predicted on {sum(hits)} of {len(hits)}")


if __name__ == "__main__":
    main()
