from __future__ import annotations

import shlex
from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import plural
from dslint.model.lfs import FETCH_FIX, is_unfetched


class UnusedData(Rule):
    """Data and tables that discovery found in the dataset but did not check, and why.

    What it catches:
        - a folder at the split level that holds data files but is not a split: its
          classes are not those of the split folders beside it (`breed_dataset/` with
          `cat_breeds/` next to `training_set/` and `test_set/` with `cats/`);
        - data files that no manifest row names, counted per folder (an unlabelled
          `test/` beside `labels.csv`, or leftovers);
        - a CSV, TSV or Parquet table that is not a manifest, with the reason
          (`sample_submission.csv`: one column per class and no label column; a Git
          LFS pointer in place of the table);
        - a second input array for one split (`X_train_fbank.npy` beside
          `X_train_yamnet.npy`, both for `y_train.npy`): the first by name is read.

    Why it matters:
        Whatever dslint says about the dataset says nothing about what it left out:
        those files' leaks, corrupt files and labels were not looked at. If they are
        part of the training data, the check you read is of a different dataset than
        the one you train on; if a table was meant as the manifest, its labels were
        never read.

    Example:
        breed_dataset/ holds 4,000 data files that were not checked: not a split, its
        folders are not the splits' classes.

    How to fix:
        Check the folder on its own (`dslint check data/breed_dataset`) or move it out
        of the dataset; name the files in the manifest; point dslint at the table you
        meant (`--manifest`, `--path-column`, `--label-column`).
    """

    id = "F007"
    name = "unused-data"
    summary = "data folders or tables found in the dataset but not checked, and why"
    default_severity = "info"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for folder, data_files, why in ctx.dataset.unused_folders:
            if not data_files:
                continue
            where = "the dataset's top folder" if folder == "." else f"{folder}/"
            target = f"{ctx.dataset.root.rstrip('/')}/{folder}".removesuffix("/.")
            command = f"dslint check {shlex.quote(target)}"
            yield self.finding(
                f"{where} holds {plural(data_files, 'data file')} {why}",
                paths=[folder],
                evidence={"data_files": data_files, "why": why},
                fix=f"Check {folder} on its own ({command}), move it out of the "
                "dataset, or name its files in the manifest.",
            )
        for file, why in ctx.dataset.unused_files:
            array = file.lower().endswith((".npy", ".npz"))
            of_samples = ctx.dataset.label_source == "table"  # a table of samples, not read
            if is_unfetched(why.removeprefix("it is ")):
                fix = FETCH_FIX
            elif array:
                fix = (
                    "Move it out of the dataset's folder, or name the inputs to check "
                    "x_<split>.npy."
                )
            elif of_samples:
                fix = (
                    "Name each table after its split (train.csv, test.csv) or give it a "
                    "split column, or move it out of the dataset's folder."
                )
            else:
                fix = (
                    "If it holds the labels, name it with --manifest and its columns with "
                    "--path-column and --label-column."
                )
            yield self.finding(
                f"{file} was not {'read' if array or of_samples else 'used as a manifest'}: {why}",
                paths=[file],
                evidence={"why": why},
                fix=fix,
            )
