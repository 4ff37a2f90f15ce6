"""Plant exact and near-duplicate leaks among many messages and score D001 and D002.

Writes DIR/train.csv and DIR/test.csv (columns text, label): messages of 8 to 30 words
drawn from a Zipf-distributed vocabulary, 90 % train and 10 % test. Some test messages
are replaced by copies of training messages: exact copies re-typed (upper case, doubled
spaces: still copies, since text is compared normalised), and near-copies (one word
replaced, or a word added). Then times `dslint check DIR --select D001,D002` and reports
each rule's precision and recall against what was planted.

    python benchmarks/bench_text_leaks.py /tmp/texts --messages 100000
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

VOCABULARY = 5_000
PLANTED = 300  # of each kind


def words(rng: np.random.Generator) -> np.ndarray:
    """Pseudo-words, consonant-vowel syllables, all distinct."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    made: set[str] = set()
    while len(made) < VOCABULARY:
        made.add("".join(rng.choice(syllables, rng.integers(1, 4))))
    return np.array(sorted(made))


def messages(count: int, rng: np.random.Generator) -> list[list[str]]:
    vocabulary = words(rng)
    weights = 1 / np.arange(1, VOCABULARY + 1) ** 1.1
    weights /= weights.sum()
    return [list(rng.choice(vocabulary, rng.integers(8, 31), p=weights)) for _ in range(count)]


def plant(out: Path, count: int, seed: int = 0) -> tuple[set[int], set[int]]:
    """Write the two tables; return the test rows (0-based) planted as exact and as
    near copies of training rows."""
    rng = np.random.default_rng(seed)
    texts = messages(count, rng)
    labels = ["spam" if "ba" in t[:3] or len(t) > 25 else "ham" for t in texts]
    split = int(count * 0.9)
    train, test = texts[:split], texts[split:]
    planted = rng.choice(len(test), 2 * PLANTED, replace=False)
    sources = rng.choice(split, 2 * PLANTED, replace=False)
    exact, near = set(planted[:PLANTED].tolist()), set(planted[PLANTED:].tolist())
    typed = {}
    for row, source in zip(planted.tolist(), sources.tolist(), strict=True):
        copy = list(train[source])
        if row in exact:
            typed[row] = "  ".join(copy).upper()
        else:
            if rng.random() < 0.5:
                copy[rng.integers(len(copy))] = "zzyzx"
            else:
                copy.append("thanks")
            typed[row] = " ".join(copy)
        labels[split + row] = labels[source]
    out.mkdir(parents=True, exist_ok=True)
    for name, rows, start in (("train.csv", train, 0), ("test.csv", test, split)):
        with open(out / name, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            for i, text in enumerate(rows):
                shown = typed.get(i, " ".join(text)) if name == "test.csv" else " ".join(text)
                writer.writerow([shown, labels[start + i]])
    return exact, near


def flagged(report: dict, rule: str) -> set[int]:
    """The test rows (0-based) a rule's groups name."""
    found = set()
    for finding in report["findings"]:
        if finding["rule"] == rule:
            for group in finding["evidence"].get("groups", []):
                for sample in group["samples"]:
                    if sample.startswith("test.csv:"):
                        found.add(int(sample.split(":")[1]) - 2)
    return found


def score(name: str, found: set[int], wanted: set[int]) -> None:
    right = len(found & wanted)
    precision = right / len(found) if found else float("nan")
    print(
        f"{name}: flagged {len(found)}, planted {len(wanted)}, precision {precision:.3f}, "
        f"recall {right / len(wanted):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    exact, near = plant(args.out, args.messages)
    started = time.perf_counter()
    command = [sys.executable, "-m", "dslint", "check", str(args.out), "--select", "D001,D002"]
    result = subprocess.run(
        [*command, "--no-probe", "--no-cache", "--format", "json", "--fail-on", "never"],
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"dslint check --select D001,D002: {time.perf_counter() - started:.1f} s")
    report = json.loads(result.stdout)
    score("D001 exact copies", flagged(report, "D001"), exact)
    score("D002 near copies", flagged(report, "D002") - flagged(report, "D001"), near)


if __name__ == "__main__":
    main()
