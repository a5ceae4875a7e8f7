"""Latency of the service's queue and household endpoints on a store of 100,000 accounts.

Usage: .venv/bin/python bench/bench_api.py [--accounts 100000] [--db URL] [--requests 60]
                                           [--keep FILE]

Builds the store (a generated book of --accounts accounts imported into a fresh SQLite file, or
the empty database --db names), then a day of proposals for every household: a small book is
run through the real daily run, and its proposals (payloads, statuses, exception rules) are
copied onto the big book's households in bulk (solving 40,000 households is bench_day.py's job,
not this one's). 400 advisors are assigned 100 households each; on PostgreSQL the database is
then vacuumed and analyzed, as autovacuum would. Then each endpoint is called
--requests times in-process (the whole ASGI stack, no network): the median and p95 wall-clock
latency and the median CPU time in milliseconds are printed, with the load average (on a shared
machine the wall time includes waiting for a core); the target is p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from trimtab.api import create_app
from trimtab.api.secrets import hash_password, new_token, token_hash
from trimtab.api.settings import ServiceSettings
from trimtab.batch import SequentialExecutor
from trimtab.check import load_checked
from trimtab.generate import MEAN_ACCOUNTS, write_sample_book
from trimtab.store import access, import_book, make_engine, upgrade
from trimtab.store import tables as t
from trimtab.store import workflow_tables as w
from trimtab.store.access import Role, TokenKind
from trimtab.workflow.run import run_day

TARGET_MS = 200.0


def build_store(url: str, accounts: int, tmp: Path) -> tuple[sa.Engine, list[str]]:
    households = max(1, round(accounts / MEAN_ACCOUNTS))
    started = time.perf_counter()
    write_sample_book(tmp / "book", households, seed=11)
    engine = make_engine(url)
    upgrade(engine)
    counts = import_book(engine, load_checked(tmp / "book"))
    print(f"store: {counts['households']:,} households, {counts['accounts']:,} accounts, "
          f"{counts['lots']:,} lots ({time.perf_counter() - started:.0f} s)")  # fmt: skip
    with engine.connect() as conn:
        ids = list(conn.execute(sa.select(t.households.c.household_id)).scalars())
    return engine, ids


def templates(tmp: Path) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """Real proposals of a small book's day: rows and their exceptions, to copy."""
    write_sample_book(tmp / "small", 60, seed=5)
    engine = make_engine(f"sqlite:///{tmp / 'small.sqlite'}")
    upgrade(engine)
    import_book(engine, load_checked(tmp / "small"))
    run_day(engine, actor="bench", executor=SequentialExecutor())
    p, e = w.proposals, w.exceptions
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(p))]
        hits: dict[int, list[dict[str, Any]]] = {}
        for r in conn.execute(sa.select(e)):
            hits.setdefault(r.proposal_id, []).append(dict(r._mapping))
    engine.dispose()
    return rows, hits


def copy_day(engine: sa.Engine, households: list[str], tmp: Path) -> None:
    rows, hits = templates(tmp)
    rng = random.Random(3)
    p, c, e = w.proposals, w.current_proposals, w.exceptions
    as_of = rows[0]["as_of"]
    with engine.begin() as conn:
        run_id = conn.execute(
            w.runs.insert().returning(w.runs.c.run_id),
            {"as_of": as_of, "started_at": datetime.now(UTC), "finished_at": datetime.now(UTC),
             "actor": "bench", "status": "done", "executor": "bench", "method": "optimize",
             "settings_toml": "", "input_version": "{}", "inputs_digest": "0" * 64,
             "inputs": b"", "summary": "{}"},
        ).scalar_one()  # fmt: skip
        for start in range(0, len(households), 5000):
            part = households[start : start + 5000]
            batch = []
            for hid in part:
                row = dict(rng.choice(rows))
                row.pop("proposal_id")
                row.update(run_id=run_id, household_id=hid)
                batch.append(row)
            stmt = p.insert().returning(p.c.proposal_id, sort_by_parameter_order=True)
            ids = list(conn.execute(stmt, batch).scalars())
            conn.execute(c.insert(), [{"as_of": as_of, "household_id": h, "proposal_id": i}
                                      for h, i in zip(part, ids, strict=True)])  # fmt: skip
            copies = []
            for row, pid in zip(batch, ids, strict=True):
                source = next(r for r in rows if r["payload"] == row["payload"])
                for h in hits.get(source["proposal_id"], []):
                    copies.append({**{k: v for k, v in h.items() if k != "exception_id"},
                                   "proposal_id": pid})  # fmt: skip
            if copies:
                conn.execute(e.insert(), copies)


def users(engine: sa.Engine, households: list[str]) -> dict[str, str]:
    """A rebalancer, and 400 advisors of 100 households each; a token for the rebalancer and
    for one advisor."""
    secret = hash_password("bench password")
    tokens = {}
    with engine.begin() as conn:
        reb = access.add_user(conn, "reb", secret, Role.REBALANCER)
        for n in range(400):
            adv = access.add_user(conn, f"adv{n}", secret, Role.ADVISOR)
            access.assign(conn, adv.user_id, households[n * 100 : (n + 1) * 100])
            if n == 7:
                tokens["advisor"] = _token(conn, adv.user_id)
        tokens["rebalancer"] = _token(conn, reb.user_id)
    return tokens


