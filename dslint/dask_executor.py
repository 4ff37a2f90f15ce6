"""The scan pass as tasks on a `dask.distributed` cluster.

Each task scans one batch of files and sends back its facts as plain rows (the cache's
row format: numbers and short strings, no Python objects), so what crosses the network
is small; the rules then run on the client exactly as after a local scan. Workers read
the files by the same absolute path as the client, so a cluster needs the dataset on a
shared file system. Dask is optional: `pip install "dslint[dask]"`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack

from dslint.errors import DslintError
from dslint.facts import FileFacts

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
        raise DslintError('--executor dask needs Dask: pip install "dslint[dask]"') from None
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
        futures = client.map(scan_rows, [root] * len(batches), batches, pure=False)
        for future in futures:
            yield [FileFacts.from_row(path, row) for path, row in future.result()]


def scan_rows(root: str, batch: list) -> list[tuple[str, tuple]]:
    """One task: a batch of files scanned on a worker, returned as (path, row) pairs."""
    from dslint.scan import scan_batch

    return [(facts.path, facts.to_row()) for facts in scan_batch(root, batch)]
