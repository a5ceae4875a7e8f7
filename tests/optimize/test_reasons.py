"""Every reason and figure (issue 9): model_change, gain_budget, and realized gain and term on
every sell, tax-sheltered accounts included (informational there)."""

from __future__ import annotations

import dataclasses

from test_optimizer_scenarios import AS_OF, SECURITIES, book, lot, model, run

from trimtab.book import Book
from trimtab.config import ModelChangeSettings
from trimtab.domain import Account, Household
from trimtab.names import AccountKind, Side, Term


def _changed(b: Book, *models: str) -> Book:
    return dataclasses.replace(
        b, settings=dataclasses.replace(b.settings, model_change=ModelChangeSettings(models))
    )


def test_trades_toward_a_changed_model_say_model_change() -> None:
    lots = [lot("A1", "AAA", 300, 15_000, 800), lot("B1", "BND", 200, 20_000, 800)]
    b = book(lots, {"AAA": "0.3", "EFA": "0.3", "BND": "0.4"})
    plain = run(b)
    assert plain.trades and all("model_change" not in t.reason for t in plain.trades)
    changed = run(_changed(b, "M"))
    assert changed.trades
    assert all("drift" not in t.reason.split(";") for t in changed.trades)
    assert {t.reason for t in changed.trades if t.symbol == "EFA"} == {"model_change"}
    assert [t.reason for t in changed.trades] == [
        t.reason.replace("drift", "model_change") for t in plain.trades
    ]


def test_sales_under_a_binding_gain_budget_say_so() -> None:
    # the model change wants AAA sold; a 2,000 USD budget holds its gains back, and the loss lot
    # A2 is sold to make room under it
    lots = [
        lot("A1", "AAA", 300, 15_000, 800),
        lot("A2", "AAA", 50, 7_500, 800),
        lot("B1", "BND", 200, 20_000, 800),
    ]
    weights = {"AAA": "0.3", "EFA": "0.3", "BND": "0.4"}
    p = run(book(lots, weights, gain_budget=2_000))
    by_lot = {t.lot_id: t for t in p.trades if t.side is Side.SELL}
    assert by_lot["A1"].realized_gain > 0 > by_lot["A2"].realized_gain
    # reasons are per account and symbol: the AAA sales share one
    assert set(by_lot["A1"].reason.split(";")) == {"drift", "loss_harvest", "gain_budget"}
    assert all("gain_budget" not in t.reason for t in p.trades if t.side is Side.BUY)
    free = run(book(lots, weights))
    assert free.trades and all("gain_budget" not in t.reason for t in free.trades)


def test_every_sell_has_a_gain_and_a_term_in_every_account_kind() -> None:
    lots = [
        lot("T1", "AAA", 300, 15_000, 800),
        lot("D1", "AAA", 300, 15_000, 800, account="D"),
        lot("E1", "AAA", 300, 33_000, 100, account="E"),
    ]
    accounts = tuple(
        Account(x, "H", kind, "M")
        for x, kind in (
            ("T", AccountKind.TAXABLE),
            ("D", AccountKind.TAX_DEFERRED),
            ("E", AccountKind.TAX_EXEMPT),
        )
    )
    b = dataclasses.replace(
        book(lots, {"AAA": "0.5", "BND": "0.5"}),
        households=(Household("H"),),
        accounts=accounts,
        models=(model("M", AAA="0.5", BND="0.5"),),
    )
    p = run(b)
    sells = {t.account_id: t for t in p.trades if t.side is Side.SELL}
    assert set(sells) == {"T", "D", "E"}
    assert sells["D"].realized_gain > 0 and sells["D"].term is Term.LONG
    assert sells["E"].realized_gain < 0 and sells["E"].term is Term.SHORT
    by_id = {r.account_id: r for r in p.accounts}
    for sheltered in ("D", "E"):  # informational: nothing realized, nothing taxed
        r = by_id[sheltered]
        assert r.realized_st == r.realized_lt == r.est_tax == 0
    assert by_id["T"].realized_lt == sells["T"].realized_gain
    assert AS_OF and SECURITIES
