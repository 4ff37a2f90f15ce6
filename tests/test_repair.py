"""`dslint fix` and `dslint split`: a repaired copy whose check no longer shows what was
fixed, a split in which nothing leaks, and the original never touched."""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import dslint
from tests.conftest import FIXTURES, REPO
from tests.helpers import run_cli

# fixture -> (the rule it fixes, the changes expected: fix, action, target)
ROUND_TRIPS = {
    "D001-split-leakage-exact/fail-copied-val-images": (
        "D001",
        [
            ("drop-leaked", "drop file", "val/cat/copy.png"),
            ("drop-leaked", "drop file", "val/dog/resaved.png"),
        ],
    ),
    "D001-split-leakage-exact/fail-repeated-array-rows": (
        "D001",
        [
            ("drop-leaked", "drop row", "x_test.npy[2]"),
            ("drop-leaked", "drop row", "x_test.npy[5]"),
        ],
    ),
    "D002-split-leakage-near/fail-edited-copies-in-val": (
        "D002",
        [
            ("drop-near-leaked", "drop file", f"val/{name}")
            for name in (
                "flower/cropped-03.png",
                "flower/resized-01.png",
                "temple/brightened-02.png",
                "temple/reencoded-00.jpg",
            )
        ],
    ),
    "D004-duplicate-within-split/fail-repeated-train-image": (
        "D004",
        [("drop-duplicates", "drop file", "train/cat/cat2.png")],
    ),
    "D001-split-leakage-exact/fail-retyped-message-in-test": (
        "D001",
        [("drop-leaked", "drop row", "test.csv:2")],
    ),
    "F001-unreadable-file/fail-truncated-image": (
        "F001",
        [
            ("drop-unreadable", "drop file", "train/cat/truncated.jpg"),
            ("drop-unreadable", "drop file", "train/dog/empty.png"),
            ("drop-unreadable", "drop file", "train/dog/notes.jpg"),
        ],
    ),
    "F001-unreadable-file/fail-missing-manifest-file": (
        "F001",
        [("drop-missing-rows", "drop row", "labels.csv:14")],
    ),
    "F002-stray-file/fail-ds-store": (
        "F002",
        [
            ("drop-stray", "drop file", "train/cat-extra.png"),
            ("drop-stray", "drop file", "train/cat/.DS_Store"),
            ("drop-stray", "drop file", "train/dog/Thumbs.db"),
            ("drop-stray", "drop file", "val/dog/notes.txt"),
        ],
    ),
    "F003-stray-class-dir/fail-notebook-checkpoints": (
        "F003",
        [
            ("drop-stray", "drop folder", "train/__MACOSX"),
            ("drop-stray", "drop folder", "train/cat/.ipynb_checkpoints"),
        ],
    ),
}


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file's bytes (digest) and modification time."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _findings(path: Path, rule: str) -> list[dict]:
    result = run_cli("check", path, "--no-cache", "--select", rule, "--format", "json")
    return json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("fixture", sorted(ROUND_TRIPS))
def test_a_fixed_copy_no_longer_shows_the_finding_and_the_original_is_untouched(
    fixture: str, tmp_path: Path
) -> None:
    rule, expected = ROUND_TRIPS[fixture]
    data = FIXTURES / fixture / "data"
    before = _snapshot(data)
    assert _findings(data, rule)
    plan = dslint.fix(data, tmp_path / "fixed", use_cache=False)
    assert [(c.fix, c.action, c.target) for c in plan.changes] == expected
    assert _findings(tmp_path / "fixed", rule) == []
    report = json.loads((tmp_path / "fixed/fix-report.json").read_text())
    assert [c["finding"]["rule"] for c in report["changes"]] == [rule] * len(expected)
    assert _snapshot(data) == before


@pytest.mark.parametrize(
    ("fixture", "mapping"),
    [
        ("L001-binary-label-values/fail-pm1-manifest", {"-1": 0, "1": 1}),
        ("L001-binary-label-values/fail-pm1-arrays-bce", {"-1": 0, "1": 1}),
        ("L002-noncontiguous-labels/fail-one-based", {"1": 0, "2": 1, "3": 2, "4": 3}),
    ],
)
def test_labels_are_mapped_in_the_copied_manifest_or_arrays_with_the_mapping_beside(
    fixture: str, mapping: dict, tmp_path: Path
) -> None:
    data = FIXTURES / fixture / "data"
    rule = fixture[:4]
    plan = dslint.fix(data, tmp_path / "fixed", use_cache=False)
    assert plan.mapping == mapping
    assert _findings(tmp_path / "fixed", rule) == []
    assert [
        json.loads(p.read_text()) for p in (tmp_path / "fixed").rglob("label-mapping.json")
    ] == [mapping]
    original = dslint.check(data, use_cache=False, probe=False).datasets[0].splits
    fixed = dslint.check(tmp_path / "fixed", use_cache=False, probe=False).datasets[0].splits
    for split, counts in original.items():  # the same samples, relabelled
        assert {str(mapping[k]): n for k, n in counts.items()} == fixed[split]


