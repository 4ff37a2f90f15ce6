"""Decoding one file's bytes into facts: images with Pillow, audio with soundfile,
arrays with NumPy (never unpickling). Every failure becomes `facts.error`."""

from __future__ import annotations

import io
import warnings

import numpy as np
import xxhash
from PIL import Image

from dslint.facts import FileFacts

# Pillow's own decompression-bomb limit; above it the header is read, not the pixels.
MAX_DECODE_PIXELS = 89_478_485
BIT_DEPTH = {"1": 1, "I;16": 16, "I;16B": 16, "I;16L": 16, "I;16N": 16, "I": 32, "F": 32}
AUDIO_FORMAT_NAMES = {"MPEG": "MP3"}


def decode_into(facts: FileFacts, data: bytes) -> None:
    if not data:
        facts.error = "empty file (0 bytes)"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            {"image": _image, "audio": _audio, "array": _array}[facts.kind](facts, data)
        except Exception as exc:  # one bad file must never stop the scan
            facts.error = _reason(facts.kind, exc, data)


def _image(facts: FileFacts, data: bytes) -> None:
    Image.MAX_IMAGE_PIXELS = None  # the limit is applied below, before decoding
    with Image.open(io.BytesIO(data)) as image:
        facts.format = image.format
        facts.width, facts.height = image.size
        facts.mode = image.mode
        facts.bit_depth = BIT_DEPTH.get(image.mode, 8)
        facts.channels = len(image.getbands())
        facts.frames = getattr(image, "n_frames", 1)
        facts.pixels = image.size[0] * image.size[1]
        if facts.pixels > MAX_DECODE_PIXELS:
            facts.oversized = True
            return
        image.load()
        pixels = np.asarray(image)
    facts.content_hash = _content_hash(f"{facts.mode}{pixels.shape}", pixels)
    _value_stats(facts, pixels)


def _audio(facts: FileFacts, data: bytes) -> None:
    import soundfile

    with soundfile.SoundFile(io.BytesIO(data)) as sound:
        facts.format = AUDIO_FORMAT_NAMES.get(sound.format, sound.format)
        facts.sample_rate = sound.samplerate
        facts.channels = sound.channels
        samples = sound.read(dtype="float32", always_2d=True)
    facts.duration = len(samples) / facts.sample_rate
    facts.content_hash = _content_hash(f"{facts.sample_rate}/{facts.channels}", samples)
    _value_stats(facts, samples)


def _array(facts: FileFacts, data: bytes) -> None:
    array = np.load(io.BytesIO(data), allow_pickle=False)
    facts.format = "NPY"
    facts.content_hash = _content_hash(f"{array.dtype}{array.shape}", array)
    facts.arrays[""] = array_stats(array)
    _value_stats(facts, array)


def array_stats(array: np.ndarray) -> dict:
    """dtype, shape, finite range and NaN/Inf counts of an array, read in row chunks
    so that a memory-mapped array is never loaded whole."""
    stats: dict = {"dtype": str(array.dtype), "shape": list(array.shape)}
    if array.dtype.kind not in "biuf" or array.size == 0:
        return stats
    low, high, total, squares, count, nans, infs = np.inf, -np.inf, 0.0, 0.0, 0, 0, 0
    rows = array.reshape(len(array), -1) if array.ndim > 1 else array.reshape(-1, 1)
    step = max(1, 4_000_000 // max(1, rows.shape[1]))
    for start in range(0, len(rows), step):
        chunk = np.asarray(rows[start : start + step], dtype=np.float64)
        finite = np.isfinite(chunk)
        nans += int(np.isnan(chunk).sum())
        infs += int(np.isinf(chunk).sum())
        values = chunk[finite]
        if values.size:
            low, high = min(low, float(values.min())), max(high, float(values.max()))
            total += float(values.sum())
            squares += float(np.square(values).sum())
            count += values.size
    stats.update(nan_count=nans, inf_count=infs)
    if count:
        mean = total / count
        stats.update(
            min=low, max=high, mean=mean, std=max(0.0, squares / count - mean * mean) ** 0.5
        )
    return stats


def _value_stats(facts: FileFacts, values: np.ndarray) -> None:
    if values.size == 0 or values.dtype.kind not in "biuf":
        return
    as_float = values.astype(np.float64, copy=False)
    finite = as_float[np.isfinite(as_float)] if values.dtype.kind == "f" else as_float
    if finite.size:
        facts.min, facts.max = float(finite.min()), float(finite.max())
        facts.mean, facts.std = float(finite.mean()), float(finite.std())


def _content_hash(header: str, values: np.ndarray) -> str:
    digest = xxhash.xxh3_64(header.encode())
    digest.update(np.ascontiguousarray(values).tobytes())
    return digest.hexdigest()


def _reason(kind: str, exc: Exception, data: bytes) -> str:
    head = data[:512]
    if b"\0" not in head:
        try:
            head.decode("utf-8")
            return f"the file holds text, not {kind} data"
        except UnicodeDecodeError:
            pass
    if "allow_pickle" in str(exc):
        return "object array: loading it would unpickle code, which dslint refuses"
    if type(exc).__name__ == "UnidentifiedImageError":
        return "not a recognised image format"
    return str(exc).strip() or type(exc).__name__
