from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural
from dslint.model.dataset import Sample
from dslint.model.facts import FileFacts
from dslint.model.lfs import FETCH_FIX, is_unfetched, unfetched_size


class UnreadableFile(Rule):
    """A data file that cannot be decoded: corrupt, truncated, empty, not the format
    it claims, missing, or an array that would need unpickling.

    What it catches:
        Every file that dslint's decoders (Pillow, soundfile, NumPy) reject, with the
        decoder's reason; manifest rows naming files that do not exist; NumPy arrays
        that cannot be loaded safely. Missing files are one finding per manifest, and
        Git LFS pointers (what a clone without Git LFS holds in place of each file) one
        finding for all, with the bytes never fetched.

    Why it matters:
        A loader meets the file mid-epoch and the run dies hours in with
        `OSError: image file is truncated`, or a loader that skips bad files trains on
        fewer samples than you think.

    Example:
        train/cat/0007.jpg cannot be decoded: image file is truncated (3 bytes not
        processed).

    How to fix:
        Re-download or re-export the file, or delete it (and its manifest row).
    """

    id = "F001"
    name = "unreadable-file"
    summary = "file cannot be decoded: corrupt, truncated, zero bytes, missing"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        fix = "Re-download or re-export the file, or remove it (and its manifest row)."
        pointers = [(s, f) for s, f in ctx.files() if f.error and is_unfetched(f.error)]
        if pointers:
            yield self._pointers(pointers)
        for sample, facts in ctx.files():
            if facts.error and not is_unfetched(facts.error):
                yield self.finding(
                    f"{sample.path} cannot be decoded: {facts.error}",
                    paths=[sample.path],
                    split=sample.split,
                    evidence={"reason": facts.error, "bytes": facts.size},
                    fix=fix,
                )
        by_manifest: dict[str, list[tuple[str, str]]] = {}
        for source, named in ctx.dataset.missing_files:
            by_manifest.setdefault(source.rsplit(":", 1)[0], []).append((source, named))
        for manifest, rows in by_manifest.items():
            shown = [f"{source} {named!r}" for source, named in rows]
            yield self.finding(
                f"{plural(len(rows), 'row')} of {manifest} "
                f"{'names a file' if len(rows) == 1 else 'name files'} that "
                f"{'does' if len(rows) == 1 else 'do'} not exist: {examples(shown)}",
                paths=[manifest],
                evidence={
                    "rows": len(rows),
                    "first": [{"row": s, "named": n} for s, n in rows[:100]],
                },
                fix="Fix the paths in the manifest, or restore the files.",
            )
        for table, rows in ctx.dataset.malformed_rows:
            yield self.finding(
                f"{plural(len(rows), 'row')} of {table} "
                f"{'does' if len(rows) == 1 else 'do'} not parse (a cell count other than "
                f"its columns') and {'was' if len(rows) == 1 else 'were'} left out: "
                f"{examples(rows)}",
                paths=[table],
                evidence={"rows": len(rows), "first": rows[:100]},
                fix='Quote the cells that hold the delimiter ("a, b"), or fix those rows.',
            )
        for array, reason in ctx.dataset.unreadable_arrays:
            yield self.finding(
                f"{array}: {reason}",
                paths=[array.split(":", 1)[0]],
                evidence={"reason": reason},
                fix=fix,
            )
        for file in sorted({file for file, _ in ctx.dataset.array_inputs.values()}):
            facts = ctx.facts.get(file)
            if facts is not None and facts.error:
                yield self.finding(
                    f"{file} cannot be read: {facts.error}",
                    paths=[file],
                    evidence={"reason": facts.error},
                    fix=fix,
                )

    def _pointers(self, pointers: list[tuple[Sample, FileFacts]]) -> Finding:
        """One finding for every Git LFS pointer: a clone without Git LFS holds one in
        place of every file, and a line each would bury the one thing to do."""
        names = [sample.path for sample, _ in pointers]
        one = len(pointers) == 1
        stood_for = sum(unfetched_size(facts.error or "") for _, facts in pointers)
        what = "is a Git LFS pointer, not its" if one else "are Git LFS pointers, not their"
        return self.finding(
            f"{plural(len(pointers), 'file')} {what} content: {examples(names)}; the "
            f"{stood_for:,} bytes {'it stands' if one else 'they stand'} for were never fetched",
            paths=names,
            evidence={"git_lfs_pointers": len(pointers), "bytes": stood_for},
            fix=FETCH_FIX,
        )
