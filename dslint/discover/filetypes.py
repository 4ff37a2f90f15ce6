"""What a file is, judged by its name: the extensions loaders accept and the names
of the folders and files that tools leave behind."""

from __future__ import annotations

IMAGE_FORMATS = {
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
}
AUDIO_FORMATS = {
    ".wav": "WAV",
    ".flac": "FLAC",
    ".ogg": "OGG",
    ".mp3": "MP3",
    ".aif": "AIFF",
    ".aiff": "AIFF",
}
ARRAY_FORMATS = {".npy": "NPY"}
MANIFEST_EXTENSIONS = (".csv", ".tsv", ".parquet")

# Folders that tools create and that loaders such as torchvision's ImageFolder or
# Keras' image_dataset_from_directory would treat as a class or walk into.
TOOL_DIRS = {"__MACOSX", "__pycache__", "@eaDir", "$RECYCLE.BIN", "System Volume Information"}
TOOL_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
# Markers people commit on purpose (empty folders cannot be committed to git).
VCS_FILES = {".gitkeep", ".gitignore", ".gitattributes", ".keep"}


def extension(name: str) -> str:
    """The extension as `os.path.splitext` finds it ("" for ".bashrc"), lower-cased;
    twice as fast, and called for every file three times."""
    stem, _, ext = name.rpartition("/")[2].rpartition(".")
    return f".{ext.lower()}" if stem.strip(".") else ""


def kind_of(name: str) -> str | None:
    """ "image", "audio" or "array" for a data file name, None for anything else."""
    ext = extension(name)
    if ext in IMAGE_FORMATS:
        return "image"
    if ext in AUDIO_FORMATS:
        return "audio"
    if ext in ARRAY_FORMATS:
        return "array"
    return None


def expected_format(name: str) -> str | None:
    ext = extension(name)
    return IMAGE_FORMATS.get(ext) or AUDIO_FORMATS.get(ext) or ARRAY_FORMATS.get(ext)


def is_tool_dir(name: str) -> bool:
    """Hidden folders (.ipynb_checkpoints, .git) and folders tools leave behind."""
    return name.startswith(".") or name in TOOL_DIRS


def is_tool_file(name: str) -> bool:
    return name.lower() in TOOL_FILES


def is_vcs_file(name: str) -> bool:
    return name in VCS_FILES


def is_data_file(name: str) -> bool:
    return not name.startswith(".") and name.lower() not in TOOL_FILES and kind_of(name) is not None
