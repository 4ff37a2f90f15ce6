"""`FileFacts`: what the scan learns about one file, computed once and cached."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class FileFacts:
    """Facts about one data file. `error` holds the decoder's reason when the file
    cannot be read; the other content fields are then None."""

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
    # arrays: per key ("" for a .npy file) dtype, shape, value statistics and, for
    # stacked inputs, a hash per row and the constant rows (see decode.array_stats)
    arrays: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_cache(self) -> dict[str, Any]:
        data = asdict(self)
        del data["path"]
        return {k: v for k, v in data.items() if not _is_default(v)}

    @classmethod
    def from_cache(cls, path: str, data: dict[str, Any]) -> FileFacts:
        known = {f.name for f in fields(cls)}
        return cls(path=path, **{k: v for k, v in data.items() if k in known})


def _is_default(value: Any) -> bool:
    """None, False and {} are the defaults left out of the cache; 0 and 0.0 are facts."""
    return value is None or value is False or (isinstance(value, dict) and not value)
