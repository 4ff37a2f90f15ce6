"""A clean dataset of real photographs produces no finding, but for near-duplicates:
random crops of only two photographs overlap, and D002 rightly reports the overlapping
ones (each group's members cut from one photograph, in both splits), as D004 does
within a split."""

from __future__ import annotations

from pathlib import Path

import dslint
from tests.photos import photo_crops


def test_clean_photo_dataset_is_silent(tmp_path: Path) -> None:
    data = photo_crops(tmp_path / "data", {"train": 300, "val": 200})
    report = dslint.check(data, use_cache=False)
    overlaps = [f for f in report.findings if f.rule_id == "D002" or f.evidence.get("near") is True]
    assert [(f.rule_id, f.message) for f in report.findings if f not in overlaps] == []
    for finding in overlaps:
        for group in finding.evidence["groups"]:
            photos = {sample.split("/")[1] for sample in group["samples"]}
            assert len(photos) == 1, group  # crops of one photograph, never of both
    assert report.datasets[0].splits == {
        "train": {"flower": 300, "temple": 300},
        "val": {"flower": 200, "temple": 200},
    }
