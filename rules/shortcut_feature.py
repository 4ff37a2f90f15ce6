from __future__ import annotations

from collections.abc import Iterator

from dslint.analysis.columns import table_splits
from dslint.engine import Context, Finding, Option, Rule

TELLS_LABEL = 0.99  # share of rows a table column must predict to give the label away


class ShortcutFeature(Rule):
    """A trivial property of the files gives the label away.

    What it catches:
        A property that has nothing to do with the content (image width, height or
        aspect ratio, file size, format, channels, an image's mean or border
        brightness, a recording's duration, sample rate or loudness) from which a
        depth-3 tree predicts the label nearly as well as the content probe does
        (within `tolerance`, default 0.02) and clearly better than chance (by at least
        0.2). In a table of samples: a column whose value alone gives the label in 99 %
        of train rows, wrong on a tenth as many rows as guessing (a copy of the label,
        or a column written after the outcome: target leakage).

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
        yield from self._table_columns(ctx)
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

    def _table_columns(self, ctx: Context) -> Iterator[Finding]:
        """A table's column that alone predicts the label: a copy of it, or a column
        written after the outcome (target leakage)."""
        for table in table_splits(ctx):
            if table.split != "train":
                continue
            counts = ctx.dataset.class_counts("train")
            chance = max(counts.values()) / sum(counts.values()) if counts else 1.0
            for name, summary in table.columns.items():
                purity = summary.get("predicts_label")
                # right nearly always, and wrong on a tenth as many rows as guessing
                if (
                    purity is not None
                    and purity >= TELLS_LABEL
                    and 1 - purity <= 0.1 * (1 - chance)
                ):
                    yield self.finding(
                        f"column {name!r} of {table.file} alone predicts the label in "
                        f"{100 * purity:.0f} % of train rows (chance: {100 * chance:.0f} %): "
                        "a copy of the label, or a column written after the outcome",
                        split="train",
                        paths=[table.file],
                        evidence={"column": name, "accuracy": round(purity, 4)},
                        fix=f"Drop {name!r} from the inputs, unless it is known before the "
                        "label is.",
                    )
