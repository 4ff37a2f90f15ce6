from __future__ import annotations

from collections.abc import Iterator

from dslint.rule import Context, Finding, Rule
from dslint.wording import plural


class UnusedFolder(Rule):
    """A folder of data beside the split folders that is not one of them.

    What it catches:
        A folder at the split level that holds data files but is not a split: its
        classes are not the classes of the split folders beside it (`breed_dataset/`
        with `cat_breeds/` and `dog_breeds/` next to `training_set/` and `test_set/`
        with `cats/` and `dogs/`). dslint checks the splits and leaves it out.

    Why it matters:
        Whatever dslint says about the dataset says nothing about that folder: its
        leaks, corrupt files and labels were not looked at. If it is part of the
        training data, the check you read is of a different dataset than the one you
        train on.

    Example:
        breed_dataset/ holds 4,000 data files but is not a split of this dataset: check
        it on its own.

    How to fix:
        Check the folder on its own (`dslint check data/breed_dataset`), or move it out
        of the dataset; if it is a split, give its class folders the splits' names.
    """

    id = "F007"
    name = "unused-folder"
    summary = "a folder of data beside the split folders that is not a split, so not checked"
    default_severity = "info"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for folder, data_files in ctx.dataset.unused_folders:
            if not data_files:
                continue
            yield self.finding(
                f"{folder}/ holds {plural(data_files, 'data file')} but is not a split of this "
                "dataset (its folders are not the split folders' classes), so it was not checked",
                paths=[folder],
                evidence={"data_files": data_files},
                fix=f"Check it on its own (dslint check {folder}), or move it out of the dataset.",
            )
