"""Small helpers that keep the findings' wording consistent."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from dslint.model.dataset import Label, format_label, sort_labels


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def label_set(labels: Iterable[Label]) -> str:
    return "{" + ", ".join(format_label(v) for v in sort_labels(set(labels))) + "}"


def percent(part: int, whole: int) -> str:
    """A share to one decimal; a share above zero that would read 0.0 % reads < 0.1 %
    (12 copies among 46,000 samples are not none)."""
    if not whole:
        return "0 %"
    share = 100 * part / whole
    return "< 0.1 %" if 0 < share < 0.05 else f"{share:.1f} %"


def split_name(split: str) -> str:
    """A split as the findings name it: quoted when it has no letter ('500', a folder
    of the first 500 samples), so that "500 of 500 '500' samples" reads as it should."""
    return split if any(c.isalpha() for c in split) else repr(split)


def examples(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")


def number(value: float) -> str:
    """A measured value to 4 significant digits, without an exponent from 0.001 to ten
    million (89890, not 8.989e+04; 0.5725; 45.5), with one beyond."""
    if not math.isfinite(value) or value == 0:
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    if not -3 <= magnitude < 7:
        return f"{value:.4g}"
    decimals = max(0, 3 - magnitude)
    text = f"{round(value, 3 - magnitude):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chain(names: list[str], joint: str, limit: int = 4) -> str:
    """A group's members joined ("a = b = c"), the first `limit` of a large one named."""
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return joint.join(names[:limit]) + more


def class_name(label: Label) -> str:
    """'cat' for a named class, class 3 for a numbered one."""
    return format_label(label) if isinstance(label, str) else f"class {label}"


def tally(counts: Counter, limit: int = 5) -> str:
    """The commonest values with their counts: 'RGB ×950, L ×48 and 2 more'."""
    shown = ", ".join(f"{value} ×{count:,}" for value, count in counts.most_common(limit))
    rest = len(counts) - limit
    return shown + (f" and {rest:,} more" if rest > 0 else "")


def seconds(value: float) -> str:
    """A duration for messages: "0.53 s", "12.4 s"."""
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
