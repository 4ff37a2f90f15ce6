from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath

from dslint.discover.filetypes import is_data_file, is_tool_file
from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural


class StrayFile(Rule):
    """Files in class folders that are not data: .DS_Store, Thumbs.db, notes, and data
    files lying outside any class folder.

    What it catches:
        Files inside class folders whose names no image, audio or array loader accepts
        (.DS_Store, Thumbs.db, desktop.ini, README.txt, *.json), data files placed
        directly in a split folder, where class-folder loaders never look, and symbolic
        links dslint did not follow: broken or looping links, links to folders, and
        links (or manifest paths) that point outside the dataset, unless
        `--follow-links` is given.

    Why it matters:
        A hand-written loader that lists a folder feeds `.DS_Store` to the decoder and
        crashes; library loaders skip these files silently, so a data file outside any
        class folder is simply never trained on.

    Example:
        3 non-data files in class folders: .DS_Store ×2, notes.txt ×1.

    How to fix:
        Delete the stray files (`find data -name .DS_Store -delete`); move notes and
        tables (GTSRB's per-class annotation CSVs) out of the folders, or have the loader
        read data files only; move data files into the class folder they belong to.
    """

    id = "F002"
    name = "stray-file"
    summary = "non-data files in class folders (.DS_Store, Thumbs.db, notes)"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        stray = [p for p in ctx.dataset.stray_files if not is_data_file(PurePosixPath(p).name)]
        outside = [p for p in ctx.dataset.stray_files if is_data_file(PurePosixPath(p).name)]
        if stray:
            names = Counter(_kind_of_stray(PurePosixPath(p).name) for p in stray)
            mix = ", ".join(
                f"{name} ×{count}"
                for name, count in sorted(names.items(), key=lambda item: (-item[1], item[0]))
            )
            yield self.finding(
                f"{plural(len(stray), 'file')} in {_where(ctx, stray)} "
                f"{'is' if len(stray) == 1 else 'are'} not data: {mix}",
                paths=sorted(stray),
                evidence={"count": len(stray), "by_name": dict(names)},
                fix="Delete them (`find DATA -name .DS_Store -delete`), or move notes and lists "
                "out of the dataset's folders."
                if any(_is_litter(PurePosixPath(p).name) for p in stray)
                # GTSRB's per-class annotation tables, IMDB's lists of URLs: no litter
                else "Move these notes and tables out of the class and split folders, or have "
                "the loader read data files only (by their extensions): a loader that lists a "
                "folder takes them for samples.",
            )
        links = ctx.dataset.skipped_links
        if links:
            shown = [f"{path}: {reason}" for path, reason in links]
            yield self.finding(
                f"{plural(len(links), 'symbolic link')} {'was' if len(links) == 1 else 'were'} "
                f"not followed: {examples(shown)}",
                paths=sorted(path for path, _ in links),
                evidence={"links": dict(links[:100])},
                fix="Replace links by the files they stand for, or run with --follow-links "
                "if links outside the dataset are intended.",
            )
        if outside:
            yield self.finding(
                f"{plural(len(outside), 'data file')} outside any class folder, which "
                f"class-folder loaders never read: {examples(sorted(outside))}",
                paths=sorted(outside),
                evidence={"count": len(outside)},
                fix="Move each file into the class folder it belongs to, or delete it.",
            )


def _where(ctx: Context, stray: list[str]) -> str:
    """Where the stray files lie: in class folders (beside samples), in split folders
    (beside class folders, as IMDB's urls_pos.txt), or both."""
    beside_samples = {PurePosixPath(s.path).parent for s in ctx.dataset.samples if s.path}
    places = {
        "class" if PurePosixPath(path).parent in beside_samples else "split" for path in stray
    }
    return f"{' and '.join(sorted(places, reverse=True))} folders"


def _is_litter(name: str) -> bool:
    """What operating systems and editors leave behind (.DS_Store, Thumbs.db)."""
    return name.startswith(".") or is_tool_file(name)


def _kind_of_stray(name: str) -> str:
    """.DS_Store and Thumbs.db by name, other files by extension (*.txt)."""
    if _is_litter(name) or "." not in name:
        return name
    return "*" + PurePosixPath(name).suffix.lower()
