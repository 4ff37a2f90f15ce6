"""Time `dslint check` on a folder, cold (empty cache), then cached three times, then
once after one file's modification time moved, in separate processes, and report
files/s and peak memory (max RSS of the process tree). A cached check of the unchanged
dataset replays the outcome the cold one stored; with one file changed the rules run
again, on every other file's facts read from the cache. The file's time is put back
at the end: nothing else in the folder is touched.

    python benchmarks/bench_scan.py /tmp/jpegs20k [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs the command and prints the peak RSS (KiB) of its process tree on stderr's last line.
MEASURE = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(r.returncode)"
)


def run(data: Path, cache: Path, jobs: int) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            sys.executable,
            "-m",
            "dslint",
            "check",
            str(data),
            "--format",
            "json",
            "--cache-dir",
            str(cache),
            "--jobs",
            str(jobs),
            "--fail-on",
            "never",
            "--no-probe",  # the pre-commit setting; the probe is timed on its own
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    report = json.loads(result.stdout)
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    return {
        "wall_s": wall,
        "scan_s": report["timing"]["scan_s"],
        "files": report["scan"]["files"],
        "from_cache": report["scan"]["from_cache"],
        "peak_rss_mb": peak_kib / 1024,
        "findings": len(report["findings"]),
        "replayed": report["scan"].get("replayed", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="dslint-bench-cache-"))
    touched = next(p for p in sorted(args.data.rglob("*")) if p.is_file())
    stamp = touched.stat()
    try:
        for label in ("cold", "cached", "cached", "cached", "1 changed"):
            if label == "1 changed":
                os.utime(touched, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
            r = run(args.data, cache, args.jobs)
            print(
                f"{label:9s} {r['files']:>7,} files  wall {r['wall_s']:6.2f} s  "
                f"scan {r['scan_s']:6.2f} s  {r['files'] / r['scan_s']:>9,.0f} files/s (scan)  "
                f"from cache {r['from_cache']:,}  replayed {r['replayed']:,}  "
                f"peak RSS {r['peak_rss_mb']:.0f} MB  findings {r['findings']}"
            )
    finally:
        os.utime(touched, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        shutil.rmtree(cache)


if __name__ == "__main__":
    main()
