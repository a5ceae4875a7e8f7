"""A run killed by a real `kill -9` half way, then run again: exactly one current proposal per
household, nothing lost, the audit log intact (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import Engine

from trimtab.store import workflow_tables as w
from trimtab.workflow.audit import audit
from trimtab.workflow.run import run_day

Stored = Callable[..., Engine]


def count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_kill_9_mid_run_then_rerun_completes_the_day(stored: Stored, db_url: str) -> None:
    engine = stored(workflow={"compare_baseline": True})  # slower households: time to kill
    households = count(engine, w.metadata.tables["households"])
    code = "from trimtab.cli import main; main()"
    args = ["run", "--db", db_url, "--workers", "1", "--chunk-size", "1", "--actor", "cron"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env)
    try:
        deadline = time.monotonic() + 120
        while count(engine, w.proposals) < 2:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run saved nothing in time"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    saved = count(engine, w.proposals)
    assert 2 <= saved < households, "the kill did not land mid-run"
    events_before = [(e.event_id, e.action, e.subject) for e in audit(engine)]

    result = run_day(engine, actor="cron")

    assert result.proposed == households - saved
    assert result.unchanged == saved
    with engine.connect() as conn:
        pointers = conn.execute(sa.select(w.current_proposals)).all()
        runs = dict(conn.execute(sa.select(w.runs.c.run_id, w.runs.c.status)).all())
    assert len(pointers) == households
    assert len({p.household_id for p in pointers}) == households
    assert count(engine, w.proposals) == households  # nothing recomputed, nothing lost
    assert sorted(runs.values()) == ["abandoned", "done"]
    events = [(e.event_id, e.action, e.subject) for e in audit(engine)]
    assert events[: len(events_before)] == events_before
    assert len(audit(engine, action="propose")) == households
    assert [e.action for e in audit(engine, action="run_abandoned")] == ["run_abandoned"]
