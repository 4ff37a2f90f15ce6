"""Reading a training history file, whatever format it comes in; the user never says
which. Readers are tried in registry order: first the file formats recognised by
name (TensorBoard event files), then the text formats, the first to find epochs wins."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dslint.errors import DslintError
from dslint.training import tensorboard, text_logs
from dslint.training.history import History

MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FileReader:
    """A history format recognised by its file name and read from the file itself."""

    name: str
    claims: Callable[[Path], bool]
    read: Callable[[Path], History]


TextReader = Callable[[str, str], "History | None"]  # (text, source) -> history or None

FILE_READERS: list[FileReader] = [
    FileReader("TensorBoard", tensorboard.is_tensorboard, tensorboard.read_tensorboard)
]
TEXT_READERS: list[TextReader] = [text_logs.json_history, text_logs.csv_history, text_logs.console]


def read_history(file: Path) -> History:
    """Read a history file; raise `DslintError` with one line when nothing in it is a
    training history."""
    for reader in FILE_READERS:
        if reader.claims(file):
            return reader.read(file)
    try:
        raw = file.read_bytes()[:MAX_BYTES]
    except OSError as exc:
        raise DslintError(f"history {file} cannot be read: {exc.strerror}") from None
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, as PowerShell's `>` writes text
        raw = raw.decode("utf-16", errors="replace").encode("utf-8")
    if b"\0" in raw[:4096]:
        raise DslintError(
            f"history {file} is binary, not a training log (TensorBoard event files are read "
            f"by their names: *tfevents*)"
        )
    history = _parsed(raw.decode("utf-8", errors="replace"), str(file))
    if history is not None:
        return history
    raise DslintError(
        f"history {file}: no epochs with metrics found (expected Keras "
        f"console output, a CSVLogger/metrics.csv file or a history JSON)"
    )


def parse_text(text: str, name: str = "<text>") -> History:
    """Parse history text directly (for callbacks and tests)."""
    return _parsed(text, name) or History(source=name, format="empty")


def _parsed(text: str, name: str) -> History | None:
    """The history in `text`, read by the first format that finds epochs in it."""
    for reader in TEXT_READERS:
        history = reader(text, name)
        if history is not None and history.rows:
            return history
    return None
