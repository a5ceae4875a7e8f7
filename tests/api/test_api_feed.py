"""The day's feed through the API, on SQLite and PostgreSQL: applied all or nothing by the daily
run's own code as the caller (audited), validated as strictly as a book (422 naming file, row and
field; nothing written), for rebalancers and admins only."""

from __future__ import annotations

from decimal import Decimal

from api_service import Service, state

from trimtab.store import export_book
from trimtab.workflow.audit import audit

TRADES = "account_id,date,symbol,side,quantity,price\n"
FEED = {
    "prices.csv": "symbol,price\nVTI,251.50\n",
    "transactions.csv": TRADES + "A1,2026-11-20,VTI,buy,2,251.50\n",
    "cash_flows.csv": "scope,amount\nA1,-300\n",
    "restrictions.csv": "scope,target,rule\nH1,ITOT,no_buy\n",
    "custodian_positions.csv": "account_id,symbol,quantity\nA1,VTI,1\n",
}


def test_a_rebalancer_applies_a_days_feed(service: Service) -> None:
    before = export_book(service.engine)
    r = service.client.post("/api/feeds", json={"files": FEED}, headers=service.as_("reb"))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["counts"] == dict.fromkeys(FEED, 1)
    assert out["as_of"] == before.as_of().isoformat()
    assert ("A1", "VTI") in {(b["account_id"], b["symbol"]) for b in out["breaks"]}
    book = export_book(service.engine)
    assert book.security_by_symbol["VTI"].price == Decimal("251.50")
    assert book.account_by_id["A1"].cash == before.account_by_id["A1"].cash - Decimal("503.00")
    assert [(f.scope, f.amount) for f in book.cash_flows] == [("A1", Decimal(-300))]
    assert ("H1", "ITOT") in {(x.scope, x.target) for x in book.restrictions}
    (event,) = audit(service.engine, action="feed")
    assert event.actor == "reb" and event.subject == f"feed:{out['feed_id']}"
    listed = service.client.get("/api/feeds", headers=service.as_("admin")).json()
    assert listed["total"] == 1 and listed["items"][0]["actor"] == "reb"


def test_a_feed_uploads_as_files_on_its_day(service: Service) -> None:
    files = [("files", ("prices.csv", b"symbol,price\nBND,73.10\n", "text/csv"))]
    r = service.client.post(
        "/api/feeds/upload", files=files, data={"as_of": "2026-11-21"},
        headers=service.as_("admin"),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["as_of"] == "2026-11-21"
    book = export_book(service.engine)
    assert book.as_of().isoformat() == "2026-11-21"
    assert book.security_by_symbol["BND"].price == Decimal("73.10")
    (event,) = audit(service.engine, action="feed")
    assert event.actor == "admin"


BAD_FEEDS = [
    # (files, (file, row, field) the 422 must name)
    ({"prices.csv": "symbol,price\nVTI,abc\n"}, ("prices.csv", 2, "price")),
    ({"prices.csv": "symbol,price\nNOPE,3\n"}, ("prices.csv", 2, "symbol")),
    ({"transactions.csv": TRADES + "A1,2026-11-20,VTI,buy,1,250\nA9,2026-11-20,VTI,buy,1,250\n"},
     ("transactions.csv", 3, "account_id")),
    ({"transactions.csv": TRADES + "A1,2026-11-20,VTI,sell,99999,250\n"},
     ("transactions.csv", 2, None)),
    ({"cash.csv": "account_id,cash\nA1,lots\n"}, ("cash.csv", 2, "cash")),
    ({"models.csv": "model_id,component,weight\nEQ,VTI,0.5\n"}, ("models.csv", None, "weight")),
    ({"restrictions.csv": "scope,target,rule\nH1,VTI,never\n"}, ("restrictions.csv", 2, "rule")),
    ({"custodian_positions.csv": "account_id,symbol,quantity\nA1,VTI,-1\n"},
     ("custodian_positions.csv", 2, "quantity")),
    ({"orders.csv": "a\n1\n"}, (None, None, "files")),
    ({}, (None, None, "files")),
]  # fmt: skip


def test_a_bad_feed_gets_422_naming_file_row_and_field_and_changes_nothing(
    service: Service,
) -> None:
    before = state(service)
    for files, (file, row, field) in BAD_FEEDS:
        good = {"prices.csv": "symbol,price\nBND,80\n"}  # applied only with the rest
        body = {"files": {**good, **files} if files else {}}
        r = service.client.post("/api/feeds", json=body, headers=service.as_("reb"))
        assert r.status_code == 422, (files, r.text)
        named = r.json()["detail"]
        assert any(
            d.get("file", file) == file
            and (row is None or d.get("row") == row)
            and (field is None or field in d["loc"])
            for d in named
        ), (files, named)
    assert state(service) == before
    assert audit(service.engine, action="feed") == []


def test_a_malformed_feed_request_is_refused_before_reading_it(service: Service) -> None:
    before = state(service)
    for body, field in [
        ({"files": {"orders.csv": "a\n1\n"}}, "files"),
        ({"files": {"prices.csv": 3}}, "prices.csv"),
        ({"files": {"prices.csv": "symbol,price\nVTI\x00,1\n"}}, "prices.csv"),
        ({"files": {}, "as_of": "2026-13-01"}, "as_of"),
        ({"files": {}, "extra": 1}, "extra"),
    ]:
        r = service.client.post("/api/feeds", json=body, headers=service.as_("reb"))
        assert r.status_code == 422, (body, r.text)
        assert any(field in d["loc"] for d in r.json()["detail"]), (body, r.text)
    for name in ("../prices.csv", "orders.csv"):
        files = [("files", (name, b"symbol,price\nVTI,1\n", "text/csv"))]
        r = service.client.post("/api/feeds/upload", files=files, headers=service.as_("reb"))
        assert r.status_code == 422 and r.json()["detail"][0]["file"] == name, r.text
    twice = [("files", ("prices.csv", b"symbol,price\nVTI,1\n", "text/csv"))] * 2
    r = service.client.post("/api/feeds/upload", files=twice, headers=service.as_("reb"))
    assert r.status_code == 422, r.text
    assert state(service) == before


def test_only_rebalancers_and_admins_apply_or_list_feeds(service: Service) -> None:
    before = state(service)
    body = {"files": {"prices.csv": "symbol,price\nVTI,260\n"}}
    for role, status in [(None, 401), ("adv1", 403), ("adv2", 403)]:
        r = service.client.post("/api/feeds", json=body, headers=service.as_(role))
        assert r.status_code == status, (role, r.text)
        files = [("files", ("prices.csv", b"symbol,price\nVTI,260\n", "text/csv"))]
        r = service.client.post("/api/feeds/upload", files=files, headers=service.as_(role))
        assert r.status_code == status, (role, r.text)
        assert service.client.get("/api/feeds", headers=service.as_(role)).status_code == status
    assert state(service) == before
    for role in ("reb", "admin"):
        r = service.client.post("/api/feeds", json=body, headers=service.as_(role))
        assert r.status_code == 201, (role, r.text)
    assert [e.actor for e in audit(service.engine, action="feed")] == ["reb", "admin"]
