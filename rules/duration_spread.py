from __future__ import annotations

import statistics
from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.wording import examples, plural, seconds


class DurationSpread(Rule):
    """Clip lengths that vary widely, or clips too short for the analysis window.

    What it catches:
        Audio datasets whose longest clip is more than `max-ratio` (default 4) times
        the median, or whose shortest is under the median divided by that ratio; and,
        with `min-seconds` set (the window your model reads), every clip shorter than
        it. The length distribution (min / median / max) is stated.

    Why it matters:
        Batches need one length, so clips are padded or cut: a 1-second clip padded to
        30 seconds is mostly silence, a 30-second clip cut to 5 loses most of its
        content, and when length differs by class the model learns the length (a
        shortcut). A clip shorter than the analysis window yields no frame at all.

    Example:
        clip lengths range 0.40 s – 31.2 s (median 2.00 s): 2 clips are over 4× the
        median and 1 under a quarter of it.

    How to fix:
        Cut long recordings into windows of one length and pad or drop short ones, or
        crop every clip to a fixed window at load time; set `min-seconds` to the window.
    """

    id = "A003"
    name = "duration-spread"
    summary = "clip lengths vary widely, or clips shorter than the configured window"
    default_severity = "warning"
    options = {
        "max_ratio": Option(4.0, "longest clip over shortest allowed", min=1),
        "min_seconds": Option(0.0, "the training window: shorter clips are reported", min=0),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        files = ctx.audio_files()
        if not files:
            return
        durations = [f.duration for _, f in files]
        median = statistics.median(durations)
        ratio = self.options["max_ratio"]
        long = [s.path for s, f in files if f.duration > median * ratio]
        short = [s.path for s, f in files if f.duration < median / ratio]
        summary = (
            f"clip lengths range {seconds(min(durations))} – {seconds(max(durations))} "
            f"(median {seconds(median)})"
        )
        evidence = {"min": min(durations), "median": median, "max": max(durations)}
        if long or short:
            parts = [f"{plural(len(long), 'clip')} over {ratio:g}× the median"] if long else []
            if short:
                parts.append(f"{plural(len(short), 'clip')} under 1/{ratio:g} of it")
            yield self.finding(
                f"{summary}: {' and '.join(parts)} ({examples(sorted(long + short))})",
                paths=sorted(long + short),
                evidence={**evidence, "long": len(long), "short": len(short)},
                fix="Cut recordings into windows of one length, pad or drop short clips, or "
                "crop to a fixed window at load time.",
            )
        window = self.options["min_seconds"]
        too_short = [s.path for s, f in files if f.duration < window]
        if too_short:
            yield self.finding(
                f"{plural(len(too_short), 'clip')} {'is' if len(too_short) == 1 else 'are'} "
                f"shorter than the {seconds(window)} window: {examples(sorted(too_short))}",
                paths=sorted(too_short),
                evidence={**evidence, "window": window},
                fix="Pad these clips to the window or drop them.",
            )