def _token(conn: sa.Connection, user_id: int) -> str:
    secret = new_token()
    access.add_token(conn, user_id, token_hash(secret), kind=TokenKind.API, name="bench")
    return secret


def settle(engine: sa.Engine) -> None:
    """On PostgreSQL, what autovacuum does after a bulk load (the test server runs without it):
    table statistics for the planner, and the visibility map that lets index-only scans skip
    the table. SQLite needs neither."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def reuse(path: Path) -> tuple[sa.Engine, list[str], dict[str, str]]:
    """A store an earlier run kept: its households and new tokens for `reb` and `adv7`."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        ids = list(conn.execute(sa.select(t.households.c.household_id)).scalars())
        tokens = {}
        for role, name in (("rebalancer", "reb"), ("advisor", "adv7")):
            user = access.user_by_name(conn, name)
            assert user is not None, f"{path} was not built by this script"
            tokens[role] = _token(conn, user.user_id)
    return engine, ids, tokens


def measure(call: Callable[[], Any], n: int) -> tuple[float, float, float]:
    """(median, p95) wall-clock ms and median CPU ms of the process (every thread: the app runs
    in the test client's worker thread). On a shared, loaded machine the CPU time is what the
    request costs; the wall time adds the wait for a core."""
    call()  # warm caches once
    wall, cpu = [], []
    for _ in range(n):
        start, used = time.perf_counter(), time.process_time()
        response = call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"HTTP {response.status_code}: {response.text[:300]}")
    wall.sort()
    p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
    return statistics.median(wall), p95, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="an empty database (default: a SQLite file)")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--keep", type=Path, default=None,
        help="a SQLite file: built there and kept the first time, measured as it is after",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.keep is not None and args.keep.exists():
            engine, households, tokens = reuse(args.keep)
        else:
            url = f"sqlite:///{args.keep or tmp / 'big.sqlite'}"
            engine, households = build_store(args.db or url, args.accounts, tmp)
            copy_day(engine, households, tmp)
            tokens = users(engine, households)
            settle(engine)
        client = TestClient(create_app(ServiceSettings(secure_cookies=False), engine=engine))
        reb = {"Authorization": f"Bearer {tokens['rebalancer']}"}
        adv = {"Authorization": f"Bearer {tokens['advisor']}"}
        rng = random.Random(9)
        mine = households[700:800]

        def pid(hid: str) -> int:
            return client.get(f"/api/queue?household={hid}", headers=reb).json()["items"][0][
                "proposal_id"
            ]

        cases: list[tuple[str, Callable[[], Any]]] = [
            ("GET /api/queue", lambda: client.get("/api/queue", headers=reb)),
            ("GET /api/queue?status=exception&sort=-value",
             lambda: client.get("/api/queue?status=exception&sort=-value", headers=reb)),
            ("GET /api/queue?rule=drift_after&sort=-tax",
             lambda: client.get("/api/queue?rule=drift_after&sort=-tax", headers=reb)),
            ("GET /api/queue?sort=-trades&offset=20000",
             lambda: client.get("/api/queue?sort=-trades&offset=20000", headers=reb)),
            ("GET /api/queue?advisor=adv3", lambda: client.get("/api/queue?advisor=adv3",
                                                              headers=reb)),
            ("GET /api/queue (as an advisor)", lambda: client.get("/api/queue", headers=adv)),
            ("GET /api/households/{id}",
             lambda: client.get(f"/api/households/{rng.choice(households)}", headers=reb)),
            ("GET /api/households/{id} (as its advisor)",
             lambda: client.get(f"/api/households/{rng.choice(mine)}", headers=adv)),
            ("GET /api/proposals/{id}",
             lambda: client.get(f"/api/proposals/{pid(rng.choice(households))}", headers=reb)),
            ("GET /households/{id} (page)",
             lambda: client.get(f"/households/{rng.choice(households)}", headers=reb)),
            ("GET /queue?status=exception (page)",
             lambda: client.get("/queue?status=exception", headers=reb)),
        ]  # fmt: skip
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"load average {load:.1f} on {os.cpu_count()} cores")
        print(f"{'endpoint':<46} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8}")
        worst = 0.0
        for name, call in cases:
            median, p95, cpu = measure(call, args.requests)
            worst = max(worst, p95)
            print(f"{name:<46} {median:>10.1f} {p95:>8.1f} {cpu:>8.1f}")
        verdict = "met" if worst < TARGET_MS else "MISSED"
        print(f"worst p95 {worst:.1f} ms: target p95 < {TARGET_MS:.0f} ms {verdict}")
        engine.dispose()


if __name__ == "__main__":
    main()
