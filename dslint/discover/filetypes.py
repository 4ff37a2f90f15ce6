"""What a file is, judged by its name: a data file of a declared kind
(dslint.model.formats), or one of the folders and files that tools leave behind."""

from __future__ import annotations

from dslint.model.formats import kind_of

# Folders that tools create and that loaders such as torchvision's ImageFolder or
# Keras' image_dataset_from_directory would treat as a class or walk into.
TOOL_DIRS = {"__MACOSX", "__pycache__", "@eaDir", "$RECYCLE.BIN", "System Volume Information"}
TOOL_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
# Markers people commit on purpose (empty folders cannot be committed to git).
VCS_FILES = {".gitkeep", ".gitignore", ".gitattributes", ".keep"}


def is_tool_dir(name: str) -> bool:
    """Hidden folders (.ipynb_checkpoints, .git) and folders tools leave behind."""
    return name.startswith(".") or name in TOOL_DIRS


def is_tool_file(name: str) -> bool:
    return name.lower() in TOOL_FILES


def is_vcs_file(name: str) -> bool:
    return name in VCS_FILES


def is_data_file(name: str) -> bool:
    return not name.startswith(".") and name.lower() not in TOOL_FILES and kind_of(name) is not None
