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
