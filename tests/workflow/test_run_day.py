"""The daily run on the store (SQLite and PostgreSQL): run, rerun, broken households, queue,
decisions, release, audit and reproduction."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from trimtab.book import Book, load_book, write_book
from trimtab.store import workflow_tables as w
from trimtab.workflow.audit import audit
from trimtab.workflow.orders import release_orders, stored_release
from trimtab.workflow.proposals import (
    ProposalFilter,
    approve,
    list_proposals,
    reject,
    reproduce,
)
from trimtab.workflow.run import run_day

HOUSEHOLDS = 8
"""Households of the `day_book` fixture."""

Stored = Callable[..., Engine]


def current(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(w.current_proposals)).all()
    return {r.household_id: r.proposal_id for r in rows}


def test_a_run_proposes_once_per_household_and_a_rerun_changes_nothing(stored: Stored) -> None:
    engine = stored()
    first = run_day(engine, actor="ann")
    assert (first.households, first.proposed, first.unchanged) == (HOUSEHOLDS, HOUSEHOLDS, 0)
    before = current(engine)
    assert len(before) == HOUSEHOLDS
    again = run_day(engine, actor="ann")
    assert (again.proposed, again.unchanged) == (0, HOUSEHOLDS)
    assert current(engine) == before
    assert again.summary["households"] == HOUSEHOLDS
    assert sum(again.summary["by_status"].values()) == HOUSEHOLDS
    starts = audit(engine, action="run_start")
    assert [e.subject for e in starts] == [f"run:{first.run_id}", f"run:{again.run_id}"]
    assert len(audit(engine, action="propose")) == HOUSEHOLDS
    (imported,) = audit(engine, action="import")  # logged once, by the first run
    assert imported.detail["rows"]["households"] == HOUSEHOLDS
    with engine.connect() as conn:
        stored_summary = conn.execute(
            sa.select(w.runs.c.summary).where(w.runs.c.run_id == again.run_id)
        ).scalar_one()
    assert '"households": 8' in stored_summary


def test_summary_counts_exceptions_by_rule_and_tax_saved(stored: Stored) -> None:
    engine = stored(workflow={"compare_baseline": True})
    summary = run_day(engine).summary
    with engine.connect() as conn:
        rules = dict(
            conn.execute(
                sa.select(w.exceptions.c.rule, sa.func.count()).group_by(w.exceptions.c.rule)
            ).all()
        )
        taxes = conn.execute(sa.select(w.proposals.c.est_tax, w.proposals.c.baseline_tax)).all()
    assert summary["exceptions_by_rule"] == rules
    assert Decimal(summary["est_tax"]) == sum(t for t, _ in taxes)
    saved = sum(b - t for t, b in taxes if b is not None)
    assert Decimal(summary["tax_saved_vs_baseline"]) == saved


def test_a_broken_household_becomes_an_exception_and_the_rest_completes(stored: Stored) -> None:
    engine = stored(quiet=True)
    with engine.begin() as conn:
        victim = conn.execute(
            sa.select(
                w.metadata.tables["accounts"].c.account_id,
                w.metadata.tables["accounts"].c.household_id,
            ).limit(1)
        ).one()
        conn.execute(
            sa.update(w.metadata.tables["accounts"])
            .where(w.metadata.tables["accounts"].c.account_id == victim.account_id)
            .values(model_id="NO_SUCH_MODEL")
        )
    result = run_day(engine)
    assert result.proposed == HOUSEHOLDS
    rows = {r.household_id: r for r in list_proposals(engine)}
    assert rows[victim.household_id].status == "exception"
    assert rows[victim.household_id].rules == ("error",)
    others = [r for h, r in rows.items() if h != victim.household_id]
    assert all("error" not in r.rules for r in others)
    assert "quiet" in {r.status for r in others}
    broken = list_proposals(engine, ProposalFilter(rule="error"))
    assert [r.household_id for r in broken] == [victim.household_id]


def test_queue_filters_sorts_and_pages(stored: Stored) -> None:
    engine = stored(quiet=True)
    run_day(engine)
    rows = list_proposals(engine, sort="-value")
    values = [r.value for r in rows]
    assert values == sorted(values, reverse=True)
    assert list_proposals(engine, sort="-value", limit=2, offset=1) == rows[1:3]
    middle = values[len(values) // 2]
    assert all(r.value >= middle for r in list_proposals(engine, ProposalFilter(min_value=middle)))
    taxes = [r.est_tax for r in list_proposals(engine, sort="tax")]
    assert taxes == sorted(taxes)
    for r in rows:
        for rule in r.rules:
            hits = list_proposals(engine, ProposalFilter(rule=rule))
            assert r.proposal_id in {h.proposal_id for h in hits}
    one = rows[0].household_id
    assert [r.household_id for r in list_proposals(engine, ProposalFilter(household=one))] == [one]


def test_approve_release_and_nothing_is_sent_twice(stored: Stored) -> None:
    engine = stored()
    run_day(engine)
    trading = [r for r in list_proposals(engine) if r.trades > 0]
    assert len(trading) >= 2
    ids = tuple(r.proposal_id for r in trading)
    assert approve(engine, ProposalFilter(ids=ids), "ann", "looks right") == sorted(ids)
    rejected = reject(engine, ProposalFilter(ids=ids[:1]), "bob", "too much turnover")
    assert rejected == [ids[0]]
    release = release_orders(engine, "carl")
    assert release.proposals == tuple(sorted(ids[1:]))
    with engine.connect() as conn:
        trades = conn.execute(
            sa.select(w.proposed_trades).where(w.proposed_trades.c.proposal_id.in_(ids[1:]))
        ).all()
    wanted: dict[tuple[str, str, Decimal], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for t in trades:
        wanted[(t.symbol, t.side, t.price)][t.account_id] += t.quantity
    got = {(o.symbol, o.side.value, o.price): o for o in release.orders}
    assert set(got) == set(wanted)
    for key, o in got.items():
        assert sum(a.quantity for a in o.allocations) == o.quantity
        assert {a.account_id: a.quantity for a in o.allocations} == wanted[key]
    assert stored_release(engine, release.release_id) == release
    assert release_orders(engine, "carl").orders == ()
    assert approve(engine, ProposalFilter(ids=ids), "ann") == [ids[0]]  # released ones are final
    states = {r.proposal_id: r.state for r in list_proposals(engine)}
    assert {states[i] for i in ids[1:]} == {"released"}
    decisions = [e for e in audit(engine) if e.action in ("approve", "reject", "release")]
    assert [e.actor for e in decisions].count("bob") == 1
    assert decisions[-1].subject == f"proposal:{ids[0]}"


def test_a_rerun_keeps_approved_proposals_and_reproposes_changed_households(
    stored: Stored,
) -> None:
    engine = stored()
    run_day(engine)
    first = current(engine)
    keep = sorted(first.values())[0]
    approve(engine, ProposalFilter(ids=(keep,)), "ann")
    with engine.begin() as conn:  # every price up 10%: every household's inputs change
        sec = w.metadata.tables["securities"]
        for symbol, price in conn.execute(sa.select(sec.c.symbol, sec.c.price)).all():
            new = (price * Decimal("1.1")).quantize(Decimal("0.01"))
            conn.execute(sec.update().where(sec.c.symbol == symbol).values(price=new))
    again = run_day(engine)
    assert (again.proposed, again.kept) == (HOUSEHOLDS - 1, 1)
    after = current(engine)
    assert after[next(h for h, p in first.items() if p == keep)] == keep
    assert len(set(after.values()) & set(first.values())) == 1
    supersede = [e.detail["supersedes"] for e in audit(engine, action="propose")][HOUSEHOLDS:]
    assert sorted(supersede) == sorted(p for p in first.values() if p != keep)


def test_a_settings_change_between_runs_is_logged(stored: Stored) -> None:
    engine = stored(quiet=True)
    run_day(engine)
    with engine.begin() as conn:
        book = w.metadata.tables["book"]
        text = conn.execute(sa.select(book.c.settings_toml)).scalar_one()
        conn.execute(book.update().values(settings_toml=text + "\n[costs]\nbps = 7.5\n"))
    run_day(engine)
    (event,) = audit(engine, action="settings")
    assert "bps = 7.5" in event.detail["after"]
    assert "bps = 7.5" not in event.detail["before"]


def test_auto_approve_approves_only_clean_proposals(stored: Stored) -> None:
    engine = stored(
        workflow={"auto_approve": True, "compare_baseline": False},
        exceptions={"disabled": ("drift_after",)},
    )
    run_day(engine)
    rows = list_proposals(engine)
    assert any(r.state == "approved" for r in rows)
    for r in rows:
        clean = r.status == "trade"
        assert (r.state == "approved") == clean
        assert (r.decided_by == "auto-approve") == clean


def test_a_proposal_is_reproduced_byte_for_byte_from_the_store(stored: Stored) -> None:
    engine = stored()
    run_day(engine)
    with_trades = [r for r in list_proposals(engine, sort="-trades") if r.trades > 0]
    stored_payload, again = reproduce(engine, with_trades[0].proposal_id)
    assert '"trades":[{' in stored_payload
    assert again.encode() == stored_payload.encode()


def test_the_stored_trades_are_the_payloads_trades(stored: Stored) -> None:
    """The workers send trades back as rows, not as the proposal's records: the rows stored are
    the payload's trades, in order, to the cent."""
    engine = stored()
    run_day(engine)
    with engine.connect() as conn:
        query = sa.select(w.proposals.c.proposal_id, w.proposals.c.payload)
        payloads = dict(conn.execute(query).all())
        rows = conn.execute(
            sa.select(w.proposed_trades).order_by(
                w.proposed_trades.c.proposal_id, w.proposed_trades.c.position
            )
        ).all()
    stored_trades: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for r in rows:
        stored_trades[r.proposal_id].append(
            (r.account_id, r.symbol, r.side, r.quantity, r.price, r.value, r.lot_id, r.reason)
        )
    expected = {}
    for pid, text in payloads.items():
        proposal = json.loads(text)["proposal"]
        trades = proposal["trades"] if proposal is not None else []
        expected[pid] = [
            (t["account_id"], t["symbol"], t["side"], Decimal(t["quantity"]),
             Decimal(t["price"]), Decimal(t["value"]), t["lot_id"], t["reason"])
            for t in trades
        ]  # fmt: skip
    assert sum(map(len, expected.values())) > 0
    assert {p: t for p, t in expected.items() if t} == dict(stored_trades)


