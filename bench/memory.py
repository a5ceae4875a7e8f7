"""Peak resident memory of this process and of every process it started, workers included, and
the CPU seconds they used.

`resource.RUSAGE_CHILDREN` only sees children the caller waited for; pool workers started by a
fork server (trimtab's default) are the fork server's children, and Dask's belong to the
nanny. So a thread samples the resident set (RSS) of the whole process tree every `period`
seconds and keeps each process's largest: a peak shorter than the period can be missed. CPU
seconds are each process's last reading (user + system) less what it had used when the `with`
began, so a process that ends between two samples loses at most one period's worth.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil

MIB = 1024 * 1024


class PeakMemory:
    """`with PeakMemory() as peak: ...` then `peak.own` and `peak.largest_child` (MiB), and
    `peak.cpu_own` and `peak.cpu_children` (CPU seconds)."""

    def __init__(self, period: float = 0.2) -> None:
        self.period = period
        self.own = 0.0
        self.largest_child = 0.0
        self._me = psutil.Process()
        self._cpu_start = 0.0
        self.cpu_own = 0.0
        self._cpu_children: dict[int, float] = {}
        self._cpu_base: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._cpu_start = _cpu(self._me)
        for child in self._me.children(recursive=True):  # already running: count from here
            try:
                self._cpu_base[child.pid] = _cpu(child)
            except psutil.Error:
                continue
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
        self.cpu_own = _cpu(self._me) - self._cpu_start
        for child in self._me.children(recursive=True):
            try:
                rss = child.memory_info().rss / MIB
                self._cpu_children[child.pid] = _cpu(child) - self._cpu_base.get(child.pid, 0.0)
            except psutil.Error:  # it ended between the listing and the reading
                continue
            self.largest_child = max(self.largest_child, rss)

    @property
    def cpu_children(self) -> float:
        """CPU seconds the processes below this one used inside the `with` (workers, fork
        server, Dask's nannies)."""
        return sum(self._cpu_children.values())

    def cpu_text(self, wall: float) -> str:
        """CPU seconds by process and how busy that kept the machine's cores over `wall` s."""
        cores = psutil.cpu_count() or 1
        busy = (self.cpu_own + self.cpu_children) / (wall * cores) if wall > 0 else 0.0
        return (
            f"{self.cpu_own:,.1f} s (this process), {self.cpu_children:,.1f} s (the processes "
            f"below it), {100 * busy:.0f}% of {cores} cores"
        )

    def text(self) -> str:
        return (
            f"{self.own:,.0f} MiB (this process), {self.largest_child:,.0f} MiB (largest child "
            "process: worker, fork server or database client)"
        )


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)
