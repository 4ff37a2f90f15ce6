"""Audio: the same samples in another container are the same content; every format
the installed decoder reads is scanned."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

import dslint
from fixtures.generate import heart_sound, write_wav


def test_the_same_recording_as_wav_and_flac_leaks_across_splits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for split, count in (("train", 3), ("val", 2)):
        for label in ("normal", "abnormal"):
            for i in range(count):
                seed = 100 * len(split) + 10 * i + (label == "abnormal")
                samples = heart_sound(seed, murmur=label == "abnormal")
                write_wav(data / split / label / f"{i}.wav", samples)
    recording = heart_sound(4242, murmur=True)
    write_wav(data / "train/abnormal/patient7.wav", recording)
    pcm = (np.clip(recording, -1, 1) * 32767).astype("<i2")
    soundfile.write(data / "val/abnormal/patient7.flac", pcm, 2000, subtype="PCM_16")
    report = dslint.check(data, use_cache=False, select=["D001"])
    (finding,) = report.findings
    assert finding.message.startswith(
        "1 of 5 val samples (20.0 %) also appear in train: train/abnormal/patient7.wav = "
        "val/abnormal/patient7.flac (same decoded content)"
    )


@pytest.mark.parametrize(
    ("suffix", "fmt", "name"),
    [
        ("flac", "FLAC", "FLAC"),
        ("ogg", "OGG", "OGG"),
        ("mp3", "MP3", "MP3"),
        ("aiff", "AIFF", "AIFF"),
    ],
)
def test_compressed_and_other_containers_are_decoded(
    tmp_path: Path, suffix: str, fmt: str, name: str
) -> None:
    if fmt not in soundfile.available_formats():
        pytest.skip(f"this libsndfile cannot write {fmt}")
    data = tmp_path / "data"
    for label, murmur in (("normal", False), ("abnormal", True)):
        path = data / "train" / label / f"clip.{suffix}"
        path.parent.mkdir(parents=True)
        soundfile.write(path, heart_sound(7, 8000, 1.0, murmur), 8000, format=fmt)
    report = dslint.check(data, use_cache=False, select=["F", "A"])
    assert report.findings == []
    facts = report.to_dict()["scan"]
    assert facts["files"] == 2


def test_the_shipped_mel_banks_are_librosa_s() -> None:
    """The banks ship built so that scan workers need not import librosa (its numba
    start-up cost each worker about a second); they must equal what librosa builds."""
    from dslint.scan.mel import SHIPPED_FFT, SHIPPED_RATES, _shipped, build

    shipped = _shipped()
    assert sorted(shipped) == sorted(f"{rate}_{SHIPPED_FFT}" for rate in SHIPPED_RATES)
    for rate in SHIPPED_RATES:
        np.testing.assert_allclose(shipped[f"{rate}_{SHIPPED_FFT}"], build(rate, SHIPPED_FFT))


def test_scanning_a_16_khz_recording_does_not_import_librosa(tmp_path: Path) -> None:
    import subprocess
    import sys

    write_wav(tmp_path / "a.wav", heart_sound(0, 16_000, 1.0, murmur=False), 16_000)
    code = (
        "import sys; from dslint.model.facts import FileFacts; "
        "from dslint.scan.decode import decode_into; "
        f"facts = FileFacts(path='a.wav', kind='audio'); "
        f"decode_into(facts, open({str(tmp_path / 'a.wav')!r}, 'rb').read()); "
        "print(len(facts.thumbnail), 'librosa' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["3072", "False"], result.stderr


def test_an_unusual_rate_still_gets_librosa_s_bank() -> None:
    import librosa

    from dslint.scan.mel import mel_filters

    np.testing.assert_allclose(
        mel_filters(12_345, 512), librosa.filters.mel(sr=12_345, n_fft=512, n_mels=32)
    )
