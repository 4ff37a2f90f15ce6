"""`FileFacts`: what the scan learns about one file, computed once and cached."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

DRAFT = "draft:"  # begins the content hash of a JPEG decoded as a draft: "probably the same"


@dataclass(slots=True)
class FileFacts:
    """Facts about one data file. `error` holds the decoder's reason when the file
    cannot be read; the other content fields are then None. Slotted: a dataset's
    facts are all in memory at once (a quarter of the memory of 100,000 files)."""

    path: str
    kind: str
    size: int = 0
    mtime_ns: int = 0
    byte_hash: str | None = None
    format: str | None = None
    error: str | None = None
    content_hash: str | None = None
    # images
    width: int | None = None
    height: int | None = None
    mode: str | None = None
    bit_depth: int | None = None
    channels: int | None = None
    frames: int | None = None
    pixels: int | None = None
    oversized: bool = False
    # value statistics over the decoded content (pixels, audio samples, array values)
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    nan_count: int | None = None
    inf_count: int | None = None
    # audio
    sample_rate: int | None = None
    duration: float | None = None
    peak: float | None = None  # largest absolute sample, full scale = 1.0
    rms: float | None = None
    clipped: float | None = None  # fraction of samples at full scale
    # a 32×32 RGB uint8 picture of the content (image, log-mel spectrogram, array) for
    # the separability probe
    thumbnail: bytes | None = None
    fingerprint: int | None = None  # 64-bit perceptual hash of an image's thumbnail (signed)
    tint: int | None = None  # an image's mean colour, 0xRRGGBB (the fingerprint is grey)
    # fingerprints of the thumbnail's centre crops (fingerprint.CROPS)
    cropped_prints: tuple[int, ...] | None = None
    audio_print: bytes | None = (
        None  # 32 bits per 16 ms of a recording (dslint.analysis.audio_print)
    )
    # arrays (keep it the last field): per key ("" for a .npy file) dtype, shape, value
    # statistics and, for stacked inputs, a hash per row and the constant rows
    # (see decode.array_stats)
    arrays: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def dimensions(self) -> tuple[int, int]:
        """An image's width and height in pixels ((0, 0) when unknown): what its crops are
        fingerprinted and placed by."""
        return (self.width, self.height) if self.width and self.height else (0, 0)

    def __reduce__(self) -> tuple:
        """Pickled as the constructor's arguments (for the scan's worker processes):
        2.3× faster than the slotted dataclass's own state, which looks its fields up
        for every object."""
        return FileFacts, _ALL_FIELDS(self)

    def to_row(self) -> tuple:
        """The cached fields as one row of plain values (arrays as JSON, or None)."""
        row = _CACHED_FIELDS(self)
        arrays = row[ARRAYS_COLUMN]
        return (*row[:ARRAYS_COLUMN], json.dumps(arrays, separators=(",", ":")) if arrays else None)

    @classmethod
    def from_row(cls, path: str, row: tuple) -> FileFacts:
        facts = cls(path, *row[:ARRAYS_COLUMN])
        facts.oversized = bool(facts.oversized)
        if row[ARRAYS_COLUMN]:
            facts.arrays = json.loads(row[ARRAYS_COLUMN])
        return facts


_ALL_FIELDS = attrgetter(*(f.name for f in fields(FileFacts)))
CACHED_FIELDS = tuple(f.name for f in fields(FileFacts) if f.name != "path")
ARRAYS_COLUMN = len(CACHED_FIELDS) - 1  # `arrays`, the one field stored as JSON, comes last
_CACHED_FIELDS = attrgetter(*CACHED_FIELDS)
