"""Where the probe's work for pictures runs: beside the other rules, in a helper
process, when it is large enough to pay for one; in the check's own process otherwise.

On two cores the scan keeps both busy, and the rules after it run in one process,
leaving a core idle. When the fit was scikit-learn's, a probe of 4,000 pictures
waiting for the rules to finish, then computing on its own, added 44 % to a cold
check of 20,000 small pictures (the imports, 0.9 s of CPU, slowed the scan they
overlapped); the helper, 12–21 %. It is started at low priority as soon as the scan
starts decoding enough pictures: it imports onnxruntime in the scan's idle moments,
then computes the network's features and the fit on the core the rules leave idle.

With the fit in NumPy the helper no longer pays for a probe of the default size: for
4,000 pictures the check's own process added 19 % to a cold check of 4,008 photos
and 12 % to one of 20,000 small pictures (the helper: 22 % and 12 %), and spent
0.3–0.4 s less CPU. So a probe of fewer than `HELPER_FROM` pictures does its work in
the check's process, onnxruntime imported in a background thread meanwhile; at
20,000 pictures (`--probe-samples 20000`) the two measured even (5.3–6.3 s against
5.6–5.7 s, two runs each), and the helper is kept there.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dslint.model.formats import KINDS

if TYPE_CHECKING:
    from dslint.analysis.probe_compute import Done, Work
    from dslint.scan.worker import ScanTarget

LIBRARIES = ("onnxruntime",)  # the fit is NumPy's (`fit`)
HELPER_FROM = 10_000  # pictures whose features are to be computed (--probe-samples raised)
NICENESS = 19  # the helper yields to the scan and the rules, taking what they leave
DONE = "done"


@dataclass
class Helper:
    """The helper process, and the private folder through which work and results go
    (the pipes carry only their names and the count of pictures done)."""

    process: subprocess.Popen
    folder: Path


@dataclass(frozen=True)
class Running:
    """Work handed to the helper: its result will be written to `result`."""

    helper: Helper
    result: Path


_helper: Helper | None = None
_importing: threading.Thread | None = None


def prepare(todo: list[ScanTarget], probed: int) -> None:
    """Called when the scan starts decoding `todo`: the helper is started when enough
    of those files have pictures for a large probe (at most `probed` of them are
    probed); otherwise the libraries are imported in a background thread. A check
    whose files all come from the cache calls neither (its fit, made before, needs
    neither library)."""
    pictures = sum(1 for t in todo if (kind := KINDS.get(t.kind)) and "thumbnail" in kind.facts)
    if min(pictures, probed) >= HELPER_FROM:
        _started_helper()
    else:
        import_ahead()


def import_ahead() -> None:
    """Import the probe's libraries in a background thread, once per process."""
    global _importing
    if _importing is None:
        _importing = threading.Thread(target=_import_libraries, daemon=True)
        _importing.start()


def submit(work: Work) -> Running | None:
    """Hand `work` to the helper when it is large enough; None leaves it to `outcome`
    in this process."""
    if len(work.missing) < HELPER_FROM:
        return None
    try:
        helper = _started_helper()
        handed = Path(tempfile.mkstemp(suffix=".work", dir=helper.folder)[1])
        handed.write_bytes(pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL))
        helper.process.stdin.write(f"{handed}\n")
        helper.process.stdin.flush()
    except OSError:
        stop()
        return None  # no process to be had: the work is done here
    return Running(helper, handed.with_suffix(".done"))


def outcome(
    running: Running | None,
    work: Work,
    progress: Callable[[int, str], Callable[[int], None]] | None,
) -> Done:
    """The work's result: waited for from the helper, its progress drawn meanwhile, or
    computed here when it was not handed over or the helper died."""
    from dslint.analysis.probe_compute import compute

    tick = progress(len(work.missing), "probe features") if progress and work.missing else None
    if running is not None:
        result = _waited(running, tick)
        if result is not None:
            if isinstance(result, Exception):
                raise result
            return result
        stop()  # killed (out of memory, a signal): the work is done here instead
        tick = progress(len(work.missing), "probe features") if tick else None
    started = time.perf_counter()
    _import_libraries()
    imports = time.perf_counter() - started
    return compute(work, tick)._replace(imports=imports)


def stop() -> None:
    """Let the helper go (at the end of a check)."""
    global _helper
    if _helper is not None:
        with contextlib.suppress(OSError):
            _helper.process.kill()
            _helper.process.wait()
        for pipe in (_helper.process.stdin, _helper.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        shutil.rmtree(_helper.folder, ignore_errors=True)
    _helper = None


def _waited(running: Running, tick: Callable[[int], None] | None) -> Done | Exception | None:
    """The helper's result, its counts of pictures done drawn on `tick` as they come;
    None when it died."""
    for line in running.helper.process.stdout:
        if line.strip() == DONE:
            with running.result.open("rb") as file:
                return pickle.load(file)  # written by the helper, in this run's own folder
        if tick and line.strip().isdigit():
            tick(int(line))
    return None


def _started_helper() -> Helper:
    global _helper
    if _helper is None or _helper.process.poll() is not None:
        stop()
        folder = Path(tempfile.mkdtemp(prefix="dslint-probe-"))
        process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # what goes wrong there is redone, and said, here
            text=True,
        )
        _helper = Helper(process, folder)
    return _helper


def _import_libraries() -> None:
    for library in LIBRARIES:
        importlib.import_module(library)


def _serve() -> None:
    """The helper process: at low priority, import the libraries at once, then compute
    each work named on stdin, writing the pictures done and `DONE` on stdout."""
    from dslint.analysis.probe_compute import compute

    if hasattr(os, "nice"):  # where there is none (Windows), it competes as an equal
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
    started = time.perf_counter()
    _import_libraries()
    imports = time.perf_counter() - started
    for line in sys.stdin:
        handed = Path(line.strip())
        try:
            work = pickle.loads(handed.read_bytes())
            result = compute(work, lambda done: print(done, flush=True))._replace(
                imports=imports, beside=True
            )
        except Exception as exc:  # raised where the result is read, as if raised there
            result = exc
        try:
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            payload = pickle.dumps(RuntimeError(f"{type(result).__name__}: {result}"))
        handed.with_suffix(".done").write_bytes(payload)
        handed.unlink()
        print(DONE, flush=True)


if __name__ == "__main__":
    _serve()
