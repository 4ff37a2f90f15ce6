"""The HTML report's charts as inline SVG: class counts as bars, the probe's confusion
matrix as a heat map with confusable pairs outlined, and training curves with a marked
epoch and chance levels. Three simple chart types do not justify a plotting library,
and SVG stays sharp on a phone and small in the file."""

from __future__ import annotations

from dslint.reporters.html.markup import e

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
CHAR = 8  # width of a character of the heat map's 13-unit labels, generously
LONGEST = 28  # characters of a class name shown in the heat map (the full name hovers)


def bars(splits: dict[str, dict[str, int]]) -> str:
    """Class counts per split as stacked bars in HTML, whose text stays readable at any
    width (an SVG scaled to a phone's 390 px shrank its labels to 5 px)."""
    classes = list(dict.fromkeys(c for counts in splits.values() for c in counts))
    if not classes:
        return ""
    top = max(sum(c.values()) for c in splits.values()) or 1
    rows = []
    for split, counts in splits.items():
        segments = "".join(
            f"<span style='width:{100 * counts[label] / top:.2f}%;"
            f"background:{PALETTE[i % len(PALETTE)]}' title='{e(label)}: {counts[label]:,}'>"
            "</span>"
            for i, label in enumerate(classes)
            if counts.get(label)
        )
        rows.append(
            f"<div class='bar-row'><span class='bar-split'>{e(split)}</span>"
            f"<span class='bar-track'>{segments}</span>"
            f"<span class='bar-total'>{sum(counts.values()):,}</span></div>"
        )
    legend = "".join(
        f"<span><i style='background:{PALETTE[i % len(PALETTE)]}'></i>{e(c)}</span>"
        for i, c in enumerate(classes[: len(PALETTE)])
    )
    more = (
        f"<span>+{len(classes) - len(PALETTE)} more</span>" if len(classes) > len(PALETTE) else ""
    )
    return (
        f"<div class='bars' role='img' aria-label='class counts per split'>{''.join(rows)}"
        f"<p class='legend'>{legend}{more}</p></div>"
    )


def distributions(values: dict[str, list]) -> str:
    """A column's values per split, on one scale: numbers as box plots (minimum,
    quartiles, maximum), categories as bars of their commonest values' shares."""
    if not values:
        return ""
    first = next(iter(values.values()))
    if isinstance(first[0], list):
        return bars({split: dict(top) for split, top in values.items()})
    low = min(v[0] for v in values.values())
    high = max(v[-1] for v in values.values())
    span = (high - low) or 1.0

    def at(value: float) -> str:
        return f"{100 * (value - low) / span:.2f}%"

    rows = []
    for split, (least, q1, median, q3, most) in values.items():
        rows.append(
            f"<div class='bar-row'><span class='bar-split'>{e(split)}</span>"
            f"<span class='box-track' title='{least:.4g} | {q1:.4g} {median:.4g} {q3:.4g} | "
            f"{most:.4g}'>"
            f"<i class='whisker' style='left:{at(least)};right:calc(100% - {at(most)})'></i>"
            f"<i class='box' style='left:{at(q1)};right:calc(100% - {at(q3)})'></i>"
            f"<i class='median' style='left:{at(median)}'></i></span>"
            f"<span class='bar-total'>{median:.4g}</span></div>"
        )
    return (
        f"<div class='bars' role='img' aria-label='values per split, {low:.4g} to {high:.4g}'>"
        f"{''.join(rows)}<p class='legend'>{low:.4g} to {high:.4g}; box: quartiles, "
        "line: median</p></div>"
    )


