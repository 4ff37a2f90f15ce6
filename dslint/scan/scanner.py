"""The scan pass: every data file read once, in parallel over processes, its facts
taken from the cache when the file is unchanged."""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from dslint.model.facts import FileFacts
from dslint.scan.cache import FactsCache
from dslint.scan.dask_executor import scan_on_dask
from dslint.scan.keys import FileKeys, file_keys
from dslint.scan.worker import ScanTarget, scan_batch

BATCH = 128
SERIAL_BELOW = 256  # starting worker processes costs more than scanning this many files


@dataclass
class ScanStats:
    files: int = 0
    from_cache: int = 0
    seconds: float = 0.0

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds > 0 else 0.0


def scan(
    root: str,
    targets: list[ScanTarget],
    jobs: int,
    cache: FactsCache | None,
    progress: Callable[[int], None] | None = None,
    max_bytes: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    thumbnails: bool = True,
    versions: dict[str, tuple[int, str]] | None = None,
    decoding: Callable[[list[ScanTarget]], None] | None = None,
    known: FileKeys | None = None,
) -> tuple[dict[str, FileFacts], ScanStats]:
    """Facts for every target: from the cache when the file is unchanged, else read
    and decoded. A data file over `max_bytes` is not read at all (its facts say
    `oversized`), so one enormous file cannot stall or exhaust the run; the input
    arrays of the NumPy layout are memory-mapped and exempt. With `executor="dask"` the
    files are read on a Dask cluster (`scheduler`, or a local one of `jobs` processes).
    Facts from the cache come without thumbnails unless `thumbnails` is set; freshly
    scanned files always have theirs, so that the cache can serve a later probe.
    A dataset by URL (`root`) comes with the `versions` of its objects from the
    store's listing: the cache key is URL, size and version, and nothing is read for
    an unchanged object. `decoding` is called once before any file is decoded, with the
    targets to decode (not at all when every file came from the cache). `known` are
    the targets' keys when the caller has looked at the files already."""
    started = time.perf_counter()
    known = known or file_keys(root, targets, versions)
    root, keys, unreadable = known.root, known.keys(), known.unreadable
    facts = {
        rel: FileFacts(path=rel, kind=target.kind, error=unreadable[rel])
        for target in targets
        if (rel := target.rel) in unreadable
    }
    readable = {}
    for target in targets:
        if target.rel not in keys:
            continue
        size = keys[target.rel][1]
        if max_bytes is not None and size > max_bytes and target.kind != "arrays":
            facts[target.rel] = FileFacts(
                path=target.rel, kind=target.kind, size=size, oversized=True
            )
        else:
            readable[target.rel] = keys[target.rel]
    # the dataset whole holds no thumbnails: for a run that wants them, rows it is
    whole_kept = bool(cache and readable and not thumbnails)
    # the blob's digest: these files, and which of them are too large to be read
    whole_key = (
        known.digest + repr(sorted(set(keys) - set(readable))).encode() if whole_kept else b""
    )
    whole = cache.unchanged_dataset(root, whole_key, len(readable)) if whole_kept else None
    rows = (
        dict(zip(readable, whole, strict=True))
        if whole is not None
        else dict(cache.get_many(readable, thumbnails) if cache else ())
    )
    cached = {rel: FileFacts.from_row(rel, row) for rel, row in rows.items()}
    facts.update(cached)
    todo = (
        [target for target in targets if target.rel in readable and target.rel not in cached]
        if len(cached) < len(readable)
        else []
    )
    if cache and whole_kept and whole is None and len(cached) == len(readable):
        # every file came from the cache, one by one: the next check of this unchanged
        # dataset reads them as one (a check that scanned files does not pay for it)
        cache.put_unchanged_dataset(root, whole_key, (rows[rel] for rel in readable))
    del rows
    if progress:
        progress(len(targets) - len(todo))
    if decoding and todo:
        decoding(todo)
    for batch in _scan_batches(root, todo, jobs, executor, scheduler):
        if cache:
            cache.put_many((keys[f.path], f.to_row()) for f in batch)
        for item in batch:
            facts[item.path] = item
        if progress:
            progress(len(batch))
    stats = ScanStats(
        files=len(targets),
        from_cache=len(cached),
        seconds=time.perf_counter() - started,
    )
    return facts, stats


def _scan_batches(
    root: str, todo: list[ScanTarget], jobs: int, executor: str, scheduler: str | None
) -> Iterator[list[FileFacts]]:
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    if executor == "dask":
        if batches:
            yield from scan_on_dask(root, batches, scheduler, jobs)
        return
    if jobs <= 1 or len(todo) < SERIAL_BELOW:
        for batch in batches:
            yield scan_batch(root, batch)
        return
    # a worker forked from a check inherits its paused garbage collector (dslint.api):
    # it collects as usual, as it makes and drops objects of its own for every file
    with ProcessPoolExecutor(max_workers=jobs, initializer=gc.enable) as pool:
        try:
            with _started_deaf_to_ctrl_c():  # the workers start as the work is handed out
                results = pool.map(scan_batch, [root] * len(batches), batches)
            yield from results
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


@contextmanager
def _started_deaf_to_ctrl_c() -> Iterator[None]:
    """Worker processes started inside this block ignore Ctrl-C, which reaches every
    process of the terminal's group: the main process stops the scan and says so in
    one line, while a worker interrupted as it waited for work printed a traceback.
    They inherit the ignored signal as they start (a handler set afterwards would
    leave a window), so it is ignored here for that moment (a Ctrl-C in it is lost)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread (a Python caller's thread)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
