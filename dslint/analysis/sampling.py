"""Stratified subsampling: the probe looks at a bounded number of samples, each class
keeping its share."""

from __future__ import annotations

import numpy as np


def stratified_subsample(labels: list, limit: int) -> list[int]:
    """Indices of at most about `limit` samples, each label keeping its share (two at
    least), in their original order; all of them when there are few enough."""
    if len(labels) <= limit:
        return list(range(len(labels)))
    rng = np.random.default_rng(0)
    by_label: dict = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    keep = []
    for members in by_label.values():
        share = max(2, round(limit * len(members) / len(labels)))
        keep.extend(rng.choice(members, size=min(share, len(members)), replace=False).tolist())
    return sorted(keep)
