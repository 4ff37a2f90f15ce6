"""The facts cache: unchanged files come from it, changed files are rescanned, and a
run killed mid-scan leaves it consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import dslint
from dslint.scan.cache import FILE_NAME, FactsCache
from dslint.scan.scanner import scan
from dslint.scan.worker import ScanTarget
from tests.helpers import class_folders, image, json_report, run_cli, start_cli


def test_second_run_reads_every_file_from_the_cache(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    first = dslint.check(data, cache_dir=tmp_path / "cache")
    second = dslint.check(data, cache_dir=tmp_path / "cache")
    assert (first.scan["from_cache"], second.scan["from_cache"]) == (0, 6)
    assert second.findings == first.findings


def test_a_changed_file_is_rescanned_and_its_new_facts_used(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    dslint.check(data, cache_dir=tmp_path / "cache")
    victim = data / "train/cat/0.png"
    victim.write_bytes(victim.read_bytes()[:40])
    report = dslint.check(data, cache_dir=tmp_path / "cache", select=["F"])
    assert report.scan["from_cache"] == 5
    assert [(f.rule_id, f.paths) for f in report.findings] == [("F001", ("train/cat/0.png",))]


def test_the_scan_says_when_it_starts_decoding_and_never_when_all_is_cached(
    tmp_path: Path,
) -> None:
    """What starts the probe's imports ahead: a re-check of unchanged files decodes
    nothing and imports nothing."""
    data = class_folders(tmp_path / "data", {"train": {"cat": 2, "dog": 2}})
    targets = [ScanTarget(str(p.relative_to(data)), "image") for p in data.rglob("*.png")]
    calls = []
    for _ in range(2):
        cache = FactsCache(tmp_path / "cache")
        scan(str(data), targets, 1, cache, decoding=lambda todo: calls.append(len(todo)))
        cache.close()
    assert calls == [4]


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 2}})
    dslint.check(data, use_cache=False, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_cache_inside_the_dataset_is_never_used(tmp_path: Path) -> None:
    """Run from inside the dataset: the default cache moves to the user's cache folder."""
    data = class_folders(tmp_path / "data", {"train": {"cat": 2}})
    report = json_report(".", cwd=data / "train", env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert report["scan"]["files"] == 2
    assert not (data / ".dslint_cache").exists() and not (data / "train/.dslint_cache").exists()
    assert (tmp_path / "xdg/dslint/facts-v2.sqlite").exists()


def _big_dataset(root: Path, count: int) -> Path:
    for i in range(count):
        image(root / "train" / ("cat" if i % 2 else "dog") / f"{i}.png", seed=i)
    (root / "train/cat/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def test_killed_mid_scan_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    data = _big_dataset(tmp_path / "data", 1500)
    cache = tmp_path / "cache"
    for sig, wait in ((signal.SIGKILL, 0.8), (signal.SIGINT, 0.8)):
        # --no-probe: the scan and the cache are under test
        process = start_cli("check", data, "--cache-dir", cache, "--jobs", "2", "--no-probe")
        time.sleep(wait)
        os.killpg(process.pid, sig)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr
    resumed = dslint.check(data, cache_dir=cache, probe=False)
    clean = dslint.check(data, use_cache=False, probe=False)
    assert resumed.findings == clean.findings
    assert [f.paths for f in clean.findings if f.rule_id == "F001"] == [("train/cat/broken.png",)]
    again = dslint.check(data, cache_dir=cache, probe=False)
    assert again.scan["from_cache"] == again.scan["files"] == 1501


def test_a_run_without_the_probe_skips_cached_thumbnails_but_keeps_them_for_later(
    tmp_path: Path,
) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 12, "dog": 12}})
    targets = [ScanTarget(f"train/{c}/{i}.png", "image") for c in ("cat", "dog") for i in range(12)]
    cache = FactsCache(tmp_path / "cache")
    scanned, _ = scan(str(data), targets, 1, cache, thumbnails=False)
    without, _ = scan(str(data), targets, 1, cache, thumbnails=False)
    with_them, stats = scan(str(data), targets, 1, cache, thumbnails=True)
    cache.close()
    assert all(f.thumbnail for f in scanned.values()), "fresh scans always keep thumbnails"
    assert all(f.thumbnail is None and f.fingerprint for f in without.values())
    assert stats.from_cache == 24
    assert {p: f.thumbnail for p, f in with_them.items()} == {
        p: f.thumbnail for p, f in scanned.items()
    }


def test_a_cache_left_by_a_dslint_with_other_fact_fields_is_replaced(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 2, "dog": 2}})
    (tmp_path / "cache").mkdir()
    old = sqlite3.connect(tmp_path / "cache" / FILE_NAME)
    old.execute("CREATE TABLE facts (key_path BLOB PRIMARY KEY, key_size INTEGER, size INTEGER)")
    old.commit()
    old.close()
    first = run_cli("check", data, "--cache-dir", tmp_path / "cache", "--no-probe")
    second = dslint.check(data, cache_dir=tmp_path / "cache", probe=False)
    assert "warning" not in first.stderr
    assert second.scan["from_cache"] == 4


