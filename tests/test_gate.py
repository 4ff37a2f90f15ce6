"""A CI gate that cannot pass by mistake: a typo in a selector, an empty dataset or a
crashing rule is exit 2, never a green "0 errors"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dslint
from dslint.errors import DslintError
from tests.conftest import FIXTURES
from tests.helpers import image, json_report, run_cli

LEAK = FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"
TRUNCATED = FIXTURES / "F001-unreadable-file/fail-truncated-image/data"

CRASHING_RULE = '''
from dslint.engine import Rule


class Crashes(Rule):
    """Always raises.

    What it catches:
        Nothing: it crashes.

    Why it matters:
        A crashed rule found nothing, which is not the same as finding nothing.

    Example:
        none.

    How to fix:
        Report it.
    """

    id = "X900"
    name = "always-crashes"
    summary = "raises on every dataset"
    default_severity = "error"

    def check(self, ctx):
        raise ZeroDivisionError("division by zero")
        yield
'''


def plugin_env(tmp_path: Path, module: str, source: str) -> dict[str, str]:
    """PYTHONPATH for a rule pack registered through real installed metadata (a
    dist-info folder with its entry point), without running pip."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / f"{module}.py").write_text(source)
    info = tmp_path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Name: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[dslint.rules]\n{module} = {module}\n")
    return {"PYTHONPATH": str(tmp_path)}


@pytest.mark.parametrize(
    ("option", "selector", "hint"),
    [
        ("--select", "F01", "(did you mean F001, T010, T001?)"),
        ("--select", "D9", "(did you mean D001, D002, D003, D004, D005?)"),
        ("--ignore", "stray-fil", "(did you mean stray-file?)"),
    ],
)
def test_an_unknown_selector_is_exit_2_naming_the_closest_rules(
    option: str, selector: str, hint: str
) -> None:
    result = run_cli("check", LEAK, "--no-cache", "--no-probe", option, selector)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"dslint: error: {option} names {selector!r}, which matches no rule {hint}\n"
    )


def test_the_api_takes_one_selector_string_or_a_list() -> None:
    as_string = dslint.check(LEAK, select="D001", use_cache=False, probe=False)
    as_list = dslint.check(LEAK, select=["D001"], use_cache=False, probe=False)
    comma = dslint.check(LEAK, select="D001,F001", use_cache=False, probe=False)
    assert [f.rule_id for f in as_string.findings] == ["D001"]
    assert as_list.findings == as_string.findings == comma.findings


def test_ignoring_one_rule_by_string_keeps_its_neighbours() -> None:
    report = dslint.check(TRUNCATED, ignore="F002", select="F", use_cache=False, probe=False)
    assert [f.rule_id for f in report.findings] == ["F001", "F001", "F001"]


def test_an_unknown_selector_in_the_api_raises() -> None:
    with pytest.raises(DslintError, match="'F01', which matches no rule"):
        dslint.check(LEAK, select="F01", use_cache=False, probe=False)


def test_split_folders_with_no_files_are_refused_not_passed(tmp_path: Path) -> None:
    (tmp_path / "data/train").mkdir(parents=True)
    (tmp_path / "data/val").mkdir()
    result = run_cli("check", tmp_path / "data", "--no-cache")
    assert result.returncode == 2
    assert result.stderr == (
        f"dslint: error: no labelled samples in {tmp_path / 'data'} "
        "(class folders in split folders): no data files\n"
    )


def test_a_manifest_whose_files_are_all_missing_is_refused(tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text("path,label\na.png,0\nb.png,1\n")
    result = run_cli("check", tmp_path / "labels.csv", "--no-cache")
    assert result.returncode == 2
    assert "no labelled samples in" in result.stderr
    assert "2 manifest rows name files that do not exist (first: a.png)" in result.stderr


def test_a_crashing_rule_is_exit_2_apart_from_findings_and_never_baselined(
    tmp_path: Path,
) -> None:
    env = plugin_env(tmp_path / "site", "crashing_pack", CRASHING_RULE)
    crash = (
        f"dslint: error: rule X900 (always-crashes) crashed on {LEAK}: ZeroDivisionError: "
        "division by zero; its findings are missing, the other rules ran (please report this)\n"
    )
    args = ("check", LEAK, "--no-cache", "--no-probe", "--select", "D001,X900")
    result = run_cli(*args, "--format", "json", env=env)
    assert result.returncode == 2
    assert result.stderr == crash
    report = json.loads(result.stdout)
    assert [f["rule"] for f in report["findings"]] == ["D001"]
    assert [c["rule_id"] for c in report["crashes"]] == ["X900"]

    baseline = tmp_path / "baseline.json"
    written = run_cli(*args, "--write-baseline", baseline, env=env)
    assert written.returncode == 2
    entries = json.loads(baseline.read_text())["findings"]
    assert [e["rule"] for e in entries] == ["D001"]
    again = run_cli(*args, "--baseline", baseline, "--fail-on", "never", env=env)
    assert again.returncode == 2
    assert again.stderr == crash


def test_sarif_says_the_run_failed_when_a_rule_crashed(tmp_path: Path) -> None:
    env = plugin_env(tmp_path / "site", "crashing_pack", CRASHING_RULE)
    result = run_cli(
        "check", LEAK, "--no-cache", "--no-probe", "--select", "X900", "--format", "sarif", env=env
    )
    (invocation,) = json.loads(result.stdout)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert [n["descriptor"]["id"] for n in invocation["toolExecutionNotifications"]] == ["X900"]


def test_pictures_in_split_folders_without_class_folders_are_refused_with_how_to_label(
    tmp_path: Path,
) -> None:
    """As cats-dogs-bench ships them: test/cat.123.jpg, no class folders."""
    for name in ("cat.1.jpg", "dog.2.jpg"):
        image(tmp_path / "data/test" / name)
    result = run_cli("check", tmp_path / "data", "--no-cache")
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"dslint: error: no labelled samples in {tmp_path / 'data'} (class folders in split "
        "folders): 2 data files outside any class folder, so without a label (first: "
        "test/cat.1.jpg): put each class in a folder of its own"
    )
    flat = run_cli("check", tmp_path / "data/test", "--no-cache")
    assert flat.returncode == 2
    assert flat.stderr.startswith(
        f"dslint: error: 2 data files in {tmp_path / 'data/test'} (first: cat.1.jpg) but no "
        "class folders, so no labels: put each class in a folder of its own"
    )


def test_a_copy_of_a_training_image_in_an_unlabelled_test_folder_is_a_leak() -> None:
    """Kaggle's layout: labels.csv names train/<id>.jpg; test/ has no labels, and one
    of its pictures is a training picture."""
    data = Path(__file__).resolve().parent.parent / "fixtures/_layouts/kaggle-dog-breeds/data"
    report = json_report(data, "--no-cache", "--select", "D001")
    (leak,) = report["findings"]
    assert leak["message"] == (
        "1 of 4 unlabelled test samples (25.0 %) also appear in train: "
        "train/dog01-img.jpg = test/t9.jpg (identical bytes)"
    )
    assert report["datasets"][0]["splits"] == {"train": {"bird": 4, "cat": 4, "dog": 4}}
