"""Audio fingerprints and the search for near-duplicate recordings (D002, D003).

A picture hash of a spectrogram finds two heartbeats alike whoever recorded them, so
recordings get their own fingerprint, after Haitsma and Kalker's: the clip is
decimated to about 2 kHz (box averaging; the bands end at 900 Hz), cut into 128 ms
windows every 16 ms, and each window's energy in 33 mel-spaced bands from 50 to 900 Hz
gives 32 bits: whether the log-energy step between neighbouring bands rose or fell
since the previous window. Log energies make the bits blind to volume and to a fixed
tone colour (a phone's microphone); a re-encoding, resampling or a little added noise
flips a few of them, another recording about half.

The search indexes every window's 32-bit word: two recordings sharing words at a
consistent time offset are candidates, and a candidate is kept when the bits of the
aligned windows differ in at most `MAX_BIT_ERRORS` of cases. Words shared by more than
`MAX_BUCKET` windows (silence, hum) are not indexed.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

TARGET_RATE = 2000
WINDOW = 256  # samples at the decimated rate: 128 ms
HOP = 32  # 16 ms
EDGES_HZ = 700 * (10 ** (np.linspace(np.log10(1 + 50 / 700), np.log10(1 + 900 / 700), 34)) - 1)
MAX_BIT_ERRORS = 0.25  # copies measured 0.0-0.08 (gain, resampling, Ogg, trim); others 0.47-0.50
MIN_OVERLAP = 0.5  # of the shorter recording's windows
MIN_VOTES = 2  # shared words at one offset before the bits are compared
MAX_BUCKET = 200


def audio_print(mono: np.ndarray, rate: int) -> bytes | None:
    """32 bits per 16 ms window of a mono clip, big-endian; None for a clip too short
    (under 0.15 s) or sampled below 2 kHz."""
    factor = rate // TARGET_RATE
    if factor < 1 or len(mono) < factor * (WINDOW + 2 * HOP):
        return None
    import scipy.fft  # here: 0.2 s to import, and image-only runs never need it

    samples = np.asarray(mono, dtype=np.float32)
    # sums, not means: the bits compare log energies, blind to a constant gain
    blocks = samples[: len(samples) // factor * factor].reshape(-1, factor)
    decimated = np.einsum("ij->i", blocks)
    frames = sliding_window_view(decimated, WINDOW)[::HOP] * _window()
    spectrum = scipy.fft.rfft(frames, axis=1)  # NumPy's is 7× slower on float32
    power = np.square(spectrum.real) + np.square(spectrum.imag)
    bands = _band_starts(rate, factor)
    energy = np.add.reduceat(power, bands[:-1], axis=1)[:, : len(bands) - 1]
    steps = np.diff(np.log(energy + 1e-12), axis=1)
    bits = np.diff(steps, axis=0) > 0
    return np.packbits(bits, axis=1).tobytes()


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.hanning(WINDOW).astype(np.float32)


@lru_cache(maxsize=32)
def _band_starts(rate: int, factor: int) -> np.ndarray:
    """The first FFT bin of each band, and the end of the last."""
    return np.searchsorted(np.fft.rfftfreq(WINDOW, factor / rate), EDGES_HZ)


def words(fingerprint: bytes) -> np.ndarray:
    return np.frombuffer(fingerprint, dtype=">u4").astype(np.uint32)


def bit_errors(a: np.ndarray, b: np.ndarray, offset: int) -> tuple[float, int]:
    """The share of differing bits of the windows of `a` and `b` aligned so that window
    i of `a` meets window i - offset of `b`, and how many windows overlap."""
    start, stop = max(0, offset), min(len(a), len(b) + offset)
    left, right = a[start:stop], b[start - offset : stop - offset]
    sounding = (left != 0) | (right != 0)  # windows of digital silence say nothing
    if not sounding.any():
        return 1.0, 0
    xor = left[sounding] ^ right[sounding]
    return float(np.bitwise_count(xor).sum()) / (32 * len(xor)), len(xor)


def near_recordings(prints: list[bytes]) -> list[tuple[int, int, float]]:
    """Pairs (i, j), i < j, of recordings that are near-duplicates, with the share of
    their aligned fingerprint bits that differ."""
    clips = [words(p) for p in prints]
    lengths = np.array([len(c) for c in clips])
    if len(clips) < 2 or lengths.sum() == 0:
        return []
    values = np.concatenate(clips)
    clip = np.repeat(np.arange(len(clips)), lengths)
    frame = np.arange(len(values)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    starts, sizes = starts[sizes <= MAX_BUCKET], sizes[sizes <= MAX_BUCKET]
    candidates = _shared_words(clip, frame, order, starts, sizes, len(clips))
    found = []
    for (i, j), offset in candidates.items():
        errors, overlap = bit_errors(clips[i], clips[j], offset)
        if errors <= MAX_BIT_ERRORS and overlap >= MIN_OVERLAP * min(lengths[i], lengths[j]):
            found.append((i, j, errors))
    return sorted(found)


def _shared_words(
    clip: np.ndarray,
    frame: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    count: int,
) -> dict[tuple[int, int], int]:
    """For each pair of recordings sharing words, the time offset most of them agree on
    (when at least `MIN_VOTES` do)."""
    pairs = []
    for size in np.unique(sizes[sizes > 1]):
        groups = order[starts[sizes == size][:, None] + np.arange(size)]
        left, right = np.triu_indices(size, k=1)
        a, b = groups[:, left].ravel(), groups[:, right].ravel()
        swap = clip[a] > clip[b]
        a, b = np.where(swap, b, a), np.where(swap, a, b)
        other = clip[a] != clip[b]
        pairs.append(np.stack([clip[a][other], clip[b][other], (frame[a] - frame[b])[other]]))
    i, j, offset = np.concatenate(pairs, axis=1) if pairs else np.empty((3, 0), dtype=int)
    if len(offset) == 0:
        return {}
    span = int(np.abs(offset).max()) + 1
    keys, votes = np.unique((i * count + j) * (2 * span + 1) + offset + span, return_counts=True)
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for key, vote in zip(keys.tolist(), votes.tolist(), strict=True):
        pair, shifted = divmod(key, 2 * span + 1)
        pair = divmod(pair, count)
        if vote >= MIN_VOTES and vote > best.get(pair, (0, 0))[0]:
            best[pair] = (vote, shifted - span)
    return {pair: offset for pair, (_, offset) in best.items()}
