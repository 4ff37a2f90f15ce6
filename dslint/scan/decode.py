"""Decoding one file's bytes into facts: images with Pillow, audio with soundfile,
arrays with NumPy (never unpickling). Every failure becomes `facts.error`."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import simplejpeg
import xxhash
from PIL import Image

from dslint.analysis.audio_print import audio_print
from dslint.analysis.fingerprint import as_signed, cropped_fingerprints, fingerprints, tints
from dslint.lazy import resolve
from dslint.model.facts import DRAFT, FileFacts
from dslint.model.formats import KINDS
from dslint.model.lfs import pointer_size, unfetched
from dslint.scan.mel import mel_filters

# Pillow's own decompression-bomb limit; above it the header is read, not the pixels.
MAX_DECODE_PIXELS = 89_478_485
PERCENTILE_SAMPLE = 200_000  # values kept per array for its percentiles
BIT_DEPTH = {"1": 1, "I;16": 16, "I;16B": 16, "I;16L": 16, "I;16N": 16, "I": 32, "F": 32}
AUDIO_FORMAT_NAMES = {"MPEG": "MP3"}
JPEG_START = b"\xff\xd8"
JPEG_MODES = {"Gray": "GRAY", "YCbCr": "RGB", "RGB": "RGB"}  # colour space -> decoded as
FULL_SCALE = 0.9999  # a 16-bit sample of ±32767 decodes to ±0.99997
LEVELS = np.arange(256, dtype=np.float64)
DRAFT_FROM = 512  # pixels on a JPEG's shorter side from which it is decoded as a draft
DRAFT_SIDE = 64  # pixels a side a draft keeps at least (a thumbnail is 32)


def decode_into(facts: FileFacts, data: bytes) -> None:
    if not data and facts.kind != "text":  # an empty text is T006's: a text of nothing
        facts.error = "empty file (0 bytes)"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            resolve(KINDS[facts.kind].decoder)(facts, data)
        except Exception as exc:  # one bad file must never stop the scan
            facts.error = _reason(facts.kind, exc, data)


def fingerprint_images(batch: list[FileFacts]) -> None:
    """The fingerprints and tint of every decoded image of a batch, computed together
    (per file, the array calls cost more than the arithmetic)."""
    images = [f for f in batch if f.kind == "image" and f.thumbnail and not f.error]
    if images:
        thumbnails = [f.thumbnail for f in images]
        sizes = np.array([f.dimensions for f in images])
        found = zip(
            as_signed(fingerprints(thumbnails)),
            tints(thumbnails).tolist(),
            as_signed(cropped_fingerprints(thumbnails, sizes)),
            strict=True,
        )
        for facts, (fingerprint, tint, prints) in zip(images, found, strict=True):
            facts.fingerprint, facts.tint, facts.cropped_prints = fingerprint, tint, tuple(prints)


@contextmanager
def pixel_limit(limit: int | None) -> Iterator[None]:
    """Pillow's decompression-bomb limit (a process-wide setting) for the duration of
    a block, then as it was: a caller of `dslint.check` keeps the guard it had."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limit
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def decode_image(facts: FileFacts, data: bytes, draft: bool = True) -> None:
    """An image's facts; a large JPEG (`DRAFT_FROM` pixels on its shorter side) from a
    draft: decoded at 1/2, 1/4 or 1/8 of its size by libjpeg-turbo's DCT scaling, the
    smallest that keeps `DRAFT_SIDE` pixels a side (see `_decode_jpeg`)."""
    if not (data[:2] == JPEG_START and _decode_jpeg(facts, data, draft)):
        decode_with_pillow(facts, data)


def decode_with_pillow(facts: FileFacts, data: bytes) -> None:
    # Pillow's own guard is off here: the limit is applied below, before decoding
    with pixel_limit(None), Image.open(io.BytesIO(data)) as image:
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
        facts.thumbnail = _thumbnail_of_image(image, pixels)
    facts.content_hash = _content_hash(f"{facts.mode}{pixels.shape}", pixels)
    _value_stats(facts, pixels)


