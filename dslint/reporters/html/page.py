"""The HTML report: one self-contained file (no network needed to open it) that shows
the evidence: class counts as bars, leak and duplicate groups as thumbnails side by
side, blank and broken samples as thumbnails, the probe's confusion matrix as a heat
map with confusable pairs outlined, and training curves with the parting epoch and the
chance level drawn in.

Charts are inline SVG written here: three simple chart types do not justify a plotting
library, and SVG stays sharp on a phone and small in the file. Thumbnails are PNG data
URIs made from the dataset's files (read-only, inside the dataset only, never an
oversized file), at most `MAX_THUMBS` per finding."""

from __future__ import annotations

from typing import TextIO

from dslint import __version__
from dslint.analysis.probe import describe_run, probed
from dslint.engine import replay
from dslint.engine.evidence import COUNTS, GROUPS, LEVELS, MARKED_EPOCH, PAIRS, PICTURES
from dslint.engine.rule import Finding
from dslint.model.report import DatasetSummary, Report
from dslint.reporters.html.charts import bars, curves, distributions, heatmap
from dslint.reporters.html.markup import e, path_html
from dslint.reporters.html.pictures import thumbs

MAX_FINDINGS = 200
SHOWN_PER_RULE = 3  # findings of one rule shown open; the rest fold behind "show all"
SHOWN_GROUPS = 4  # groups of one finding shown open; the rest fold
FOLDED_GROUPS = 16  # groups drawn behind the fold at most (the JSON has all)
MAX_FILES = 8  # paths listed for a finding that shows no pictures
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
blockquote.text{
  margin:0;
  width:96px;
  height:96px;
  overflow:hidden;
  font-size:.62em;
  line-height:1.2;
  border:1px solid #ccc;
  border-radius:4px;
  background:#fafafa;
  padding:2px;
  box-sizing:border-box;
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
.box-track{flex:1 1 auto;position:relative;height:18px;min-width:0}
.box-track i{position:absolute;display:block}
.box-track .whisker{top:8px;height:2px;background:#888}
.box-track .box{
  top:2px;height:14px;background:#9ecae1;border:1px solid #4e79a7;box-sizing:border-box
}
.box-track .median{top:0;height:18px;width:2px;background:#c0392b}
table.columns td,table.columns th{padding:2px 8px;text-align:left;vertical-align:top}
table.columns tr.named td{background:#fdf2e9}
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
        f"files scanned{' · ' + replay.SAID if report.scan.get('replayed') else ''} · "
        f"{report.timing.get('total_s', 0):.2f} s</p>",
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
        f"<section><h2>{e(summary.path)}</h2><p class='meta'>{e(summary.layout)}; "
        f"{summary.samples:,} samples; labels from {e(summary.label_source)}</p>",
        bars(summary.splits),
    ]
    if summary.columns:
        rows.append(_columns(summary.columns))
    if summary.probe:
        p = summary.probe
        rows.append(
            f"<h3>Separability probe</h3><p>{e(probed(p))}: out-of-fold "
            f"accuracy <b>{p['accuracy']:.3f}</b> against chance {p['chance']:.3f} "
            f"({_p(p['p_value'])}); {e(describe_run(p))}</p>"
        )
        pairs = [
            tuple(pair["classes"])
            for f in report.findings
            if f.dataset == summary.path
            for pair in f.evidence.get(PAIRS, [])
        ]
        rows.append(heatmap(p["classes"], p["confusion"], pairs))
    elif summary.probe_skipped:
        rows.append(f"<h3>Separability probe</h3><p>Not run: {e(summary.probe_skipped)}.</p>")
    rows.append("</section>")
    return "\n".join(rows)


def _columns(columns: list[dict]) -> str:
    """The table's columns, with a line per split on their values; under it, the
    values per split of each column a finding names, drawn."""
    ordered = sorted(columns, key=lambda c: not c["rules"])
    splits = list(dict.fromkeys(s for c in ordered for s in c["splits"]))
    head = "".join(f"<th>{e(h)}</th>" for h in ("column", "kind", "named by", *splits))
    body = "".join(
        f"<tr{' class=named' if c['rules'] else ''}><td>{e(c['column'])}</td>"
        f"<td>{e(c['kind'])}</td><td>{e(', '.join(c['rules']))}</td>"
        + "".join(f"<td>{e(c['splits'].get(split, ''))}</td>" for split in splits)
        + "</tr>"
        for c in ordered
    )
    drawn = "".join(
        f"<h4>{e(c['column'])} ({e(', '.join(c['rules']))})</h4>{distributions(c['values'])}"
        for c in ordered
        if c["rules"] and c.get("values")
    )
    return (
        f"<h3>Columns</h3><div class='scroll'><table class='columns'><tr>{head}</tr>{body}"
        f"</table></div>{drawn}"
    )


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
    fix = f"<p class='fix'>Fix: {e(finding.fix)}</p>" if finding.fix else ""
    return (
        f"<article class='sev-{finding.severity}'><h3>{finding.rule_id} "
        f"{e(finding.rule_name)} <span class='meta'>{finding.severity}</span></h3>"
        f"<p>{e(finding.message)}</p>{evidence}{fix}</article>"
    )


def _files(paths: tuple[str, ...]) -> str:
    listed = ", ".join(path_html(p) for p in paths[:MAX_FILES])
    more = f" (+{len(paths) - MAX_FILES:,} more)" if len(paths) > MAX_FILES else ""
    return f"<p class='meta files'>files: {listed}{more}</p>"


def _evidence(finding: Finding, root: str) -> str:
    """What the finding's evidence declares in a drawable shape (dslint.engine.evidence),
    whichever rule made it: groups of copies, pictures, a table of counts."""
    evidence = finding.evidence
    if evidence.get(GROUPS):
        return _groups(evidence[GROUPS], root)
    if evidence.get(PICTURES):
        shown = evidence[PICTURES]
        notes = {p["path"]: p["note"] for p in shown if p.get("note")}
        return thumbs(root, [p["path"] for p in shown], notes=notes)
    counts = evidence.get(COUNTS)
    if isinstance(counts, dict) and counts:
        return _table(counts)
    return ""


def _groups(groups: list[dict], root: str) -> str:
    drawn = [
        f"<div class='group'>{thumbs(root, g['samples'], g.get('how', ''))}</div>"
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


def _training(report: Report) -> str:
    parts = ["<section><h2>Training run</h2>"]
    if report.history:
        h = report.history
        parts.append(
            f"<p class='meta'>{e(h['source'])}: {e(h['format'])}, epochs "
            f"{h['first_epoch']}–{h['last_epoch']}</p>"
        )
        run = [f for f in report.findings if f.dataset == ""]
        marked = next((f.evidence[MARKED_EPOCH] for f in run if MARKED_EPOCH in f.evidence), None)
        levels: dict[str, float] = {}
        for finding in run:
            for metric, value in finding.evidence.get(LEVELS, {}).items():
                levels.setdefault(metric, value)
        series = h.get("series", {})
        for names, level, title in (
            (("acc", "val_acc"), levels.get("acc"), "accuracy"),
            (("loss", "val_loss"), levels.get("loss"), "loss"),
        ):
            shown = {n: series[n] for n in names if n in series}
            if shown:
                parts.append(curves(shown, title, marked, level))
    if report.predictions:
        p = report.predictions
        parts.append(
            f"<p>{e(p['source'])}: {p['samples']:,} predictions, accuracy {p['accuracy']}</p>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _table(counts: dict) -> str:
    rows = []
    for key, value in counts.items():
        if isinstance(value, dict):
            cells = "".join(f"<td>{e(k)}: {v}</td>" for k, v in value.items())
            rows.append(f"<tr><td>{e(key)}</td>{cells}</tr>")
        else:
            rows.append(f"<tr><td>{e(key)}</td><td>{value}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def _p(value: float) -> str:
    """A p-value as words can hold it: 0.0 is a float's underflow, not certainty."""
    return "p < 1e-300" if value < 1e-300 else f"p = {value:.2g}"
