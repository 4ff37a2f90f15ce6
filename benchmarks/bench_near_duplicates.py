"""Near-duplicates across splits, side by side: dslint (D002), imagededup (PHash
`find_duplicates`) and cleanvision (the near_duplicates issue type), each at its
default settings, on the same files in one run; wall time, peak memory, precision and
recall against the planted pairs of `make_near_duplicates.py`.

    pip install imagededup cleanvision scikit-image
    python benchmarks/make_near_duplicates.py /tmp/near64 --count 20000
    python benchmarks/bench_near_duplicates.py /tmp/near64

The sets of `make_near_duplicates.py --set` (photo tiles, digits, grey scans, faces,
spectrograms) each get a run; recall is also given per edit, and for dslint the
number of D003 near-duplicate conflicts (no set has a planted one).

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

TOOLS = tuple(os.environ.get("TOOLS", "dslint imagededup cleanvision").split())


def run_dslint(data: Path) -> list[list[str]]:
    """D002's pairs (each group's first sample with each of the others: its copies),
    and a pair for each D003 near-duplicate conflict, marked as such."""
    import dslint

    report = dslint.check(data, use_cache=False, probe=False, select=["D002", "D003"])
    pairs = [
        [g["samples"][0], other]
        for f in report.findings
        if f.rule_id == "D002"
        for g in f.evidence["groups"]
        for other in g["samples"][1:]
    ]
    conflicts = [
        ["D003", *f.evidence["samples"]]
        for f in report.findings
        if f.rule_id == "D003" and f.evidence["how"] == "near-duplicate"
    ]
    return pairs + conflicts


def run_imagededup(data: Path) -> list[list[str]]:
    import types

    # imagededup's package builds its CNN method on import, with pretrained weights it
    # downloads; PHash needs none of it, and offline the download fails. A stand-in
    # for that module lets PHash be imported as it is.
    sys.modules["imagededup.methods.cnn"] = types.SimpleNamespace(CNN=None)
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
        if group[0] == "D003":
            continue
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
        edits = {(row["train"], row["val"]): row["edit"] for row in csv.DictReader(handle)}
    truth = set(edits)
    kinds = sorted(set(edits.values()))
    files = sum(1 for p in (root / "data").rglob("*") if p.is_file())
    print(f"{files:,} images, {len(truth):,} planted train–val near-duplicate pairs")
    print(
        f"{'tool':12} {'wall s':>8} {'peak MB':>8} {'found':>7} {'precision':>9} {'recall':>7} "
        + " ".join(f"{kind:>9}" for kind in kinds)
        + " D003"
    )
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
        by_kind = [
            sum(1 for pair in found & truth if edits[pair] == kind)
            / sum(1 for edit in edits.values() if edit == kind)
            for kind in kinds
        ]
        conflicts = sum(1 for group in result["groups"] if group[0] == "D003")
        print(
            f"{tool:12} {wall:8.1f} {result['peak_mb']:8.0f} {len(found):7,} "
            f"{precision:9.3f} {right / len(truth):7.3f} "
            + " ".join(f"{recall:9.3f}" for recall in by_kind)
            + (f" {conflicts:4}" if tool == "dslint" else "    -")
        )


if __name__ == "__main__":
    main()
