"""The evidence shapes the reports draw, for any rule, built-in or plugin.

A finding's evidence is free-form JSON, but a rule that puts one of these keys in it,
in this shape, gets it drawn in the HTML report without the reporter knowing the rule:

- `pictures`: files to show as thumbnails (images, arrays, and recordings as
  waveforms), each `{"path": …}` with an optional `"note"` printed under it;
- `groups`: groups of copies shown side by side, each `{"samples": [path, …],
  "how": "what makes them copies"}`;
- `counts`: a table of label → count;
- `pairs`: pairs of classes outlined on the probe's confusion heat map, each
  `{"classes": [a, b]}`;
- `levels`: horizontal lines on the training curves, `{"acc": 0.25, "loss": 1.386}`;
- `marked_epoch`: an epoch marked on the training curves.

Paths are the finding's own, relative to the dataset's root.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PICTURES = "pictures"
GROUPS = "groups"
COUNTS = "counts"
PAIRS = "pairs"
LEVELS = "levels"
MARKED_EPOCH = "marked_epoch"
MAX_PICTURES = 50  # a report shows the first few; the paths are all in the finding


def pictures(paths: Iterable[str], notes: Mapping[str, str] | None = None) -> list[dict]:
    """The `pictures` evidence of these files, each with its note where there is one."""
    shown = []
    for path in list(paths)[:MAX_PICTURES]:
        note = (notes or {}).get(path)
        shown.append({"path": path, "note": note} if note else {"path": path})
    return shown