def _decode_jpeg(facts: FileFacts, data: bytes, draft: bool = True) -> bool:
    """A JPEG through libjpeg-turbo directly (simplejpeg), 2.5× faster than Pillow's
    decode of 64×64 pictures and pixel for pixel the same (both are libjpeg-turbo with
    the same settings: 2,082 of 2,082 JPEGs equal). False, having set nothing, for
    what it does not handle as Pillow would: CMYK, oversized, damaged or odd files,
    which Pillow then decodes (and names the damage).

    A large JPEG is decoded as a draft (with `draft`): its thumbnail, fingerprint,
    tint and value statistics come from the reduced picture, and its content hash is
    marked "draft:", a candidate that dslint.analysis.duplicates confirms on the full
    decode. On 1,500 real photos of cats and dogs, a draft's mean was within 2.5 grey
    levels of the full picture's (99 % within 1.2) and its standard deviation at least
    0.85 of it (99 % at least 0.93); its extremes are not the full picture's, as
    single bright or dark pixels are averaged away."""
    try:
        height, width, colours, _ = simplejpeg.decode_jpeg_header(data)
        if colours not in JPEG_MODES or width * height > MAX_DECODE_PIXELS:
            return False
        reduced = draft and min(width, height) >= DRAFT_FROM
        side = DRAFT_SIDE if reduced else 0  # 0: full size
        pixels = simplejpeg.decode_jpeg(
            data, colorspace=JPEG_MODES[colours], strict=True, min_height=side, min_width=side
        )
    except ValueError:
        return False
    if colours == "Gray":
        pixels = pixels[..., 0]
    facts.format, facts.mode = "JPEG", "L" if colours == "Gray" else "RGB"
    facts.width, facts.height, facts.pixels = width, height, width * height
    facts.bit_depth, facts.channels, facts.frames = 8, 1 if colours == "Gray" else 3, 1
    facts.thumbnail = _thumbnail_of_image(Image.fromarray(pixels, facts.mode), pixels)
    facts.content_hash = _content_hash(f"{facts.mode}{pixels.shape}", pixels)
    if reduced:
        facts.content_hash = f"{DRAFT}{width}x{height}:{facts.content_hash}"
    _value_stats(facts, pixels)
    return True


def decode_audio(facts: FileFacts, data: bytes) -> None:
    import soundfile

    with soundfile.SoundFile(io.BytesIO(data)) as sound:
        facts.format = AUDIO_FORMAT_NAMES.get(sound.format, sound.format)
        facts.sample_rate = sound.samplerate
        facts.channels = sound.channels
        samples = sound.read(dtype="float32", always_2d=True)
    facts.duration = len(samples) / facts.sample_rate
    facts.content_hash = _content_hash(f"{facts.sample_rate}/{facts.channels}", samples)
    _value_stats(facts, samples)
    if samples.size:
        mono = samples.mean(axis=1)
        facts.thumbnail = _thumbnail_of_sound(mono, facts.sample_rate)
        facts.audio_print = audio_print(mono, facts.sample_rate)
        magnitude = np.abs(samples)
        facts.peak = float(magnitude.max())
        facts.rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
        facts.clipped = float(np.count_nonzero(magnitude >= FULL_SCALE) / magnitude.size)


def decode_array(facts: FileFacts, data: bytes) -> None:
    array = np.load(io.BytesIO(data), allow_pickle=False)
    facts.format = "NPY"
    facts.content_hash = _content_hash(f"{array.dtype}{array.shape}", array)
    facts.arrays[""] = array_stats(array)
    _value_stats(facts, array)
    if array.dtype.kind in "biuf" and array.size:
        facts.thumbnail = thumbnail_of_array(array)


