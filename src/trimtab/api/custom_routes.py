"""Customizations an advisor may make for their households: restrictions and cash requests;
and what can be asked of one household: its tax report, its frontier, a what-if rebalance."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from trimtab.api import schemas as s
from trimtab.api import views
from trimtab.api.access import (
    Conn,
    Principal,
    needs,
    require_account,
    require_household,
    require_scope,
)
from trimtab.api.audit import audit
from trimtab.api.book_routes import (
    AccountId,
    Customizer,
    HouseholdId,
    Reader,
    RecordId,
    changed,
    parsed,
    slice_of,
)
from trimtab.book.book import Book
from trimtab.domain import CashFlow, Restriction
from trimtab.errors import NotFoundError
from trimtab.store import records as rec

router = APIRouter(prefix="/api", tags=["customizations"])
analysis = APIRouter(prefix="/api", tags=["analysis"])


def _numbered(n: rec.Numbered[Restriction] | rec.Numbered[CashFlow]) -> dict[str, object]:
    return {"id": n.id, **dataclasses.asdict(n.record)}


@router.get("/households/{household_id}/restrictions", response_model=list[s.RestrictionOut])
def list_restrictions(
    conn: Conn, who: Reader, household_id: HouseholdId
) -> list[dict[str, object]]:
    """Restrictions on the household and on each of its accounts."""
    require_household(conn, who, household_id)
    scopes = [household_id, *(a.account_id for a in rec.accounts_of(conn, household_id))]
    return [_numbered(n) for n in rec.restrictions_in(conn, scopes)]


@router.post("/restrictions", response_model=s.RestrictionOut, status_code=201)
def add_restriction(conn: Conn, who: Customizer, body: s.RestrictionIn) -> dict[str, object]:
    record = Restriction(**parsed("restrictions.csv", body))  # type: ignore[arg-type]
    household_id = require_scope(conn, who, record.scope)
    changed(
        conn, household_id, lambda b: dataclasses.replace(b, restrictions=(*b.restrictions, record))
    )
    rid = rec.add_restriction(conn, record)
    audit(
        conn,
        who,
        "restriction.add",
        f"household:{household_id}/restriction:{rid}",
        {"id": rid, **body.model_dump(mode="json")},
    )
    return {"id": rid, **dataclasses.asdict(record)}


@router.delete("/restrictions/{restriction_id}", status_code=204)
def delete_restriction(conn: Conn, who: Customizer, restriction_id: RecordId) -> None:
    found = rec.restriction(conn, restriction_id)
    if found is None:
        raise NotFoundError(f"no restriction {restriction_id}")
    household_id = require_scope(conn, who, found.scope)
    rec.delete_restriction(conn, restriction_id)
    audit(
        conn,
        who,
        "restriction.delete",
        f"household:{household_id}/restriction:{restriction_id}",
        {"id": restriction_id, **dataclasses.asdict(found)},
    )


@router.get("/households/{household_id}/cash-requests", response_model=list[s.CashRequestOut])
def list_cash_requests(
    conn: Conn, who: Reader, household_id: HouseholdId
) -> list[dict[str, object]]:
    """Cash requests (deposits > 0, withdrawals < 0, USD) of the household and its accounts."""
    require_household(conn, who, household_id)
    scopes = [household_id, *(a.account_id for a in rec.accounts_of(conn, household_id))]
    return [_numbered(n) for n in rec.cash_flows_in(conn, scopes)]


@router.post("/cash-requests", response_model=s.CashRequestOut, status_code=201)
def add_cash_request(conn: Conn, who: Customizer, body: s.CashRequestIn) -> dict[str, object]:
    record = CashFlow(**parsed("cash_flows.csv", body))  # type: ignore[arg-type]
    household_id = require_scope(conn, who, record.scope)
    changed(
        conn, household_id, lambda b: dataclasses.replace(b, cash_flows=(*b.cash_flows, record))
    )
    cid = rec.add_cash_flow(conn, record)
    audit(
        conn,
        who,
        "cash_request.add",
        f"household:{household_id}/cash_request:{cid}",
        {"id": cid, **body.model_dump(mode="json")},
    )
    return {"id": cid, **dataclasses.asdict(record)}


@router.delete("/cash-requests/{request_id}", status_code=204)
def delete_cash_request(conn: Conn, who: Customizer, request_id: RecordId) -> None:
    found = rec.cash_flow(conn, request_id)
    if found is None:
        raise NotFoundError(f"no cash request {request_id}")
    household_id = require_scope(conn, who, found.scope)
    rec.delete_cash_flow(conn, request_id)
    audit(
        conn,
        who,
        "cash_request.delete",
        f"household:{household_id}/cash_request:{request_id}",
        {"id": request_id, **dataclasses.asdict(found)},
    )


# --- analysis: nothing here stores anything ---

WhatIfUser = Annotated[Principal, Depends(needs("whatif"))]


@analysis.post("/households/{household_id}/what-if")
def what_if(
    conn: Conn, who: WhatIfUser, household_id: HouseholdId, body: s.WhatIfIn
) -> dict[str, object]:
    """Rebalance one household as if these cash requests and restrictions were added; stores
    nothing. The answer is a proposal: trades with reasons, account and household metrics."""
    from trimtab.rebalance.run import rebalance_book

    require_household(conn, who, household_id)
    flows = [CashFlow(**parsed("cash_flows.csv", c)) for c in body.cash_requests]  # type: ignore[arg-type]
    rules = [Restriction(**parsed("restrictions.csv", r)) for r in body.restrictions]  # type: ignore[arg-type]
    book = changed(
        conn,
        household_id,
        lambda b: dataclasses.replace(
            b, cash_flows=(*b.cash_flows, *flows), restrictions=(*b.restrictions, *rules)
        ),
        prices=True,
    )
    for f in (*flows, *rules):
        require_scope(conn, who, f.scope)
    [proposal] = rebalance_book(book, method=body.method, households=[household_id])
    return views.proposal(proposal)


@analysis.get("/households/{household_id}/frontier", response_model=list[s.FrontierPointOut])
def household_frontier(conn: Conn, who: Reader, household_id: HouseholdId) -> list[object]:
    """The tax / tracking-error frontier of the household managed as one portfolio."""
    from trimtab.optimize.frontier import frontier

    require_household(conn, who, household_id)
    return views.plain(
        frontier(slice_of(conn, household_id, prices=True), household_id=household_id)
    )


@analysis.get("/accounts/{account_id}/frontier", response_model=list[s.FrontierPointOut])
def account_frontier(conn: Conn, who: Reader, account_id: AccountId) -> list[object]:
    """The tax / tracking-error frontier of one account."""
    from trimtab.optimize.frontier import frontier

    household_id = require_account(conn, who, account_id)
    return views.plain(frontier(slice_of(conn, household_id, prices=True), account_id=account_id))


@analysis.get("/households/{household_id}/tax-report", response_model=s.TaxReport)
def tax_report(
    conn: Conn,
    who: Reader,
    household_id: HouseholdId,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> dict[str, object]:
    """Realized gains of the year in taxable accounts (Form 8949 rows), open lots after the
    book's transactions, and the household's tax year (USD)."""
    from trimtab.tax.ledger import replay
    from trimtab.tax.report import year_summaries

    require_household(conn, who, household_id)
    book: Book = slice_of(conn, household_id)
    year = year if year is not None else book.as_of().year
    ledger = replay(book)
    realized = [views.plain(d) for d in ledger.dispositions if d.taxable and d.sold.year == year]
    [summary] = year_summaries(book, ledger, year)
    return {
        "household_id": household_id,
        "year": year,
        "summary": views.plain(summary),
        "realized": realized,
        "open_lots": list(ledger.open_lots),
    }
