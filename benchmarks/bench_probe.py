"""Time the separability probe: what it adds to a check, and how fast each onnxruntime
execution provider computes its features, in one run on the same files.

    python benchmarks/bench_probe.py /tmp/jpegs20k [--devices cpu cuda] [--rounds 3]

Overhead: `--rounds` interleaved rounds of `dslint check` processes, without the probe
(`--no-probe`) and with it, each cold (an empty cache), cached (every fact, feature
and fit from the cache the cold run filled, the stored outcomes of checks emptied so
that the rules and the probe run) and replayed (the unchanged dataset's outcome read
back), with medians and spreads of wall and CPU time; the probe's share is
(with probe - without) / without. Providers: a cache filled once (thumbnails, no
features), copied for each device, then one `dslint check --select S` per device, so
that every provider computes every feature. By default the devices are `cpu`, and
`cuda` as well when onnxruntime lists the CUDA execution provider.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import onnxruntime

# Runs the command; prints the peak RSS (KiB) and CPU seconds of its process tree last.
MEASURE = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr); sys.exit(r.returncode)"
)


def check(data: Path, cache: Path, *options: str) -> tuple[dict, float, float, int]:
    """The JSON report, the wall and CPU seconds and the peak RSS (KiB) of one
    `dslint check`; its one-line error (a device that is not there) ends the run."""
    command = [sys.executable, "-m", "dslint", "check", str(data), "--format", "json"]
    command += ["--cache-dir", str(cache), "--fail-on", "never", "--jobs", "2", *options]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    *messages, last = result.stderr.strip().splitlines()
    if result.returncode != 0:
        sys.exit(f"{' '.join(options)}: {' '.join(messages)}")
    peak, cpu = last.split()
    return json.loads(result.stdout), wall, float(cpu), int(peak)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s ({min(values):.2f}–{max(values):.2f})"


def overhead(data: Path, rounds: int, work: Path) -> None:
    runs: dict[str, list[tuple[float, float]]] = {}
    for round_ in range(rounds):
        for probe in ("--no-probe", "--probe"):
            cache = work / f"overhead-{round_}{probe}"
            for state in ("cold", "cached", "replayed"):
                if state == "cached":
                    _forget_outcomes(cache)
                report, wall, cpu, _ = check(data, cache, probe)
                runs.setdefault(f"{state} {probe}", []).append((wall, cpu))
                if probe == "--probe" and state == "cached":
                    print(f"  round {round_ + 1}: cached probe {report['datasets'][0]['probe']}")
    print(f"{'run':20s} {'wall, median (range)':28s} CPU, median (range)")
    for name, values in runs.items():
        print(f"{name:20s} {spread([w for w, _ in values]):28s} {spread([c for _, c in values])}")
    for state in ("cold", "cached", "replayed"):
        without = [w for w, _ in runs[f"{state} --no-probe"]]
        with_probe = [w for w, _ in runs[f"{state} --probe"]]
        added = statistics.median(with_probe) - statistics.median(without)
        print(
            f"{state}: the probe adds {added:.2f} s wall "
            f"({added / statistics.median(without):.0%} of the check without it)"
        )


def _forget_outcomes(cache: Path) -> None:
    """Empty the stored outcomes of checks, so that a cached check runs its rules and
    its probe (from the cached facts, features and fit) instead of replaying."""
    for database in cache.rglob("*.sqlite"):
        with sqlite3.connect(database) as db:
            db.execute("DELETE FROM checks")
        db.close()


def providers(data: Path, devices: list[str], work: Path) -> None:
    filled = work / "filled"
    check(data, filled, "--select", "F001")  # the scan's facts and thumbnails
    for database in filled.rglob("*.sqlite"):  # the probe ran too: forget its work
        with sqlite3.connect(database) as db:
            db.execute("DELETE FROM probe_features")
            db.execute("DELETE FROM probe_fits")
    for device in devices:
        cache = work / f"device-{device}"
        shutil.copytree(filled, cache)
        report, wall, _, peak = check(data, cache, "--select", "S", "--device", device)
        probe = report["datasets"][0]["probe"]
        print(
            f"--device {device:4s}  provider {probe['provider']}  "
            f"{probe['samples']:,} samples  features {probe['features_seconds']:.2f} s "
            f"({probe['features_per_second']:,.0f} images/s)  fit {probe['fit_seconds']:.2f} s  "
            f"imports {probe['import_seconds']:.2f} s  check wall {wall:.2f} s  "
            f"balanced accuracy {probe['balanced_accuracy']:.4f}  "
            f"peak RSS {peak / 1024:.0f} MB  "
            f"findings {sorted({f['rule'] for f in report['findings']})}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    cuda = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    parser.add_argument("--devices", nargs="+", default=["cpu", "cuda"] if cuda else ["cpu"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"onnxruntime {onnxruntime.__version__}: {onnxruntime.get_available_providers()}")
    work = Path(tempfile.mkdtemp(prefix="dslint-bench-probe-"))
    try:
        overhead(args.data, args.rounds, work)
        providers(args.data, args.devices, work)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
