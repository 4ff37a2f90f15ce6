"""A re-check of an unchanged dataset replays the findings of the check before it; any
change to the files, labels, settings, rules or code runs the rules again."""

from __future__ import annotations

import csv
import importlib
import json
import shutil
import sys
from pathlib import Path

import dslint
from dslint.engine import replay
from tests.conftest import FIXTURES
from tests.helpers import class_folders, image, run_cli

LEAKY = FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"


def _as_json(report) -> list[dict]:
    return json.loads(report.to_json())["findings"]


def test_an_unchanged_dataset_replays_the_findings_of_the_check_before(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAKY, data)
    first = dslint.check(data, cache_dir=tmp_path / "cache", probe=False)
    second = dslint.check(data, cache_dir=tmp_path / "cache", probe=False)
    assert "D001" in {f.rule_id for f in first.findings}
    assert (first.scan["replayed"], second.scan["replayed"]) == (0, first.scan["files"])
    assert _as_json(second) == _as_json(first)
    assert second.datasets == first.datasets


def test_a_changed_file_runs_the_rules_again(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    before = dslint.check(data, cache_dir=tmp_path / "cache", probe=False, select=["D004"])
    shutil.copy(data / "train/cat/0.png", data / "train/cat/copy.png")
    after = dslint.check(data, cache_dir=tmp_path / "cache", probe=False, select=["D004"])
    assert after.scan["replayed"] == 0
    assert [f.rule_id for f in before.findings] == []
    assert [(f.rule_id, f.paths) for f in after.findings] == [
        ("D004", ("train/cat/0.png", "train/cat/copy.png"))
    ]


def test_a_changed_label_in_a_manifest_runs_the_rules_again(tmp_path: Path) -> None:
    """The manifest is no scanned file: its labels reach the key through discovery."""
    data = tmp_path / "data"
    for i in range(4):
        image(data / "images" / f"{i}.png", seed=i)
    manifest = data / "labels.csv"

    def write(labels: list[str]) -> None:
        with manifest.open("w", newline="") as file:
            rows = csv.writer(file)
            rows.writerow(["filename", "label"])
            rows.writerows([f"images/{i}.png", label] for i, label in enumerate(labels))

    write(["1", "0", "1", "0"])
    first = dslint.check(data, cache_dir=tmp_path / "cache", probe=False, select=["L"])
    write(["1", "-1", "1", "-1"])
    second = dslint.check(data, cache_dir=tmp_path / "cache", probe=False, select=["L"])
    assert second.scan["replayed"] == 0
    assert "L001" not in {f.rule_id for f in first.findings}
    assert "L001" in {f.rule_id for f in second.findings}


def test_other_settings_or_rules_run_the_rules_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAKY, data)
    cache = tmp_path / "cache"
    dslint.check(data, cache_dir=cache, probe=False)
    assert dslint.check(data, cache_dir=cache, probe=False, select=["D"]).scan["replayed"] == 0
    config = tmp_path / "dslint.toml"
    config.write_text('[severity]\nD001 = "warning"\n')
    again = dslint.check(data, cache_dir=cache, probe=False, config=config)
    assert again.scan["replayed"] == 0
    assert {f.severity for f in again.findings if f.rule_id == "D001"} == {"warning"}
    # and each of those outcomes is now kept beside the others
    assert dslint.check(data, cache_dir=cache, probe=False).scan["replayed"] > 0
    assert dslint.check(data, cache_dir=cache, probe=False, select=["D"]).scan["replayed"] > 0


