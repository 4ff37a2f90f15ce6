"""`--executor dask`: the scan pass runs as tasks on a real `dask.distributed` cluster
of two worker processes and gives the same findings, in the same order, as a local
run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import dslint
from dslint.errors import DslintError

distributed = pytest.importorskip("distributed")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MIXED = [
    "D002-split-leakage-near/fail-edited-copies-in-val",
    "F001-unreadable-file/fail-truncated-image",
    "F001-unreadable-file/fail-broken-audio",
    "A001-sample-rate-mismatch/fail-mixed-rates",
    "N001-split-range-mismatch/fail-test-0-255",
]


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local_cluster:
        yield local_cluster


@pytest.mark.parametrize("case", MIXED)
def test_a_dask_run_finds_what_a_local_run_finds(
    case: str, cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    data = FIXTURES / case / "data"
    local = dslint.check(data, use_cache=False, probe=False, jobs=1)
    on_dask = dslint.check(
        data, use_cache=False, probe=False, executor="dask", scheduler=cluster.scheduler_address
    )
    assert local.findings, "each case has findings to compare"
    assert [f.to_dict() for f in on_dask.findings] == [f.to_dict() for f in local.findings]
    assert "scan_columns" in cluster.scheduler.task_prefixes


def test_files_scanned_on_dask_are_cached_like_local_ones(
    cluster: distributed.LocalCluster, tmp_path: Path
) -> None:
    data = FIXTURES / "F001-unreadable-file/fail-truncated-image/data"
    address = cluster.scheduler_address
    first = dslint.check(
        data, cache_dir=tmp_path / "cache", probe=False, executor="dask", scheduler=address
    )
    second = dslint.check(data, cache_dir=tmp_path / "cache", probe=False)
    assert first.scan["from_cache"] == 0
    assert second.scan["from_cache"] == second.scan["files"] > 0
    assert second.findings == first.findings


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path: Path) -> None:
    data = FIXTURES / "F001-unreadable-file/pass-clean-images/data"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "dslint", "check", str(data), "--no-cache", "--no-probe"),
            *("--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("dslint: error: cannot reach the Dask scheduler at tcp://")
    assert "Traceback" not in run.stderr


def test_an_unknown_executor_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DslintError, match="--executor must be local or dask"):
        dslint.check(tmp_path, executor="spark")


def test_without_dask_installed_the_error_says_how_to_install_it() -> None:
    data = FIXTURES / "F001-unreadable-file/pass-clean-images/data"
    hide_dask = "import sys; sys.modules['distributed'] = None; from dslint.cli import main; main()"
    run = subprocess.run(
        [
            *(sys.executable, "-c", hide_dask, "check", str(data)),
            *("--no-cache", "--no-probe", "--executor", "dask"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr == "dslint: error: --executor dask needs Dask: pip install distributed\n"
