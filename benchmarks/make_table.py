"""Write a train.csv / test.csv pair of a large table of samples: numeric feature
columns, a few categorical ones and a label, with planted problems for dslint to find:
rows of train copied into test, one column rescaled in test, and a column that is the
label encoded (target leakage).

    python benchmarks/make_table.py DIR --rows 1000000 --columns 50
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORIES = {"colour": ["red", "green", "blue"], "size": ["S", "M", "L", "XL"]}


def make(rows: int, columns: int, seed: int = 0) -> pd.DataFrame:
    """`columns` columns in all: numbers, `CATEGORIES`, a label-encoding column and the
    label; the label depends on the first two numbers (learnable)."""
    rng = np.random.default_rng(seed)
    numbers = columns - len(CATEGORIES) - 2
    values = rng.normal(size=(rows, numbers)).round(4)
    frame = pd.DataFrame(values, columns=[f"x{i}" for i in range(numbers)])
    for name, levels in CATEGORIES.items():
        frame[name] = rng.choice(levels, rows)
    label = np.where(values[:, 0] + values[:, 1] + rng.normal(0, 0.5, rows) > 0, "yes", "no")
    frame["outcome_code"] = np.where(label == "yes", 1, 0)  # the label, encoded: a leak
    frame["label"] = label
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=50)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    train = make(args.rows, args.columns)
    test = make(args.rows // 10, args.columns, seed=1)
    test.iloc[:100] = train.iloc[:100].to_numpy()  # 100 rows of train copied into test
    test.loc[100:, "x2"] = test.loc[100:, "x2"] * 100  # rescaled in test (not the copies)
    train.to_csv(args.out / "train.csv", index=False)
    test.to_csv(args.out / "test.csv", index=False)


if __name__ == "__main__":
    main()
