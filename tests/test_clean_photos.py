"""A clean dataset of real photographs produces no finding at all."""

from __future__ import annotations

from pathlib import Path

import dslint
from tests.photos import photo_crops


def test_clean_photo_dataset_is_silent(tmp_path: Path) -> None:
    data = photo_crops(tmp_path / "data", {"train": 300, "val": 200})
    report = dslint.check(data, use_cache=False)
    assert [(f.rule_id, f.message) for f in report.findings] == []
    assert report.datasets[0].splits == {
        "train": {"flower": 300, "temple": 300},
        "val": {"flower": 200, "temple": 200},
    }
