"""Labels in file names: `cat.123.jpg` and `dog.45.jpg` in one folder (Kaggle's dogs vs.
cats), `7_jackson_32.wav` (the free spoken digit dataset).

Either the user says how (`--label-from-name REGEX`, a named group `label` and
optionally `split`, searched in each file's path relative to the dataset), or the
names are read as tokens between `.`, `_`, `-` and spaces, and the first token
position that takes few distinct values across the folder is taken as the label:
`cat`/`dog` at position 0 of `cat.123`, the digit at position 0 of `7_jackson_32`
(before the speaker at position 1). Positions of long numbers (ids, dates) never are.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from dslint.errors import DslintError

TOKENS = re.compile(r"[._\-\s]+")
SHARED = 0.9  # the share of names that must have the label's part
MAX_CLASSES = 50


@dataclass(frozen=True)
class NameLabels:
    """How the label (and maybe the split) of a file is read from its path."""

    pattern: re.Pattern | None = None  # the user's, searched in the relative path
    position: int = 0  # inferred: the part of the file name's stem (`cat.12-flip`: 0)
    example: str = ""

    def read(self, rel: str) -> tuple[str | None, str | None]:
        """(label, split) of the file at `rel`, None where the path does not say."""
        if self.pattern is not None:
            found = self.pattern.search(rel)
            if found is None:
                return None, None
            split = found.groupdict().get("split")
            return found.group("label") or None, split or None
        parts = TOKENS.split(PurePosixPath(rel).stem)
        return (parts[self.position] if len(parts) > self.position + 1 else None), None

    def describe(self) -> str:
        """How the label is read, for the report's first line."""
        if self.pattern is not None:
            return f"by {self.pattern.pattern!r}"
        label = TOKENS.split(PurePosixPath(self.example).stem)[self.position]
        return f"part {self.position + 1} of names like {self.example} ({label!r})"


def explicit(regex: str) -> NameLabels:
    """The user's `--label-from-name`."""
    try:
        pattern = re.compile(regex)
    except re.error as exc:
        raise DslintError(
            f"--label-from-name {regex!r} is not a regular expression: {exc}"
        ) from None
    if "label" not in pattern.groupindex:
        raise DslintError(
            f"--label-from-name {regex!r} needs a group named label, as in (?P<label>[a-z]+)"
        )
    return NameLabels(pattern=pattern)


def inferred(names: list[str]) -> NameLabels | None:
    """The label position that the file names of one folder share, if any."""
    stems = [TOKENS.split(PurePosixPath(name).stem) for name in names]
    limit = max(2, min(MAX_CLASSES, len(stems) // 5))
    position = 0
    while True:  # a label part is never a name's last: something must tell files apart
        having = [parts[position] for parts in stems if len(parts) > position + 1]
        if len(having) < max(2, SHARED * len(stems)):
            return None
        values = Counter(having)
        digits = any(value.isdigit() and len(value) >= 4 for value in values)  # ids, dates
        if not digits and 2 <= len(values) <= limit and min(values.values()) >= 2:
            example = next(n for n, p in zip(names, stems, strict=True) if len(p) > position + 1)
            return NameLabels(position=position, example=example)
        position += 1
