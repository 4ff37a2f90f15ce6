from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule
from dslint.scan.decode import MAX_DECODE_PIXELS


class OversizedFile(Rule):
    """An image whose pixel count is over the decompression-bomb limit.

    What it catches:
        Images whose header claims more pixels than `max-pixels` (default: Pillow's
        own limit, 89,478,485 pixels). dslint reads only the header of such a file and
        never decodes it. Also any data file larger than the read limit (`max-file-mb`
        in the configuration, default 1,024 MB), which is not read at all.

    Why it matters:
        Pillow raises `DecompressionBombError` (or warns) on these files, and decoding
        one can take gigabytes of memory and minutes of time in every epoch. A tiny
        file can claim an enormous size on purpose.

    Example:
        train/cat/huge.png claims 100,000×100,000 pixels (10,000.0 megapixels), over
        the limit of 89.5 megapixels.

    How to fix:
        Downscale the image to the resolution you train at, or delete it if the size
        is not real.
    """

    id = "F006"
    name = "oversized-file"
    summary = "pixel count over the decompression-bomb limit"
    default_severity = "error"
    options = {
        "max_pixels": Option(
            MAX_DECODE_PIXELS, "pixel count above which a file is not decoded", min=1
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        limit = self.options["max_pixels"]
        for sample, facts in ctx.files():
            if facts.oversized and facts.pixels is None:
                yield self.finding(
                    f"{sample.path} is {facts.size / 2**20:,.0f} MB, over the read limit "
                    f"(max-file-mb); it was not read",
                    paths=[sample.path],
                    split=sample.split,
                    evidence={"bytes": facts.size},
                    fix="Split or downsample the file, or raise max-file-mb if it is real.",
                )
                continue
            if facts is None or facts.pixels is None or facts.pixels <= limit:
                continue
            yield self.finding(
                f"{sample.path} claims {facts.width:,}×{facts.height:,} pixels "
                f"({facts.pixels / 1e6:,.1f} megapixels), over the limit of "
                f"{limit / 1e6:,.1f} megapixels",
                paths=[sample.path],
                split=sample.split,
                evidence={
                    "width": facts.width,
                    "height": facts.height,
                    "pixels": facts.pixels,
                    "limit": limit,
                },
                fix="Downscale it to the resolution you train at, or delete it.",
            )
