from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule


class SampleRateMismatch(Rule):
    """Audio files recorded at different sample rates.

    What it catches:
        Datasets whose audio files come at more than one sample rate; the finding lists
        every rate with its count and the files at the rarer rates.

    Why it matters:
        Loaders treat the mix silently and differently: `librosa.load` resamples every
        file to 22,050 Hz unless told otherwise (hiding the mix, and throwing away
        content above 11 kHz), `soundfile` and `torchaudio.load` return each file at
        its own rate, so one second of sound becomes a different number of samples and
        the same heartbeat gives spectrograms of different widths and frequency scales.
        When the rate differs by class, the model learns the recording device.

    Example:
        audio files come at 2 sample rates: 2,000 Hz ×40, 4,000 Hz ×3; librosa.load
        would resample them all to 22,050 Hz without a word.

    How to fix:
        Resample every file once to one rate (`librosa.resample` or `sox in.wav -r
        2000 out.wav`) before training, or pass the rate explicitly to the loader
        (`librosa.load(path, sr=2000)`).
    """

    id = "A001"
    name = "sample-rate-mismatch"
    summary = "audio files at different sample rates, with what loaders do about it"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        files = ctx.audio_files()
        rates = Counter(f.sample_rate for _, f in files)
        if len(rates) < 2:
            return
        common = rates.most_common(1)[0][0]
        mix = ", ".join(f"{rate:,} Hz ×{count}" for rate, count in rates.most_common())
        odd = sorted(s.path for s, f in files if f.sample_rate != common)
        yield self.finding(
            f"audio files come at {len(rates)} sample rates: {mix}; librosa.load would "
            f"resample them all to 22,050 Hz without a word, other loaders keep each rate",
            paths=odd,
            evidence={"rates": {str(r): c for r, c in rates.items()}, "most_common": common},
            fix=f"Resample every file once to one rate (e.g. {common:,} Hz) before training, "
            f"or pass it to the loader: librosa.load(path, sr={common}).",
        )
