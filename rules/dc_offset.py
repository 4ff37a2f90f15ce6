from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.evidence import pictures
from dslint.engine.wording import examples, plural


class DcOffset(Rule):
    """Recordings whose waveform is not centred on zero.

    What it catches:
        Audio files whose mean sample value is beyond ±`max-offset` of full scale
        (default 0.05).

    Why it matters:
        A constant offset puts a large value in the lowest frequency bin of every frame
        and shifts the waveform toward clipping on one side. It comes from a microphone
        or sound card, so it usually marks the device, and a model can tell classes
        apart by the device instead of the sound.

    Example:
        1 recording has a DC offset: train/normal/a0002.wav (mean +0.200 of full scale).

    How to fix:
        Subtract the mean (`y - y.mean()`) or apply a high-pass filter (20 Hz) to every
        file, the same way for all classes.
    """

    id = "A005"
    name = "dc-offset"
    summary = "strong DC offset"
    default_severity = "warning"
    options = {
        "max_offset": Option(
            0.05, "mean sample value allowed, as a share of full scale", min=0, max=1
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        limit = self.options["max_offset"]
        offset = [
            (s, f) for s, f in ctx.audio_files() if f.mean is not None and abs(f.mean) > limit
        ]
        if not offset:
            return
        shown = [f"{s.path} (mean {f.mean:+.3f} of full scale)" for s, f in offset]
        yield self.finding(
            f"{plural(len(offset), 'recording')} {'has' if len(offset) == 1 else 'have'} a "
            f"DC offset: {examples(shown)}",
            paths=sorted(s.path for s, _ in offset),
            evidence={
                **{s.path: round(f.mean, 4) for s, f in offset[:100]},
                "pictures": pictures(s.path for s, _ in offset),
            },
            fix="Subtract the mean or high-pass filter every file (20 Hz), for all classes alike.",
        )
