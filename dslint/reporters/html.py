"""The HTML report: one self-contained file (no network needed to open it) that shows
the evidence: class counts as bars, leak and duplicate groups as thumbnails side by
side, blank and broken samples as thumbnails, the probe's confusion matrix as a heat
map with confusable pairs outlined, and training curves with the parting epoch and the
chance level drawn in.

Charts are inline SVG written here: three simple chart types do not justify a plotting
library, and SVG stays sharp on a phone and small in the file. Thumbnails are PNG data
URIs made from the dataset's files (read-only, inside the dataset only, never an
oversized file), at most `MAX_THUMBS` per finding.
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path
from typing import IO, TextIO

from dslint import __version__
from dslint.analysis.probe import describe_run
from dslint.discover.filetypes import kind_of
from dslint.discover.remote import is_url, read_objects
from dslint.engine.rule import Finding
from dslint.model.report import DatasetSummary, Report

MAX_THUMBS = 8
MAX_FINDINGS = 200
SHOWN_PER_RULE = 3  # findings of one rule shown open; the rest fold behind "show all"
SHOWN_GROUPS = 4  # groups of one finding shown open; the rest fold
FOLDED_GROUPS = 16  # groups drawn behind the fold at most (the JSON has all)
MAX_FILES = 8  # paths listed for a finding that shows no pictures
THUMB = 96
MAX_BYTES = 20 * 1024 * 1024
PILLOW_PIXEL_LIMIT = 89_478_485  # Pillow's own default, whatever the process has set
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
CSS = """
body{
  font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;
  margin:0;
  color:#222;
  background:#f6f7f9;
}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.2em 0}
h2{font-size:1.2em;margin:1.2em 0 .4em}
h3{font-size:1em;margin:0 0 .3em}
.counts span{
  display:inline-block;
  padding:2px 10px;
  border-radius:12px;
  margin-right:6px;
  color:#fff;
}
.error{background:#c0392b}
.warning{background:#d68910}
.info{background:#2e86c1}
section,article{
  background:#fff;
  border-radius:8px;
  padding:12px 16px;
  margin:12px 0;
  box-shadow:0 1px 2px #0002;
}
article{border-left:6px solid #bbb}
article.sev-error{border-color:#c0392b}
article.sev-warning{border-color:#d68910}
article.sev-info{border-color:#2e86c1}
.fix{color:#1e6b3a}
.meta{color:#666;font-size:.9em}
.thumbs{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
figure{margin:0;width:104px}
figure img,figure svg{
  width:96px;
  height:96px;
  border:1px solid #ccc;
  border-radius:4px;
  image-rendering:auto;
  background:#eee;
}
figcaption{font-size:.72em;overflow-wrap:break-word;color:#555;line-height:1.25}
figcaption .size{color:#888}
figcaption .note{color:#8e3b00}
.group{border:1px dashed #ccc;border-radius:6px;padding:6px;margin:6px 0}
svg.chart{max-width:100%;height:auto;display:block}
.scroll{overflow-x:auto}
svg.heatmap,svg.curves{max-width:none}
.bars{margin:8px 0;font-size:.85em}
.bar-row{display:flex;align-items:center;gap:8px;margin:3px 0}
.bar-split{flex:0 0 4.5em;text-align:right;overflow-wrap:anywhere}
.bar-track{flex:1 1 auto;display:flex;height:18px;min-width:0}
.bar-track span{display:block;height:100%}
.bar-total{flex:0 0 auto;min-width:3em}
.legend{display:flex;flex-wrap:wrap;gap:2px 12px;margin:4px 0 0 5.2em}
.legend i{display:inline-block;width:.8em;height:.8em;margin-right:4px;vertical-align:-1px}
details.more>summary{cursor:pointer;color:#2e6da4;margin:8px 0}
table{border-collapse:collapse;font-size:.9em}
td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}
@media (max-width:600px){
  main{padding:8px}
  figure{width:76px}
  figure img,figure svg{width:72px;height:72px}
  .bar-split{flex-basis:3.5em}
  .legend{margin-left:0}
}
"""


def render_html(report: Report, out: TextIO) -> None:
    counts = report.counts()
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>dslint report</title><style>{CSS}</style></head><body><main>",
        "<h1>dslint report</h1><p class='counts'>"
        + "".join(
            f"<span class='{s}'>{n} {s}{'s' if n != 1 and s != 'info' else ''}</span>"
            for s, n in counts.items()
        )
        + f"</p><p class='meta'>dslint {__version__} · {report.scan.get('files', 0):,} "
        f"files scanned · {report.timing.get('total_s', 0):.2f} s</p>",
    ]
    for summary in report.datasets:
        parts.append(_dataset(summary, report))
        findings = [f for f in report.findings if f.dataset == summary.path]
        parts += _folded(findings[:MAX_FINDINGS], summary.path)
        if len(findings) > MAX_FINDINGS:
            parts.append(
                f"<p>… and {len(findings) - MAX_FINDINGS:,} more findings "
                f"(--format json lists them all).</p>"
            )
    if report.history or report.predictions:
        parts.append(_training(report))
        parts += _folded([f for f in report.findings if f.dataset == ""], None)
    parts.append("</main></body></html>\n")
    out.write("\n".join(parts))


def _dataset(summary: DatasetSummary, report: Report) -> str:
    rows = [
        f"<section><h2>{_e(summary.path)}</h2><p class='meta'>{_e(summary.layout)}; "
        f"{summary.samples:,} samples; labels from {_e(summary.label_source)}</p>",
        _bars(summary.splits),
    ]
    if summary.probe:
        p = summary.probe
        rows.append(
            f"<h3>Separability probe</h3><p>{p['samples']:,} samples: out-of-fold "
            f"accuracy <b>{p['accuracy']:.3f}</b> against chance {p['chance']:.3f} "
            f"({_p(p['p_value'])}); {_e(describe_run(p))}</p>"
        )
        pairs = [
            tuple(pair["classes"])
            for f in report.findings
            if f.rule_id == "S003" and f.dataset == summary.path
            for pair in f.evidence.get("pairs", [])
        ]
        rows.append(_heatmap(p["classes"], p["confusion"], pairs))
    rows.append("</section>")
    return "\n".join(rows)


def _folded(findings: list[Finding], root: str | None) -> list[str]:
    """The findings, the first few of each rule open and the rest of that rule behind a
    "show all" that works offline (a `<details>` element): long lists of look-alike
    findings stretched the page past 7,000 px."""
    parts, by_rule = [], {}
    for finding in findings:
        by_rule.setdefault((finding.severity, finding.rule_id), []).append(finding)
    for (_, rule_id), same in by_rule.items():
        parts += [_finding(f, root) for f in same[:SHOWN_PER_RULE]]
        if len(same) > SHOWN_PER_RULE:
            rest = "".join(_finding(f, root) for f in same[SHOWN_PER_RULE:])
            parts.append(
                f"<details class='more'><summary>show all {len(same)} {rule_id} findings "
                f"({len(same) - SHOWN_PER_RULE} more)</summary>{rest}</details>"
            )
    return parts


def _finding(finding: Finding, root: str | None) -> str:
    evidence = _evidence(finding, root) if root is not None else ""
    if not evidence and finding.paths:
        evidence = _files(finding.paths)
    fix = f"<p class='fix'>Fix: {_e(finding.fix)}</p>" if finding.fix else ""
    return (
        f"<article class='sev-{finding.severity}'><h3>{finding.rule_id} "
        f"{_e(finding.rule_name)} <span class='meta'>{finding.severity}</span></h3>"
        f"<p>{_e(finding.message)}</p>{evidence}{fix}</article>"
    )


def _files(paths: tuple[str, ...]) -> str:
    listed = ", ".join(_path(p) for p in paths[:MAX_FILES])
    more = f" (+{len(paths) - MAX_FILES:,} more)" if len(paths) > MAX_FILES else ""
    return f"<p class='meta files'>files: {listed}{more}</p>"


def _evidence(finding: Finding, root: str) -> str:
    groups = finding.evidence.get("groups")
    if groups and finding.rule_id in ("D001", "D002", "D004"):
        drawn = [
            f"<div class='group'>{_thumbs(root, g['samples'], g.get('how', ''))}</div>"
            for g in groups[: SHOWN_GROUPS + FOLDED_GROUPS]
        ]
        shown = "".join(drawn[:SHOWN_GROUPS])
        if len(groups) <= SHOWN_GROUPS:
            return shown
        undrawn = len(groups) - len(drawn)
        tail = f"<p class='meta'>+{undrawn:,} more groups in --format json</p>" if undrawn else ""
        return (
            f"{shown}<details class='more'><summary>show all {len(groups):,} groups</summary>"
            f"{''.join(drawn[SHOWN_GROUPS:])}{tail}</details>"
        )
    if finding.rule_id == "S005":
        notes = {
            s[
                "sample"
            ]: f"labelled {s['labelled']}, looks like {s['looks_like']} (p = {s['p']:.2f})"
            for s in finding.evidence.get("samples", [])
            if "labelled" in s
        }
        return _thumbs(root, list(finding.paths), notes=notes)
    if finding.rule_id in ("D003", "N004", "F005", "A004", "A005", "L006", "S006"):
        return _thumbs(root, list(finding.paths))
    counts = finding.evidence.get("counts")
    if isinstance(counts, dict) and counts and finding.rule_id in ("B001", "L001"):
        return _table(counts)
    return ""


def _thumbs(
    root: str, paths: list[str], caption: str = "", notes: dict[str, str] | None = None
) -> str:
    """Thumbnails captioned with the file's path (broken only at its slashes), its size
    in pixels or seconds, and a note where the finding has one for it."""
    figures = []
    for path in paths[:MAX_THUMBS]:
        picture, size = _picture(root, path)
        size_line = f"<br><span class='size'>{_e(size)}</span>" if size else ""
        note = (notes or {}).get(path)
        note_line = f"<br><span class='note'>{_e(note)}</span>" if note else ""
        figures.append(
            f"<figure>{picture}<figcaption title='{_e(path)}'>{_path(path)}"
            f"{size_line}{note_line}</figcaption></figure>"
        )
    more = f"<p class='meta'>+{len(paths) - MAX_THUMBS} more</p>" if len(paths) > MAX_THUMBS else ""
    note = f"<p class='meta'>{_e(caption)}</p>" if caption else ""
    return f"{note}<div class='thumbs'>{''.join(figures)}</div>{more}"


def _path(path: str) -> str:
    """A path that wraps at its slashes only (a name broke mid-word: `img_0003.p`/`ng`)."""
    return "/<wbr>".join(_e(part) for part in path.split("/"))


def _picture(root: str, rel: str) -> tuple[str, str]:
    """A thumbnail of a dataset file, local or by URL, and its size ("64×64",
    "2.0 s, 16,000 Hz"), or a placeholder when it cannot be shown."""
    try:
        data = _remote_bytes(root, rel) if is_url(root) else _local_bytes(Path(root), rel)
        if data is None:
            return _placeholder("not shown"), ""
        kind = kind_of(rel)
        if kind == "image":
            return _image(io.BytesIO(data))
        if kind == "audio":
            return _waveform(io.BytesIO(data))
        if kind == "array":
            return _array(io.BytesIO(data))
    except Exception:  # a report must not fail on the file it is reporting as broken
        return _placeholder("cannot be shown"), ""
    return _placeholder("not shown"), ""


def _local_bytes(root: Path, rel: str) -> bytes | None:
    """The file's bytes when it lies inside the dataset and is small enough to show."""
    real, base = Path(os.path.realpath(root / rel)), Path(os.path.realpath(root))
    if base not in real.parents or not real.is_file() or real.stat().st_size > MAX_BYTES:
        return None
    return real.read_bytes()


def _remote_bytes(url: str, rel: str) -> bytes | None:
    data = read_objects(url, [rel])[rel]
    return data if isinstance(data, bytes) and len(data) <= MAX_BYTES else None


def _image(file: IO[bytes]) -> tuple[str, str]:
    from PIL import Image

    from dslint.scan.decode import pixel_limit

    with pixel_limit(PILLOW_PIXEL_LIMIT), Image.open(file) as image:  # Pillow's guard on
        width, height = image.size
        image.draft("RGB", (THUMB, THUMB))
        image.thumbnail((THUMB, THUMB))
        return _png(image.convert("RGB")), f"{width}×{height}"


def _array(file: IO[bytes]) -> tuple[str, str]:
    import numpy as np
    from PIL import Image

    from dslint.scan.decode import thumbnail_of_array

    array = np.load(file, allow_pickle=False)
    picture = np.frombuffer(thumbnail_of_array(array), np.uint8)
    thumb = _png(Image.fromarray(picture.reshape(32, 32, 3)).resize((THUMB, THUMB)))
    return thumb, "×".join(map(str, array.shape))


def _waveform(file: IO[bytes]) -> tuple[str, str]:
    import numpy as np
    import soundfile

    samples, rate = soundfile.read(file, dtype="float32", always_2d=True)
    mono = samples.mean(axis=1)
    if not mono.size:
        return _placeholder("empty"), ""
    chunks = np.array_split(np.abs(mono), min(96, mono.size))
    peaks = [float(c.max()) if c.size else 0.0 for c in chunks]
    bars = "".join(
        f"<line x1='{i + 0.5}' x2='{i + 0.5}' y1='{48 - 46 * p:.1f}' "
        f"y2='{48 + 46 * p:.1f}' stroke='#4e79a7'/>"
        for i, p in enumerate(peaks)
    )
    wave = (
        f"<svg class='wave' viewBox='0 0 {len(peaks)} 96' preserveAspectRatio='none' "
        f"role='img' aria-label='waveform'>{bars}</svg>"
    )
    return wave, f"{mono.size / rate:.1f} s, {rate:,} Hz"


def _png(image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f"<img class='thumb' alt='' src='data:image/png;base64,{data}'>"


def _placeholder(text: str) -> str:
    return (
        f"<svg viewBox='0 0 96 96' role='img' aria-label='{_e(text)}'><text x='48' y='52' "
        f"font-size='11' text-anchor='middle' fill='#777'>{_e(text)}</text></svg>"
    )


def _bars(splits: dict[str, dict[str, int]]) -> str:
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
            f"background:{PALETTE[i % len(PALETTE)]}' title='{_e(label)}: {counts[label]:,}'>"
            "</span>"
            for i, label in enumerate(classes)
            if counts.get(label)
        )
        rows.append(
            f"<div class='bar-row'><span class='bar-split'>{_e(split)}</span>"
            f"<span class='bar-track'>{segments}</span>"
            f"<span class='bar-total'>{sum(counts.values()):,}</span></div>"
        )
    legend = "".join(
        f"<span><i style='background:{PALETTE[i % len(PALETTE)]}'></i>{_e(c)}</span>"
        for i, c in enumerate(classes[: len(PALETTE)])
    )
    more = (
        f"<span>+{len(classes) - len(PALETTE)} more</span>" if len(classes) > len(PALETTE) else ""
    )
    return (
        f"<div class='bars' role='img' aria-label='class counts per split'>{''.join(rows)}"
        f"<p class='legend'>{legend}{more}</p></div>"
    )


CHAR = 8  # width of a character of the heat map's 13-unit labels, generously
LONGEST = 28  # characters of a class name shown in the heat map (the full name hovers)


def _heatmap(classes: list[str], matrix: list[list[int]], pairs: list[tuple]) -> str:
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
                f"{_e(classes[i])} → {_e(classes[j])}: {value}</title></rect>"
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
        f"text-anchor='end' font-size='13'><title>{_e(c)}</title>{_e(n)}</text>"
        for i, (c, n) in enumerate(zip(classes, names, strict=True))
    )
    columns = "".join(
        f"<text class='column-name' transform='translate({left + j * cell + cell / 2 + 4},"
        f"{top - 6}) rotate(-45)' font-size='13'><title>{_e(c)}</title>{_e(n)}</text>"
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


def _training(report: Report) -> str:
    parts = ["<section><h2>Training run</h2>"]
    if report.history:
        h = report.history
        parts.append(
            f"<p class='meta'>{_e(h['source'])}: {_e(h['format'])}, epochs "
            f"{h['first_epoch']}–{h['last_epoch']}</p>"
        )
        parting = next(
            (f.evidence.get("parting_epoch") for f in report.findings if f.rule_id == "H002"), None
        )
        chance = next(
            (
                f.evidence.get("chance")
                for f in report.findings
                if f.rule_id == "H001" and "chance" in f.evidence
            ),
            None,
        )
        ln_k = next(
            (
                f.evidence.get("chance_loss", f.evidence.get("ln_k"))
                for f in report.findings
                if f.rule_id == "H001" and "ln_k" in f.evidence
            ),
            None,
        )
        series = h.get("series", {})
        for names, level, title in (
            (("acc", "val_acc"), chance, "accuracy"),
            (("loss", "val_loss"), ln_k, "loss"),
        ):
            shown = {n: series[n] for n in names if n in series}
            if shown:
                parts.append(_curves(shown, title, parting, level))
    if report.predictions:
        p = report.predictions
        parts.append(
            f"<p>{_e(p['source'])}: {p['samples']:,} predictions, accuracy {p['accuracy']}</p>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _curves(series: dict, title: str, parting: int | None, level: float | None) -> str:
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


def _table(counts: dict) -> str:
    rows = []
    for key, value in counts.items():
        if isinstance(value, dict):
            cells = "".join(f"<td>{_e(k)}: {v}</td>" for k, v in value.items())
            rows.append(f"<tr><td>{_e(key)}</td>{cells}</tr>")
        else:
            rows.append(f"<tr><td>{_e(key)}</td><td>{value}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def _p(value: float) -> str:
    """A p-value as words can hold it: 0.0 is a float's underflow, not certainty."""
    return "p < 1e-300" if value < 1e-300 else f"p = {value:.2g}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