def test_the_audit_log_refuses_updates_and_deletes(stored: Stored) -> None:
    engine = stored(quiet=True)
    run_day(engine)
    for stmt in (w.audit_log.update().values(actor="mallory"), w.audit_log.delete()):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(stmt)
    assert {e.actor for e in audit(engine)} != {"mallory"}


def test_advisors_come_from_the_book_and_the_queue_filters_and_sorts_on_them(
    stored: Stored, day_book: Book, tmp_path: Path
) -> None:
    names = ["Ortiz", "Becker"]
    households = tuple(
        dataclasses.replace(h, advisor=names[i % 2]) for i, h in enumerate(day_book.households)
    )
    write_book(dataclasses.replace(day_book, households=households), tmp_path / "book")
    header = (tmp_path / "book" / "households.csv").read_text().splitlines()[0]
    assert header.endswith(",advisor")
    book = load_book(tmp_path / "book")
    assert [h.advisor for h in book.households] == [h.advisor for h in households]
    engine = stored(book, quiet=True)
    run_day(engine)
    ortiz = list_proposals(engine, ProposalFilter(advisor="Ortiz"))
    assert {r.household_id for r in ortiz} == {h.household_id for h in households[::2]}
    ordered = [r.advisor for r in list_proposals(engine, sort="advisor")]
    assert ordered == sorted(ordered) and set(ordered) == set(names)


