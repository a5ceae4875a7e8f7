"""Peak resident memory of this process and of every process it started, workers included.

`resource.RUSAGE_CHILDREN` only sees children the caller waited for; pool workers started by a
fork server (trimtab's default) are the fork server's children, and Dask's belong to the
nanny. So a thread samples the resident set (RSS) of the whole process tree every `period`
seconds and keeps each process's largest: a peak shorter than the period can be missed.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil

MIB = 1024 * 1024


class PeakMemory:
    """`with PeakMemory() as peak: ...` then `peak.own` and `peak.largest_child` (MiB)."""

    def __init__(self, period: float = 0.2) -> None:
        self.period = period
        self.own = 0.0
        self.largest_child = 0.0
        self._me = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._sample()
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _watch(self) -> None:
        while not self._stop.wait(self.period):
            self._sample()

    def _sample(self) -> None:
        self.own = max(self.own, self._me.memory_info().rss / MIB)
        for child in self._me.children(recursive=True):
            try:
                rss = child.memory_info().rss / MIB
            except psutil.Error:  # it ended between the listing and the reading
                continue
            self.largest_child = max(self.largest_child, rss)

    def text(self) -> str:
        return (
            f"{self.own:,.0f} MiB (this process), {self.largest_child:,.0f} MiB (largest child "
            "process: worker, fork server or database client)"
        )
