"""Audio fingerprints tell a recording's copies (resampled, re-encoded, quieter,
trimmed) from other recordings of the same kind of sound."""

from __future__ import annotations

import io

import numpy as np
import soundfile
from scipy.signal import resample_poly

from dslint.analysis.audio_print import audio_print, near_recordings
from fixtures.generate import heart_sound


def _ogg(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, format="OGG", subtype="VORBIS")
    buffer.seek(0)
    decoded, decoded_rate = soundfile.read(buffer)
    return decoded, decoded_rate


def test_copies_of_a_recording_match_and_other_recordings_do_not() -> None:
    original = heart_sound(1, 2000, 3.0, murmur=True)
    copies = [
        (0.5 * original, 2000),  # 6 dB quieter
        (resample_poly(original, 2, 1), 4000),  # resampled
        _ogg(resample_poly(original, 4, 1), 8000),  # lossy re-encoding
        (original[300:], 2000),  # trimmed by 0.15 s: found at a time offset
    ]
    others = [(heart_sound(seed, 2000, 3.0, murmur=seed % 2 == 0), 2000) for seed in range(2, 30)]
    prints = [audio_print(x, rate) for x, rate in [(original, 2000), *copies, *others]]
    found = near_recordings(prints)
    assert {(i, j) for i, j, _ in found} == {(i, j) for i in range(5) for j in range(i + 1, 5)}
    assert max(errors for _, _, errors in found) < 0.15


def test_digital_silence_is_no_evidence() -> None:
    """Two different recordings padded with long silences must not match on the
    silence."""
    silence = np.zeros(20_000)
    prints = [
        audio_print(np.r_[silence, heart_sound(seed, 2000, 1.0), silence], 2000) for seed in (1, 2)
    ]
    assert near_recordings(prints) == []


def test_a_clip_too_short_or_too_coarse_has_no_fingerprint() -> None:
    assert audio_print(np.zeros(200), 2000) is None
    assert audio_print(heart_sound(1, 1000, 2.0), 1000) is None