def heatmap(classes: list[str], matrix: list[list[int]], pairs: list[tuple]) -> str:
    """Rows: true class; columns: the probe's prediction; shade: share of the row.
    Confusable pairs (S003) are outlined in red. Drawn at its own size, 1 unit a pixel,
    in a box that scrolls on a narrow screen: scaled down, its numbers were 7 px. The
    margins fit the longest class name, so names are neither clipped nor far away."""
    k = len(classes)
    if not k:
        return ""
    cell = max(18, min(40, 440 // k))
    names = [c if len(c) <= LONGEST else c[: LONGEST - 1] + "…" for c in classes]
    reach = CHAR * max(len(n) for n in names)
    left, top = reach + 12, int(reach * 0.72) + 16  # column labels are turned 45°
    shapes = []
    for i, row in enumerate(matrix):
        total = sum(row) or 1
        for j, value in enumerate(row):
            shade = int(255 - 200 * value / total)
            shapes.append(
                f"<rect x='{left + j * cell}' y='{top + i * cell}' width='{cell}' "
                f"height='{cell}' fill='rgb({shade},{shade},255)'><title>"
                f"{e(classes[i])} → {e(classes[j])}: {value}</title></rect>"
            )
            if cell >= 26:
                shapes.append(
                    f"<text class='count' x='{left + j * cell + cell / 2}' "
                    f"y='{top + i * cell + cell / 2 + 5}' font-size='13' "
                    f"text-anchor='middle'>{value}</text>"
                )
    for a, b in pairs:
        if a in classes and b in classes:
            i, j = classes.index(a), classes.index(b)
            for r, c in ((i, j), (j, i)):
                shapes.append(
                    f"<rect x='{left + c * cell}' y='{top + r * cell}' "
                    f"width='{cell}' height='{cell}' fill='none' stroke='#c0392b' "
                    f"stroke-width='3'/>"
                )
    rows = "".join(
        f"<text class='row-name' x='{left - 6}' y='{top + i * cell + cell / 2 + 5}' "
        f"text-anchor='end' font-size='13'><title>{e(c)}</title>{e(n)}</text>"
        for i, (c, n) in enumerate(zip(classes, names, strict=True))
    )
    columns = "".join(
        f"<text class='column-name' transform='translate({left + j * cell + cell / 2 + 4},"
        f"{top - 6}) rotate(-45)' font-size='13'><title>{e(c)}</title>{e(n)}</text>"
        for j, (c, n) in enumerate(zip(classes, names, strict=True))
    )
    width, height = left + k * cell + int(reach * 0.72) + 10, top + k * cell + 10
    return (
        f"<p class='meta'>Confusion matrix of the probe (rows: true class, columns: "
        f"predicted; confusable pairs outlined)</p><div class='scroll'><svg "
        f"class='chart heatmap' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='probe confusion matrix'>"
        f"{rows}{columns}{''.join(shapes)}</svg></div>"
    )


def curves(series: dict, title: str, parting: int | None, level: float | None) -> str:
    """One chart of a metric per epoch. The y-axis spans what the metric can mean, not
    just the data: accuracy from the chance level (or the lowest value) to 1.0, loss
    from 0, so a run flat at chance looks flat. Legend and title sit above the plot,
    the chance or ln K label in the right margin, and the curves over the level line,
    so no label covers a curve. Drawn at its own size, in a box that scrolls on a
    narrow screen."""
    import math

    points = [
        (e, v)
        for s in series.values()
        for e, v in zip(s["epochs"], s["values"], strict=True)
        if math.isfinite(v)
    ]
    if not points:
        return ""
    first, last = min(e for e, _ in points), max(e for e, _ in points)
    values = [v for _, v in points] + ([level] if level is not None else [])
    if title == "accuracy":
        low, high = max(0.0, min(values)), max(1.0, *values)
    else:
        low, high = min(0.0, *values), max(values) * 1.05
    high = high if high > low else low + 1
    width, height, pad = 640, 240, 44

    def x(epoch: float) -> float:
        return pad + (width - 2 * pad) * ((epoch - first) / max(1, last - first))

    def y(value: float) -> float:
        return height - pad + (2 * pad - height) * ((value - low) / (high - low))

    marks = []
    if level is not None:
        marks.append(
            f"<line x1='{pad}' x2='{width - pad}' y1='{y(level):.1f}' "
            f"y2='{y(level):.1f}' stroke='#777' stroke-dasharray='2 3'/>"
            f"<text class='level' x='{width - pad + 6}' y='{y(level) + 4:.1f}' "
            f"font-size='11' fill='#555'>{'chance' if title == 'accuracy' else 'ln K'} "
            f"{level:.3f}</text>"
        )
    for i, (name, s) in enumerate(series.items()):
        path = " ".join(
            f"{x(e):.1f},{y(v):.1f}"
            for e, v in zip(s["epochs"], s["values"], strict=True)
            if math.isfinite(v)
        )
        marks.append(
            f"<polyline points='{path}' fill='none' stroke='{PALETTE[i]}' stroke-width='2'/>"
            f"<text x='{110 + 90 * i}' y='16' font-size='12' fill='{PALETTE[i]}'>■ {name}</text>"
        )
    if parting is not None:
        marks.append(
            f"<line x1='{x(parting):.1f}' x2='{x(parting):.1f}' y1='{pad}' "
            f"y2='{height - pad}' stroke='#c0392b' stroke-dasharray='4 3'/>"
            f"<text x='{x(parting) + 4:.1f}' y='{pad - 6}' font-size='11' "
            f"fill='#c0392b'>parting, epoch {parting}</text>"
        )
    axes = (
        f"<line x1='{pad}' x2='{pad}' y1='{pad}' y2='{height - pad}' stroke='#999'/>"
        f"<line x1='{pad}' x2='{width - pad}' y1='{height - pad}' y2='{height - pad}' "
        f"stroke='#999'/><text x='{pad - 4}' y='{y(high) + 4:.1f}' font-size='11' "
        f"text-anchor='end'>{high:.3g}</text><text x='{pad - 4}' y='{y(low):.1f}' "
        f"font-size='11' text-anchor='end'>{low:.3g}</text>"
        f"<text x='{pad}' y='{height - pad + 16}' font-size='11'>epoch "
        f"{first}</text><text x='{width - pad}' y='{height - pad + 16}' font-size='11' "
        f"text-anchor='end'>{last}</text><text x='4' y='16' font-size='12' "
        f"font-weight='bold'>{title}</text>"
    )
    return (
        f"<div class='scroll'><svg class='chart curves' width='{width + 70}' height='{height}' "
        f"viewBox='0 0 {width + 70} {height}' role='img' aria-label='{title} per epoch'>"
        f"{axes}{''.join(marks)}</svg></div>"
    )
