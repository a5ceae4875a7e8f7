"""Read and change the book: households, accounts, lots, models, restrictions, cash requests.

Every change is checked by the book's own validation on the household's slice (or, for a model,
on every model) before it is stored, in the request's transaction; a rejected change stores
nothing and answers 422 naming the field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy import Connection

from trimtab.api import schemas as s
from trimtab.api.access import (
    Conn,
    Principal,
    needs,
    require_account,
    require_household,
)
from trimtab.api.audit import audit
from trimtab.book.book import Book
from trimtab.domain import Account, Alternate, Household, Lot, Model, ModelComponent
from trimtab.edits import check_records, parse_values
from trimtab.errors import ConflictError, DataError, NotFoundError, Problem
from trimtab.store import access
from trimtab.store import records as rec

router = APIRouter(prefix="/api", tags=["book"])

Reader = Annotated[Principal, Depends(needs("read"))]
Writer = Annotated[Principal, Depends(needs("write"))]
Customizer = Annotated[Principal, Depends(needs("customize"))]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
HouseholdId = Annotated[str, Path(min_length=1, max_length=200)]
AccountId = Annotated[str, Path(min_length=1, max_length=200)]
RecordId = Annotated[int, Path(ge=0, le=2_000_000_000)]


def parsed(file: str, body: s.In, *, partial: bool = False) -> dict[str, object]:
    values, problems = parse_values(file, body.model_dump(exclude_unset=True), partial=partial)
    if problems:
        raise DataError(problems, f"{file}: {len(problems)} problem(s)")
    return values


def checked(book: Book) -> None:
    """DataError with the book's problems unless `book` passes the book's validation."""
    problems = check_records(book)
    if problems:
        raise DataError(problems, f"{len(problems)} problem(s) in the change")


def slice_of(conn: Connection, household_id: str, *, prices: bool = False) -> Book:
    """The household's slice of the book (with the price history when a risk model needs it)."""
    book = rec.household_slice(conn, household_id, prices=prices)
    if book is None:
        raise NotFoundError(f"no household {household_id!r}")
    return book


def changed(
    conn: Connection, household_id: str, change: Callable[[Book], Book], *, prices: bool = False
) -> Book:
    book = change(slice_of(conn, household_id, prices=prices))
    checked(book)
    return book


def advisor_filter(who: Principal) -> sa.Select | None:
    if not who.scoped:
        return None
    return access.assigned_query(who.user.user_id)


