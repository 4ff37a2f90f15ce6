from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import split_name


class EmptyClass(Rule):
    """A class folder with no samples in a split.

    What it catches:
        A class folder that holds no file a loader would read (it may hold stray files
        only, or nothing at all).

    Why it matters:
        torchvision's `ImageFolder` refuses to start ("Found no valid file for the
        classes ..."); Keras still counts the class, so the model gets an output that no
        sample trains, and per-class metrics divide by zero.

    Example:
        val/dog is empty: class 'dog' has no samples in val.

    How to fix:
        Add samples for the class, or remove the folder from every split.
    """

    id = "F004"
    name = "empty-class"
    summary = "class folder with no samples in a split"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        for split, label, path in ctx.dataset.empty_classes:
            yield self.finding(
                f"{path} is empty: class {label!r} has no samples in {split_name(split)}",
                paths=[path],
                split=split,
                evidence={"class": label},
                fix=f"Add {label!r} samples to {path}, or remove the class from every split.",
            )
