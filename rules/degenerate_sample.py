from __future__ import annotations

import math
from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.evidence import pictures
from dslint.engine.wording import examples, plural, split_name
from dslint.model.facts import FileFacts

SILENCE = 1e-4  # -80 dBFS: below this peak a recording is silent


class DegenerateSample(Rule):
    """Samples that hold one value only: blank or black images, all-zero arrays.

    What it catches:
        Images whose every pixel has the same value, per-sample arrays whose every
        value is the same, rows of stacked x arrays that are constant, silent audio
        (a peak under -80 dBFS), and recordings that hold no samples at all (a clip cut
        past the end of its recording, as a public fan-noise repository ships nine).

    Why it matters:
        A blank sample carries no information but still has a label: the model is
        taught that "nothing" looks like that class. Many blank samples in one class
        give a shortcut (S004 territory); they usually come from failed downloads,
        broken crops, or a camera that was off. Normalising one by its own std divides
        by zero.

    Example:
        2 samples in train carry nothing (constant or silent): train/cat/black.png
        (all 0), train/dog/white.png (all 255).

    How to fix:
        Delete them, or re-export them from the source.
    """

    id = "N004"
    name = "degenerate-sample"
    summary = "constant samples: blank images, all-zero arrays, silent audio"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        fix = "Delete these samples, or re-export them from the source."
        for split in ctx.dataset.splits:
            flat = [f"{s.path} ({what})" for s, f in ctx.files(split) if (what := _constant(f))]
            if flat:
                paths = [item.rsplit(" (", 1)[0] for item in flat]
                yield self.finding(
                    f"{plural(len(flat), 'sample')} in {split_name(split)} "
                    f"{'carries' if len(flat) == 1 else 'carry'} nothing (constant or silent): "
                    f"{examples(flat)}",
                    split=split,
                    paths=paths,
                    evidence={"count": len(flat), "pictures": pictures(paths)},
                    fix=fix,
                )
        for split, (file, key) in ctx.dataset.array_inputs.items():
            facts = ctx.facts.get(file)
            stats = facts.arrays.get(key or "", {}) if facts else {}
            rows = stats.get("constant_rows") or []
            if rows:
                source = f"{file}:{key}" if key else file
                yield self.finding(
                    f"{plural(len(rows), 'row')} of {source} {'is' if len(rows) == 1 else 'are'} "
                    f"constant (every value the same): rows {examples([str(r) for r in rows])}",
                    split=split,
                    paths=[file],
                    fix=fix,
                    evidence={"count": len(rows), "rows": rows[:100], "pictures": pictures([file])},
                )


def _constant(facts: FileFacts) -> str | None:
    """How a sample is constant ("all 0", "silent, peak -92 dBFS"), or None."""
    if facts.kind == "audio":
        if facts.duration == 0:
            return "no samples, 0 s"  # cut past the end of its recording
        if facts.peak is None or facts.peak >= SILENCE:
            return None
        return (
            "all zero"
            if facts.peak == 0
            else f"silent, peak {20 * math.log10(facts.peak):.0f} dBFS"
        )
    if facts.min is not None and facts.min == facts.max:
        return f"all {facts.min:g}"
    return None