def array_stats(array: np.ndarray, per_row: bool = False) -> dict:
    """dtype, shape, finite range, mean/std, NaN/Inf counts and percentiles of a sample
    of the values, read in row chunks so that a memory-mapped array is never loaded
    whole. With `per_row` (a stacked x array, one sample per row) also a hash of each
    row and the rows whose values are all equal."""
    stats: dict = {"dtype": str(array.dtype), "shape": list(array.shape)}
    if array.dtype.kind not in "biuf" or array.size == 0:
        return stats
    low, high, total, squares, count, nans, infs = np.inf, -np.inf, 0.0, 0.0, 0, 0, 0
    rows = array.reshape(len(array), -1) if array.ndim > 1 else array.reshape(-1, 1)
    step = max(1, 4_000_000 // max(1, rows.shape[1]))
    stride = max(1, array.size // PERCENTILE_SAMPLE)
    sampled, row_hashes, constant = [], [], []
    for start in range(0, len(rows), step):
        raw = np.ascontiguousarray(rows[start : start + step])
        chunk = raw.astype(np.float64, copy=False)
        finite = np.isfinite(chunk)
        nans += int(np.isnan(chunk).sum())
        infs += int(np.isinf(chunk).sum())
        values = chunk[finite]
        if values.size:
            low, high = min(low, float(values.min())), max(high, float(values.max()))
            total += float(values.sum())
            squares += float(np.square(values).sum())
            count += values.size
            sampled.append(values[::stride])
        if per_row:
            row_hashes.extend(xxhash.xxh3_64_intdigest(row.tobytes()) for row in raw)
            flat = np.ptp(chunk, axis=1) == 0
            constant.extend((np.flatnonzero(flat) + start).tolist())
    stats.update(nan_count=nans, inf_count=infs)
    if count:
        mean = total / count
        sample = np.concatenate(sampled)
        p1, p50, p99 = np.percentile(sample, [1, 50, 99]).tolist()
        stats.update(
            min=low,
            max=high,
            mean=mean,
            std=max(0.0, squares / count - mean * mean) ** 0.5,
            p1=p1,
            p50=p50,
            p99=p99,
        )
    if per_row:
        stats.update(row_hashes=row_hashes, constant_rows=constant)
    return stats


def _value_stats(facts: FileFacts, values: np.ndarray) -> None:
    if values.size == 0 or values.dtype.kind not in "biuf":
        return
    if values.dtype.kind == "f":
        finite_mask = np.isfinite(values)
        facts.nan_count = int(np.isnan(values).sum())
        facts.inf_count = int(values.size - finite_mask.sum() - facts.nan_count)
        values = values[finite_mask]
    if values.dtype == np.uint8:  # most images: from the histogram, a third faster
        counts = np.bincount(values.ravel(), minlength=256)
        used = np.flatnonzero(counts)
        mean = float(counts @ LEVELS) / values.size
        facts.min, facts.max, facts.mean = float(used[0]), float(used[-1]), mean
        facts.std = (float(counts @ (LEVELS - mean) ** 2) / values.size) ** 0.5
    elif values.size:
        facts.min, facts.max = float(values.min()), float(values.max())
        facts.mean, facts.std = (
            float(values.mean(dtype=np.float64)),
            float(values.std(dtype=np.float64)),
        )


def _content_hash(header: str, values: np.ndarray) -> str:
    digest = xxhash.xxh3_64(header.encode())
    digest.update(np.ascontiguousarray(values).tobytes())
    return digest.hexdigest()


def _reason(kind: str, exc: Exception, data: bytes) -> str:
    if (size := pointer_size(data)) is not None:
        return unfetched(size)
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
    # soundfile names the in-memory buffer ("Error opening <_io.BytesIO object at 0x…>: ")
    message = re.sub(r"^Error opening <[^>]*>:\s*", "", str(exc).strip())
    return message or type(exc).__name__


THUMBNAIL = 32
ARRAY_MODES = ("I", "I;16", "I;16B", "I;16L", "F")  # thumbnailed as arrays, by `grey_levels`


def _thumbnail_of_image(image: Image.Image, pixels: np.ndarray) -> bytes:
    if image.mode in ARRAY_MODES:
        return thumbnail_of_array(pixels)
    rgb = image if image.mode == "RGB" else image.convert("RGB")  # convert copies even so
    small = rgb.resize((THUMBNAIL, THUMBNAIL), Image.Resampling.BILINEAR)
    return small.tobytes()


def thumbnail_of_array(array: np.ndarray) -> bytes:
    """A 2-D view of an array (a spectrogram, a grey or colour image), min-max scaled
    to 0-255 and resized to 32×32 RGB."""
    values = np.asarray(array, dtype=np.float32)
    if values.ndim == 3 and values.shape[-1] in (1, 3, 4):
        values = values[..., :3].mean(axis=-1)
    while values.ndim > 2:
        values = values.mean(axis=0)
    if values.ndim == 1:
        values = values[None, :]
    grey = Image.fromarray(grey_levels(values).astype(np.uint8), "L")
    return grey.resize((THUMBNAIL, THUMBNAIL), Image.Resampling.BILINEAR).convert("RGB").tobytes()


def grey_levels(values: np.ndarray) -> np.ndarray:
    """Values (a 16-bit or float picture, an array) scaled from their least to their
    greatest to 0-255, as floats, NaN and infinities as 0: the grey levels their
    thumbnail shows, and which the near-duplicate confirmation's limits are in."""
    values = np.nan_to_num(np.asarray(values, np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) * 255 if high > low else np.zeros_like(values)


def _thumbnail_of_sound(mono: np.ndarray, rate: int) -> bytes:
    """A log-mel spectrogram (32 mel bands × 32 frames) of the whole clip, as a 32×32
    picture: 32 windows spread over the clip, their power spectra through a mel filter
    bank (librosa's, dslint.scan.mel), in dB."""
    n_fft = 512 if len(mono) >= 512 else 1 << max(5, int(np.log2(max(len(mono), 32))))
    padded = np.pad(mono.astype(np.float32), (0, max(0, n_fft - len(mono))))
    starts = np.linspace(0, len(padded) - n_fft, THUMBNAIL).astype(int)
    frames = padded[starts[:, None] + np.arange(n_fft)] * np.hanning(n_fft)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    mel = mel_filters(rate, n_fft) @ power.T
    return thumbnail_of_array(10 * np.log10(mel + 1e-10))
