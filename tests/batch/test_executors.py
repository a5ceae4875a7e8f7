"""The same store gives identical proposals in one process, on a process pool and on a local
Dask cluster; `trimtab run --scheduler` stores them like any other run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster

from trimtab.batch import BATCH_CONFIG, DaskExecutor, PoolExecutor, SequentialExecutor
from trimtab.generate import generate_book
from trimtab.store import import_book, make_engine, upgrade
from trimtab.workflow.prepare import jobs_and_chunks
from trimtab.workflow.proposals import list_proposals
from trimtab.workflow.run import plan_day, run_day
from trimtab.workflow.task import solve_chunk


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    options = {"threads_per_worker": 1, "processes": True, "dashboard_address": ":0"}
    with dask.config.set(BATCH_CONFIG), LocalCluster(n_workers=2, **options) as c:
        yield c


def test_the_documented_environment_gives_the_batch_config() -> None:
    """docs/performance.md tells a firm to start its cluster with these variables."""
    doc = (Path(__file__).parents[2] / "docs" / "performance.md").read_text()
    env = dict(re.findall(r"`(DASK_[A-Z_]+)=([^`]+)`", doc))
    assert len(env) == len(BATCH_CONFIG)
    with dask.config.set(dask.config.collect_env(env)):
        for key, value in BATCH_CONFIG.items():
            assert dask.config.get(key) == value


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The same generated book in SQLite and in PostgreSQL: each test runs on both."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('batch') / 'day.sqlite'}"
    else:
        url = request.getfixturevalue("module_pg_url")
    engine = make_engine(url)
    upgrade(engine)
    import_book(engine, generate_book(4, seed=21))
    engine.dispose()
    return url


def payloads(executor: object, url: str) -> dict[str, str]:
    plan = plan_day(make_engine(url))
    _, chunks = jobs_and_chunks(plan.book, plan.contexts, plan.current, 2, plan.lots_of)
    found = {}
    for _, outcomes in executor.run(solve_chunk, plan.shared, chunks):  # type: ignore[attr-defined]
        found.update({o.household_id: o.payload for o in outcomes})
    return found


def test_sequential_pool_and_dask_give_identical_proposals(
    store: str, cluster: LocalCluster
) -> None:
    alone = payloads(SequentialExecutor(), store)
    assert len(alone) == 4
    assert any('"trades":[{' in p for p in alone.values())
    assert payloads(PoolExecutor(2), store) == alone
    warmed = PoolExecutor(2)
    warmed.warm(solve_chunk)  # the fork server starts in the background as the run begins
    assert payloads(warmed, store) == alone
    with Client(cluster) as client:
        assert payloads(DaskExecutor(client=client), store) == alone


def test_a_run_on_a_dask_scheduler_stores_the_same_proposals(
    store: str, cluster: LocalCluster, tmp_path: Path
) -> None:
    engine = make_engine(store)
    result = run_day(engine, executor=DaskExecutor(cluster.scheduler_address))
    assert result.proposed == 4
    rows = list_proposals(engine)
    assert len(rows) == 4
    assert {r.run_id for r in rows} == {result.run_id}
