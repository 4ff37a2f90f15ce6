"""The text report: dataset summary with per-split class counts, then findings
grouped by rule, severities coloured, and a closing count."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dslint import __version__
from dslint.analysis.probe import describe_run, probed
from dslint.engine import replay
from dslint.engine.rule import Finding
from dslint.engine.wording import plural
from dslint.model.report import DatasetSummary, Report

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
MAX_PATHS = 5
MAX_FINDINGS_PER_RULE = 20
MAX_COLUMNS = 20  # columns of a table listed under its split counts


def render_text(report: Report, out: TextIO, color: bool) -> None:
    console = Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        soft_wrap=not color,
        width=None if color else 120,
    )
    for summary in report.datasets:
        _dataset(console, summary)
        _findings(console, [f for f in report.findings if f.dataset == summary.path])
    if report.history or report.predictions:
        _training_run(console, report)
        _findings(console, [f for f in report.findings if f.dataset == ""])
    for crash in report.crashes:
        console.print(f"[{STYLE['error']}]{escape(crash.line())}[/]")
    _totals(console, report)


def _findings(console: Console, findings: list[Finding]) -> None:
    for _, group in groupby(findings, key=lambda f: (f.severity, f.rule_id)):
        _rule_group(console, list(group))


def _training_run(console: Console, report: Report) -> None:
    if report.history:
        h = report.history
        console.print(
            f"[bold]{escape(h['source'])}[/]  ({h['format']}; epochs "
            f"{h['first_epoch']}–{h['last_epoch']}; {', '.join(h['metrics'])})"
        )
    if report.predictions:
        p = report.predictions
        accuracy = f"; accuracy {p['accuracy']:.3f}" if p["accuracy"] is not None else ""
        console.print(f"[bold]{escape(p['source'])}[/]  ({p['samples']:,} predictions{accuracy})")
    console.print()


def _dataset(console: Console, summary: DatasetSummary) -> None:
    console.print(
        f"[bold]{escape(summary.path)}[/]  ({escape(summary.layout)}; "
        f"{summary.samples:,} samples, labels from {summary.label_source})"
    )
    if not summary.splits:
        return
    classes = list(dict.fromkeys(c for counts in summary.splits.values() for c in counts))
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, pad_edge=False)
    table.add_column("split")
    for label in classes[:12]:
        table.add_column(escape(label), justify="right")
    if len(classes) > 12:
        table.add_column(f"+{len(classes) - 12} more", justify="right")
    table.add_column("total", justify="right")
    for split, counts in summary.splits.items():
        cells = [f"{counts.get(label, 0):,}" for label in classes[:12]]
        if len(classes) > 12:
            cells.append(f"{sum(counts.get(label, 0) for label in classes[12:]):,}")
        table.add_row(escape(split), *cells, f"{sum(counts.values()):,}")
    console.print(table)
    if summary.columns:
        _columns(console, summary)
    if summary.probe:
        p = summary.probe
        console.print(
            f"[dim]probe: {escape(probed(p))}, out-of-fold accuracy "
            f"{p['accuracy']:.3f} (chance {p['chance']:.3f}); {escape(describe_run(p))}[/]"
        )
    elif summary.probe_skipped:
        console.print(f"[dim]probe: not run: {escape(summary.probe_skipped)}[/]")
    console.print()


def _columns(console: Console, summary: DatasetSummary) -> None:
    """The table's columns, those that findings name first, with a line per split on
    their values; at most `MAX_COLUMNS`."""
    ordered = sorted(summary.columns, key=lambda c: not c["rules"])
    splits = list(dict.fromkeys(s for c in ordered for s in c["splits"]))
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, pad_edge=False)
    for heading in ("column", "kind", "named by", *splits):
        table.add_column(escape(heading), overflow="fold")
    for column in ordered[:MAX_COLUMNS]:
        table.add_row(
            escape(column["column"]),
            column["kind"],
            ", ".join(column["rules"]),
            *(escape(column["splits"].get(split, "")) for split in splits),
        )
    console.print()
    console.print(table)
    if len(ordered) > MAX_COLUMNS:
        console.print(f"[dim]+{len(ordered) - MAX_COLUMNS} more columns (all in --format json)[/]")


def _rule_group(console: Console, findings: list[Finding]) -> None:
    first = findings[0]
    style = STYLE[first.severity]
    count = f" ×{len(findings)}" if len(findings) > 1 else ""
    console.print(
        f"[{style}]{first.rule_id} {first.rule_name}[/] [{style}]{first.severity}[/]{count}"
    )
    for finding in findings[:MAX_FINDINGS_PER_RULE]:
        console.print(f"  • {escape(finding.message)}")
        if len(finding.paths) > 1 or (finding.paths and finding.paths[0] not in finding.message):
            shown = ", ".join(finding.paths[:MAX_PATHS])
            more = (
                f" (+{len(finding.paths) - MAX_PATHS} more)"
                if len(finding.paths) > MAX_PATHS
                else ""
            )
            console.print(f"    [dim]files: {escape(shown)}{more}[/]")
    if len(findings) > MAX_FINDINGS_PER_RULE:
        console.print(
            f"  … and {len(findings) - MAX_FINDINGS_PER_RULE:,} more (--format json lists them all)"
        )
    fixes = list(dict.fromkeys(f.fix for f in findings if f.fix))
    for fix in fixes[:2]:
        console.print(f"  [green]fix:[/] {escape(fix)}")
    console.print()


def _totals(console: Console, report: Report) -> None:
    counts = report.counts()
    parts = []
    for severity, count in counts.items():
        text = f"{count} {severity}{'s' if count != 1 and severity != 'info' else ''}"
        parts.append(f"[{STYLE[severity]}]{text}[/]" if count else text)
    scan = report.scan
    cached = f", {scan['from_cache']:,} from cache" if scan.get("from_cache") else ""
    if scan.get("replayed"):
        cached += f" · {replay.SAID}"
    hidden = {"baseline": "known from the baseline", "since": "not involving changed files"}
    notes = "".join(
        f" · {n:,} hidden as {hidden[why]}" for why, n in report.suppressed.items() if n
    )
    console.print(
        f"{', '.join(parts)}{notes} · {plural(scan.get('files', 0), 'file')} scanned{cached} · "
        f"{report.timing.get('total_s', 0):.2f} s · dslint {__version__}"
    )
