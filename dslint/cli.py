"""The `dslint` command: a thin layer over `dslint.api`.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage,
configuration or input errors (one line on stderr, never a traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from dslint import __version__
from dslint.analysis.sampling import PROBE_SAMPLES
from dslint.errors import DslintError
from dslint.extras import install_hint
from dslint.gate.config import FAIL_ON
from dslint.reporters import FORMATS

# options that several commands take, written once
ManifestOption = Annotated[
    str | None, typer.Option(help="Manifest (CSV/TSV/Parquet) with path and label columns.")
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Do not read or write the facts cache.")
]
CacheDirOption = Annotated[Path | None, typer.Option(help="Cache folder (default .dslint_cache/).")]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,  # help texts are plain: `pip install ".[s3]"` keeps its brackets
    help="A sanity-checking linter for machine-learning classification datasets.",
)


def _version(value: bool) -> None:
    if value:
        print(f"dslint {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """dslint checks classification datasets before training."""


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Dataset folders, manifests or arrays, or URLs (s3://bucket/data) "
            f"with s3fs ({install_hint('s3')})."
        ),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(
            help="Training history: Keras console log, CSVLogger, history JSON, "
            "Lightning metrics.csv."
        ),
    ] = None,
    predictions: Annotated[
        Path | None,
        typer.Option(
            help="Predictions: CSV with label and prediction (or p_<class>) "
            "columns, or .npz with y_true/y_pred."
        ),
    ] = None,
    manifest: ManifestOption = None,
    path_column: Annotated[
        str | None, typer.Option(help="The manifest's column of file paths (else chosen).")
    ] = None,
    label_column: Annotated[
        str | None, typer.Option(help="The manifest's column of labels (else chosen).")
    ] = None,
    split_column: Annotated[
        str | None, typer.Option(help="The manifest's column of splits (else by name).")
    ] = None,
    label_from_name: Annotated[
        str | None,
        typer.Option(
            help="Read labels from file paths: a regular expression with a group named "
            "label (and optionally split), e.g. '(?P<label>cat|dog)\\.\\d+'."
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help=f"Report format: {', '.join(FORMATS)}.")
    ] = "text",
    output: Annotated[Path | None, typer.Option(help="Write the report here.")] = None,
    select: Annotated[
        list[str] | None, typer.Option(help="Only these rules (ids, prefixes or names).")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these rules.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            help=f"Lowest severity that fails the check: {', '.join(FAIL_ON)} "
            "(default: error, or the config's)."
        ),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option(help="Scan processes (default: all cores).", min=1)
    ] = None,
    executor: Annotated[
        str, typer.Option(help="Where the scan runs: local (processes here) or dask.")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address (default: $DASK_SCHEDULER_ADDRESS, "
            "else a local cluster of --jobs processes)."
        ),
    ] = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    baseline: Annotated[
        Path | None, typer.Option(help="Fail only on findings not in this baseline file.")
    ] = None,
    write_baseline: Annotated[
        Path | None, typer.Option(help="Record today's findings in this baseline file.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Report only findings that involve files changed since this git ref."),
    ] = None,
    probe: Annotated[
        bool, typer.Option("--probe/--no-probe", help="Run the separability probe (S rules).")
    ] = True,
    device: Annotated[
        str, typer.Option(help="Probe execution provider: auto, cpu or cuda.")
    ] = "auto",
    probe_model: Annotated[
        Path | None, typer.Option(help="An ONNX image encoder to use as the probe.")
    ] = None,
    probe_samples: Annotated[
        int,
        typer.Option(
            min=16, help="Labelled samples the probe looks at (a stratified subsample beyond)."
        ),
    ] = PROBE_SAMPLES,
    follow_links: Annotated[
        bool,
        typer.Option("--follow-links", help="Follow symbolic links, also out of the dataset."),
    ] = False,
    config: Annotated[
        Path | None, typer.Option(help="Config file (dslint.toml or pyproject.toml).")
    ] = None,
) -> None:
    """Check datasets and report what is wrong with them."""
    from dslint.api import check as run_check
    from dslint.reporters import render

    with _one_line_errors():
        if fmt not in FORMATS:
            raise DslintError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        if fail_on is not None and fail_on not in FAIL_ON:
            raise DslintError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        with _progress() as progress:
            report = run_check(
                *(paths or []),
                history=history,
                predictions=predictions,
                manifest=manifest,
                label_from_name=label_from_name,
                path_column=path_column,
                label_column=label_column,
                split_column=split_column,
                config=config,
                select=select,
                ignore=ignore,
                jobs=jobs,
                use_cache=not no_cache,
                cache_dir=cache_dir,
                progress=progress,
                baseline=baseline,
                since=since,
                follow_links=follow_links,
                probe=probe,
                device=device,
                probe_model=probe_model,
                probe_samples=probe_samples,
                executor=executor,
                scheduler=scheduler,
            )
        threshold = fail_on or report.fail_on
        for crash in report.crashes:
            print(f"dslint: error: {crash.line()}", file=sys.stderr)
        if write_baseline:
            from dslint.gate.baseline import write_baseline as record

            record(report.findings, write_baseline)
            print(
                f"dslint: {len(report.findings)} findings recorded in {write_baseline}",
                file=sys.stderr,
            )
            threshold = "never"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                render(report, fmt, handle, color=False)
        else:
            render(report, fmt, sys.stdout, color=sys.stdout.isatty())
    raise typer.Exit(report.exit_code(threshold))


@app.command("fix")
def fix(
    path: Annotated[Path, typer.Argument(help="The dataset folder (or manifest) to repair.")],
    out: Annotated[
        Path | None, typer.Option(help="Write the repaired copy here (a new or empty folder).")
    ] = None,
    select: Annotated[
        list[str] | None, typer.Option(help="Only these fixes (names, see --help).")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these fixes.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; write nothing.")
    ] = False,
    mode: Annotated[
        str | None, typer.Option(help="Convert every image to this mode (RGB, L).")
    ] = None,
    size: Annotated[
        int | None, typer.Option(help="Resize every image to SIZE×SIZE pixels.", min=1)
    ] = None,
    manifest: ManifestOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
) -> None:
    """Write a repaired copy of a dataset: only unambiguous fixes, the original untouched.

    Fixes: drop-unreadable, drop-stray, drop-duplicates, drop-leaked, drop-near-leaked,
    drop-missing-rows, map-labels. Conflicting and suspect labels and imbalance are
    listed with the choices, never guessed. The copy holds fix-report.json."""
    from dslint.gate.config import as_selectors
    from dslint.repair.fix import describe
    from dslint.repair.fix import fix as run_fix

    with _one_line_errors():
        if out is None and not dry_run:
            raise DslintError("dslint fix needs --out NEW (or --dry-run to see the plan)")
        plan = run_fix(
            path,
            out or Path(),
            select=as_selectors(select),
            ignore=as_selectors(ignore),
            dry_run=dry_run,
            mode=mode,
            size=size,
            manifest=manifest,
            use_cache=not no_cache,
            cache_dir=cache_dir,
        )
        print("\n".join(describe(plan, dry_run)))
        if not dry_run:
            print(f"wrote {out}, with {out / 'fix-report.json'}")


@app.command("split")
def split(
    path: Annotated[Path, typer.Argument(help="The dataset folder (or manifest) to re-split.")],
    out: Annotated[Path, typer.Option(help="Write the new split here (a new or empty folder).")],
    val: Annotated[float, typer.Option(help="Share of samples for val.", min=0, max=0.9)] = 0.1,
    test: Annotated[float, typer.Option(help="Share of samples for test.", min=0, max=0.9)] = 0.1,
    group_by: Annotated[
        str | None,
        typer.Option(help="Keep together samples sharing this manifest column or pattern."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the order of equal-sized units.")] = 0,
    manifest: ManifestOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
) -> None:
    """Write a new stratified split in which nothing can leak: copies, near-copies and
    samples sharing a group key always land in one split."""
    from dslint.repair.split import split as run_split

    with _one_line_errors():
        result = run_split(
            path,
            out,
            val=val,
            test=test,
            group_by=group_by,
            seed=seed,
            manifest=manifest,
            use_cache=not no_cache,
            cache_dir=cache_dir,
        )
        print("\n".join(result.describe()))
        print(f"wrote {out}")


@app.command("rules")
def list_rules() -> None:
    """List every rule: id, name, default severity, summary."""
    from rich.console import Console
    from rich.table import Table

    from dslint.engine.registry import load_rules

    with _one_line_errors():
        table = Table(box=None, padding=(0, 2, 0, 0))
        for column in ("id", "name", "severity", "summary"):
            table.add_column(column)
        for rule in load_rules().values():
            table.add_row(rule.id, rule.name, rule.default_severity, rule.summary)
        Console(highlight=False).print(table)


@app.command("rule")
def show_rule(rule_id: Annotated[str, typer.Argument(help="Rule id or name, e.g. L001.")]) -> None:
    """Print one rule's documentation."""
    from dslint.docs import rule_documentation
    from dslint.engine.registry import load_rules

    with _one_line_errors():
        rules = load_rules()
        rule = rules.get(rule_id.upper()) or next(
            (r for r in rules.values() if r.name == rule_id), None
        )
        if rule is None:
            raise DslintError(f"no rule {rule_id!r}; `dslint rules` lists them")
        print(rule_documentation(rule))


