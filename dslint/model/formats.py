"""The data files dslint reads, each kind declared once: its extensions and format names,
the decoder that fills its facts, the facts it fills, the trivial properties the probe
tests as shortcuts, and how the HTML report draws one.

Everything else follows from these declarations: discovery's extension checks, the
scan's decoder dispatch, the probe's shortcut properties, the report's pictures, the
pre-commit hook's file pattern and the README's list of formats (tests hold the last
two equal to what `precommit_pattern` and `formats_line` write). Decoders and
drawings are named as "module:function" and imported on first use, so discovery
never imports Pillow or soundfile.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

# facts every decoded file has, whatever its kind
COMMON_FACTS = ("size", "mtime_ns", "byte_hash", "format", "content_hash")
# statistics over the decoded values (pixels, samples, array values)
VALUE_FACTS = ("min", "max", "mean", "std", "nan_count", "inf_count")
# the probe's properties of every file, and of every picture (thumbnail) kind
FILE_PROPERTIES = ("file size", "format")
PICTURE_PROPERTIES = ("mean brightness", "border brightness")


@dataclass(frozen=True)
class Kind:
    """One kind of data file and everything dslint does with it."""

    name: str
    described: str  # the kind's files in the README's words
    formats: Mapping[str, str]  # extension -> the format's name, as decoders report it
    decoder: str  # "module:function(facts, data)" filling the facts from the file's bytes
    facts: tuple[str, ...]  # the FileFacts fields the decoder fills beyond COMMON_FACTS
    probe_properties: tuple[str, ...]  # what a model could read a label from, not content
    picture: str  # "module:function(file) -> (html, size text)" for the HTML report


IMAGE = Kind(
    "image",
    "images",
    {
        ".jpg": "JPEG",
        ".jpeg": "JPEG",
        ".png": "PNG",
        ".bmp": "BMP",
        ".gif": "GIF",
        ".tif": "TIFF",
        ".tiff": "TIFF",
        ".webp": "WEBP",
        ".ppm": "PPM",
        ".pgm": "PPM",
        ".pbm": "PPM",
    },
    decoder="dslint.scan.decode:decode_image",
    facts=(
        "width",
        "height",
        "mode",
        "bit_depth",
        "channels",
        "frames",
        "pixels",
        "oversized",
        *VALUE_FACTS,
        "thumbnail",
        "fingerprint",
        "tint",
        "cropped_prints",
    ),
    probe_properties=(
        *FILE_PROPERTIES,
        "width",
        "height",
        "aspect ratio",
        "channels",
        *PICTURE_PROPERTIES,
    ),
    picture="dslint.reporters.html.pictures:image",
)
AUDIO = Kind(
    "audio",
    "recordings",
    {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".mp3": "MP3", ".aif": "AIFF", ".aiff": "AIFF"},
    decoder="dslint.scan.decode:decode_audio",
    facts=(
        "channels",
        *VALUE_FACTS,
        "sample_rate",
        "duration",
        "peak",
        "rms",
        "clipped",
        "thumbnail",
        "audio_print",
    ),
    # a recording's picture is its spectrogram: its "brightness" is the loudness
    probe_properties=(*FILE_PROPERTIES, "loudness (RMS)", "duration", "sample rate", "channels"),
    picture="dslint.reporters.html.pictures:waveform",
)
ARRAY = Kind(
    "array",
    "per-sample NumPy arrays",
    {".npy": "NPY"},
    decoder="dslint.scan.decode:decode_array",
    facts=(*VALUE_FACTS, "thumbnail", "arrays"),
    probe_properties=(*FILE_PROPERTIES, *PICTURE_PROPERTIES),
    picture="dslint.reporters.html.pictures:array",
)
TEXT = Kind(
    "text",
    "texts, one per file, in class folders that hold no other data files",
    {".txt": "TXT"},
    decoder="dslint.scan.text:decode_text",
    facts=("arrays",),
    probe_properties=FILE_PROPERTIES,
    picture="dslint.reporters.html.pictures:text",
)
KINDS = {kind.name: kind for kind in (IMAGE, AUDIO, ARRAY, TEXT)}
KIND_OF_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.formats}
_KIND_NAME = {ext: kind.name for ext, kind in KIND_OF_EXTENSION.items()}
_FORMAT = {ext: kind.formats[ext] for ext, kind in KIND_OF_EXTENSION.items()}
# files that are datasets or describe one, though not samples: NumPy's stacked arrays
# (x_train.npy is an "array" sample file only in a folder of per-sample arrays; .npz
# archives are always stacked), manifests, and dslint's configuration
STACKED_EXTENSIONS = (".npz",)
MANIFEST_EXTENSIONS = (".csv", ".tsv", ".parquet")
TABLE_EXTENSIONS = (*MANIFEST_EXTENSIONS, ".jsonl")  # tables of samples: JSON lines too
CONFIG_FILES = ("dslint.toml", "pyproject.toml")


def extension(name: str) -> str:
    """The extension as `os.path.splitext` finds it ("" for ".bashrc"), lower-cased;
    twice as fast, and called for every file three times."""
    stem, _, ext = name.rpartition("/")[2].rpartition(".")
    return _lowered(ext) if stem.strip(".") else ""


@functools.lru_cache(maxsize=1024)  # a dataset has few distinct extensions
def _lowered(ext: str) -> str:
    return f".{ext.lower()}"


def kind_of(name: str) -> str | None:
    """ "image", "audio", "array" or "text" for a data file name, None for anything
    else."""
    return _KIND_NAME.get(extension(name))


def expected_format(name: str) -> str | None:
    """The format a file's extension promises ("JPEG" for .jpg), None if unknown."""
    return _FORMAT.get(extension(name))


def precommit_pattern() -> str:
    """The pre-commit hook's `files:` pattern: any data file, stacked array, manifest or
    configuration change can change a check's outcome (extensions in any case:
    cameras write `.JPG`)."""
    extensions = sorted(
        {ext[1:] for ext in KIND_OF_EXTENSION}
        | {ext[1:] for ext in (*STACKED_EXTENSIONS, *TABLE_EXTENSIONS)}
    )
    names = "|".join(name.replace(".", r"\.") for name in CONFIG_FILES)
    return rf"(?i)\.({'|'.join(extensions)})$|(^|/)({names})$"


def formats_line() -> str:
    """The README's list of the files dslint reads, kind by kind."""
    parts = [
        f"{kind.described} ({', '.join(f'`{ext}`' for ext in kind.formats)})"
        for kind in KINDS.values()
    ]
    return (
        f"dslint reads {', '.join(parts)}, in any case of extension; stacked NumPy arrays "
        f"(`x_train.npy`, `.npz`); and manifests "
        f"({', '.join(f'`{ext}`' for ext in MANIFEST_EXTENSIONS)}); and tables of samples "
        f"({', '.join(f'`{ext}`' for ext in TABLE_EXTENSIONS)})."
    )
