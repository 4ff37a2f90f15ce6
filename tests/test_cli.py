"""The command line: exit codes, formats, selection, and one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tests.helpers import class_folders, json_report, rules_of, run_cli

HEART = FIXTURES / "L001-binary-label-values/fail-pm1-manifest/data"
TRUNCATED = FIXTURES / "F001-unreadable-file/fail-truncated-image/data"


def test_clean_dataset_exits_0_and_says_so(tmp_path: Path) -> None:
    data = class_folders(
        tmp_path / "data", {"train": {"cat": 3, "dog": 3}, "val": {"cat": 2, "dog": 2}}
    )
    result = run_cli("check", data, "--no-cache", "--select", "F,L")
    assert result.returncode == 0, result.stderr
    assert "class folders in split folders" in result.stdout
    assert "0 errors, 0 warnings, 0 info" in result.stdout


def test_errors_exit_1_and_the_text_report_names_rule_file_and_fix(tmp_path: Path) -> None:
    result = run_cli("check", TRUNCATED, "--cache-dir", tmp_path)
    assert result.returncode == 1
    assert "F001 unreadable-file error ×3" in result.stdout
    assert "train/dog/empty.png cannot be decoded: empty file (0 bytes)" in result.stdout
    assert "fix: Re-download or re-export the file" in result.stdout
    assert result.stderr == ""


def test_the_text_report_lists_a_single_file_the_message_does_not_name(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 2, "dog": 2}})
    (data / "train/cat/.DS_Store").write_bytes(b"\0\0\0\1Bud1")
    result = run_cli("check", data, "--no-cache", "--select", "F002")
    finding = result.stdout.split("F002 stray-file warning\n")[1].splitlines()
    assert finding[:2] == [
        "  • 1 file in class folders is not data: .DS_Store ×1",
        "    files: train/cat/.DS_Store",
    ]


def test_tables_in_class_folders_are_to_be_moved_not_deleted(tmp_path: Path) -> None:
    """GTSRB keeps an annotation table in each class folder (`00014/GT-00014.csv`): the
    fix moves them, or has the loader skip them, where litter is deleted."""
    data = class_folders(tmp_path / "data", {"train": {"cat": 2, "dog": 2}})
    for name in ("cat", "dog"):
        (data / f"train/{name}/GT-{name}.csv").write_text("Filename;ClassId\n")
    finding = run_cli("check", data, "--no-cache", "--select", "F002").stdout
    assert "2 files in class folders are not data: *.csv ×2" in finding
    assert "fix: Move these notes and tables out of the class and split folders" in finding
    assert "find DATA -name .DS_Store -delete" not in finding


def test_warnings_alone_exit_0_unless_fail_on_warning(tmp_path: Path) -> None:
    assert run_cli("check", HEART, "--cache-dir", tmp_path).returncode == 0
    assert run_cli("check", HEART, "--cache-dir", tmp_path, "--fail-on", "warning").returncode == 1
    assert (
        run_cli("check", TRUNCATED, "--cache-dir", tmp_path, "--fail-on", "never").returncode == 0
    )


def test_json_report_carries_schema_summary_findings_and_timing(tmp_path: Path) -> None:
    report = json_report(HEART, "--cache-dir", tmp_path, "--select", "L")
    assert report["schema_version"] == 1
    assert report["tool"]["name"] == "dslint"
    (dataset,) = report["datasets"]
    assert dataset["layout"] == "manifest REFERENCE.csv (header-less name,label)"
    assert dataset["splits"] == {"train": {"-1": 6, "1": 4}}
    (finding,) = report["findings"]
    assert finding["rule"] == "L001" and finding["severity"] == "warning"
    assert finding["paths"] == ["REFERENCE.csv"]
    assert finding["evidence"]["values"] == [-1, 1]
    assert finding["evidence"]["counts"] == {"train": {"-1": 6, "1": 4}}
    assert report["summary"] == {"error": 0, "warning": 1, "info": 0}
    assert report["scan"]["files"] == 10
    assert report["timing"]["total_s"] >= report["timing"]["scan_s"] >= 0


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli(
        "check",
        HEART,
        "--cache-dir",
        tmp_path,
        "--format",
        "json",
        "--output",
        out,
        "--select",
        "L",
    )
    assert result.stdout == ""
    assert json.loads(out.read_text())["findings"][0]["rule"] == "L001"


def test_select_and_ignore_take_ids_prefixes_and_names(tmp_path: Path) -> None:
    assert rules_of(json_report(TRUNCATED, "--cache-dir", tmp_path, "--select", "L")) == []
    assert (
        rules_of(
            json_report(
                TRUNCATED, "--cache-dir", tmp_path, "--select", "F", "--ignore", "unreadable-file"
            )
        )
        == []
    )
    assert (
        rules_of(json_report(TRUNCATED, "--cache-dir", tmp_path, "--select", "F001,L001"))
        == ["F001"] * 3
    )


def test_input_errors_exit_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    bad_manifest = tmp_path / "m.csv"
    bad_manifest.write_text("path,weight\na.png,3\n")
    cases = [
        (["check", tmp_path / "missing"], "does not exist"),
        (["check", empty], "no dataset found"),
        (["check", bad_manifest], "no label column among path, weight"),
        (["check", HEART, "--format", "xml"], "--format must be one of text, json"),
        (["check", HEART, "--fail-on", "sometimes"], "--fail-on must be one of"),
        (["rule", "Z999"], "no rule 'Z999'"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_rules_lists_every_rule_and_rule_prints_its_documentation() -> None:
    listing = run_cli("rules").stdout
    for rule_id in ("F001", "F006", "L001", "L006"):
        assert rule_id in listing
    doc = run_cli("rule", "L001").stdout
    assert doc.startswith("L001 binary-label-values (warning)")
    for section in ("What it catches:", "Why it matters:", "Example:", "How to fix:"):
        assert section in doc
    assert run_cli("rule", "binary-label-values").stdout == doc


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["check", "--bogus"],
            "No such option: --bogus (Possible options: --jobs) (see `dslint check --help`)",
        ),
        (["chek"], "No such command 'chek'. Did you mean 'check'? (see `dslint --help`)"),
        (
            ["check", "x", "--jobs", "0"],
            "Invalid value for '--jobs': Input should be greater than or equal to 1 "
            "(see `dslint check --help`)",
        ),
        (["rule"], "Missing argument 'rule_id' (see `dslint rule --help`)"),
    ],
    ids=["unknown option", "unknown command", "bad value", "missing argument"],
)
def test_click_usage_errors_are_one_line_too(args: list[str], line: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"dslint: error: {line}\n"


def test_check_help_names_every_option_format_and_fail_on_level() -> None:
    import typer

    from dslint.cli import app
    from dslint.gate.config import FAIL_ON
    from dslint.reporters import FORMATS

    result = run_cli("check", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())  # help wraps lines at the terminal's width
    (check,) = [c for c in typer.main.get_command(app).commands.values() if c.name == "check"]
    for option in (o for p in check.params for o in p.opts if o.startswith("--")):
        assert option in text, option
    assert f"Report format: {', '.join(FORMATS)}." in text
    assert f"fails the check: {', '.join(FAIL_ON)}" in text
    assert "(pip install s3fs)" in text


def test_install_hints_name_the_packages_the_extras_bring() -> None:
    from dslint.extras import EXTRAS
    from dslint.gate.config import tomllib

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    declared = {name: deps for name, deps in extras.items() if name != "test"}
    assert set(EXTRAS) == set(declared)
    for extra, package in EXTRAS.items():
        assert [re.split(r"[<>=]", dep)[0] for dep in declared[extra]] == [package]


def test_the_class_table_groups_thousands_as_every_other_count(tmp_path: Path) -> None:
    import numpy as np

    data = tmp_path / "data"
    data.mkdir()
    np.save(data / "x_train.npy", np.zeros((1500, 4, 4), np.uint8))
    np.save(data / "y_train.npy", np.array([0] * 1200 + [1] * 300))
    result = run_cli("check", data, "--no-cache", "--select", "L")
    assert re.search(r"^train\s+1,200\s+300\s+1,500$", result.stdout, re.MULTILINE), result.stdout