@contextmanager
def _one_line_errors():
    try:
        yield
    except DslintError as exc:
        print(f"dslint: error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    except BrokenPipeError:
        # the reader went away (`dslint check ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        print("dslint: interrupted", file=sys.stderr)
        raise typer.Exit(130) from None
    except (typer.Exit, SystemExit):
        raise
    except Exception as exc:
        if os.environ.get("DSLINT_DEBUG"):
            raise
        print(
            f"dslint: internal error: {type(exc).__name__}: {exc} "
            f"(set DSLINT_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        raise typer.Exit(2) from None


@contextmanager
def _progress():
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:

        def start(total: int, label: str = "scanning") -> Callable[[int], None]:
            task = bar.add_task(label, total=total)
            return lambda done: bar.advance(task, done)

        yield start


def main() -> None:
    """Run the command. Usage errors, click's own included, are one line on stderr
    with exit 2, like every other error (typer would draw them in a box)."""
    command = typer.main.get_command(app)
    try:
        code = command.main(prog_name="dslint", standalone_mode=False)
    except typer.Abort:
        print("dslint: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        if not _is_a("UsageError", exc):
            raise
        if _is_a("NoArgsIsHelpError", exc):  # `dslint` alone: the help, as before
            print(exc.ctx.get_help())
        else:
            where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
            print(f"dslint: error: {exc.format_message().rstrip('.')}{where}", file=sys.stderr)
        sys.exit(2)
    _leave(code or 0)


def _leave(code: int) -> None:
    """Exit without freeing every object one by one: a check of 100,000 files holds
    about a million of them to its end, and tearing them down took 0.1 s of a 1.1 s
    re-check. Only once everything that must outlive the process is done (the cache
    committed and closed, the report written and flushed) and no child process is
    left (scan workers after Ctrl-C, a Dask cluster), whose clean-up Python's exit
    would do."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader that stopped early (`| head`)
        pass
    if _no_child_processes():
        os._exit(code)
    sys.exit(code)


def _no_child_processes() -> bool:
    if not hasattr(os, "WNOHANG"):  # Windows: exit the usual way
        return False
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _is_a(name: str, exc: Exception) -> bool:
    """Whether `exc` is click's exception `name`, by class name: typer vendors its
    own copy of click in some versions and uses click itself in others."""
    return any(cls.__name__ == name for cls in type(exc).__mro__)
