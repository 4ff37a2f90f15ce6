"""The Python API behind the CLI: discover, scan, check, report."""

from __future__ import annotations

import functools
import gc
import os
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import ParamSpec, TypeVar

from dslint.analysis import probe_helper
from dslint.analysis.columns import column_report, with_rules
from dslint.analysis.probe import ProbeSettings, as_from_cache
from dslint.analysis.sampling import PROBE_SAMPLES
from dslint.discover.layouts import CACHE_DIR_NAME, discover, require_samples
from dslint.discover.manifest import Columns
from dslint.engine import replay
from dslint.engine.context import Context, Task
from dslint.engine.registry import load_rules
from dslint.engine.rule import Finding, Rule
from dslint.errors import DslintError
from dslint.gate.baseline import read_baseline, without_baseline
from dslint.gate.config import Config, as_selectors, checked_selectors, load_config, selected
from dslint.gate.since import changed_files, involves
from dslint.model.dataset import Dataset
from dslint.model.formats import kind_of
from dslint.model.report import DatasetSummary, Report, RuleCrash
from dslint.scan.cache import FactsCache
from dslint.scan.keys import file_keys
from dslint.scan.scanner import scan
from dslint.scan.worker import ScanTarget
from dslint.training.history import History
from dslint.training.predictions import Predictions, read_predictions
from dslint.training.readers import read_history

ProgressFactory = Callable[..., Callable[[int], None]]  # (total, label) -> tick
EXECUTORS = ("local", "dask")


P = ParamSpec("P")
R = TypeVar("R")


