"""Time `dslint check` on a train.csv/test.csv pair (cold, with and without the probe;
wall and peak memory), and, with `--deepchecks PYTHON`, deepchecks' `data_integrity`
and `train_test_validation` suites on the same files in that interpreter (deepchecks in
its own environment: its pins clash with dslint's), with what each finds.

    python benchmarks/bench_table.py /tmp/t1m --label label --deepchecks /tmp/dcvenv/bin/python
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench_scan import MEASURE

# Runs both suites on train.csv and test.csv and prints one JSON line: seconds, and the
# checks whose conditions failed, each with its first failed condition's details.
DEEPCHECKS = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
started = time.perf_counter()
import pandas as pd
from deepchecks.tabular import Dataset
from deepchecks.tabular.suites import data_integrity, train_test_validation
folder, label = sys.argv[1], sys.argv[2]
train, test = pd.read_csv(f"{folder}/train.csv"), pd.read_csv(f"{folder}/test.csv")
categorical = [c for c in train.columns if c != label and train[c].dtype == object]
train_ds = Dataset(train, label=label, cat_features=categorical)
test_ds = Dataset(test, label=label if label in test else None, cat_features=categorical)
loaded = time.perf_counter()
found = []
for result in (data_integrity().run(train_ds), train_test_validation().run(train_ds, test_ds)):
    for check in result.get_not_passed_checks():
        failed = [c for c in check.conditions_results if not c.is_pass()]
        found.append({"check": check.get_header(), "details": failed[0].details if failed else ""})
    for check in result.get_passed_checks():  # passed, yet what it measured may be a leak
        if check.get_header() == "Train Test Samples Mix":
            found.append({"check": "(passed) Train Test Samples Mix",
                          "details": check.conditions_results[0].details})
print(json.dumps({"seconds": time.perf_counter() - started, "load_seconds": loaded - started,
                  "found": found}))
"""


def dslint(data: Path, probe: bool) -> dict:
    command = [sys.executable, "-m", "dslint", "check", str(data), "--no-cache"]
    command += ["--format", "json", "--fail-on", "never", *([] if probe else ["--no-probe"])]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - started
    report = json.loads(result.stdout)
    return {
        "wall_s": wall,
        "peak_rss_mb": int(result.stderr.strip().splitlines()[-1]) / 1024,
        "found": [(f["rule"], f["message"]) for f in report["findings"]],
    }


def deepchecks(python: str, data: Path, label: str) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [python, "-c", MEASURE, python, "-c", DEEPCHECKS, str(data), label],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    found["wall_s"] = time.perf_counter() - started
    found["peak_rss_mb"] = int(result.stderr.strip().splitlines()[-1]) / 1024
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--label", default="label")
    parser.add_argument("--deepchecks", metavar="PYTHON", help="an interpreter with deepchecks")
    args = parser.parse_args()
    for probe in (False, True):
        run = dslint(args.data, probe)
        print(
            f"dslint {'with' if probe else 'without'} the probe: wall {run['wall_s']:.1f} s, "
            f"peak RSS {run['peak_rss_mb']:.0f} MB"
        )
        for rule, message in run["found"]:
            print(f"  {rule} {message[:160]}")
    if args.deepchecks:
        run = deepchecks(args.deepchecks, args.data, args.label)
        print(
            f"deepchecks data_integrity + train_test_validation: wall {run['wall_s']:.1f} s "
            f"({run['load_seconds']:.1f} s reading and importing), "
            f"peak RSS {run['peak_rss_mb']:.0f} MB"
        )
        for item in run["found"]:
            print(f"  {item['check']}: {str(item['details'])[:160]}")


if __name__ == "__main__":
    main()
