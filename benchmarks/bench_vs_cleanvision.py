"""dslint against cleanvision on the same image folder, in interleaved rounds: a cold
`dslint check --no-probe` (empty cache) and cleanvision's `Imagelab.find_issues()`
with every issue type, each in a fresh process; wall and CPU time (user + system of
the process tree), then the median and spread of each.

    python benchmarks/bench_vs_cleanvision.py /tmp/photos4k --cleanvision /tmp/benchvenv/bin/python

cleanvision runs in its own environment (`--cleanvision`, an interpreter with
cleanvision installed): it pins versions dslint does not.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs a command; prints the CPU seconds (user + system) of its process tree last.
MEASURE = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(u.ru_utime + u.ru_stime, file=sys.stderr); sys.exit(r.returncode)"
)
CLEANVISION = (
    "import sys, warnings; warnings.filterwarnings('ignore'); "
    "from cleanvision import Imagelab; Imagelab(data_path=sys.argv[1]).find_issues()"
)


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a command run in a fresh process."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, float(result.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--cleanvision", required=True, metavar="PYTHON")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, float]]] = {"dslint": [], "cleanvision": []}
    dslint = [sys.executable, "-m", "dslint", "check", str(args.data), "--no-probe"]
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as cache:
            options = ["--cache-dir", cache, "--jobs", str(args.jobs), "--fail-on", "never"]
            runs["dslint"].append(timed([*dslint, *options, "--format", "json"]))
        runs["cleanvision"].append(timed([args.cleanvision, "-c", CLEANVISION, str(args.data)]))
    for tool, found in runs.items():
        walls, cpus = [w for w, _ in found], [c for _, c in found]
        print(
            f"{tool:12s} wall median {statistics.median(walls):6.1f} s "
            f"({min(walls):.1f}–{max(walls):.1f})  CPU median {statistics.median(cpus):6.1f} s "
            f"({min(cpus):.1f}–{max(cpus):.1f})"
        )
    ratio = statistics.median(c for _, c in runs["cleanvision"]) / statistics.median(
        c for _, c in runs["dslint"]
    )
    walls = statistics.median(w for w, _ in runs["cleanvision"]) / statistics.median(
        w for w, _ in runs["dslint"]
    )
    print(f"dslint faster by {walls:.1f}× wall, {ratio:.1f}× CPU (medians)")


if __name__ == "__main__":
    main()
