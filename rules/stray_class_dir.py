from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import plural


class StrayClassDir(Rule):
    """Hidden and tool-made folders that loaders turn into classes or samples.

    What it catches:
        `.ipynb_checkpoints`, `__MACOSX`, `.git`, `@eaDir` and other hidden or
        tool-made folders at the class level, or nested inside a class folder.

    Why it matters:
        torchvision's `ImageFolder` makes every folder at the class level a class, so a
        `.ipynb_checkpoints` folder gives the model an extra output that no image
        belongs to. Inside a class folder, loaders that walk subfolders (Keras'
        `image_dataset_from_directory`) read the checkpoint copies as more samples of
        that class: duplicated images you never meant to train on.

    Example:
        train/.ipynb_checkpoints sits among the class folders: ImageFolder would make it
        a class of its own.

    How to fix:
        Delete the folder (`find data -name .ipynb_checkpoints -prune -exec rm -r {} +`)
        and keep notebooks out of the data folder.
    """

    id = "F003"
    name = "stray-class-dir"
    summary = "hidden/tool folders a loader turns into classes (.ipynb_checkpoints, __MACOSX)"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for path, level, data_files in ctx.dataset.stray_dirs:
            name = PurePosixPath(path).name
            inside = f"; it holds {plural(data_files, 'data file')}" if data_files else ""
            if level == "class":
                yield self.finding(
                    f"{path} sits among the class folders: ImageFolder-style loaders make "
                    f"{name!r} a class of its own{inside}",
                    paths=[path],
                    evidence={"level": level, "data_files": data_files},
                    fix=f"Delete {path}.",
                )
            else:
                parent = PurePosixPath(path).parent
                yield self.finding(
                    f"{path} is inside class folder {parent}{inside}: loaders that walk "
                    f"subfolders read them as more {parent.name!r} samples",
                    paths=[path],
                    evidence={"level": level, "data_files": data_files},
                    fix=f"Delete {path}.",
                    severity="warning" if data_files == 0 else None,
                )
