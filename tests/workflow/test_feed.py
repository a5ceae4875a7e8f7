"""The day's feed into the store (SQLite and PostgreSQL): applied without re-importing the book,
validated like a book, all or nothing; reconciliation breaks flagged by size, never fixed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from trimtab.book import Book
from trimtab.errors import BookError
from trimtab.store import export_book, import_book
from trimtab.store import tables as t
from trimtab.store import workflow_tables as w
from trimtab.workflow.audit import audit
from trimtab.workflow.feed import apply_feed, list_breaks
from trimtab.workflow.proposals import ProposalFilter, list_proposals
from trimtab.workflow.run import run_day

Stored = Callable[..., Engine]
DAY = date(2026, 11, 21)


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (folder / name).write_text(body, encoding="utf-8")
    return folder


def imported_at(engine: Engine) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.select(t.book.c.imported_at)).scalar_one()


def test_a_feed_updates_only_what_it_carries(
    stored: Stored, day_book: Book, tmp_path: Path
) -> None:
    engine = stored()
    before = imported_at(engine)
    account = day_book.accounts[0]
    model = day_book.models[0]
    weights = [c.weight for c in model.components]
    weights[0], weights[1] = weights[0] + Decimal("0.05"), weights[1] - Decimal("0.05")
    feed = write(tmp_path / "feed", {
        "prices.csv": "symbol,price\nVOO,701.25\n",
        "transactions.csv": "account_id,date,symbol,side,quantity,price\n"
                            f"{account.account_id},2026-11-21,VOO,buy,2,701.25\n",
        "cash_flows.csv": f"scope,amount\n{account.account_id},-500\n",
        "models.csv": "model_id,component,weight\n" + "".join(
            f"{model.model_id},{c.component},{wt}\n"
            for c, wt in zip(model.components, weights, strict=True)),
        "restrictions.csv": f"scope,target,rule\n{account.household_id},tag:tobacco,exclude\n",
    })  # fmt: skip
    result = apply_feed(engine, feed, as_of=DAY, actor="ops")
    assert result.counts == {"prices.csv": 1, "transactions.csv": 1, "cash_flows.csv": 1,
                             "models.csv": len(weights), "restrictions.csv": 1}  # fmt: skip
    assert result.changed_models == (model.model_id,)
    book = export_book(engine)
    assert imported_at(engine) == before  # not re-imported
    assert book.security_by_symbol["VOO"].price == Decimal("701.25")
    assert book.transactions[-1].account_id == account.account_id
    assert book.account_by_id[account.account_id].cash == account.cash - Decimal("1402.50")
    assert [(f.scope, f.amount) for f in book.cash_flows] == [(account.account_id, Decimal(-500))]
    assert [c.weight for c in book.model_by_id[model.model_id].components] == weights
    scoped = [r for r in book.restrictions if r.scope == account.household_id]
    assert [(r.target, r.rule.value) for r in scoped] == [("tag:tobacco", "exclude")]
    assert book.as_of() == DAY
    assert book.price_history is not None
    last = book.price_history.dates[book.price_history.symbols == "VOO"].max()
    assert str(last) == "2026-11-21"
    (event,) = audit(engine, action="feed")
    assert event.actor == "ops" and set(event.detail["files"]) == set(result.counts)


def test_a_bad_feed_changes_nothing(stored: Stored, day_book: Book, tmp_path: Path) -> None:
    engine = stored()
    account = day_book.accounts[0]
    feed = write(tmp_path / "feed", {
        "prices.csv": "symbol,price\nVOO,701.25\nNOPE,3\n",
        "transactions.csv": "account_id,date,symbol,side,quantity,price\n"
                            f"{account.account_id},2026-12-25,VOO,buy,2,701.25\n"
                            "A_GHOST,2026-11-21,VOO,buy,1,abc\n",
    })  # fmt: skip
    before = export_book(engine)
    with pytest.raises(BookError) as caught:
        apply_feed(engine, feed, as_of=DAY)
    found = {(p.file, p.row, p.field) for p in caught.value.problems}
    assert ("transactions.csv", 3, "price") in found
    assert export_book(engine) == before
    oversold = write(tmp_path / "oversold", {
        "transactions.csv": "account_id,date,symbol,side,quantity,price\n"
                            f"{account.account_id},2026-11-21,VOO,sell,999999,701.25\n"
                            f"{account.account_id},2026-12-25,VOO,buy,1,701.25\n",
    })  # fmt: skip
    with pytest.raises(BookError) as caught:
        apply_feed(engine, oversold, as_of=DAY)
    assert ("transactions.csv", 3, "date") in {(p.file, p.row, p.field)
                                               for p in caught.value.problems}  # fmt: skip
    only_oversold = write(tmp_path / "only", {
        "transactions.csv": "account_id,date,symbol,side,quantity,price\n"
                            f"{account.account_id},2026-11-21,VOO,sell,999999,701.25\n",
    })  # fmt: skip
    with pytest.raises(BookError, match=r"transactions.csv:2"):
        apply_feed(engine, only_oversold, as_of=DAY)
    assert export_book(engine) == before
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(w.feeds)).scalar_one() == 0


def run_with_only_model_changes_due(stored: Stored, book: Book) -> tuple[Engine, set[str]]:
    """The book stored with every screening trigger but `model_change` out of reach, its first
    day run; and the households on model CORE_60."""
    engine = stored(screen={"review_days": 1000, "drift": 0.99, "cash_usd": 1e12,
                            "loss_usd": 1e12})  # fmt: skip
    run_day(engine, date(2026, 11, 20))
    on_model = {
        a.household_id
        for a in book.accounts
        if (a.model_id or book.household_by_id[a.household_id].model_id) == "CORE_60"
    }
    return engine, on_model


def test_a_model_change_reaches_every_account_on_the_model(
    stored: Stored, day_book: Book, tmp_path: Path
) -> None:
    engine, on_model = run_with_only_model_changes_due(stored, day_book)
    assert on_model
    model = day_book.model_by_id["CORE_60"]
    weights = [c.weight for c in model.components]
    weights[0], weights[-1] = weights[0] - Decimal("0.10"), weights[-1] + Decimal("0.10")
    body = "".join(f"CORE_60,{c.component},{wt}\n"
                   for c, wt in zip(model.components, weights, strict=True))  # fmt: skip
    apply_feed(engine, write(tmp_path / "f", {"models.csv": "model_id,component,weight\n" + body}),
               as_of=DAY)  # fmt: skip
    run_day(engine, DAY)
    rows = {r.household_id: r for r in list_proposals(engine, ProposalFilter(as_of=DAY))}
    assert {h for h, r in rows.items() if "model_change" in r.screen} == on_model
    with engine.connect() as conn:
        reasons = conn.execute(
            sa.select(w.proposed_trades.c.account_id, w.proposed_trades.c.reason)
            .join(w.current_proposals,
                  w.current_proposals.c.proposal_id == w.proposed_trades.c.proposal_id)
            .where(w.current_proposals.c.as_of == DAY)
        ).all()  # fmt: skip
    on_accounts = {a.account_id for a in day_book.accounts if a.model_id == "CORE_60"}
    tagged = [r for a, r in reasons if a in on_accounts]
    assert tagged and all("model_change" in r.split(";") for r in tagged)


def test_a_model_changed_by_reimporting_the_book_reaches_every_account_on_it(
    stored: Stored, day_book: Book
) -> None:
    engine, on_model = run_with_only_model_changes_due(stored, day_book)
    stored_book = export_book(engine)
    import_book(engine, stored_book)  # the same models again: no change
    run_day(engine, DAY)
    quiet = list_proposals(engine, ProposalFilter(as_of=DAY))
    assert not any("model_change" in r.screen for r in quiet)
    model = stored_book.model_by_id["CORE_60"]
    parts = list(reversed(model.components))  # the file's order is not a change either
    parts[0] = dataclasses.replace(parts[0], weight=parts[0].weight - Decimal("0.10"))
    parts[-1] = dataclasses.replace(parts[-1], weight=parts[-1].weight + Decimal("0.10"))
    models = tuple(
        dataclasses.replace(m, components=tuple(parts)) if m.model_id == "CORE_60" else m
        for m in stored_book.models
    )
    import_book(engine, dataclasses.replace(stored_book, models=models))
    later = date(2026, 11, 22)
    run_day(engine, later)
    rows = {r.household_id: r for r in list_proposals(engine, ProposalFilter(as_of=later))}
    assert {h for h, r in rows.items() if "model_change" in r.screen} == on_model


def test_reconciliation_breaks_are_listed_by_size_flagged_and_never_fixed(
    stored: Stored, day_book: Book, tmp_path: Path
) -> None:
    engine = stored(quiet=True)
    account = next(a for a in day_book.accounts if day_book.lots_by_account.get(a.account_id))
    lots_before = export_book(engine).lots
    symbol = day_book.lots_by_account[account.account_id][0].symbol
    feed = write(tmp_path / "feed", {
        "custodian_positions.csv": f"account_id,symbol,quantity\n{account.account_id},{symbol},1\n"
    })  # fmt: skip
    result = apply_feed(engine, feed, as_of=DAY)
    assert result.breaks
    values = [b.value for b in result.breaks]
    assert values == sorted(values, reverse=True)
    assert {b.account_id for b in result.breaks} == {account.account_id}
    assert list_breaks(engine, DAY) == list(result.breaks)
    assert export_book(engine).lots == lots_before
    run_day(engine, DAY)
    flagged = list_proposals(engine, ProposalFilter(as_of=DAY, rule="reconciliation"))
    assert [r.household_id for r in flagged] == [account.household_id]
    with engine.connect() as conn:
        hits = conn.execute(
            sa.select(w.exceptions.c.account_id, w.exceptions.c.measure).where(
                w.exceptions.c.rule == "reconciliation"
            )
        ).all()
    assert sorted(m for _, m in hits) == sorted(float(v) for v in values)
