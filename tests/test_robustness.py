"""Bad input, faults and the read-only promise: every input of the bad-input corpus
gets findings or a one-line exit 2, never a traceback or a hang, and nothing under
the corpus changes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dslint
from tests.bad_inputs import build, cleanup
from tests.conftest import tree_digest
from tests.helpers import class_folders, forget, image, run_cli, start_cli


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bad")
    cases = build(root)
    yield root, cases
    cleanup(root)


def test_every_bad_input_gets_findings_or_a_one_line_error(corpus, tmp_path: Path) -> None:
    root, cases = corpus
    before = tree_digest(root)
    for case in cases:
        result = run_cli(
            "check", *case.args, "--format", "json", "--cache-dir", tmp_path / "cache", cwd=root
        )
        assert "Traceback" not in result.stderr, (case.name, result.stderr)
        if case.expect == "exit 2":
            assert result.returncode == 2, (case.name, result.stdout[-300:])
            assert result.stderr.count("\n") == 1, (case.name, result.stderr)
        else:
            assert result.returncode in (0, 1), (case.name, result.stderr)
            rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
            assert set(case.expect.split(",")) <= rules, (case.name, sorted(rules))
    assert tree_digest(root) == before


def test_messy_folder_names_each_problem_and_checks_the_rest(corpus) -> None:
    root, _ = corpus
    report = dslint.check(root / "messy", use_cache=False)
    by_rule = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    unreadable = {f.paths[0] for f in by_rule["F001"]}
    assert {
        "train/cat/truncated.png",
        "train/cat/zero.png",
        "train/cat/corrupt-chunk.png",
        "train/cat/text.jpg",
        "train/dog/truncated.wav",
        "train/dog/zero.wav",
        "train/dog/pickled.npy",
    } <= unreadable
    assert [f.paths for f in by_rule["F006"]] == [("train/cat/bomb.png",)]
    links = next(f for f in by_rule["F002"] if "symbolic link" in f.message)
    assert set(links.paths) == {
        "train/dog/loop.png",
        "train/dog/outside.png",
        "train/dog/folder-link",
    }
    assert "points outside the dataset" in links.message
    splits = report.datasets[0].splits
    assert splits["val"] == {"cat": 2, "dog": 2}
    assert splits["train"]["dog"] >= 7  # the good files, the odd names, the locked one


def test_follow_links_reads_links_out_of_the_dataset(corpus) -> None:
    root, _ = corpus
    report = dslint.check(root / "messy", use_cache=False, follow_links=True, select=["F002"])
    links = [f for f in report.findings if "symbolic link" in f.message]
    assert [set(f.paths) for f in links] == [{"train/dog/loop.png"}]


class _Payload:
    """Unpickling this creates a file: proof that code from the dataset ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_object_arrays_are_refused_not_unpickled(tmp_path: Path) -> None:
    import numpy as np

    marker = tmp_path / "pwned"
    (tmp_path / "data/cat").mkdir(parents=True)
    np.save(
        tmp_path / "data/cat/evil.npy",
        np.array([_Payload(marker)], dtype=object),
        allow_pickle=True,
    )
    image(tmp_path / "data/cat/ok.png")
    report = dslint.check(tmp_path / "data", use_cache=False, select=["F001"])
    assert [f.message for f in report.findings] == [
        "cat/evil.npy cannot be decoded: object array: loading it would unpickle code, "
        "which dslint refuses"
    ]
    assert not marker.exists()


def test_a_file_over_the_read_limit_is_not_read(tmp_path: Path) -> None:
    data = class_folders(tmp_path / "data", {"train": {"cat": 2, "dog": 2}})
    (data / "train/cat/huge.png").write_bytes(b"\x89PNG" + b"\0" * (2 * 1024 * 1024))
    (tmp_path / "dslint.toml").write_text("max-file-mb = 1\n")
    report = dslint.check(data, use_cache=False, config=tmp_path / "dslint.toml", select=["F"])
    assert [(f.rule_id, f.message) for f in report.findings] == [
        ("F006", "train/cat/huge.png is 2 MB, over the read limit (max-file-mb); it was not read")
    ]


def test_two_processes_sharing_one_cache_do_not_corrupt_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for i in range(600):
        image(data / "train" / ("cat" if i % 2 else "dog") / f"{i}.png", seed=i)
    cache = tmp_path / "cache"
    command = [
        sys.executable,
        "-m",
        "dslint",
        "check",
        str(data),
        "--cache-dir",
        str(cache),
        "--format",
        "json",
        "--jobs",
        "1",
    ]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    for (_, stderr), run in zip(outputs, runs, strict=True):
        assert run.returncode in (0, 1), stderr
        assert "warning: cache" not in stderr
    first, second = (json.loads(stdout)["findings"] for stdout, _ in outputs)
    assert first == second
    forget(cache)  # the facts' rows, not a replayed outcome
    again = dslint.check(data, cache_dir=cache)
    assert again.scan["from_cache"] == 600
    assert [f.to_dict() for f in again.findings] == first


@pytest.mark.skipif(os.geteuid() != 0, reason="shows that root reads 'unreadable' files")
def test_root_reads_files_without_permissions(corpus) -> None:
    root, _ = corpus
    report = dslint.check(root / "messy", use_cache=False, select=["F001"])
    assert not any("locked.png" in f.message for f in report.findings)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _ignores_ctrl_c(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    ignored = int(
        next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16
    )
    return bool(ignored & 1 << (signal.SIGINT - 1))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads signal masks in /proc")
@pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
    reason="Ctrl-C is ignored here (a background job without job control), and dslint keeps "
    "what it inherits",
)
def test_ctrl_c_stops_a_parallel_scan_with_one_line(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the terminal's group. The worker processes
    ignore it from their start (one interrupted while it waited for work printed a
    traceback) and the main process stops the scan with one line."""
    data = class_folders(tmp_path / "data", {"train": {"cat": 1000, "dog": 1000}})
    process = start_cli("check", data, "--no-cache", "--no-probe", "--jobs", "2")
    deadline = time.monotonic() + 60
    while len(workers := _children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(workers) >= 2, "the scan did not start its worker processes"
    assert all(_ignores_ctrl_c(pid) for pid in workers)
    while _ignores_ctrl_c(process.pid):  # the moment the main process starts them
        assert time.monotonic() < deadline, "the main process kept ignoring Ctrl-C"
        time.sleep(0.001)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert stderr == "dslint: interrupted\n"
    assert process.returncode in (130, -signal.SIGINT)  # -SIGINT: caught again on the way out
