from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import NamedTuple

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import tally


class MixedFormat(Rule):
    """Samples of mixed modes, bit depths, channel counts or sizes.

    What it catches:
        Images that mix modes (RGB, L, RGBA, P, CMYK), bit depths (8, 16 bit) or
        channel counts, and per-sample arrays that mix shapes or dtypes, with a
        summary of the mix. Mixed image sizes alone are reported as info.

    Why it matters:
        A loader that does not convert explicitly yields tensors of different shapes
        (a batch cannot be stacked) or silently different content: a grayscale image
        broadcast to three channels, an alpha channel read as a colour, 16-bit values
        divided by 255. When the mix correlates with the label, the model learns the
        format instead of the content.

    Example:
        images mix modes RGB ×950, L ×48, RGBA ×2.

    How to fix:
        Convert every image once (`Image.open(p).convert("RGB")`, resize to one size),
        or make the loader do it explicitly, e.g. `color_mode="rgb"` in Keras.
    """

    id = "N005"
    name = "mixed-format"
    summary = "mixed modes/bit depths/sizes/channels across samples"
    default_severity = "warning"

    def check(self, ctx: Context) -> Iterator[Finding]:
        facts = [f for _, f in ctx.files() if not f.error]
        # images counted by their format first: a dataset has few distinct ones
        images = Counter(
            ImageFormat(*IMAGE_FORMAT(f)) for f in facts if f.kind == "image" and f.mode
        )
        arrays = [f for f in facts if f.kind == "array" and f.arrays.get("")]
        mixes = {
            "modes": _tallied(images, lambda image: image.mode),
            "bit depths": _tallied(images, lambda image: f"{image.bit_depth}-bit"),
            "channel counts": _tallied(images, lambda image: str(image.channels)),
            "array shapes": Counter("×".join(map(str, f.arrays[""]["shape"])) for f in arrays),
            "array dtypes": Counter(f.arrays[""]["dtype"] for f in arrays),
        }
        mixed = {what: c for what, c in mixes.items() if len(c) > 1}
        sizes = _tallied(images, lambda image: f"{image.width}×{image.height}")
        if mixed:
            yield self.finding(
                "samples mix " + "; ".join(f"{what} {tally(c)}" for what, c in mixed.items()),
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


def _tallied(formats: Counter, value_of: Callable[[ImageFormat], str]) -> Counter:
    """Files counted by one value of their format, from files counted by format."""
    found: Counter = Counter()
    for image_format, files in formats.items():
        found[value_of(image_format)] += files
    return found