def _collector_paused(function: Callable[P, R]) -> Callable[P, R]:
    """`function` run with Python's cyclic garbage collector paused. A check keeps one
    `Sample` and one `FileFacts` per file alive to its end, and every full collection
    walks them all: in a 100,000-file re-check the collector took a third of the
    time (2.6 s against 1.8 s without it). Nothing a check makes lives in cycles
    worth reclaiming before it ends; the collector resumes as it was afterwards."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_collector_paused
def check(
    *paths: str | os.PathLike,
    manifest: str | os.PathLike | None = None,
    label_from_name: str | None = None,
    path_column: str | None = None,
    label_column: str | None = None,
    split_column: str | None = None,
    config: str | os.PathLike | None = None,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    jobs: int | None = None,
    use_cache: bool = True,
    cache_dir: str | os.PathLike | None = None,
    progress: ProgressFactory | None = None,
    baseline: str | os.PathLike | None = None,
    since: str | None = None,
    history: str | os.PathLike | None = None,
    predictions: str | os.PathLike | None = None,
    follow_links: bool = False,
    probe: bool = True,
    device: str = "auto",
    probe_model: str | os.PathLike | None = None,
    probe_samples: int = PROBE_SAMPLES,
    executor: str = "local",
    scheduler: str | None = None,
) -> Report:
    started = time.perf_counter()
    catalogue = load_rules()
    settings = load_config(Path(config) if config else None, catalogue)
    rules = _active_rules(catalogue, settings, select, ignore)
    run_history = read_history(Path(history)) if history else None
    run_predictions = read_predictions(Path(predictions)) if predictions else None
    if not paths and run_history is None and run_predictions is None:
        raise DslintError("nothing to check: give a dataset path, --history or --predictions")
    if executor not in EXECUTORS:
        raise DslintError(f"--executor must be {' or '.join(EXECUTORS)}, not {executor!r}")
    if device not in ("auto", "cpu", "cuda"):
        raise DslintError(f"--device must be auto, cpu or cuda, not {device!r}")
    probe_settings = ProbeSettings(
        enabled=probe,
        device=device,
        model=Path(probe_model) if probe_model else None,
        max_samples=probe_samples,
    )
    datasets = [
        discover(
            path,
            manifest=manifest,
            exclude=settings.exclude,
            follow_links=follow_links,
            label_from_name=label_from_name or settings.label_from_name,
            columns=Columns(
                path=path_column or settings.columns.get("path"),
                label=label_column or settings.columns.get("label"),
                split=split_column or settings.columns.get("split"),
            ),
        )
        for path in paths
    ]
    for dataset in datasets:
        require_samples(dataset)
    cache = open_cache(cache_dir, datasets) if use_cache else None
    probe_settings = replace(probe_settings, progress=progress)
    findings: list[Finding] = []
    probes: dict[str, dict] = {}
    unprobed: dict[str, str] = {}  # why a dataset was not probed, by root
    columns: dict[str, list[dict]] = {}  # a table dataset's column summary, by root
    suppressed: dict[str, int] = {}
    crashes: list[RuleCrash] = []
    scanned = from_cache = replayed = 0
    scan_seconds = 0.0
    first: Context | None = None
    try:
        for dataset in datasets:
            targets = scan_targets(dataset)
            tick = progress(len(targets)) if progress else None
            looked = time.perf_counter()
            known = file_keys(dataset.root, targets, dataset.file_versions)
            key = (
                replay.check_key(dataset, known, rules, settings, probe_settings)
                if cache and executor == "local" and run_history is None and run_predictions is None
                else None
            )
            outcome = replay.replayed(cache, key) if key else None
            replayed_here = outcome is not None
            if replayed_here:
                if tick:
                    tick(len(targets))
                scanned += len(targets)
                from_cache += len(targets)
                replayed += len(targets)
                scan_seconds += time.perf_counter() - looked
            else:
                facts, stats = scan(
                    dataset.root,
                    targets,
                    jobs or os.cpu_count() or 1,
                    cache,
                    tick,
                    max_bytes=settings.max_file_mb * 1024 * 1024,
                    executor=executor,
                    scheduler=scheduler,
                    thumbnails=probe_settings.enabled,
                    versions=dataset.file_versions,
                    decoding=functools.partial(
                        probe_helper.prepare, probed=probe_settings.max_samples
                    )
                    if probe_settings.enabled
                    else None,
                    known=known,
                )
                scanned += stats.files
                from_cache += stats.from_cache
                scan_seconds += time.perf_counter() - looked
                ctx = Context(
                    dataset=dataset,
                    facts=facts,
                    task=settings.task,
                    probe_settings=probe_settings,
                    cache=cache,
                )
                first = first or ctx
                outcome = _outcome(ctx, rules)
                if cache and key:
                    replay.keep(cache, dataset.root, key, outcome)
            found = list(outcome.findings)
            crashes.extend(outcome.crashes)
            if since is not None:
                found = _since(found, since, dataset, suppressed)
            if outcome.probe is not None:
                probes[dataset.root] = (
                    as_from_cache(outcome.probe) if replayed_here else outcome.probe
                )
            if outcome.unprobed is not None:
                unprobed[dataset.root] = outcome.unprobed
            if outcome.columns is not None:
                columns[dataset.root] = with_rules(outcome.columns, found)
            findings.extend(found)
    finally:
        probe_helper.stop()
        if cache:
            cache.close()
    no_dataset = Dataset(root="", layout="no dataset", label_source="none")
    late = replace(
        first or Context(dataset=no_dataset, facts={}, task=settings.task),
        history=run_history,
        predictions=run_predictions,
        findings=list(findings),
    )
    # the training run's findings belong to no dataset: their files are the history
    # and predictions, as given on the command line
    findings.extend(
        f for rule in rules if rule.reads_findings for f in _run_rule(rule, late, "", crashes)
    )
    summaries = [
        DatasetSummary.of(
            dataset, probes.get(dataset.root), columns.get(dataset.root), unprobed.get(dataset.root)
        )
        for dataset in datasets
    ]
    if baseline is not None:
        kept = without_baseline(findings, read_baseline(Path(baseline)))
        suppressed["baseline"] = len(findings) - len(kept)
        findings = kept
    findings.sort(key=Finding.sort_key)
    total = time.perf_counter() - started
    return Report(
        findings=findings,
        datasets=summaries,
        config=settings.source,
        fail_on=settings.fail_on,
        timing={"scan_s": round(scan_seconds, 3), "total_s": round(total, 3)},
        suppressed=suppressed,
        history=_history_summary(run_history),
        predictions=_predictions_summary(run_predictions),
        scan={
            "files": scanned,
            "from_cache": from_cache,
            "files_per_s": round(scanned / scan_seconds, 1) if scan_seconds else None,
            "replayed": replayed,
        },
        crashes=crashes,
    )


def active_rules(
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    config: str | os.PathLike | None = None,
) -> list[Rule]:
    catalogue = load_rules()
    settings = load_config(Path(config) if config else None, catalogue)
    return _active_rules(catalogue, settings, select, ignore)


def _active_rules(
    catalogue: dict[str, type[Rule]],
    settings: Config,
    select: str | Iterable[str] | None,
    ignore: str | Iterable[str] | None,
) -> list[Rule]:
    """The rules to run: `select` (or the configuration's) less every ignored one.
    A selector that matches no rule is an error, wherever it was written."""
    select, ignore = as_selectors(select), as_selectors(ignore)
    chosen = checked_selectors(select, catalogue, "--select") if select else settings.select
    dropped = (*settings.ignore, *checked_selectors(ignore or (), catalogue, "--ignore"))
    rules = []
    for rule_id, rule in catalogue.items():
        if chosen is not None and not selected(rule, chosen):
            continue
        if dropped and selected(rule, dropped):
            continue
        rules.append(
            rule(
                severity=settings.severity.get(rule_id), options=settings.rule_options.get(rule_id)
            )
        )
    return rules


def _outcome(ctx: Context, rules: list[Rule]) -> replay.Outcome:
    """What the rules (those that read the data) and the probe make of one dataset."""
    root = ctx.dataset.root
    crashes: list[RuleCrash] = []
    ctx.start_probe()  # a large probe runs beside the rules
    found = [
        f for rule in rules if not rule.reads_findings for f in _run_rule(rule, ctx, root, crashes)
    ]
    probe = unprobed = None
    # the probe is part of the summary whichever rules ran (computed once; None when off)
    if (result := ctx.probe()) is not None:
        probe = result.summary()
    elif (pending := ctx.start_probe()) and pending.skipped:
        unprobed = pending.skipped
    columns = column_report(ctx) if ctx.dataset.table_columns else None
    return replay.Outcome(found, probe, unprobed, columns, crashes)


def _run_rule(
    rule: Rule, ctx: Context, dataset_root: str, crashes: list[RuleCrash]
) -> list[Finding]:
    """The rule's findings; a rule that raises is recorded in `crashes` (a broken rule
    must not hide the other rules' findings, nor pass for a rule that found nothing)."""
    try:
        found = list(rule.check(ctx))
    except DslintError:
        raise  # bad input or settings met on the way (a probe model that will not load)
    except Exception as exc:
        crashes.append(RuleCrash(rule.id, rule.name, dataset_root, f"{type(exc).__name__}: {exc}"))
        return []
    return [replace(f, dataset=dataset_root) for f in found]


def _history_summary(history: History | None) -> dict | None:
    if history is None:
        return None
    return {
        "source": history.source,
        "format": history.format,
        "epochs": len(history.epochs),
        "first_epoch": history.epochs[0],
        "last_epoch": history.epochs[-1],
        "metrics": history.metrics,
        "stopped": history.stopped,
        "series": {
            name: {"epochs": history.epochs_of(name), "values": history.series(name)}
            for name in ("acc", "val_acc", "loss", "val_loss")
            if history.series(name)
        },
    }


def _predictions_summary(predictions: Predictions | None) -> dict | None:
    if predictions is None:
        return None
    right = sum(t == p for t, p in zip(predictions.truth, predictions.predicted, strict=True))
    return {
        "source": predictions.source,
        "samples": len(predictions),
        "accuracy": round(right / len(predictions), 4) if len(predictions) else None,
    }


def _since(
    found: list[Finding], ref: str, dataset: Dataset, suppressed: dict[str, int]
) -> list[Finding]:
    if dataset.file_versions is not None:
        raise DslintError(
            f"--since compares with git, so it needs a local checkout, not {dataset.root}"
        )
    root = Path(dataset.root).resolve()
    changed = changed_files(ref, root if root.is_dir() else root.parent)
    dataset_changed = any(root == path or root in path.parents for path in changed)
    kept = [f for f in found if involves(f, changed, dataset_changed)]
    suppressed["since"] = suppressed.get("since", 0) + len(found) - len(kept)
    return kept


def scan_targets(dataset: Dataset) -> list[ScanTarget]:
    paths = dict.fromkeys(s.path for s in dataset.with_unlabelled() if s.path)
    targets = [ScanTarget(path, kind_of(path) or "image") for path in paths]
    files = sorted({file for file, _ in dataset.array_inputs.values()})
    targets.extend(
        ScanTarget(file, "table", dataset.table_columns[file])
        if file in dataset.table_columns
        else ScanTarget(file, "arrays")
        for file in files
    )
    return targets


def open_cache(cache_dir: str | os.PathLike | None, datasets: list[Dataset]) -> FactsCache | None:
    """The cache folder: the one asked for, else `.dslint_cache/` in the working
    directory, unless that lies inside a dataset being checked, which dslint never
    writes into: then the user's cache folder."""
    if cache_dir is not None:
        return FactsCache.open(Path(cache_dir))
    default = (Path.cwd() / CACHE_DIR_NAME).resolve()
    for dataset in datasets:
        if dataset.file_versions is not None:
            continue  # by URL: the working directory cannot lie inside it
        root = Path(dataset.root).resolve()
        if default == root or root in default.parents:
            base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
            return FactsCache.open(Path(base) / "dslint")
    return FactsCache.open(default)


def check_history(
    history: History, classes: int | None = None, select: list[str] | None = None
) -> list[Finding]:
    """Run the history rules (H…) on a history alone: for callbacks during training.
    `classes` is K when it is known."""
    catalogue = {
        rule_id: rule
        for rule_id, rule in load_rules().items()
        if rule_id.startswith("H") and rule.reads_findings
    }
    rules = _active_rules(catalogue, Config(), select, None)
    dataset = Dataset(root="", layout="no dataset", label_source="none")
    ctx = Context(dataset=dataset, facts={}, task=Task(classes=classes), history=history)
    crashes: list[RuleCrash] = []
    found = sorted(
        (f for rule in rules for f in _run_rule(rule, ctx, "", crashes)), key=Finding.sort_key
    )
    for crash in crashes:  # during training a warning, never an exception in the loop
        warnings.warn(crash.line(), RuntimeWarning, stacklevel=2)
    return found
