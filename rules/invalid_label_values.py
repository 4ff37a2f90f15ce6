from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dslint.engine import Context, Finding, Rule
from dslint.engine.wording import examples, plural, split_name
from dslint.model.dataset import InvalidLabel, format_label


class InvalidLabelValues(Rule):
    """Labels that are not class values: empty, NaN, fractional, a mix of numbers and
    text, or one-hot rows that do not sum to 1.

    What it catches:
        Empty or NaN label cells, fractional numbers (0.5) where class labels are
        expected, manifests that mix numeric and text labels (`1`, `0`, `cat`), and
        one-hot label rows with several ones, no one, or values outside [0, 1].

    Why it matters:
        Frameworks cast labels silently: an empty cell becomes NaN and turns the loss
        into NaN; 0.5 is truncated to class 0; a mixed column is read as text, so '1'
        and 1 become two classes; a one-hot row with two ones trains two classes at once.

    Example:
        train has 3 samples with invalid labels: empty ×2 (REFERENCE.csv:4,
        REFERENCE.csv:9), NaN ×1 (REFERENCE.csv:17).

    How to fix:
        Fill or drop the rows with empty or NaN labels, map every label to one type,
        and fix the one-hot rows (each row one 1, the rest 0).
    """

    id = "L005"
    name = "invalid-label-values"
    summary = "NaN/empty/fractional/mixed-type labels; one-hot rows not summing to 1"
    default_severity = "error"

    def check(self, ctx: Context) -> Iterator[Finding]:
        dataset = ctx.dataset
        for split in dataset.splits:
            bad = [(s, _reason(s.label)) for s in dataset.samples_in(split) if _reason(s.label)]
            if not bad:
                continue
            reasons = Counter(reason for _, reason in bad)
            mix = ", ".join(f"{reason} ×{count}" for reason, count in reasons.most_common())
            sources = [s.source for s, _ in bad]
            yield self.finding(
                f"{split_name(split)} has {plural(len(bad), 'sample')} with invalid labels: {mix} "
                f"({examples(sources)})",
                split=split,
                paths=sorted({s.path for s, _ in bad if s.path}),
                evidence={"count": len(bad), "reasons": dict(reasons), "samples": sources[:100]},
                fix="Fill or drop these rows, and make every label a class value.",
            )
        if dataset.label_source != "folder":
            kinds = Counter(
                "number" if isinstance(s.label, (int, float)) else "text"
                for s in dataset.samples
                if not isinstance(s.label, InvalidLabel)
            )
            if len(kinds) == 2:
                text = sorted(
                    {format_label(s.label) for s in dataset.samples if isinstance(s.label, str)}
                )
                yield self.finding(
                    f"labels mix numbers ({plural(kinds['number'], 'sample')}) and text "
                    f"({plural(kinds['text'], 'sample')}: {examples(text)}); a loader reads "
                    f"the column as text, so '1' and 1 are different classes",
                    paths=[f.split(":", 1)[0] for f in dataset.label_files],
                    evidence={"numbers": kinds["number"], "text": kinds["text"]},
                    fix="Use one type for every label: all class names or all integers.",
                )


def _reason(label: object) -> str | None:
    if isinstance(label, InvalidLabel):
        return label.reason
    if isinstance(label, float) and not label.is_integer():
        return "fractional"
    return None
