"""Reading and changing the book through the API, on SQLite and PostgreSQL: changes are checked
by the book's own validation (422 naming the field, nothing stored), accepted changes are what
an export then shows, and analysis endpoints store nothing."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from api_service import SMALL_BOOK, Service, state

from trimtab.book import load_book
from trimtab.domain import CashFlow, Household
from trimtab.optimize.frontier import frontier
from trimtab.store import export_book
from trimtab.tax.ledger import replay
from trimtab.tax.report import year_summaries

MALFORMED = [
    # (method, path, body, the field the 422 must name)
    ("POST", "/api/cash-requests", {"scope": "A1", "amount": "lots"}, "amount"),
    ("POST", "/api/cash-requests", {"scope": "A1"}, "amount"),
    ("POST", "/api/cash-requests", {"scope": "A1", "amount": "5", "note": "x"}, "note"),
    ("POST", "/api/cash-requests", {"scope": "A1", "amount": "NaN"}, "amount"),
    ("POST", "/api/restrictions", {"scope": "A1", "target": "VTI", "rule": "never"}, "rule"),
    ("POST", "/api/restrictions", {"scope": "A1", "target": "NOPE", "rule": "no_buy"}, "target"),
    ("POST", "/api/restrictions", {"scope": "A1", "target": "tag:none", "rule": "exclude"},
     "target"),
    ("PATCH", "/api/households/H1", {"st_rate": "1.5"}, "st_rate"),
    ("PATCH", "/api/households/H1", {"model_id": "NOPE"}, "model_id"),
    ("PATCH", "/api/households/H1", {"filing_status": "complicated"}, "filing_status"),
    ("PATCH", "/api/accounts/A1", {"cash_reserve": "-1"}, "cash_reserve"),
    ("PATCH", "/api/accounts/A1", {"lot_method": "random"}, "lot_method"),
    ("PATCH", "/api/accounts/A1", {"fractional": "maybe"}, "fractional"),
    ("POST", "/api/accounts", {"account_id": "A9", "household_id": "H1", "kind": "crypto"}, "kind"),
    ("POST", "/api/lots", {"lot_id": "L9", "account_id": "A1", "symbol": "VTI", "quantity": "0",
                           "cost_basis": "10", "acquired": "2020-01-01"}, "quantity"),
    ("POST", "/api/lots", {"lot_id": "L9", "account_id": "A1", "symbol": "VTI", "quantity": "1",
                           "cost_basis": "10", "acquired": "2020-02-30"}, "acquired"),
    ("POST", "/api/lots", {"lot_id": "L9", "account_id": "A1", "symbol": "ZZZ", "quantity": "1",
                           "cost_basis": "10", "acquired": "2020-02-03"}, "symbol"),
    ("PUT", "/api/models/EQ", {"components": [{"component": "VTI", "weight": "0.5"}]}, "weight"),
    ("PUT", "/api/models/EQ", {"components": [{"component": "model:EQ", "weight": "1"}]},
     "component"),
    ("PUT", "/api/models/EQ", {"components": "VTI"}, "components"),
    ("POST", "/api/households/H1/what-if", {"cash_requests": [{"scope": "A1"}]}, "amount"),
    ("POST", "/api/alternates", {"symbol": "VTI", "alternate": "NOPE"}, "alternate"),
    ("POST", "/api/alternates", {"symbol": "VTI", "alternate": "ITOT", "rank": 0}, "rank"),
    ("POST", "/api/households/H1/what-if",
     {"restrictions": [{"scope": "A3", "target": "VTI", "rule": "no_buy"}]}, "scope"),
]  # fmt: skip


def test_malformed_bodies_get_422_naming_the_field_and_change_nothing(service: Service) -> None:
    before = state(service)
    for method, path, body, field in MALFORMED:
        r = service.client.request(method, path, json=body, headers=service.as_("reb"))
        assert r.status_code == 422, (method, path, body, r.text)
        named = {str(part) for d in r.json()["detail"] for part in d["loc"]}
        assert field in named, (method, path, body, r.json())
    headers = {**service.as_("reb"), "Content-Type": "application/json"}
    broken = service.client.post("/api/cash-requests", content=b"{not json", headers=headers)
    assert broken.status_code == 422
    assert state(service) == before


def test_accepted_changes_are_what_the_store_then_holds(service: Service) -> None:
    c, reb = service.client, service.as_("reb")
    made = c.post("/api/cash-requests", json={"scope": "H1", "amount": "2500.50"}, headers=reb)
    assert made.status_code == 201
    assert CashFlow("H1", Decimal("2500.50")) in export_book(service.engine).cash_flows
    listed = c.get("/api/households/H1/cash-requests", headers=reb).json()
    assert {"id": made.json()["id"], "scope": "H1", "amount": "2500.50"} in listed
    assert c.delete(f"/api/cash-requests/{made.json()['id']}", headers=reb).status_code == 204
    assert CashFlow("H1", Decimal("2500.50")) not in export_book(service.engine).cash_flows

    patched = c.patch("/api/households/H1", json={"st_rate": "0.35", "model_id": "M60"},
                      headers=reb)  # fmt: skip
    assert patched.status_code == 200
    h1 = export_book(service.engine).household_by_id["H1"]
    assert (h1.st_rate, h1.model_id, h1.name) == (Decimal("0.35"), "M60", "Smith")

    model = {"components": [{"component": "VTI", "weight": "0.6"},
                            {"component": "SPY", "weight": "0.4"}]}  # fmt: skip
    assert c.put("/api/models/EQ", json=model, headers=reb).status_code == 200
    stored = export_book(service.engine)
    assert stored.target_weights("M60")["VTI"] == Decimal("0.36")
    assert [m.model_id for m in stored.models] == ["EQ", "M60"]

    lot = {"lot_id": "L9", "account_id": "A2", "symbol": "BND", "quantity": "3",
           "cost_basis": "210", "acquired": "2024-05-06"}  # fmt: skip
    assert c.post("/api/lots", json=lot, headers=reb).status_code == 201
    again = c.post("/api/lots", json=lot, headers=reb)
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "lot_id"]
    elsewhere = c.post("/api/lots", json={**lot, "lot_id": "L7", "account_id": "A1"}, headers=reb)
    assert elsewhere.status_code == 409  # L7 is a lot of another household
    assert "L9" in {x.lot_id for x in export_book(service.engine).lots}
    # a lot a recorded sale draws from cannot go
    assert c.delete("/api/lots/L3", headers=reb).status_code == 422
    assert c.delete("/api/lots/L9", headers=reb).status_code == 204

    hh = {"household_id": "H3", "name": "New", "model_id": "M60"}
    assert c.post("/api/households", json=hh, headers=reb).status_code == 201
    acct = {"account_id": "A9", "household_id": "H3", "kind": "taxable", "cash": "1000"}
    assert c.post("/api/accounts", json=acct, headers=reb).status_code == 201
    stored = export_book(service.engine)
    assert stored.household_by_id["H3"] == Household("H3", "New", model_id="M60")
    assert stored.account_by_id["A9"].cash == Decimal("1000")
    assert c.get("/api/households?search=new", headers=reb).json()["total"] == 1


def test_the_what_if_proposes_without_storing(service: Service) -> None:
    before = state(service)
    body = {"cash_requests": [{"scope": "A1", "amount": "-3000"}],
            "restrictions": [{"scope": "H1", "target": "BND", "rule": "no_buy"}]}  # fmt: skip
    r = service.client.post("/api/households/H1/what-if", json=body, headers=service.as_("adv1"))
    assert r.status_code == 200, r.text
    proposal = r.json()
    assert proposal["household_id"] == "H1" and proposal["trade_count"] == len(proposal["trades"])
    assert all(t["reason"] for t in proposal["trades"])
    assert not any(t["symbol"] == "BND" and t["side"] == "buy" for t in proposal["trades"])
    a1 = [t for t in proposal["trades"] if t["account_id"] == "A1"]
    raised = sum(Decimal(t["value"]) * (1 if t["side"] == "sell" else -1) for t in a1)
    assert raised >= Decimal(3000) - Decimal(1000) + Decimal(200)  # cash 1000, reserve 200
    assert state(service) == before


@pytest.mark.parametrize("year", [None, 2025])
def test_the_tax_report_matches_the_books(sqlite_service: Service, year: int | None) -> None:
    book = load_book(SMALL_BOOK)
    query = "" if year is None else f"?year={year}"
    r = sqlite_service.client.get(f"/api/households/H1/tax-report{query}",
                                  headers=sqlite_service.as_("adv1"))  # fmt: skip
    assert r.status_code == 200
    [expected] = [s for s in year_summaries(book, replay(book), year or 2026)
                  if s.household_id == "H1"]  # fmt: skip
    got = r.json()["summary"]
    assert {k: Decimal(got[k]) for k in ("net_gain", "est_tax")} == {
        "net_gain": expected.net_gain, "est_tax": expected.est_tax}  # fmt: skip
    open_lots = {x["lot_id"]: Decimal(x["quantity"]) for x in r.json()["open_lots"]}
    assert open_lots["L3"] == Decimal(140)  # 150 less the 10 sold in November


def test_the_frontier_is_the_books_frontier(sqlite_service: Service) -> None:
    book = load_book(SMALL_BOOK)
    r = sqlite_service.client.get("/api/accounts/A1/frontier", headers=sqlite_service.as_("reb"))
    assert r.status_code == 200
    expected = frontier(book, account_id="A1")
    assert [Decimal(p["est_tax"]) for p in r.json()] == [p.est_tax for p in expected]
    assert [p["feasible"] for p in r.json()] == [p.feasible for p in expected]
    assert dataclasses.asdict(expected[0])["tax_weight"] == r.json()[0]["tax_weight"]


def test_alternates_are_approved_and_withdrawn(service: Service) -> None:
    c, reb = service.client, service.as_("reb")
    made = c.post("/api/alternates", json={"symbol": "VTI", "alternate": "ITOT", "model_id": "EQ"},
                  headers=reb)  # fmt: skip
    assert made.status_code == 201, made.text
    stored = export_book(service.engine).alternates
    assert [(a.symbol, a.alternate, a.model_id, a.rank) for a in stored] == [
        ("VTI", "ITOT", "EQ", 1)
    ]
    assert c.get("/api/alternates", headers=service.as_("adv1")).json() == [made.json()]
    assert c.delete(f"/api/alternates/{made.json()['id']}", headers=service.as_("adv1")
                    ).status_code == 403  # fmt: skip
    assert c.delete(f"/api/alternates/{made.json()['id']}", headers=reb).status_code == 204
    assert export_book(service.engine).alternates == ()
