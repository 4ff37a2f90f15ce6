from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural


class UnreadableFile(Rule):
    """A data file that cannot be decoded: corrupt, truncated, empty, not the format
    it claims, missing, or an array that would need unpickling.

    What it catches:
        Every file that dslint's decoders (Pillow, soundfile, NumPy) reject, with the
        decoder's reason; manifest rows naming files that do not exist; NumPy arrays
        that cannot be loaded safely. Missing files are one finding per manifest.

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
        for sample, facts in ctx.files():
            if facts.error:
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
