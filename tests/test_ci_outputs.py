"""What CI consumes: SARIF valid against the official 2.1.0 schema, GitHub workflow
annotations, baselines that fail only on new findings, and --since."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tests.helpers import class_folders, json_report, run_cli

SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"  # OASIS's official schema
LEAK = FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"


@pytest.mark.parametrize(
    "case",
    [
        LEAK,
        FIXTURES / "F001-unreadable-file/fail-truncated-image/data",
        FIXTURES / "B005-missing-split/fail-train-only/data",
    ],
    ids=lambda p: p.parent.parent.name,
)
def test_sarif_validates_against_the_official_schema(case: Path, tmp_path: Path) -> None:
    import jsonschema

    result = run_cli("check", case, "--format", "sarif", "--no-cache", cwd=REPO)
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    (run,) = document["runs"]
    report = json_report(case, "--no-cache", cwd=REPO)
    assert [r["ruleId"] for r in run["results"]] == [f["rule"] for f in report["findings"]]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {
        f["rule"] for f in report["findings"]
    }


def test_sarif_maps_a_finding_field_by_field() -> None:
    document = json.loads(
        run_cli(
            "check", LEAK, "--format", "sarif", "--no-cache", "--select", "D001", cwd=REPO
        ).stdout
    )
    (result,) = document["runs"][0]["results"]
    base = LEAK.relative_to(REPO).as_posix()
    assert result["level"] == "error"
    assert result["message"]["text"].startswith("2 of 6 val samples (33.3 %) also appear")
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == f"{base}/train/cat/cat0.png"
    )
    assert [
        loc["physicalLocation"]["artifactLocation"]["uri"] for loc in result["relatedLocations"]
    ] == [f"{base}/train/dog/dog1.png", f"{base}/val/cat/copy.png", f"{base}/val/dog/resaved.png"]
    assert result["properties"]["split"] == "val"
    assert result["properties"]["evidence"]["leaked"] == 2


def test_github_format_writes_one_annotation_per_finding() -> None:
    lines = run_cli("check", LEAK, "--format", "github", "--no-cache", cwd=REPO).stdout.splitlines()
    base = LEAK.relative_to(REPO).as_posix()
    assert lines[0].startswith(
        f"::error file={base}/train/cat/cat0.png,"
        f"title=D001 split-leakage-exact::2 of 6 val samples (33.3 %25)"
    )
    assert lines[1].startswith(f"::warning file={base},title=B003 too-few-samples::")
    assert lines[-1] == "dslint: 1 errors, 2 warnings, 0 info"


def test_baseline_fails_only_on_new_findings(tmp_path: Path) -> None:
    data = class_folders(
        tmp_path / "data", {"train": {"cat": 12, "dog": 12}, "val": {"cat": 6, "dog": 6}}
    )
    shutil.copyfile(data / "train/cat/0.png", data / "val/cat/old-leak.png")
    baseline = tmp_path / "baseline.json"
    written = run_cli("check", data, "--no-cache", "--write-baseline", baseline)
    assert written.returncode == 0
    assert run_cli("check", data, "--no-cache", "--baseline", baseline).returncode == 0
    report = json_report(data, "--no-cache", "--baseline", baseline)
    assert report["findings"] == [] and report["suppressed"]["baseline"] >= 1

    (data / "val/dog/broken.png").write_bytes(b"\x89PNG\r\n")
    result = run_cli("check", data, "--no-cache", "--baseline", baseline, "--format", "json")
    assert result.returncode == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["F001"]


def test_baseline_matching_ignores_the_order_of_paths(tmp_path: Path) -> None:
    from dslint.engine import Finding
    from dslint.gate.baseline import finding_units

    a = Finding("F002", "stray-file", "info", "m", paths=("b.txt", "a.txt"))
    b = Finding("F002", "stray-file", "info", "other words", paths=("a.txt", "b.txt"))
    assert finding_units(a) == finding_units(b) == [["a.txt"], ["b.txt"]]


def test_a_new_leak_is_reported_alone_and_the_baselined_leaks_stay_silenced(
    tmp_path: Path,
) -> None:
    data = class_folders(
        tmp_path / "data", {"train": {"cat": 12, "dog": 12}, "val": {"cat": 6, "dog": 6}}
    )
    shutil.copyfile(data / "train/cat/0.png", data / "val/cat/old-leak.png")
    baseline = tmp_path / "baseline.json"
    args = ("--no-cache", "--no-probe", "--select", "D001")
    assert run_cli("check", data, *args, "--write-baseline", baseline).returncode == 0

    shutil.copyfile(data / "train/dog/3.png", data / "val/dog/new-leak.png")
    (finding,) = json_report(data, *args, "--baseline", baseline)["findings"]
    assert finding["paths"] == ["train/dog/3.png", "val/dog/new-leak.png"]
    assert finding["message"].endswith("[1 of 2 groups new since the baseline]")
    assert [g["samples"] for g in finding["evidence"]["groups"]] == [
        ["train/dog/3.png", "val/dog/new-leak.png"]
    ]


def test_a_new_member_of_a_baselined_group_makes_that_group_new(tmp_path: Path) -> None:
    data = class_folders(
        tmp_path / "data", {"train": {"cat": 12, "dog": 12}, "val": {"cat": 6, "dog": 6}}
    )
    shutil.copyfile(data / "train/cat/0.png", data / "val/cat/old-leak.png")
    baseline = tmp_path / "baseline.json"
    args = ("--no-cache", "--no-probe", "--select", "D001")
    run_cli("check", data, *args, "--write-baseline", baseline)
    shutil.copyfile(data / "train/cat/0.png", data / "val/cat/second-copy.png")
    result = run_cli("check", data, *args, "--baseline", baseline, "--format", "json")
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["paths"] == [
        "train/cat/0.png",
        "val/cat/old-leak.png",
        "val/cat/second-copy.png",
    ]


def test_a_baselined_array_leak_does_not_hide_a_new_leaked_row(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 255, (40, 8, 8), dtype=np.uint8)
    x_val = rng.integers(0, 255, (10, 8, 8), dtype=np.uint8)
    x_val[0] = x_train[0]
    for name, array in {
        "x_train": x_train,
        "y_train": np.arange(40) % 2,
        "x_val": x_val,
        "y_val": np.arange(10) % 2,
    }.items():
        np.save(tmp_path / f"{name}.npy", array)
    baseline = tmp_path.parent / f"{tmp_path.name}-baseline.json"
    args = ("--no-cache", "--no-probe", "--select", "D001")
    run_cli("check", tmp_path, *args, "--write-baseline", baseline)
    assert run_cli("check", tmp_path, *args, "--baseline", baseline).returncode == 0

    x_val[5] = x_train[7]
    np.save(tmp_path / "x_val.npy", x_val)
    result = run_cli("check", tmp_path, *args, "--baseline", baseline, "--format", "json")
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert [g["samples"] for g in finding["evidence"]["groups"]] == [
        ["x_train.npy[7]", "x_val.npy[5]"]
    ]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@e",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@e",
        },
    )


def test_since_reports_only_findings_that_involve_changed_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    data = class_folders(
        repo / "data", {"train": {"cat": 12, "dog": 12}, "val": {"cat": 6, "dog": 6}}
    )
    (data / "train/cat/old-broken.png").write_bytes(b"not a png")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "start")
    shutil.copyfile(data / "train/dog/3.png", data / "val/dog/new.png")

    report = json_report(data, "--no-cache", "--since", "HEAD", "--select", "F001,D001")
    assert [(f["rule"], f["paths"]) for f in report["findings"]] == [
        ("D001", ["train/dog/3.png", "val/dog/new.png"])
    ]
    assert report["suppressed"]["since"] == 1
    everything = json_report(data, "--no-cache", "--select", "F001,D001")
    assert sorted(f["rule"] for f in everything["findings"]) == ["D001", "F001"]


def test_since_outside_git_or_with_a_bad_ref_is_a_one_line_error(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 2}})
    result = run_cli("check", data, "--no-cache", "--since", "HEAD")
    assert result.returncode == 2 and "needs a git repository" in result.stderr
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "x")
    result = run_cli("check", data, "--no-cache", "--since", "no-such-ref")
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"dslint: error: --since: 'no-such-ref' is not a commit "
        f"in {tmp_path.resolve()}"
    )


def test_a_baseline_records_and_matches_suspect_labels_file_by_file(tmp_path: Path) -> None:
    """S005's evidence lists records, not names: the finding is matched by its files."""
    data = FIXTURES / "S005-suspect-label/fail-planted-mislabels/data"
    baseline = tmp_path / "baseline.json"
    args = ("--cache-dir", tmp_path / "cache", "--select", "S005")
    written = run_cli("check", data, *args, "--write-baseline", baseline, probe=True)
    assert written.returncode == 0, written.stderr
    (entry,) = json.loads(baseline.read_text())["findings"]
    assert all(len(unit) == 1 for unit in entry["units"])
    assert json_report(data, *args, "--baseline", baseline, probe=True)["findings"] == []