def test_a_cached_row_that_does_not_unpack_is_rescanned(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    first = dslint.check(data, cache_dir=tmp_path / "cache", probe=False)
    db = sqlite3.connect(tmp_path / "cache" / FILE_NAME)
    with db:
        db.execute(
            "UPDATE facts SET facts = x'00ff' WHERE CAST(key_path AS TEXT) LIKE '%cat/0.png'"
        )
        db.execute(
            "UPDATE facts SET facts = x'e9030000' WHERE CAST(key_path AS TEXT) LIKE '%dog/1.png'"
        )
        db.execute("DELETE FROM checks")  # else the unchanged dataset's outcome is replayed
    db.close()
    again = dslint.check(data, cache_dir=tmp_path / "cache", probe=False)
    assert again.scan["from_cache"] == 4
    assert again.findings == first.findings


def _scan_twice_from_the_cache(data: Path, cache_dir: Path) -> dict:
    """Scan the dataset cold, then once from the cache (which stores it as one blob)."""
    targets = [ScanTarget(str(p.relative_to(data)), "image") for p in sorted(data.rglob("*.png"))]
    for _ in range(2):
        cache = FactsCache(cache_dir)
        facts, _ = scan(str(data), targets, 1, cache, thumbnails=False)
        cache.close()
    return facts


def test_an_unchanged_dataset_is_read_back_as_one_blob_with_the_same_facts(
    tmp_path: Path,
) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    before = _scan_twice_from_the_cache(data, tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / FILE_NAME) as db:
        db.execute("DELETE FROM facts")  # only the blob can serve them now
    db.close()
    cache = FactsCache(tmp_path / "cache")
    targets = [ScanTarget(name, "image") for name in before]
    after, stats = scan(str(data), targets, 1, cache, thumbnails=False)
    cache.close()
    assert stats.from_cache == 6

    def typed(facts: dict) -> dict:  # 255 and 255.0 are equal, and must not pass for each other
        return {p: [(type(v), v) for v in f.to_row()] for p, f in facts.items()}

    assert typed(after) == typed(before)


def test_a_file_changed_since_the_blob_was_stored_is_rescanned(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    _scan_twice_from_the_cache(data, tmp_path / "cache")
    victim = data / "train/cat/0.png"
    victim.write_bytes(victim.read_bytes()[:40])
    report = dslint.check(data, cache_dir=tmp_path / "cache", select=["F"], probe=False)
    assert report.scan["from_cache"] == 5
    assert [(f.rule_id, f.paths) for f in report.findings] == [("F001", ("train/cat/0.png",))]


def test_a_stored_blob_that_does_not_unpack_is_passed_over(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    before = _scan_twice_from_the_cache(data, tmp_path / "cache")
    with sqlite3.connect(tmp_path / "cache" / FILE_NAME) as db:
        db.execute("UPDATE datasets SET facts = x'e9030000'")
    db.close()
    report = dslint.check(data, cache_dir=tmp_path / "cache", probe=False)
    assert report.scan["from_cache"] == 6
    again = _scan_twice_from_the_cache(data, tmp_path / "cache")
    assert {p: f.to_row() for p, f in again.items()} == {p: f.to_row() for p, f in before.items()}


def test_a_run_with_thumbnails_neither_reads_nor_stores_the_dataset_whole(tmp_path: Path) -> None:
    """The blob leaves thumbnails out, so a run with the probe reads a row per file and
    does not rewrite the blob each time."""
    data = class_folders(tmp_path / "data", {"train": {"cat": 3, "dog": 3}})
    targets = [ScanTarget(str(p.relative_to(data)), "image") for p in sorted(data.rglob("*.png"))]
    for _ in range(3):
        cache = FactsCache(tmp_path / "cache")
        facts, _ = scan(str(data), targets, 1, cache, thumbnails=True)
        cache.close()
        assert all(f.thumbnail for f in facts.values())
    with sqlite3.connect(tmp_path / "cache" / FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM datasets").fetchone() == (0,)
    db.close()


def test_values_shared_in_the_blob_keep_their_type_and_sign() -> None:
    from dslint.scan.cache import _one_of

    shared: dict = {}
    assert type(_one_of(shared, 255.0)) is float and type(_one_of(shared, 255)) is int
    assert str(_one_of(shared, 0.0)) == "0.0" and str(_one_of(shared, -0.0)) == "-0.0"
    first = "JPEG"
    assert _one_of(shared, first) is first and _one_of(shared, "".join("JPEG")) is first
