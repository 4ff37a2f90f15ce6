"""Datasets by URL: `dslint check s3://…` through the real s3fs client against moto's
S3-compatible server on loopback. Findings equal a local run's on the same files; the
cache is keyed by URL and ETag, so an unchanged object is never read twice and a
changed one is read again."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import s3fs

import dslint
from dslint.errors import DslintError
from tests.helpers import image, run_cli

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SECRET = "s3cr3t-never-printed"
CASES = [
    "D001-split-leakage-exact/fail-copied-val-images",
    "D002-split-leakage-near/fail-edited-copies-in-val",
    "F001-unreadable-file/fail-truncated-image",
    "F002-stray-file/fail-ds-store",
    "L001-binary-label-values/fail-pm1-manifest",
    "A001-sample-rate-mismatch/fail-mixed-rates",
]


@pytest.fixture(scope="module")
def s3() -> Iterator[s3fs.S3FileSystem]:
    """moto's standalone server on a free loopback port, and the environment an S3
    user would set: credentials and the endpoint. Every case is uploaded once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    saved = dict(os.environ)
    os.environ.update(
        AWS_ACCESS_KEY_ID="dslint-test",
        AWS_SECRET_ACCESS_KEY=SECRET,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
    )
    try:
        _wait_for(port)
        fs = s3fs.S3FileSystem(skip_instance_cache=True)
        fs.mkdir("data")
        for case in CASES:
            fs.put(f"{FIXTURES / case / 'data'}/", f"data/{case}", recursive=True)
        yield fs
    finally:
        server.terminate()
        server.wait()
        os.environ.clear()
        os.environ.update(saved)


def _wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto server did not start")


def _findings(report: dslint.Report) -> list[dict]:
    return [{k: v for k, v in f.to_dict().items() if k != "dataset"} for f in report.findings]


@pytest.mark.parametrize("case", CASES)
def test_a_dataset_on_s3_gets_the_findings_of_the_same_files_on_disk(
    case: str, s3: s3fs.S3FileSystem
) -> None:
    local = dslint.check(FIXTURES / case / "data", use_cache=False, probe=False, jobs=1)
    remote = dslint.check(f"s3://data/{case}", use_cache=False, probe=False, jobs=1)
    assert local.findings, "each case has findings to compare"
    assert _findings(remote) == _findings(local)
    assert remote.datasets[0].path == f"s3://data/{case}"
    assert remote.datasets[0].layout == local.datasets[0].layout


def test_unchanged_objects_come_from_the_cache_and_a_changed_one_is_read_again(
    s3: s3fs.S3FileSystem, tmp_path: Path
) -> None:
    s3.put(f"{FIXTURES / CASES[0] / 'data'}/", "data/editable", recursive=True)
    url, cache = "s3://data/editable", tmp_path / "cache"
    first = dslint.check(url, cache_dir=cache, probe=False)
    second = dslint.check(url, cache_dir=cache, probe=False)
    assert (first.scan["from_cache"], second.scan["from_cache"]) == (0, first.scan["files"])
    assert _findings(second) == _findings(first)

    leaked = sorted(path for f in first.findings if f.rule_id == "D001" for path in f.paths)
    assert leaked, "the case has a cross-split copy to edit away"
    replacement = image(tmp_path / "new.png", seed=999, shape="triangle")
    s3.put(str(replacement), f"data/editable/{leaked[-1]}")
    third = dslint.check(url, cache_dir=cache, probe=False)
    assert third.scan["from_cache"] == first.scan["files"] - 1
    assert leaked[-1] not in {p for f in third.findings if f.rule_id == "D001" for p in f.paths}


def test_the_cli_checks_a_bucket_and_prints_no_credentials(
    s3: s3fs.S3FileSystem, tmp_path: Path
) -> None:
    url = f"s3://data/{CASES[0]}"
    result = run_cli("check", url, "--no-probe", "--cache-dir", tmp_path / "cache")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(url)
    assert "D001" in result.stdout
    as_json = run_cli("check", url, "--no-probe", "--format", "json", "--no-cache")
    assert json.loads(as_json.stdout)["datasets"][0]["path"] == url
    missing = run_cli("check", "s3://data/no-such-folder", "--no-cache")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "dslint: error: path s3://data/no-such-folder does not exist"
    everything = [result.stdout, result.stderr, as_json.stdout, missing.stderr]
    everything.extend(p.read_bytes().decode("latin-1") for p in (tmp_path / "cache").iterdir())
    assert not [text for text in everything if SECRET in text]


def test_a_store_refusing_access_is_a_one_line_error(s3: s3fs.S3FileSystem) -> None:
    result = run_cli(
        "check",
        "s3://no-such-bucket/data",
        "--no-cache",
        env={"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("dslint: error: cannot list s3://no-such-bucket/data: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert SECRET not in result.stderr


def test_arrays_by_url_are_refused_with_the_way_out(s3: s3fs.S3FileSystem, tmp_path: Path) -> None:
    s3.pipe(
        "data/arrays/x_train.npy",
        (
            FIXTURES / "D001-split-leakage-exact/fail-repeated-array-rows/data/x_train.npy"
        ).read_bytes(),
    )
    with pytest.raises(DslintError, match="copy the arrays to a local folder"):
        dslint.check("s3://data/arrays", use_cache=False, probe=False)


def test_a_bucket_is_scanned_on_dask_workers_without_a_shared_file_system(
    s3: s3fs.S3FileSystem,
) -> None:
    distributed = pytest.importorskip("distributed")
    url = f"s3://data/{CASES[1]}"
    local = dslint.check(url, use_cache=False, probe=False, jobs=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = dslint.check(
            url, use_cache=False, probe=False, executor="dask", scheduler=cluster.scheduler_address
        )
        assert "scan_columns" in cluster.scheduler.task_prefixes
    assert _findings(on_dask) == _findings(local)


def test_the_html_report_of_a_bucket_shows_its_pictures(
    s3: s3fs.S3FileSystem, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    url = f"s3://data/{CASES[1]}"
    result = run_cli(
        "check", url, "--no-probe", "--no-cache", "--format", "html", "--output", report
    )
    assert result.returncode in (0, 1), result.stderr
    html = report.read_text(encoding="utf-8")
    # the near-duplicate groups of the fixture, as pictures read from the store
    assert html.count("<img class='thumb'") == 8
    assert "not shown" not in html and "cannot be shown" not in html


def test_fix_and_split_read_a_bucket_and_write_locally(
    s3: s3fs.S3FileSystem, tmp_path: Path
) -> None:
    url = "s3://data/D001-split-leakage-exact/fail-copied-val-images"
    listed = sorted(s3.find(url))
    plan = dslint.fix(url, tmp_path / "fixed", cache_dir=tmp_path / "cache")
    assert [c.target for c in plan.changes] == ["val/cat/copy.png", "val/dog/resaved.png"]
    fixed = dslint.check(tmp_path / "fixed", use_cache=False, probe=False, select="D001")
    assert fixed.findings == []
    dslint.split(url, tmp_path / "resplit", val=0.3, test=0.0, cache_dir=tmp_path / "cache")
    resplit = dslint.check(tmp_path / "resplit", use_cache=False, probe=False, select="D001,D002")
    assert resplit.findings == []
    assert resplit.datasets[0].samples == 14
    assert sorted(s3.find(url)) == listed  # nothing written to the bucket