def test_ambiguous_findings_are_listed_with_choices_and_not_changed(tmp_path: Path) -> None:
    data = FIXTURES / "D003-conflicting-labels/fail-near-copy-other-label/data"
    plan = dslint.fix(data, tmp_path / "fixed", use_cache=False)
    assert plan.changes == []
    assert [item["rule"] for item in plan.left] == ["D003"]
    assert "keep one copy with the right label" in plan.left[0]["choices"]
    assert _snapshot(tmp_path / "fixed").keys() - {"fix-report.json"} == _snapshot(data).keys()


def test_a_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    data = FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"
    result = run_cli("fix", data, "--out", tmp_path / "fixed", "--dry-run", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "2 changes (would apply):",
        "  drop-leaked: drop file val/cat/copy.png, val/dog/resaved.png (D001)",
    ]
    assert not (tmp_path / "fixed").exists()


def test_fixes_are_selected_and_ignored_by_name(tmp_path: Path) -> None:
    data = FIXTURES / "F002-stray-file/fail-ds-store/data"
    plan = dslint.fix(data, tmp_path / "a", ignore=["drop-stray"], use_cache=False)
    assert plan.changes == []
    result = run_cli("fix", data, "--out", tmp_path / "b", "--select", "drop-stary", "--no-cache")
    assert result.returncode == 2
    assert result.stderr.startswith("dslint: error: unknown fix drop-stary: the fixes are ")


