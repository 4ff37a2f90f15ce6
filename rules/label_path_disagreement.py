from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.evidence import pictures
from dslint.engine.wording import examples, plural


class LabelPathDisagreement(Rule):
    """Manifest labels that contradict the class folder the file sits in.

    What it catches:
        Manifest rows whose file lies in a folder named after one class while the row
        gives another class, e.g. `train/cat/3.png,dog`. Folders that are not class
        names are ignored.

    Why it matters:
        One of the two is wrong, and which one you train on depends on the loader: a
        manifest-based loader uses the label column, a folder-based one the folder. Such
        rows are usually the trace of a relabelling that was applied to one and not the
        other; they teach the model contradictory examples.

    Example:
        2 manifest rows give a label that contradicts their class folder: train/cat/3.png
        labelled 'dog', train/dog/8.png labelled 'cat'.

    How to fix:
        Decide which is right for each file, then move the file or fix the row.
    """

    id = "L006"
    name = "label-path-disagreement"
    summary = "manifest label contradicts the class folder"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        dataset = ctx.dataset
        if dataset.label_source != "manifest":
            return
        names = {str(label) for label in dataset.classes()}
        wrong = [
            s for s in dataset.samples if s.folder_label in names and s.folder_label != str(s.label)
        ]
        if not wrong:
            return
        shown = [f"{s.path} labelled {str(s.label)!r}" for s in wrong]
        verb, whose = ("gives", "its") if len(wrong) == 1 else ("give", "their")
        yield self.finding(
            f"{plural(len(wrong), 'manifest row')} {verb} a label that contradicts "
            f"{whose} class folder: {examples(shown)}",
            paths=[s.path for s in wrong],
            evidence={
                "count": len(wrong),
                "rows": [
                    {"path": s.path, "label": str(s.label), "folder": s.folder_label}
                    for s in wrong[:100]
                ],
                "pictures": pictures(s.path for s in wrong),
            },
            fix="Decide which is right for each file, then move the file or fix the row.",
        )
