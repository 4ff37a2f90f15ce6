from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from dslint.engine import Context, Finding, Option, Rule
from dslint.engine.evidence import pictures
from dslint.engine.wording import examples, plural, split_name


class OddOneOut(Rule):
    """Images shaped like nothing else in their split: banners, logos, slivers, icons.

    What it catches:
        Images whose aspect ratio lies more than `aspect-factor` (default 2) times beyond
        the range that holds 98 % of their split (its 1st to 99th percentile), or whose
        side (the square root of the pixel count) lies more than `side-factor` (default
        4) times beyond that range. Most extreme first, at most `max-listed` (default
        50) named; only in splits of at least `min-samples` (default 50) images.

        Shape, not content: the probe's features were tried and rejected. On 4,000
        cats and dogs with four planted misfits, the distance to the nearest class in
        the probe's feature space ranked a real cat on a pink blanket above random
        noise and missed a logo, and in scikit-learn's digits it put an ordinary digit
        further out than anything planted among the cats.

    Why it matters:
        Scraped datasets carry pictures of no class at all: an e-mail banner filed
        under dogs (Kaggle's cats and dogs ship "Yahoo! Mail", 195×33), a site logo, a
        thumbnail strip. Resized to the network's input they become smears with a
        label, and a model is taught that smears are dogs.

    Example:
        1 image in test is shaped like no other: test_set/dogs/dog.4367.jpg (195×33,
        aspect ratio 5.91 where 98 % of test lie within 0.53–1.88).

    How to fix:
        Look at them; delete those that belong to no class.
    """

    id = "S006"
    name = "odd-one-out"
    summary = "images shaped like nothing else in their split"
    default_severity = "info"
    options = {
        "aspect_factor": Option(
            2.0, "times beyond the split's central 98 % of aspect ratios that is odd", above=1
        ),
        "side_factor": Option(
            4.0, "times beyond the split's central 98 % of image sides that is odd", above=1
        ),
        "min_samples": Option(50, "images a split needs before any is called odd", min=10),
        "max_listed": Option(50, "odd images named at most", min=1),
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        for split in ctx.dataset.splits:
            images = [
                (s.path, f.width, f.height)
                for s, f in ctx.files(split)
                if not f.error and f.width and f.height
            ]
            if len(images) < self.options["min_samples"]:
                continue
            odd = self._odd(images)
            if not odd:
                continue
            ranked = sorted(odd, reverse=True)[: self.options["max_listed"]]
            yield self.finding(
                f"{plural(len(odd), 'image')} in {split_name(split)} "
                f"{'is' if len(odd) == 1 else 'are'} shaped like no other: "
                f"{examples([why for _, _, why in ranked])}",
                split=split,
                paths=[path for _, path, _ in ranked],
                evidence={"count": len(odd), "pictures": pictures(path for _, path, _ in ranked)},
                fix="Look at them; delete those that belong to no class.",
            )

    def _odd(self, images: list[tuple[str, int, int]]) -> list[tuple[float, str, str]]:
        """(how far out, in log units; path; why in words) of each odd image."""
        widths, heights = np.array([(w, h) for _, w, h in images], dtype=np.float64).T
        measures = (
            ("aspect ratio", widths / heights, self.options["aspect_factor"], "{:.2f}"),
            ("side", np.sqrt(widths * heights), self.options["side_factor"], "{:.0f} px"),
        )
        found = {}
        for name, values, factor, shown in measures:
            low, high = np.percentile(values, [1, 99])
            beyond_all = np.maximum(np.log(low / values), np.log(values / high))
            for i in np.flatnonzero(beyond_all > math.log(factor)):
                (path, w, h), value, beyond = images[i], values[i], float(beyond_all[i])
                if beyond > found.get(path, (0,))[0]:
                    range_ = f"{shown.format(low)}–{shown.format(high)}"
                    found[path] = (
                        beyond,
                        f"{path} ({w}×{h}, {name} {shown.format(value)} where 98 % lie "
                        f"within {range_})",
                    )
        return [(beyond, path, why) for path, (beyond, why) in found.items()]
