"""What a file is, judged by its name: a data file of a declared kind
(dslint.model.formats), or one of the folders and files that tools leave behind.

A `.txt` file is a sample only in a dataset of texts: in a folder of images it is a
README, a licence or a YOLO box file. Discovery decides which it has, and counts texts
as data files inside `texts_are_data()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from dslint.model.formats import kind_of

_TEXTS_ARE_DATA: ContextVar[bool] = ContextVar("texts_are_data", default=False)

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


@contextmanager
def texts_are_data() -> Iterator[None]:
    """Within this block, `.txt` files are data files (discovery of a text dataset)."""
    token = _TEXTS_ARE_DATA.set(True)
    try:
        yield
    finally:
        _TEXTS_ARE_DATA.reset(token)


def is_data_file(name: str) -> bool:
    if name.startswith(".") or name.lower() in TOOL_FILES:
        return False
    kind = kind_of(name)
    return kind is not None and (kind != "text" or _TEXTS_ARE_DATA.get())
