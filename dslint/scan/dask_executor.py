"""The scan pass as tasks on a `dask.distributed` cluster.

Each task scans one batch of files and sends back its facts as columns of plain
values (the cache's fields: numbers, short strings and the thumbnail bytes, no Python
objects), so what crosses the network is small; the rules then run on the client
exactly as after a local scan. Workers read local files by the same absolute path as
the client, so such a cluster needs the dataset on a shared file system; a dataset by
URL is read by each worker from the store. Dask is optional: `pip install
distributed`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack

from dslint.errors import DslintError
from dslint.extras import install_hint
from dslint.model.facts import FileFacts
from dslint.scan.worker import scan_batch

SCHEDULER_VARIABLE = "DASK_SCHEDULER_ADDRESS"
CONNECT_TIMEOUT = "5s"


def scan_on_dask(
    root: str, batches: list[list], scheduler: str | None, workers: int
) -> Iterator[list[FileFacts]]:
    """Facts batch by batch, in the order of `batches`. With no scheduler address (and
    none in DASK_SCHEDULER_ADDRESS) a local cluster of `workers` processes is started
    for this run and stopped after it."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DslintError(f"--executor dask needs Dask: {install_hint('dask')}") from None
    address = scheduler or os.environ.get(SCHEDULER_VARIABLE)
    with ExitStack() as stack:
        if address:
            try:
                client = stack.enter_context(Client(address, timeout=CONNECT_TIMEOUT))
            except OSError as exc:
                raise DslintError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        else:
            cluster = stack.enter_context(
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
            )
            client = stack.enter_context(Client(cluster))
        futures = client.map(scan_columns, [root] * len(batches), batches, pure=False)
        for future in futures:
            paths, columns = future.result()
            rows = zip(*columns, strict=True) if columns else ()
            yield [FileFacts.from_row(path, row) for path, row in zip(paths, rows, strict=True)]


def scan_columns(root: str, batch: list) -> tuple[list[str], list[list]]:
    """One task: a batch of files scanned on a worker, returned as columns (the paths,
    then one list per cached field, in the cache's order): plain values of one type
    each, which pickle compactly."""
    found = scan_batch(root, batch)
    rows = [facts.to_row() for facts in found]
    return [facts.path for facts in found], [list(column) for column in zip(*rows, strict=True)]
