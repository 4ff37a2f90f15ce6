from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples

NAMES = {1: "mono", 2: "stereo"}


class ChannelMismatch(Rule):
    """Mono and stereo (or other channel counts) mixed in one dataset.

    What it catches:
        Audio files with different numbers of channels.

    Why it matters:
        A batch of waveforms cannot be stacked when some have one channel and some two;
        loaders that down-mix (librosa's default `mono=True`) hide the mix, while
        others keep it and the first convolution sees a different input shape. A stereo
        file down-mixed with out-of-phase channels can come out nearly silent.

    Example:
        audio files mix 1 stereo with 42 mono files: train/abnormal/a0007.wav.

    How to fix:
        Convert every file to the channel count you train on
        (`sox in.wav -c 1 out.wav`, or `librosa.to_mono`) before training.
    """

    id = "A002"
    name = "channel-mismatch"
    summary = "mono and stereo mixed"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        files = ctx.audio_files()
        channels = Counter(f.channels for _, f in files)
        if len(channels) < 2:
            return
        common = channels.most_common(1)[0][0]
        odd = sorted(s.path for s, f in files if f.channels != common)
        rare = ", ".join(
            f"{count} {NAMES.get(n, f'{n}-channel')}" for n, count in channels.most_common()[1:]
        )
        yield self.finding(
            f"audio files mix {rare} with {channels[common]} "
            f"{NAMES.get(common, f'{common}-channel')} files: {examples(odd)}",
            paths=odd,
            evidence={"channels": {str(n): c for n, c in channels.items()}},
            fix=f"Convert every file to {NAMES.get(common, common)} once before training "
            f"(sox in.wav -c {common} out.wav).",
        )
