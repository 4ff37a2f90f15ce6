"""Near-duplicates across splits, side by side: dslint (D002), imagededup (PHash
`find_duplicates`) and cleanvision (the near_duplicates issue type), each at its
default settings, on the same files in one run; wall time, peak memory, precision and
recall against the planted pairs of `make_near_duplicates.py`.

    pip install imagededup cleanvision scikit-image
    python benchmarks/make_near_duplicates.py /tmp/near64 --count 20000
    python benchmarks/bench_near_duplicates.py /tmp/near64

Each tool runs in a fresh process (its imports count: a user pays them), with every
core. A found pair counts when it joins a train image and a val image — the leak D002
is about; pairs within one split are not scored for any tool. Precision is the share
of found train–val pairs that are planted; recall the share of planted pairs found.
Distinct tiles of one flat photograph can be genuine look-alikes, so a precision a
little under 1 is expected of every tool.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

TOOLS = ("dslint", "imagededup", "cleanvision")


def run_dslint(data: Path) -> list[list[str]]:
    import dslint

    report = dslint.check(data, use_cache=False, probe=False, select=["D002"])
    return [g["samples"] for f in report.findings for g in f.evidence["groups"]]


def run_imagededup(data: Path) -> list[list[str]]:
    from imagededup.methods import PHash

    found = PHash(verbose=False).find_duplicates(image_dir=data, recursive=True)
    return [[name, other] for name, others in found.items() for other in others]


def run_cleanvision(data: Path) -> list[list[str]]:
    from cleanvision import Imagelab

    lab = Imagelab(data_path=str(data), verbose=False)
    lab.find_issues({"near_duplicates": {}}, verbose=False)
    return [
        [os.path.relpath(name, data) for name in group]
        for group in lab.info["near_duplicates"]["sets"]
    ]


def one(tool: str, data: Path) -> None:
    """Run one tool in this process and print its groups, time and peak memory."""
    started = time.perf_counter()
    groups = globals()[f"run_{tool}"](data)
    seconds = time.perf_counter() - started
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(json.dumps({"groups": groups, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def train_val_pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    pairs = set()
    for group in groups:
        for a, b in itertools.combinations(sorted(set(group)), 2):
            if a.startswith("train/") and b.startswith("val/"):
                pairs.add((a, b))
    return pairs


def main() -> None:
    if sys.argv[1] == "--one":
        one(sys.argv[2], Path(sys.argv[3]))
        return
    root = Path(sys.argv[1])
    with open(root / "truth.csv", newline="") as handle:
        truth = {(row["train"], row["val"]) for row in csv.DictReader(handle)}
    files = sum(1 for _ in (root / "data").rglob("*.jpg"))
    print(f"{files:,} images, {len(truth):,} planted train–val near-duplicate pairs")
    print(f"{'tool':12} {'wall s':>8} {'peak MB':>8} {'found':>7} {'precision':>9} {'recall':>7}")
    for tool in TOOLS:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--one", tool, str(root / "data")],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        if done.returncode != 0:
            print(f"{tool:12} failed: {done.stderr.strip().splitlines()[-1]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        found = train_val_pairs(result["groups"])
        right = len(found & truth)
        precision = right / len(found) if found else 0.0
        print(
            f"{tool:12} {wall:8.1f} {result['peak_mb']:8.0f} {len(found):7,} "
            f"{precision:9.3f} {right / len(truth):7.3f}"
        )


if __name__ == "__main__":
    main()
