"""Daily runs started from the service: one at a time, in a background thread, with progress.

The run itself is the daily run's `run_day` (sequential executor: the web process does not fork
a pool); this module only starts it and remembers how far it got, so a client can follow it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Engine

from trimtab.errors import ConflictError


@dataclass(frozen=True, slots=True)
class Job:
    """A run started here: `state` is running, done or failed; households done of `total`."""

    job_id: int
    actor: str
    state: str = "running"
    total: int | None = None
    done: int = 0
    run_id: int | None = None
    error: str | None = None


@dataclass
class Runs:
    """The app's run jobs (kept in memory; the runs themselves are in the store)."""

    jobs: dict[int, Job] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, engine: Engine, actor: str, as_of: date | None, method: str) -> Job:
        with self.lock:
            if any(j.state == "running" for j in self.jobs.values()):
                raise ConflictError("a run is in progress: follow it at /api/runs/current")
            job = Job(len(self.jobs) + 1, actor)
            self.jobs[job.job_id] = job
        thread = threading.Thread(
            target=self._run, args=(engine, job.job_id, as_of, method), daemon=True
        )
        self.threads.append(thread)
        thread.start()
        return job

    def current(self) -> Job | None:
        with self.lock:
            return self.jobs[max(self.jobs)] if self.jobs else None

    def _update(self, job_id: int, **changes: object) -> None:
        with self.lock:
            self.jobs[job_id] = replace(self.jobs[job_id], **changes)  # type: ignore[arg-type]

    def _advance(self, job_id: int, n: int) -> None:
        with self.lock:
            job = self.jobs[job_id]
            self.jobs[job_id] = replace(job, done=job.done + n)

    def _run(self, engine: Engine, job_id: int, as_of: date | None, method: str) -> None:
        from trimtab.batch import SequentialExecutor
        from trimtab.workflow.run import run_day

        try:
            result = run_day(
                engine,
                as_of,
                actor=self.jobs[job_id].actor,
                method=method,
                executor=SequentialExecutor(),
                progress=lambda n: self._advance(job_id, n),
                on_total=lambda n: self._update(job_id, total=n),
            )
        except Exception as exc:  # a failed run is reported to whoever follows it
            self._update(job_id, state="failed", error=f"{type(exc).__name__}: {exc}")
            return
        self._update(job_id, state="done", run_id=result.run_id)

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every started run (tests, and a clean shutdown)."""
        for thread in list(self.threads):
            thread.join(timeout)
