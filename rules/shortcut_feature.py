from __future__ import annotations

from collections.abc import Iterator

from dslint.engine import Context, Finding, Option, Rule


class ShortcutFeature(Rule):
    """A trivial property of the files gives the label away.

    What it catches:
        A property that has nothing to do with the content (image width, height or
        aspect ratio, file size, format, channels, an image's mean or border
        brightness, a recording's duration, sample rate or loudness) from which a
        depth-3 tree predicts the label nearly as well as the content probe does
        (within `tolerance`, default 0.02) and clearly better than chance (by at least
        0.2).

    Why it matters:
        A network takes the easiest path to the label. If every 'tumour' scan is 512
        pixels high and every 'healthy' one 256, the model learns the height, scores
        well on a validation set built the same way, and fails on the first image from
        elsewhere.

    Example:
        image height alone predicts the class with 98 % accuracy (content probe: 96 %,
        chance: 50 %).

    How to fix:
        Make the property the same across classes (resize, re-encode, crop borders,
        match durations and sample rates), or collect data where it varies within every
        class.
    """

    id = "S004"
    name = "shortcut-feature"
    summary = (
        "label predictable from trivial properties "
        "(size, file size, format, brightness, border, loudness)"
    )
    default_severity = "warning"
    options = {
        "tolerance": Option(
            0.02, "accuracy a shortcut may fall short of the probe's and still count", min=0, max=1
        )
    }

    def check(self, ctx: Context) -> Iterator[Finding]:
        result = ctx.probe()
        if result is None or not result.shortcuts:
            return
        name, accuracy = max(result.shortcuts.items(), key=lambda item: (item[1], item[0]))
        if accuracy < result.accuracy - self.options["tolerance"] or accuracy < result.chance + 0.2:
            return
        yield self.finding(
            f"{name} alone predicts the class with {100 * accuracy:.0f} % accuracy (content "
            f"probe: {100 * result.accuracy:.0f} %, chance: {100 * result.chance:.0f} %): "
            f"a model can learn the {name} instead of the content",
            evidence={
                "property": name,
                "accuracy": round(accuracy, 4),
                "content_accuracy": round(result.accuracy, 4),
                "all": {k: round(v, 4) for k, v in sorted(result.shortcuts.items())},
            },
            fix=f"Make the {name} the same across classes, or collect data where it varies "
            f"within every class.",
        )