@pytest.mark.parametrize("inside", ["data/fixed", "."])
def test_the_copy_may_not_be_written_into_the_dataset(inside: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data", data)
    out = tmp_path / inside
    result = run_cli("fix", data, "--out", out, "--no-cache")
    assert result.returncode == 2
    assert "must lie outside" in result.stderr or "is not an empty folder" in result.stderr


def test_images_are_converted_only_when_asked(tmp_path: Path) -> None:
    data = FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"
    dslint.fix(data, tmp_path / "asis", use_cache=False)
    dslint.fix(data, tmp_path / "small", mode="L", size=16, use_cache=False)
    with Image.open(tmp_path / "asis/train/cat/cat0.png") as image:
        assert image.mode != "L"
    with Image.open(tmp_path / "small/train/cat/cat0.png") as image:
        assert (image.mode, image.size) == ("L", (16, 16))


def test_a_split_keeps_copies_and_near_copies_together_and_nothing_leaks(tmp_path: Path) -> None:
    data = FIXTURES / "D002-split-leakage-near/fail-edited-copies-in-val/data"
    before = _snapshot(data)
    result = dslint.split(data, tmp_path / "new", val=0.2, test=0.2, use_cache=False)
    new = tmp_path / "new"
    assert _findings(new, "D001,D002") == []
    where = {(p.parent.name, p.name): p.parent.parent.name for p in new.rglob("*.*")}
    for label, original, copy in [
        ("flower", "01.png", "resized-01.png"),
        ("temple", "02.png", "brightened-02.png"),
        ("temple", "00.png", "reencoded-00.jpg"),
        ("flower", "03.png", "cropped-03.png"),
    ]:
        assert where[label, copy] == where[label, original], copy
    assert result.kept_together == 4
    for split, shares in result.proportions().items():  # classes stay balanced
        assert shares == {"flower": 0.5, "temple": 0.5}, split
    assert _snapshot(data) == before


def test_samples_sharing_a_group_key_land_in_one_split(tmp_path: Path) -> None:
    data = tmp_path / "data"
    rng = np.random.default_rng(0)
    for speaker in range(12):
        for take in range(3):
            label = "yes" if speaker % 2 else "no"
            pixels = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
            (data / label).mkdir(parents=True, exist_ok=True)
            Image.fromarray(pixels).save(data / label / f"spk{speaker:02d}_{take}.png")
    result = dslint.split(
        data, tmp_path / "new", val=0.25, test=0.25, group_by=r"(?P<group>spk\d+)_", use_cache=False
    )
    splits_of: dict[str, set[str]] = {}
    for file in (tmp_path / "new").rglob("*.png"):
        splits_of.setdefault(file.name.split("_")[0], set()).add(file.parent.parent.name)
    assert len(splits_of) == 12
    assert all(len(splits) == 1 for splits in splits_of.values())
    assert {split: sum(c.values()) for split, c in result.counts.items()} == {
        "train": 18,
        "val": 9,
        "test": 9,
    }


def test_a_split_of_arrays_writes_arrays(tmp_path: Path) -> None:
    data = FIXTURES / "D001-split-leakage-exact/fail-repeated-array-rows/data"
    dslint.split(data, tmp_path / "new", val=0.2, test=0.0, use_cache=False)
    names = sorted(p.name for p in (tmp_path / "new").iterdir())
    assert names == ["x_train.npy", "x_val.npy", "y_train.npy", "y_val.npy"]
    assert _findings(tmp_path / "new", "D001") == []
    pairs = {  # every row keeps its own label
        (x.tobytes(), int(y))
        for split in ("train", "test")
        for x, y in zip(
            np.load(data / f"x_{split}.npy"), np.load(data / f"y_{split}.npy"), strict=True
        )
    }
    for split in ("train", "val"):
        new = zip(
            np.load(tmp_path / f"new/x_{split}.npy"),
            np.load(tmp_path / f"new/y_{split}.npy"),
            strict=True,
        )
        assert all((x.tobytes(), int(y)) in pairs for x, y in new)


def test_the_readme_session_prints_what_it_shows(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    session = readme.split("```console\n", 1)[1].split("```", 1)[0]
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    commands = [line for line in session.splitlines() if line.startswith("$ ")]
    outputs = session.split("\n$ ")
    assert len(commands) == 3
    for command, shown in zip(commands, outputs, strict=True):
        args = shlex.split(command[2:])[1:]
        # as a user runs them: the check with the probe, which says why it did not run
        result = run_cli(*args, "--cache-dir", tmp_path / "cache", cwd=tmp_path, probe=True)
        assert result.returncode == 0, result.stderr
        printed = shown.split("\n", 1)[1]
        assert _timeless(result.stdout) == _timeless(printed), command


def _timeless(text: str) -> str:
    import re

    return re.sub(r"\d+\.\d\d s · dslint", "N s · dslint", text).strip()


def test_a_table_s_labels_are_mapped_and_its_leaked_rows_dropped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    rows = [f"{i},{(i * 37) % 101},{'ab'[i % 2]},{1 if i % 3 else -1}" for i in range(60)]
    (data / "train.csv").write_text("age,score,group,label\n" + "\n".join(rows[:45]) + "\n")
    (data / "test.csv").write_text(
        "age,score,group,label\n" + "\n".join(rows[45:] + rows[:2]) + "\n"
    )
    plan = dslint.fix(data, tmp_path / "fixed", use_cache=False)
    assert plan.mapping == {"-1": 0, "1": 1}
    assert [c.target for c in plan.changes if c.fix == "drop-leaked"] == [
        "test.csv:17",
        "test.csv:18",
    ]
    assert _findings(tmp_path / "fixed", "D001,L001") == []
    fixed = (tmp_path / "fixed/test.csv").read_text().splitlines()
    assert len(fixed) == 1 + 15
    assert {line.rsplit(",", 1)[1] for line in fixed[1:]} <= {"0", "1"}


def test_a_split_of_a_table_keeps_an_edited_message_with_its_original(tmp_path: Path) -> None:
    """The fixture's test row 2 is train row 6 with ' thanks' added: one unit."""
    data = FIXTURES / "D002-split-leakage-near/fail-message-edited-in-test/data"
    dslint.split(data, tmp_path / "new", val=0.2, test=0.2, use_cache=False)
    new = sorted((tmp_path / "new").iterdir())
    assert [p.name for p in new] == ["test.csv", "train.csv", "val.csv"]
    assert _findings(tmp_path / "new", "D001,D002") == []
    original = (data / "train.csv").read_text().splitlines()[5].rsplit(",", 1)[0].strip('"')
    edited = (data / "test.csv").read_text().splitlines()[1].rsplit(",", 1)[0].strip('"')
    assert edited == original + " thanks"
    messages = {
        p.name: {line.rsplit(",", 1)[0].strip('"') for line in p.read_text().splitlines()}
        for p in new
    }
    homes = {name for name, held in messages.items() for text in (original, edited) if text in held}
    assert len(homes) == 1
