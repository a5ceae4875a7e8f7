"""Executors: the same `task(shared, chunk)` over many chunks, wherever it runs.

`shared` is sent to each worker once (a pool initializer, a Dask scatter); chunks are sent as
workers free up, at most `window` at a time, so a big book is never all in flight at once.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from itertools import islice
from multiprocessing import forkserver
from typing import Any, Protocol

from trimtab.errors import ConfigError

Task = Callable[[Any, Any], Any]

BATCH_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
}
"""Dask settings for a cluster that runs the batch (`dask.config.set`, or the matching
`DASK_DISTRIBUTED__...` environment variables where the scheduler and workers start). Dask's
defaults sample each worker's stack every 10 ms for its dashboard and check every process's
event loop every 20 ms: on an idle 2-worker LocalCluster that is 5% of a core per worker and 6%
in the calling process, CPU taken from the solves (docs/performance.md, "Scale-out on Dask")."""


class Executor(Protocol):
    """Runs `task(shared, chunk)` for every chunk; yields (index, result) as chunks finish."""

    name: str

    def run(self, task: Task, shared: Any, chunks: Iterable[Any]) -> Iterator[tuple[int, Any]]: ...

    def warm(self, task: Task) -> None:
        """Get ready to run `task` while the caller prepares the chunks (may do nothing)."""


class SequentialExecutor:
    """Everything in the calling process, in order (tests, small books, debugging)."""

    name = "sequential"

    def warm(self, task: Task) -> None:
        pass

    def run(self, task: Task, shared: Any, chunks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        for i, chunk in enumerate(chunks):
            yield i, task(shared, chunk)


_SHARED: Any = None
"""The shared input, set once per pool worker by the initializer."""


def _init_worker(shared: Any) -> None:
    global _SHARED
    _SHARED = shared


def _call(task: Task, chunk: Any) -> Any:
    return task(_SHARED, chunk)


class PoolExecutor:
    """A local process pool of `workers` processes (default: all cores).

    Workers start from a fork server, not a fork of the caller: a forked worker inherits the
    caller's whole book and, as Python touches reference counts, copies it page by page (3.9 GiB
    per worker on a 100,000-account book); from the fork server a worker holds only the shared
    inputs and its chunk.
    """

    name = "pool"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def warm(self, task: Task) -> None:
        """Start the fork server now, in the background, with `task`'s module imported: the
        caller reads the book meanwhile and the workers fork from it ready to run. On the
        2,000-account book the first outcome came 1.0 to 1.4 s sooner (2.9-3.3 s -> 1.8 s). A
        fork server already running is kept as it is."""
        _FORKSERVER.set_forkserver_preload([task.__module__])
        threading.Thread(target=forkserver.ensure_running, daemon=True).start()

    def run(self, task: Task, shared: Any, chunks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_FORKSERVER,
            initializer=_init_worker,
            initargs=(shared,),
        ) as pool:
            yield from _windowed(lambda c: pool.submit(_call, task, c), chunks, 2 * self.workers)


_FORKSERVER = multiprocessing.get_context("forkserver")


class DaskExecutor:
    """A Dask cluster at `address` (`tcp://host:8786`), or an existing `distributed.Client`."""

    name = "dask"

    def __init__(self, address: str | None = None, client: Any = None) -> None:
        if address is None and client is None:
            raise ConfigError("a Dask executor needs a scheduler address or a client")
        self.address = address
        self.client = client

    def warm(self, task: Task) -> None:
        pass  # the cluster's workers are already running

    def run(self, task: Task, shared: Any, chunks: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        from distributed import Client

        client = self.client
        own = client is None
        if own:
            try:
                client = Client(self.address, timeout=30)
            except OSError as exc:
                raise ConfigError(f"cannot reach the Dask scheduler {self.address}: {exc}") from exc
        try:
            workers = max(1, sum(client.nthreads().values()))  # type: ignore[union-attr]
            remote = client.scatter(shared, broadcast=True)  # type: ignore[union-attr]
            submit = client.submit  # type: ignore[union-attr]
            for i, blob in _windowed(
                lambda c: submit(_packed, task, remote, _pack(c), pure=False),
                chunks,
                2 * workers,
                dask=True,
            ):
                yield i, pickle.loads(blob)
        finally:
            if own:
                client.close()  # type: ignore[union-attr]


def _pack(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _packed(task: Task, shared: Any, chunk: bytes) -> bytes:
    """The task on a pickled chunk, its result pickled: Dask then moves opaque bytes, which
    its comms pass through whole, instead of serializing the records itself (on 4,032
    households that took its calling process's event loop 8.1 s of CPU; now 2.3 s)."""
    return _pack(task(shared, pickle.loads(chunk)))


def _windowed(
    submit: Callable[[Any], Any], chunks: Iterable[Any], window: int, *, dask: bool = False
) -> Iterator[tuple[int, Any]]:
    """Keep at most `window` chunks in flight; yield each result as soon as it is done."""
    todo = enumerate(chunks)
    pending: dict[Any, int] = {}

    def fill() -> None:
        for i, chunk in islice(todo, window - len(pending)):
            pending[submit(chunk)] = i

    fill()
    while pending:
        if dask:
            from distributed import wait as dask_wait

            done = dask_wait(list(pending), return_when="FIRST_COMPLETED").done
        else:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        for future in sorted(done, key=lambda f: pending[f]):
            index = pending.pop(future)
            yield index, future.result()
        fill()


def make(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor a command line asks for: Dask with a scheduler, sequential for 1 worker,
    else a local pool (default: all cores)."""
    if scheduler:
        return DaskExecutor(scheduler)
    if workers == 1:
        return SequentialExecutor()
    return PoolExecutor(workers)


__all__ = ["BATCH_CONFIG", "DaskExecutor", "Executor", "PoolExecutor", "SequentialExecutor", "make"]
