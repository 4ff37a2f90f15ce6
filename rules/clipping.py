from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.evidence import pictures
from dslint.engine.wording import examples, plural


class Clipping(Rule):
    """Recordings with samples at full scale: the signal was cut off.

    What it catches:
        Audio files in which more than `max-fraction` (default 0.1 %) of the samples
        sit at full scale (|x| ≥ 0.9999).

    Why it matters:
        A clipped waveform has lost its peaks: loud heart sounds or consonants turn into
        flat tops whose spectrum is full of harmonics that were never in the sound. If
        one class was recorded louder (or with more gain), clipping becomes a feature
        that tells the classes apart for the wrong reason.

    Example:
        2 recordings are clipped: train/abnormal/a0003.wav (4.1 % of samples at full
        scale), val/normal/a0011.wav (0.3 %).

    How to fix:
        Re-record or re-export with less gain; drop badly clipped files. Normalising a
        clipped file does not restore it.
    """

    id = "A004"
    name = "clipping"
    summary = "samples at full scale"
    default_severity = "warning"
    options = {
        "max_fraction": Option(
            0.001, "share of samples at full scale allowed in a recording", min=0, max=1
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        limit = self.options["max_fraction"]
        clipped = [(s, f) for s, f in ctx.audio_files() if (f.clipped or 0) > limit]
        if not clipped:
            return
        clipped.sort(key=lambda item: -item[1].clipped)
        shown = [f"{s.path} ({100 * f.clipped:.1f} % of samples at full scale)" for s, f in clipped]
        yield self.finding(
            f"{plural(len(clipped), 'recording')} {'is' if len(clipped) == 1 else 'are'} "
            f"clipped: {examples(shown)}",
            paths=sorted(s.path for s, _ in clipped),
            evidence={
                **{s.path: round(f.clipped, 5) for s, f in clipped[:100]},
                "pictures": pictures(s.path for s, _ in clipped),
            },
            fix="Re-record or re-export with less gain, or drop badly clipped files.",
        )
