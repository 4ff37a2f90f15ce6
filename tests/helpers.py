"""Small builders of real datasets for tests: PNG/JPEG images, CSV manifests, arrays."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from fixtures.generate import shape_image


def image(path: Path, seed: int = 0, shape: str = "circle", fmt: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shape_image(shape, seed).save(path, format=fmt)
    return path


def class_folders(root: Path, splits: dict[str, dict[str, int]], ext: str = ".png") -> Path:
    seed = 0
    for split, classes in splits.items():
        for label, count in classes.items():
            for i in range(count):
                seed += 1
                shape = "circle" if label in ("cat", "a") else "square"
                image(root / split / label / f"{i}{ext}", seed, shape)
    return root


def solid(path: Path, value: int, size: int = 16) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((size, size), value, dtype=np.uint8)).save(path)
    return path


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    probe: bool = False,
) -> subprocess.CompletedProcess:
    """Run the installed `dslint` command as a user would. A check skips the
    separability probe unless the test is about it (`probe=True`) or says either way:
    its seconds of fitting buy nothing in a test of something else."""
    args = tuple(map(str, args))
    if args[:1] == ("check",) and not probe and not {"--probe", "--no-probe"} & set(args):
        args = ("check", "--no-probe", *args[1:])
    return subprocess.run(
        [sys.executable, "-m", "dslint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def start_cli(*args: str | Path) -> subprocess.Popen:
    """Start the `dslint` command in a process group of its own, as a terminal runs it,
    so that a test can interrupt the group as Ctrl-C does; stderr is kept."""
    return subprocess.Popen(
        [sys.executable, "-m", "dslint", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def json_report(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    probe: bool = False,
) -> dict:
    result = run_cli("check", *args, "--format", "json", cwd=cwd, env=env, probe=probe)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def rules_of(report: dict) -> list[str]:
    return [f["rule"] for f in report["findings"]]


def forget(cache_dir: Path, *tables: str) -> None:
    """Empty these tables of the facts cache. "checks" always goes too: a check of an
    unchanged dataset would otherwise replay its outcome, and the test would see that
    rather than the part of the cache it is about."""
    from dslint.scan.cache import FILE_NAME

    with sqlite3.connect(cache_dir / FILE_NAME) as db:
        for table in {*tables, "checks"}:
            db.execute(f"DELETE FROM {table}")
    db.close()
