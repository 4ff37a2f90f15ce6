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


def test_git_lfs_pointers_are_named_as_such_with_what_was_never_fetched(tmp_path: Path) -> None:
    from dslint.model.lfs import pointer_size
    from fixtures.generate import lfs_pointer

    assert pointer_size(lfs_pointer("a.png", 48_213).encode()) == 48_213
    legacy = lfs_pointer("a.wav", 7).replace("git-lfs.github.com", "hawser.github.com")
    assert pointer_size(legacy.encode()) == 7
    assert pointer_size(b"version 2\nsize 12\n") is None  # text, not a pointer
    assert pointer_size(lfs_pointer("a.png", 5).encode() + b"x" * 2000) is None  # too long
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    (data / "train/cat/cat0.png").write_text(lfs_pointer("cat0", 1_000))
    (data / "train/dog/dog2.png").write_text(lfs_pointer("dog2", 234))
    (data / "labels.csv").write_text(lfs_pointer("labels", 5_000_000))
    result = run_cli("check", data, "--no-cache", "--select", "F")
    assert result.returncode == 1, result.stderr
    assert (
        "2 files are Git LFS pointers, not their content: train/cat/cat0.png, train/dog/dog2.png; "
        "the 1,234 bytes they stand for were never fetched"
    ) in result.stdout
    assert "cannot be decoded" not in result.stdout  # one finding for them all
    assert "labels.csv was not used as a manifest: it is a Git LFS pointer; the 5,000,000" in (
        result.stdout
    )
    asked = run_cli("check", data, "--no-cache", "--manifest", data / "labels.csv")
    assert asked.returncode == 2
    assert asked.stderr.startswith(f"dslint: error: manifest {data / 'labels.csv'}: it is a Git")


def test_fix_leaves_git_lfs_pointers_to_be_fetched_rather_than_dropping_them(
    tmp_path: Path,
) -> None:
    from fixtures.generate import lfs_pointer

    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    (data / "train/cat/cat0.png").write_text(lfs_pointer("cat0", 1_000))
    result = run_cli("fix", data, "--out", tmp_path / "fixed")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fixed/train/cat/cat0.png").read_text() == lfs_pointer("cat0", 1_000)
    assert "git lfs pull" in result.stdout