def test_a_run_on_a_store_without_a_book_starts_no_worker(sqlite_url: str) -> None:
    """The store is checked before the executor is asked to get ready (a pool's fork server
    would otherwise sit idle until the process exits)."""
    from trimtab.batch import SequentialExecutor
    from trimtab.errors import StoreError
    from trimtab.store import make_engine, upgrade

    class Watched(SequentialExecutor):
        warmed = 0

        def warm(self, task: object) -> None:
            self.warmed += 1

    engine = make_engine(sqlite_url)
    upgrade(engine)
    executor = Watched()
    with pytest.raises(StoreError, match="holds no book"):
        run_day(engine, executor=executor)
    with pytest.raises(StoreError, match="unknown method"):
        run_day(engine, executor=executor, method="nonsense")
    assert executor.warmed == 0
    engine.dispose()


def test_a_book_re_imported_while_a_run_reads_its_lots_stops_the_run(
    stored: Stored, day_book: Book
) -> None:
    """The lots are read a chunk at a time: a chunk is never made of another import's lots."""
    from trimtab.batch import SequentialExecutor
    from trimtab.errors import StoreError
    from trimtab.store import import_book

    engine = stored()

    class ReImporting(SequentialExecutor):
        def run(self, task, shared, chunks):  # type: ignore[no-untyped-def]
            import_book(engine, day_book)  # after the book was read, before any lots were
            yield from super().run(task, shared, chunks)

    with pytest.raises(StoreError, match="re-imported during the run"):
        run_day(engine, executor=ReImporting())
    assert current(engine) == {}
