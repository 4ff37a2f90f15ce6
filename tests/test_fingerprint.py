"""The near-duplicate search finds exactly the pairs a brute-force comparison finds."""

from __future__ import annotations

import numpy as np
import pytest

from dslint.fingerprint import groups_of, hamming, near_pairs


@pytest.mark.parametrize("max_distance", [0, 3, 6, 10])
def test_multi_index_search_equals_brute_force(max_distance: int) -> None:
    rng = np.random.default_rng(max_distance)
    base = rng.integers(0, 2**63, 300, dtype=np.uint64)
    flips = rng.integers(0, 64, (300, 8))
    near = base.copy()
    for i, bits in enumerate(flips):  # a near copy of each, 0 to 8 bits away
        for bit in bits[: i % 9]:
            near[i] ^= np.uint64(1) << np.uint64(bit)
    hashes = np.concatenate([base, near])
    i, j = np.triu_indices(len(hashes), k=1)
    distance = hamming(hashes[i], hashes[j])
    expected = {
        (int(a), int(b)): int(d)
        for a, b, d in zip(i, j, distance, strict=True)
        if d <= max_distance
    }
    assert near_pairs(hashes, max_distance) == expected


def test_groups_join_a_photo_and_its_copies() -> None:
    pairs = {(0, 3): 2, (3, 7): 4, (1, 2): 1}
    assert groups_of(pairs, 8) == [([0, 3, 7], 4), ([1, 2], 1)]