@router.get("/households", response_model=s.Page[s.HouseholdRow])
def list_households(
    conn: Conn,
    who: Reader,
    search: Annotated[str | None, Query(max_length=200)] = None,
    model_id: Annotated[str | None, Query(max_length=200)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, object]:
    """Households the caller may see, in book order, with their number of accounts."""
    page = rec.household_page(
        conn, only=advisor_filter(who), search=search, model_id=model_id, offset=offset, limit=limit
    )
    items = [{**dataclasses.asdict(h), "accounts": n} for h, n in page.items]
    return {"items": items, "total": page.total, "offset": offset, "limit": limit}


@router.post("/households", response_model=s.HouseholdOut, status_code=201)
def create_household(conn: Conn, who: Writer, body: s.HouseholdIn) -> Household:
    record = Household(**parsed("households.csv", body))  # type: ignore[arg-type]
    book = rec.models_book(conn)
    checked(dataclasses.replace(book, households=(record,)))
    rec.put_household(conn, record, new=True)
    audit(
        conn,
        who,
        "household.create",
        f"household:{record.household_id}/",
        body.model_dump(mode="json"),
    )
    return record


@router.get("/households/{household_id}", response_model=s.HouseholdDetail)
def get_household(conn: Conn, who: Reader, household_id: HouseholdId) -> dict[str, object]:
    """A household with its accounts, restrictions, cash requests and advisors."""
    require_household(conn, who, household_id)
    accounts = rec.accounts_of(conn, household_id)
    scopes = [household_id, *(a.account_id for a in accounts)]
    return {
        "household": rec.household(conn, household_id),
        "advisors": access.advisors_of(conn, [household_id]).get(household_id, []),
        "accounts": accounts,
        "restrictions": [
            {"id": n.id, **dataclasses.asdict(n.record)} for n in rec.restrictions_in(conn, scopes)
        ],
        "cash_requests": [
            {"id": n.id, **dataclasses.asdict(n.record)} for n in rec.cash_flows_in(conn, scopes)
        ],
    }


@router.patch("/households/{household_id}", response_model=s.HouseholdOut)
def update_household(
    conn: Conn, who: Writer, household_id: HouseholdId, body: s.HouseholdFields
) -> Household:
    require_household(conn, who, household_id)
    values = parsed("households.csv", body, partial=True)
    book = changed(
        conn,
        household_id,
        lambda b: dataclasses.replace(
            b, households=(dataclasses.replace(b.households[0], **values),)
        ),
    )
    rec.put_household(conn, book.households[0], new=False)
    audit(
        conn,
        who,
        "household.update",
        f"household:{household_id}/",
        body.model_dump(mode="json", exclude_unset=True),
    )
    return book.households[0]


@router.get("/accounts/{account_id}", response_model=s.AccountOut)
def get_account(conn: Conn, who: Reader, account_id: AccountId) -> Account:
    require_account(conn, who, account_id)
    return rec.account(conn, account_id)  # type: ignore[return-value]


@router.post("/accounts", response_model=s.AccountOut, status_code=201)
def create_account(conn: Conn, who: Writer, body: s.AccountIn) -> Account:
    record = Account(**parsed("accounts.csv", body))  # type: ignore[arg-type]
    if rec.account(conn, record.account_id) is not None:
        raise ConflictError(f"account {record.account_id!r} exists already")
    require_household(conn, who, record.household_id)
    changed(
        conn, record.household_id, lambda b: dataclasses.replace(b, accounts=(*b.accounts, record))
    )
    rec.put_account(conn, record, new=True)
    audit(
        conn,
        who,
        "account.create",
        f"household:{record.household_id}/account:{record.account_id}",
        body.model_dump(mode="json"),
    )
    return record


@router.patch("/accounts/{account_id}", response_model=s.AccountOut)
def update_account(
    conn: Conn, who: Writer, account_id: AccountId, body: s.AccountFields
) -> Account:
    household_id = require_account(conn, who, account_id)
    values = parsed("accounts.csv", body, partial=True)

    def change(b: Book) -> Book:
        accounts = tuple(
            dataclasses.replace(a, **values) if a.account_id == account_id else a
            for a in b.accounts
        )
        return dataclasses.replace(b, accounts=accounts)

    book = changed(conn, household_id, change)
    record = book.account_by_id[account_id]
    rec.put_account(conn, record, new=False)
    audit(
        conn,
        who,
        "account.update",
        f"household:{household_id}/account:{account_id}",
        body.model_dump(mode="json", exclude_unset=True),
    )
    return record


@router.get("/accounts/{account_id}/lots", response_model=list[s.LotOut])
def get_lots(conn: Conn, who: Reader, account_id: AccountId) -> tuple[Lot, ...]:
    """The account's opening lots (before the book's transactions), in book order."""
    require_account(conn, who, account_id)
    return rec.lots_of(conn, [account_id])


@router.post("/lots", response_model=s.LotOut, status_code=201)
def create_lot(conn: Conn, who: Writer, body: s.LotIn) -> Lot:
    record = Lot(**parsed("lots.csv", body))  # type: ignore[arg-type]
    household_id = require_account(conn, who, record.account_id)
    changed(conn, household_id, lambda b: dataclasses.replace(b, lots=(*b.lots, record)))
    rec.add_lot(conn, record)
    audit(
        conn,
        who,
        "lot.create",
        f"household:{household_id}/lot:{record.lot_id}",
        body.model_dump(mode="json"),
    )
    return record


@router.delete("/lots/{lot_id}", status_code=204)
def delete_lot(conn: Conn, who: Writer, lot_id: Annotated[str, Path(max_length=200)]) -> None:
    found = rec.lot(conn, lot_id)
    if found is None:
        raise NotFoundError(f"no lot {lot_id!r}")
    household_id = require_account(conn, who, found.account_id)
    changed(
        conn,
        household_id,
        lambda b: dataclasses.replace(b, lots=tuple(x for x in b.lots if x.lot_id != lot_id)),
    )
    rec.delete_lot(conn, lot_id)
    audit(conn, who, "lot.delete", f"household:{household_id}/lot:{lot_id}", {})


@router.get("/models", response_model=list[s.ModelOut])
def list_models(conn: Conn, who: Reader) -> list[dict[str, object]]:
    """Every model with its components and flattened targets (models are firm-wide)."""
    book = rec.models_book(conn)
    return [_model(book, m) for m in book.models]


@router.get("/models/{model_id}", response_model=s.ModelDetail)
def get_model(
    conn: Conn,
    who: Reader,
    model_id: Annotated[str, Path(max_length=200)],
    offset: Offset = 0,
    limit: Limit = 50,
) -> dict[str, object]:
    """A model and a page of the accounts that follow it (an advisor sees only theirs)."""
    book = rec.models_book(conn)
    if model_id not in book.model_by_id:
        raise NotFoundError(f"no model {model_id!r}")
    page = rec.model_accounts(conn, model_id, only=advisor_filter(who), offset=offset, limit=limit)
    accounts = {"items": page.items, "total": page.total, "offset": offset, "limit": limit}
    return {**_model(book, book.model_by_id[model_id]), "accounts": accounts}


@router.put("/models/{model_id}", response_model=s.ModelOut)
def put_model(
    conn: Conn,
    who: Writer,
    model_id: Annotated[str, Path(min_length=1, max_length=200)],
    body: s.ModelIn,
) -> dict[str, object]:
    """Create or replace a model; every model is checked again (sub-models, cycles, sums)."""
    problems: list[Problem] = []
    components = []
    for c in body.components:
        values, found = parse_values("models.csv", {"model_id": model_id, **c.model_dump()})
        problems += found
        if not found:
            components.append(ModelComponent(values["component"], values["weight"]))
    if problems:
        raise DataError(problems)
    record = Model(model_id, tuple(components))
    book = rec.models_book(conn)
    others = tuple(m for m in book.models if m.model_id != model_id)
    book = dataclasses.replace(book, models=(*others, record))
    checked(book)
    rec.put_model(conn, record)
    audit(conn, who, "model.put", f"model:{model_id}", body.model_dump(mode="json"))
    return _model(book, record)


def _model(book: Book, model: Model) -> dict[str, object]:
    return {
        "model_id": model.model_id,
        "components": [dataclasses.asdict(c) for c in model.components],
        "targets": book.target_weights(model.model_id),
    }


@router.get("/alternates", response_model=list[s.AlternateOut])
def list_alternates(conn: Conn, who: Reader) -> list[dict[str, object]]:
    """The firm's approved alternates (alternates.csv), in file order."""
    return [{"id": n.id, **dataclasses.asdict(n.record)} for n in rec.alternates(conn)]


@router.post("/alternates", response_model=s.AlternateOut, status_code=201)
def add_alternate(conn: Conn, who: Writer, body: s.AlternateIn) -> dict[str, object]:
    """Approve an alternate; checked against the securities and models as alternates.csv is."""
    record = Alternate(**parsed("alternates.csv", body))  # type: ignore[arg-type]
    book = rec.models_book(conn)
    checked(dataclasses.replace(book, alternates=(*book.alternates, record)))
    aid = rec.add_alternate(conn, record)
    audit(
        conn, who, "alternate.add", f"alternate:{aid}", {"id": aid, **body.model_dump(mode="json")}
    )
    return {"id": aid, **dataclasses.asdict(record)}


@router.delete("/alternates/{alternate_id}", status_code=204)
def delete_alternate(conn: Conn, who: Writer, alternate_id: RecordId) -> None:
    if not rec.delete_alternate(conn, alternate_id):
        raise NotFoundError(f"no alternate {alternate_id}")
    audit(conn, who, "alternate.delete", f"alternate:{alternate_id}", {})
