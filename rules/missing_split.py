from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import split_name


class MissingSplit(Rule):
    """No validation split in the dataset.

    What it catches:
        Datasets with no `val`/`validation`/`valid` split (a test split alone is an
        info: it should stay untouched until the end).

    Why it matters:
        Without a fixed validation split, dslint cannot check leakage, label shift or
        split size against it, and a split drawn at load time
        (`validation_split=0.2`) changes with the file order and the seed, so
        experiments are not comparable. Tuning on the test split instead makes its
        score optimistic.

    Example:
        no validation split: the dataset has train only.

    How to fix:
        Create a fixed, stratified validation split (a `val/` folder, a split column in
        the manifest, or `x_val.npy`), and keep the test split for the end.
    """

    id = "B005"
    name = "missing-split"
    summary = "no validation split found"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        splits = ctx.dataset.splits
        if "val" in splits or not splits:
            return
        has_test = "test" in splits
        yield self.finding(
            f"no validation split: the dataset has {' and '.join(map(split_name, splits))}"
            + ("; tuning on test makes its score optimistic" if has_test else ""),
            severity="info" if has_test else None,
            evidence={"splits": splits},
            fix="Add a fixed, stratified validation split (val/ folder, split column, x_val.npy).",
        )