def test_a_changed_rule_module_changes_the_code_digest(tmp_path: Path, monkeypatch) -> None:
    """A plugin rule upgraded in place (or an edited rule in an editable install)."""
    package = tmp_path / "some_plugin"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "rule.py").write_text("LIMIT = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("some_plugin.rule")
    try:
        before = replay._code_digest(("some_plugin.rule",))
        (package / "rule.py").write_text("LIMIT = 2\n")
        replay._code_digest.cache_clear()
        assert replay._code_digest(("some_plugin.rule",)) != before
    finally:
        sys.modules.pop("some_plugin.rule", None)
        sys.modules.pop("some_plugin", None)
        replay._code_digest.cache_clear()


def test_a_check_with_a_training_history_is_never_replayed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAKY, data)
    history = tmp_path / "history.csv"
    history.write_text("epoch,loss,acc\n0,0.7,0.5\n1,0.6,0.6\n")
    for _ in range(2):
        report = dslint.check(data, cache_dir=tmp_path / "cache", probe=False, history=history)
        assert report.scan["replayed"] == 0


def test_a_replayed_probe_says_it_computed_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "S001-not-separable/fail-identical-shapes/data", data)
    first = dslint.check(data, cache_dir=tmp_path / "cache", select=["S001"])
    second = dslint.check(data, cache_dir=tmp_path / "cache", select=["S001"])
    assert second.scan["replayed"] > 0
    assert _as_json(second) == _as_json(first)
    probe = second.datasets[0].probe
    assert first.datasets[0].probe["features_computed"] == 160
    assert (probe["provider"], probe["features_computed"], probe["fit_from_cache"]) == (
        "cache",
        0,
        True,
    )
    assert probe["accuracy"] == first.datasets[0].probe["accuracy"]


def test_the_text_report_says_the_findings_were_replayed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAKY, data)
    options = ("--cache-dir", tmp_path / "cache", "--no-probe")
    first = run_cli("check", data, *options)
    second = run_cli("check", data, *options)
    assert "replayed" not in first.stdout
    assert "unchanged since the last check: its findings replayed" in second.stdout
    assert first.stdout.split("\n\n")[0] == second.stdout.split("\n\n")[0]


def test_a_table_s_column_summary_names_the_rules_of_the_findings_shown() -> None:
    """The summary is stored without rules; they come from the findings the report
    shows, so that --since hides a column's rule along with its finding."""
    from dslint.analysis.columns import with_rules
    from dslint.engine.rule import Finding

    stored = [
        {"column": "age", "kind": "number", "rules": [], "splits": {}, "values": {}},
        {"column": "city", "kind": "category", "rules": [], "splits": {}, "values": {}},
    ]
    shown = [
        Finding("N001", "range-mismatch", "error", "age differs", evidence={"column": "age"}),
        Finding("T001", "unseen", "warning", "new cities", evidence={"columns": ["city"]}),
    ]
    assert [row["rules"] for row in with_rules(stored, shown)] == [["N001"], ["T001"]]
    assert [row["rules"] for row in with_rules(stored, shown[1:])] == [[], ["T001"]]
    assert stored[0]["rules"] == []  # the stored summary is left as it was


def test_a_damaged_stored_outcome_is_a_warning_and_the_check_runs(tmp_path: Path) -> None:
    import sqlite3

    from dslint.scan.cache import FILE_NAME

    data = tmp_path / "data"
    shutil.copytree(LEAKY, data)
    options = ("--cache-dir", tmp_path / "cache", "--no-probe", "--format", "json")
    first = run_cli("check", data, *options)
    with sqlite3.connect(tmp_path / "cache" / FILE_NAME) as db:
        db.execute("UPDATE checks SET outcome = x'80049502'")  # a pickle cut short
    db.close()
    again = run_cli("check", data, *options)
    assert again.stderr.startswith("dslint: warning: cache ")
    assert "check unreadable" in again.stderr and "Traceback" not in again.stderr
    report = json.loads(again.stdout)
    assert report["scan"]["replayed"] == 0
    assert report["findings"] == json.loads(first.stdout)["findings"]


def test_the_html_report_says_the_findings_were_replayed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(LEAKY, data)
    options = ("--cache-dir", tmp_path / "cache", "--no-probe", "--format", "html")
    first, second = (run_cli("check", data, *options).stdout for _ in range(2))
    said = "unchanged since the last check: its findings replayed"
    assert said not in first and said in second
