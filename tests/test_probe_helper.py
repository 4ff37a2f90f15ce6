"""Where the probe computes: a large probe in a helper process beside the rules, the
same verdict as in the check's own process, and a verdict whatever happens to the
helper; and how many samples it looks at."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dslint
from dslint.analysis import probe_helper
from dslint.errors import DslintError
from tests.conftest import FIXTURES, REPO
from tests.helpers import run_cli

PLANTED = FIXTURES / "S005-suspect-label/fail-planted-mislabels/data"
IDENTICAL = FIXTURES / "S001-not-separable/fail-identical-shapes/data"


@pytest.fixture
def helper_for_every_probe(monkeypatch: pytest.MonkeyPatch):
    """Every probe large enough for the helper (the fixtures have 160 pictures)."""
    monkeypatch.setattr(probe_helper, "HELPER_FROM", 1)
    yield
    probe_helper.stop()


def test_the_helper_gives_the_verdict_the_check_s_own_process_gives(
    helper_for_every_probe,
) -> None:
    beside = dslint.check(PLANTED, use_cache=False, select=["S"])
    probe = beside.datasets[0].probe
    assert probe["beside_the_rules"] and probe["features_computed"] == probe["samples"]
    probe_helper.HELPER_FROM = 10**9  # the monkeypatch puts 1 back afterwards
    here = dslint.check(PLANTED, use_cache=False, select=["S"])
    assert not here.datasets[0].probe["beside_the_rules"]
    assert probe["confusion"] == here.datasets[0].probe["confusion"]
    assert [(f.rule_id, f.paths) for f in beside.findings] == [
        (f.rule_id, f.paths) for f in here.findings
    ]


def test_a_helper_that_dies_leaves_the_work_to_the_check(
    helper_for_every_probe, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed = probe_helper.submit

    def handed_then_killed(work):
        running = handed(work)
        running.helper.process.kill()
        return running

    monkeypatch.setattr(probe_helper, "submit", handed_then_killed)
    report = dslint.check(IDENTICAL, use_cache=False, select=["S"])
    assert [f.rule_id for f in report.findings] == ["S001"]
    assert not report.datasets[0].probe["beside_the_rules"]


def test_an_error_in_the_helper_is_the_check_s_one_line_error(
    helper_for_every_probe, tmp_path: Path
) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"not onnx")
    with pytest.raises(DslintError, match=r"^the probe model cannot be loaded"):
        dslint.check(IDENTICAL, use_cache=False, probe_model=model)


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """The helper is `python -m dslint.analysis.probe_helper`, not a multiprocessing
    child: it never imports the caller's script, which would run the check again."""
    script = tmp_path / "check.py"
    script.write_text(
        "import dslint\n"
        "from dslint.analysis import probe_helper\n"
        "probe_helper.HELPER_FROM = 1\n"
        "print('started')\n"
        f"report = dslint.check({str(IDENTICAL)!r}, use_cache=False, select=['S'])\n"
        "print(report.datasets[0].probe['beside_the_rules'], report.findings[0].rule_id)\n"
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert result.stdout.splitlines() == ["started", "True S001"], result.stderr


def test_beyond_probe_samples_a_stratified_subsample_and_the_reports_say_so() -> None:
    report = dslint.check(PLANTED, use_cache=False, select=["S005"], probe_samples=100)
    assert (report.datasets[0].probe["samples"], report.datasets[0].probe["labelled"]) == (
        100,
        125,
    )
    (finding,) = report.findings
    assert finding.message.startswith(
        "3 samples look like another class to the probe (among the 100 of 125 labelled "
        "samples it looked at; --probe-samples to look at more): "
    )
    text = run_cli("check", PLANTED, "--no-cache", "--probe-samples", "100", probe=True).stdout
    assert "probe: 100 of 125 labelled samples (a stratified subsample; --probe-samples " in (
        " ".join(text.split())
    )


@pytest.mark.parametrize("helper_from", [1, 10**9], ids=["helper", "in-process"])
def test_new_pictures_join_the_cached_features_in_their_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper_from: int
) -> None:
    """A re-check after new pictures came computes only theirs, and the verdict is the
    one a check without the cache gives."""
    from PIL import Image, ImageOps

    monkeypatch.setattr(probe_helper, "HELPER_FROM", helper_from)
    data = tmp_path / "data"
    shutil.copytree(PLANTED, data)
    cache = tmp_path / "cache"
    dslint.check(data, cache_dir=cache, select=["S"])
    for picture in sorted((data / "train/square").glob("*.png"))[:10]:
        ImageOps.mirror(Image.open(picture)).save(picture.with_name(f"new-{picture.name}"))
    again = dslint.check(data, cache_dir=cache, select=["S"]).datasets[0].probe
    fresh = dslint.check(data, use_cache=False, select=["S"]).datasets[0].probe
    probe_helper.stop()
    assert (again["features_computed"], again["features_from_cache"]) == (10, 125)
    assert again["beside_the_rules"] == (helper_from == 1)
    assert again["confusion"] == fresh["confusion"]


def test_computed_features_go_where_the_cache_had_none() -> None:
    from dslint.analysis.probe_compute import Work, _merged

    known = np.array([[1.0], [3.0]], np.float32)
    work = Work(
        np.zeros((2, 32, 32, 3), np.uint8), known, [1, 2], np.zeros(4, int), {}, 2, b"", "cpu"
    )
    computed = np.array([[2.0], [2.5]], np.float32)
    assert _merged(work, computed).ravel().tolist() == [1.0, 2.0, 2.5, 3.0]
