"""What the near-duplicate confirmation adds to a check: cold checks of the
near-duplicate rules (D002-D004, no probe, no cache), each in a fresh process, with
the confirmation and with every candidate pair taken as confirmed, in interleaved
rounds; ranges and medians of the wall time, and the share the confirmation adds
(medians, fastest against fastest, and the median of each round's two runs against
each other, which the machine's drift between rounds leaves alone). The issue's target
is at most 20 %.

    python benchmarks/make_near_duplicates.py /tmp/near64 --count 20000
    python benchmarks/bench_confirmation.py /tmp/near64/data --rounds 8

Within a process, the crop tier's own time (dslint.analysis.crops.fitted) is summed
too. The machine's speed drifts over minutes, which interleaving evens out: compare
figures of one run only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

MODES = ("with", "without")


def one(data: Path, mode: str) -> dict[str, float]:
    """A cold check of `data` in this process, timed."""
    import numpy as np

    import dslint
    import dslint.analysis.crops as crops
    import dslint.analysis.near as near

    if mode == "without":

        def everything(ctx, images, pairs):  # every candidate taken as confirmed
            count = len(pairs.left)
            return pairs, near.Evidence(
                np.zeros(count), np.zeros((count, 2), np.int64), np.ones(count, bool)
            )

        near._confirmed = everything
    tier = [0.0]
    fitted = crops.fitted

    def timed(*args):
        start = time.perf_counter()
        found = fitted(*args)
        tier[0] += time.perf_counter() - start
        return found

    crops.fitted = timed
    start = time.perf_counter()
    dslint.check(data, select=["D002", "D003", "D004"], probe=False, use_cache=False)
    return {"wall": time.perf_counter() - start, "tier": tier[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    found: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode in MODES:
            command = [sys.executable, __file__, "--one", mode, str(args.data)]
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            found[mode].append(json.loads(result.stdout.splitlines()[-1]))
    walls = {mode: [run["wall"] for run in runs] for mode, runs in found.items()}
    for mode in MODES:
        tiers = [run["tier"] for run in found[mode]]
        print(
            f"{mode:8s} confirmation: {min(walls[mode]):.2f}–{max(walls[mode]):.2f} s, "
            f"median {statistics.median(walls[mode]):.2f} s"
            + (f"; crop tier {min(tiers):.2f}–{max(tiers):.2f} s" if mode == "with" else "")
        )
    medians = statistics.median(walls["with"]) / statistics.median(walls["without"]) - 1
    fastest = min(walls["with"]) / min(walls["without"]) - 1
    rounds = [a / b - 1 for a, b in zip(walls["with"], walls["without"], strict=True)]
    print(
        f"added: {100 * medians:.0f} % (medians), {100 * fastest:.0f} % (fastest), "
        f"{100 * statistics.median(rounds):.0f} % (median of the rounds' own, "
        f"{100 * min(rounds):.0f}–{100 * max(rounds):.0f} %)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(Path(sys.argv[3]), sys.argv[2])))
    else:
        main()
