"""Time the separability probe on a folder with each onnxruntime execution provider, in
one run and on the same files: first a check that fills the facts cache (so that no
provider pays for the scan), then one `dslint check --select S` process per device.

    python benchmarks/bench_probe.py /tmp/jpegs20k [--devices cpu cuda]

By default the devices are `cpu`, and `cuda` as well when onnxruntime lists the CUDA
execution provider (onnxruntime-gpu on a machine with an NVIDIA GPU).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import onnxruntime
from bench_scan import MEASURE  # beside this script


def check(data: Path, cache: Path, *options: str) -> tuple[dict, float, int]:
    """The JSON report, the wall time and the peak RSS (KiB) of one `dslint check`;
    its one-line error (a device that is not there) ends the benchmark."""
    command = [sys.executable, "-m", "dslint", "check", str(data), "--format", "json"]
    command += ["--cache-dir", str(cache), "--fail-on", "never", *options]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    *messages, peak = result.stderr.strip().splitlines()
    if result.returncode != 0:
        sys.exit(f"{' '.join(options)}: {' '.join(messages)}")
    return json.loads(result.stdout), wall, int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    cuda = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    parser.add_argument("--devices", nargs="+", default=["cpu", "cuda"] if cuda else ["cpu"])
    args = parser.parse_args()
    print(f"onnxruntime {onnxruntime.__version__}: {onnxruntime.get_available_providers()}")
    cache = Path(tempfile.mkdtemp(prefix="dslint-bench-probe-"))
    try:
        check(args.data, cache, "--select", "F001")  # fills the cache, thumbnails included
        for device in args.devices:
            report, wall, peak = check(args.data, cache, "--select", "S", "--device", device)
            probe = report["datasets"][0]["probe"]
            print(
                f"--device {device:4s}  provider {probe['provider']}  "
                f"{probe['samples']:,} samples  probe {probe['seconds']:.2f} s  "
                f"features {probe['features_per_second']:,.0f} images/s  "
                f"check wall {wall:.2f} s  peak RSS {peak / 1024:.0f} MB  "
                f"findings {sorted({f['rule'] for f in report['findings']})}"
            )
    finally:
        shutil.rmtree(cache)


if __name__ == "__main__":
    main()
