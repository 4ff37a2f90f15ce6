"""How findings name things: splits whose folder names are numbers, and shares."""

from __future__ import annotations

import shutil
from pathlib import Path

import dslint
from dslint.engine.wording import percent, split_name
from tests.helpers import class_folders


def test_a_split_named_by_a_number_is_quoted_and_a_word_is_not() -> None:
    assert [split_name(s) for s in ("val", "pre-train", "fold_1", "500", "0.1")] == [
        "val",
        "pre-train",
        "fold_1",
        "'500'",
        "'0.1'",
    ]


def test_size_subsets_named_by_their_sizes_read_as_splits(tmp_path: Path) -> None:
    """A public cats-and-dogs set ships folders 100, 250, 500 and 1000, each the first
    samples of the next: its D001 read "500 of 500 500 samples"."""
    data = class_folders(tmp_path / "data", {"1000": {"cat": 4, "dog": 4}})
    for label in ("cat", "dog"):
        (data / "500" / label).mkdir(parents=True)
        for i in range(2):
            shutil.copy(data / "1000" / label / f"{i}.png", data / "500" / label / f"{i}.png")
    (finding,) = dslint.check(data, use_cache=False, probe=False, select=["D001"]).findings
    assert finding.message.startswith("4 of 4 '500' samples (100.0 %) also appear in '1000': ")


def test_a_share_above_zero_never_reads_as_none() -> None:
    assert [percent(12, 46_000), percent(0, 46_000), percent(23, 46_000), percent(1, 3)] == [
        "< 0.1 %",
        "0.0 %",
        "0.1 %",
        "33.3 %",
    ]
