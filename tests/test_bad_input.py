"""Bad input gets a finding or a one-line error, the rest is still checked, and
nothing under the dataset is ever written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import dslint
from tests.conftest import FIXTURES, tree_digest
from tests.helpers import class_folders, image, json_report, run_cli


def test_non_utf8_and_very_long_file_names_are_checked_and_printable(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 2, "dog": 2}})
    folder = os.fsencode(data / "train/cat")
    with open(os.path.join(folder, b"caf\xe9.png"), "wb") as handle:
        handle.write(b"not a png")
    image(data / "train/dog" / ("d" * 240 + ".png"))
    result = run_cli("check", data, "--no-cache", "--select", "F")
    assert result.returncode == 1, result.stderr
    assert "train/cat/caf\ufffd.png cannot be decoded" in result.stdout
    report = json_report(data, "--no-cache", "--select", "F")
    assert [f["paths"] for f in report["findings"]] == [["train/cat/caf\ufffd.png"]]
    assert report["datasets"][0]["splits"] == {"train": {"cat": 3, "dog": 3}}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_a_finding_and_the_rest_is_checked(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 2}})
    locked = data / "train/cat/0.png"
    locked.chmod(0)
    try:
        report = dslint.check(data, use_cache=False)
    finally:
        locked.chmod(0o644)
    assert [(f.rule_id, f.message) for f in report.findings] == [
        ("F001", "train/cat/0.png cannot be decoded: cannot be read: Permission denied")
    ]


def test_a_dataset_of_one_file(tmp_path: Path) -> None:
    image(tmp_path / "data/cat/only.png")
    report = dslint.check(tmp_path / "data", use_cache=False)
    assert [f.rule_id for f in report.findings] == ["L003", "B003", "B005"]


def test_every_byte_under_the_fixtures_is_unchanged_after_checking_them(tmp_path: Path) -> None:
    """Run the CLI on every fixture, from inside a dataset too (where the default cache
    folder would lie inside it; test_cache runs from a split folder), and compare hashes
    and mtimes of the whole tree."""
    before = tree_digest(FIXTURES)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    every = sorted(FIXTURES.glob("*/*/data"))
    for cwd in (tmp_path, every[0]):
        result = run_cli("check", *every, "--format", "json", cwd=cwd, env=env)
        assert result.returncode == 1, result.stderr
        assert len(json.loads(result.stdout)["datasets"]) == len(every)
    assert tree_digest(FIXTURES) == before
