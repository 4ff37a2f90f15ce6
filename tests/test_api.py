"""The Python API for notebooks: dslint.check returns a Report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dslint
from dslint.errors import DslintError
from tests.conftest import FIXTURES

TRUNCATED = FIXTURES / "F001-unreadable-file/fail-truncated-image/data"


def test_check_returns_findings_summary_json_and_dataframe() -> None:
    report = dslint.check(TRUNCATED, use_cache=False, select=["F"])
    assert report.counts() == {"error": 3, "warning": 0, "info": 0}
    assert report.exit_code() == 1 and report.exit_code("never") == 0
    (summary,) = report.datasets
    assert summary.splits == {"train": {"cat": 5, "dog": 6}, "val": {"cat": 2, "dog": 2}}
    document = json.loads(report.to_json())
    assert [f["paths"] for f in document["findings"]] == [
        ["train/cat/truncated.jpg"],
        ["train/dog/empty.png"],
        ["train/dog/notes.jpg"],
    ]
    frame = report.to_pandas()
    assert list(frame["rule"]) == ["F001"] * 3
    assert frame.loc[1, "evidence"] == {"reason": "empty file (0 bytes)", "bytes": 0}


def test_several_paths_make_one_report_with_a_summary_each() -> None:
    other = FIXTURES / "L001-binary-label-values/fail-pm1-manifest/data"
    report = dslint.check(TRUNCATED, other, use_cache=False)
    assert [d.path for d in report.datasets] == [str(TRUNCATED), str(other)]
    assert sorted({f.dataset for f in report.findings}) == sorted([str(TRUNCATED), str(other)])


def test_input_errors_raise_dslint_error() -> None:
    with pytest.raises(DslintError, match="does not exist"):
        dslint.check("/no/such/dataset")


def test_check_leaves_pillows_decompression_bomb_guard_as_it_found_it(tmp_path: Path) -> None:
    from PIL import Image

    from tests.helpers import class_folders

    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    before = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = 1_234_567
        dslint.check(data, use_cache=False, probe=False, jobs=1)
        dslint.check(TRUNCATED, use_cache=False, probe=False, jobs=1)
        assert Image.MAX_IMAGE_PIXELS == 1_234_567
    finally:
        Image.MAX_IMAGE_PIXELS = before


@pytest.mark.parametrize("enabled", [True, False])
def test_check_pauses_the_garbage_collector_and_leaves_it_as_it_found_it(
    enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from dslint.engine.context import Context

    seen = []
    files = Context.files
    monkeypatch.setattr(
        Context, "files", lambda ctx, *a, **k: seen.append(gc.isenabled()) or files(ctx, *a, **k)
    )
    before = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        dslint.check(TRUNCATED, use_cache=False, probe=False, jobs=1)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if before else gc.disable()
    assert seen and not any(seen)  # the rules ran with the collector paused
