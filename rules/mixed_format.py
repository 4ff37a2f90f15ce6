from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import NamedTuple

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, tally
from dslint.model.dataset import Sample
from dslint.model.facts import FileFacts


class MixedFormat(Rule):
    """Samples of mixed modes, bit depths, channel counts or sizes.

    What it catches:
        Images that mix modes (RGB, L, RGBA, P, CMYK), bit depths (8, 16 bit) or
        channel counts, and per-sample arrays that mix shapes or dtypes, with a
        summary of the mix; the files of a value that at most `FEW` files have are
        named, as likely strays (hymenoptera_data's ants hold a palette GIF, "this image
        could not be found", among 397 RGB photos). Mixed image sizes alone are
        reported as info.

    Why it matters:
        A loader that does not convert explicitly yields tensors of different shapes
        (a batch cannot be stacked) or silently different content: a grayscale image
        broadcast to three channels, an alpha channel read as a colour, 16-bit values
        divided by 255. When the mix correlates with the label, the model learns the
        format instead of the content.

    Example:
        samples mix modes RGB ×950, L ×48, RGBA ×2 (train/cat/12.png, train/dog/7.png).

    How to fix:
        Convert every image once (`Image.open(p).convert("RGB")`, resize to one size),
        or make the loader do it explicitly, e.g. `color_mode="rgb"` in Keras.
    """

    id = "N005"
    name = "mixed-format"
    summary = "mixed modes/bit depths/sizes/channels across samples"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        files = [(s, f) for s, f in ctx.files() if not f.error]
        facts = [f for _, f in files]
        # images counted by their format first: a dataset has few distinct ones
        images = Counter(
            ImageFormat(*IMAGE_FORMAT(f)) for f in facts if f.kind == "image" and f.mode
        )
        arrays = [f for f in facts if f.kind == "array" and f.arrays.get("")]
        mixes = {what: _tallied(images, value) for what, value in IMAGE_VALUES.items()}
        mixes |= {
            what: Counter(value(f.arrays[""]) for f in arrays)
            for what, value in ARRAY_VALUES.items()
        }
        mixed = {what: c for what, c in mixes.items() if len(c) > 1}
        sizes = _tallied(images, lambda image: f"{image.width}×{image.height}")
        if mixed:
            strays = {what: _strays(files, what, c) for what, c in mixed.items()}
            yield self.finding(
                "samples mix "
                + "; ".join(
                    f"{what} {tally(c)}"
                    + (f" ({examples(strays[what], 3)})" if strays[what] else "")
                    for what, c in mixed.items()
                ),
                paths=sorted({path for found in strays.values() for path in found}),
                evidence={what: dict(c) for what, c in mixed.items()},
                fix="Convert every sample to one mode, depth and shape once, or make the "
                "loader convert explicitly.",
            )
        if len(sizes) > 1:
            yield self.finding(
                f"images come in {len(sizes):,} sizes: {tally(sizes)}",
                severity="info",
                evidence={"sizes": dict(sizes.most_common(20))},
                fix="Resize once to the training resolution, keeping the aspect ratio in "
                "mind (pad or crop rather than stretch).",
            )


class ImageFormat(NamedTuple):
    mode: str
    bit_depth: int | None
    channels: int | None
    width: int | None
    height: int | None


IMAGE_FORMAT = attrgetter(*ImageFormat._fields)
FEW = 5  # files at most of a value in a mix that are named, as likely strays
# the values a mix is counted by: of an image's format (an `ImageFormat`, or the
# `FileFacts` it was read from: the same attributes), and of an array's statistics
IMAGE_VALUES: dict[str, Callable[[ImageFormat | FileFacts], str]] = {
    "modes": lambda image: image.mode,
    "bit depths": lambda image: f"{image.bit_depth}-bit",
    "channel counts": lambda image: str(image.channels),
}
ARRAY_VALUES: dict[str, Callable[[dict], str]] = {
    "array shapes": lambda stats: "×".join(map(str, stats["shape"])),
    "array dtypes": lambda stats: stats["dtype"],
}


def _strays(files: list[tuple[Sample, FileFacts]], what: str, counts: Counter) -> list[str]:
    """The files of the values of a mix that at most `FEW` files have, other than its
    commonest, in dataset order."""
    commonest = counts.most_common(1)[0][0]
    rare = {value for value, count in counts.items() if count <= FEW and value != commonest}
    return [s.path or s.source for s, f in files if rare and _value(f, what) in rare]


def _value(facts: FileFacts, what: str) -> str | None:
    """One file's value in a mix, None where the mix does not count it."""
    if what in IMAGE_VALUES:
        return IMAGE_VALUES[what](facts) if facts.kind == "image" and facts.mode else None
    stats = facts.arrays.get("") if facts.kind == "array" else None
    return ARRAY_VALUES[what](stats) if stats else None


def _tallied(formats: Counter, value_of: Callable[[ImageFormat], str]) -> Counter:
    """Files counted by one value of their format, from files counted by format."""
    found: Counter = Counter()
    for image_format, files in formats.items():
        found[value_of(image_format)] += files
    return found
