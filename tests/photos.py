"""Real-looking image datasets: random crops of the two photographs that scikit-learn
ships (a temple in China, a flower), saved as JPEG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def photo_crops(root: Path, per_class: dict[str, int], size: int = 48, seed: int = 0) -> Path:
    """root/<split>/<class>/<n>.jpg for split in per_class; classes 'temple' and
    'flower', each crop at a random place and scale of its photograph."""
    from sklearn.datasets import load_sample_images

    photos = dict(zip(("temple", "flower"), load_sample_images().images, strict=True))
    rng = np.random.default_rng(seed)
    for split, count in per_class.items():
        for label, photo in photos.items():
            folder = root / split / label
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                extent = int(rng.integers(size, 4 * size))
                y = int(rng.integers(0, photo.shape[0] - extent))
                x = int(rng.integers(0, photo.shape[1] - extent))
                crop = Image.fromarray(photo[y : y + extent, x : x + extent])
                crop.resize((size, size)).save(folder / f"{i:04d}.jpg", quality=90)
    return root
