"""The review queue's query (SQLite and PostgreSQL): every filter, sort and page against a plain
Python reading of the same proposals, on both of its plans (the sort index walked, the matches
gathered by key), with reruns, ties, several days and exceptions repeated within a proposal."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from trimtab.config import Settings, WorkflowSettings
from trimtab.store import access
from trimtab.store import review as rv
from trimtab.store import workflow_tables as w
from trimtab.store.access import Role
from trimtab.workflow import codec
from trimtab.workflow.rules import Hit
from trimtab.workflow.save import save_outcomes
from trimtab.workflow.task import Outcome, TradeRow

DAYS = (date(2026, 11, 19), date(2026, 11, 20))
HOUSEHOLDS = [f"H{n:02d}" for n in range(40)]
RULES = ("drift_after", "large_trade", "wash_sale")
SORTS = [s for k in rv.SORT_COLUMNS for s in (k, f"-{k}")]


@dataclass(frozen=True)
class Desk:
    engine: Engine
    advisors: dict[str, int]


def _outcome(rng: random.Random, hid: str) -> Outcome:
    hits = tuple(
        Hit(rule=rng.choice(RULES), account_id=f"{hid}-A{k}", message="over")
        for k in range(rng.choice((0, 0, 0, 1, 2, 3)))
    )
    trades = rng.choice((0, 1, 2, 2, 5))
    status = "exception" if hits else ("trade" if trades else "no_trade")
    return Outcome(
        household_id=hid,
        status=status,
        screen=(),
        hits=hits,
        value=rng.choice((Decimal("1000.00"), Decimal("250000.5"), Decimal("99.99"), Decimal(7))),
        est_tax=rng.choice((Decimal(0), Decimal("12.34"), Decimal("-5.00"), Decimal("12.340"))),
        baseline_tax=None,
        trade_rows=tuple(
            TradeRow(
                f"{hid}-A0",
                "VOO",
                "buy",
                Decimal(k + 1),
                Decimal(400),
                Decimal(400 * (k + 1)),
                None,
                "model",
            )
            for k in range(trades)
        ),
        inputs=codec.pack("{}"),
        digest=f"{rng.getrandbits(64):016x}",
        payload="{}",
    )


def _run(conn: sa.Connection, day: date, households: list[str], rng: random.Random) -> None:
    now = datetime.now(UTC)
    run_id = conn.execute(
        w.runs.insert().returning(w.runs.c.run_id),
        {"as_of": day, "started_at": now, "finished_at": now, "actor": "test", "status": "done",
         "executor": "test", "method": "optimize", "settings_toml": "", "input_version": "{}",
         "inputs_digest": "0" * 64, "inputs": b"", "summary": "{}"},
    ).scalar_one()  # fmt: skip
    outcomes = [_outcome(rng, h) for h in households]
    settings = Settings(workflow=WorkflowSettings(auto_approve=True))
    save_outcomes(conn, run_id, day, outcomes, settings, "test", {})


@pytest.fixture
def desk(engine: Engine) -> Iterator[Desk]:
    """Two days of proposals; the second day rerun for a third of its households (in two
    runs), so it holds superseded proposals; some proposals rejected; two advisors."""
    rng = random.Random(5)
    with engine.begin() as conn:
        _run(conn, DAYS[0], HOUSEHOLDS[:30], rng)
        _run(conn, DAYS[1], HOUSEHOLDS, rng)
        _run(conn, DAYS[1], HOUSEHOLDS[::3], rng)
        _run(conn, DAYS[1], HOUSEHOLDS[::6], rng)
        p = w.proposals
        conn.execute(
            p.update().where(p.c.proposal_id.in_([3, 5, 44, 50, 61])).values(state="rejected")
        )
        advisors = {}
        for name, households in (("adv1", HOUSEHOLDS[:20]), ("adv2", HOUSEHOLDS[10:30])):
            user = access.add_user(conn, name, "x", Role.ADVISOR)
            access.assign(conn, user.user_id, households)
            advisors[name] = user.user_id
    yield Desk(engine, advisors)


def _current(conn: sa.Connection) -> list[dict[str, Any]]:
    """The current proposals, read plainly: the pointers joined to their proposals."""
    p, c, e = w.proposals, w.current_proposals, w.exceptions
    rows = [
        dict(r._mapping)
        for r in conn.execute(sa.select(p).join(c, c.c.proposal_id == p.c.proposal_id))
    ]
    rules: dict[int, set[str]] = {}
    for pid, rule in conn.execute(sa.select(e.c.proposal_id, e.c.rule)):
        rules.setdefault(pid, set()).add(rule)
    for r in rows:
        r["rules"] = sorted(rules.get(r["proposal_id"], ()))
    return rows


def _expected(rows: list[dict[str, Any]], f: rv.QueueFilter, sort: str, mine: set[str]) -> list:
    """The ids `queue_page` must list, in order: filters and sort in Python, on Decimals."""
    keep = [
        r
        for r in rows
        if (f.as_of is None or r["as_of"] == f.as_of)
        and (f.status is None or r["status"] == f.status)
        and (f.state is None or r["state"] == f.state)
        and (f.rule is None or f.rule in r["rules"])
        and (f.household is None or r["household_id"] == f.household)
        and (f.min_value is None or r["value"] >= f.min_value)
        and (f.max_value is None or r["value"] <= f.max_value)
        and (f.advisor is None or r["household_id"] in mine)
    ]
    key, desc = sort.lstrip("-"), sort.startswith("-")
    column = {"tax": "est_tax"}.get(key, key)
    if key in ("household", "proposal"):
        name = f"{key}_id"
        keep.sort(key=lambda r: (r[name], r["proposal_id"]), reverse=desc)
    else:
        keep.sort(key=lambda r: (r["household_id"], r["proposal_id"]))
        keep.sort(key=lambda r: r[column], reverse=desc)  # stable: ties stay in that order
    return [r["proposal_id"] for r in keep]


def _filters(desk: Desk) -> list[rv.QueueFilter]:
    adv1 = desk.advisors["adv1"]
    out = []
    for day in (*DAYS, None):
        out += [
            rv.QueueFilter(as_of=day),
            rv.QueueFilter(as_of=day, status="exception"),
            rv.QueueFilter(as_of=day, state="approved"),
            rv.QueueFilter(as_of=day, state="rejected", status="no_trade"),
            rv.QueueFilter(as_of=day, rule="large_trade"),
            rv.QueueFilter(as_of=day, rule="wash_sale", status="exception"),
            rv.QueueFilter(as_of=day, rule="no_such_rule"),
            rv.QueueFilter(as_of=day, household="H03"),
            rv.QueueFilter(as_of=day, advisor=adv1),
            rv.QueueFilter(as_of=day, advisor=adv1, rule="drift_after"),
            rv.QueueFilter(as_of=day, min_value=Decimal("99.99"), max_value=Decimal(1000)),
            rv.QueueFilter(as_of=day, min_value=Decimal("1000.01"), status="trade"),
        ]
    return out


@pytest.mark.parametrize("gather", [0, 10**6], ids=["walk", "gather"])
def test_every_filter_and_sort_lists_what_a_plain_reading_does(
    desk: Desk, gather: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rv, "GATHER", gather)
    with desk.engine.connect() as conn:
        rows = _current(conn)
        mine = set(access.advisor_households(conn, desk.advisors["adv1"]))
        for f in _filters(desk):
            for sort in SORTS:
                want = _expected(rows, f, sort, mine)
                page = rv.queue_page(conn, f, sort, offset=0, limit=1000)
                assert [r["proposal_id"] for r in page.items] == want, (f, sort)
                assert page.total == len(want), (f, sort)


def test_pages_follow_each_other(desk: Desk) -> None:
    """Pages of 7 put end to end are the whole list, for each sort; past the end: empty."""
    with desk.engine.connect() as conn:
        for f in (rv.QueueFilter(as_of=DAYS[1]), rv.QueueFilter(as_of=DAYS[1], rule="wash_sale")):
            for sort in SORTS:
                whole = rv.queue_page(conn, f, sort, offset=0, limit=1000)
                pages: list[int] = []
                for offset in range(0, whole.total + 7, 7):
                    page = rv.queue_page(conn, f, sort, offset=offset, limit=7)
                    assert page.total == whole.total
                    pages += [r["proposal_id"] for r in page.items]
                assert pages == [r["proposal_id"] for r in whole.items]


def test_a_page_row_is_the_stored_proposal(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        rows = {r["proposal_id"]: r for r in _current(conn)}
        page = rv.queue_page(conn, rv.QueueFilter(as_of=DAYS[1]), "-value", offset=0, limit=50)
        assert page.total == len(HOUSEHOLDS)
        for item in page.items:
            stored = rows[item["proposal_id"]]
            for name in rv.QUEUE_COLUMNS:
                assert item[name] == stored[name]
            assert item["rules"] == stored["rules"]
            assert item["advisors"] == sorted(
                n
                for n, hh in (("adv1", HOUSEHOLDS[:20]), ("adv2", HOUSEHOLDS[10:30]))
                if item["household_id"] in hh
            )


def test_the_current_flag_and_sort_keys_follow_the_pointers(desk: Desk) -> None:
    """`is_current` marks exactly the proposals current_proposals points at, reruns and all;
    the float sort keys are the money columns."""
    p, c = w.proposals, w.current_proposals
    with desk.engine.connect() as conn:
        flagged = set(conn.execute(sa.select(p.c.proposal_id).where(p.c.is_current)).scalars())
        pointed = set(conn.execute(sa.select(c.c.proposal_id)).scalars())
        stored = conn.execute(sa.select(p.c.value, p.c.est_tax, p.c.value_key, p.c.est_tax_key))
        keys = [(float(v), float(t), vk, tk) for v, t, vk, tk in stored]
        everything = conn.execute(sa.select(sa.func.count()).select_from(p)).scalar_one()
    assert flagged == pointed
    assert len(pointed) == 30 + 40 < everything
    assert all(v == vk and t == tk for v, t, vk, tk in keys)
