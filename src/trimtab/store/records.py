"""The stored book record by record: one household's slice, pages of households, single edits.

The service reads and changes the book without loading all of it: a household's slice (its
accounts, lots, history, restrictions and cash requests, with every security and model) is what
validation, a what-if or a frontier needs, and lists are paged with indexed queries. Edits keep
`seq` meaning "row order": a new record goes after the last one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection, Table
from sqlalchemy.exc import IntegrityError

from trimtab.book.book import Book
from trimtab.config import Settings, dump_toml, parse_settings, settings_to_dict
from trimtab.domain import (
    Account,
    Alternate,
    CashFlow,
    Household,
    Lot,
    Model,
    Restriction,
    Security,
)
from trimtab.errors import ConflictError, StoreError
from trimtab.store import rows as r
from trimtab.store import tables as t

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: `items` and how many match in all."""

    items: list[Any]
    total: int


@dataclass(frozen=True, slots=True)
class Numbered(Generic[T]):
    """A record with the id the service knows it by (its `seq`)."""

    id: int
    record: T


def settings(conn: Connection) -> Settings:
    """The stored book's settings; StoreError when no book is stored."""
    text = conn.execute(sa.select(t.book.c.settings_toml)).scalar_one_or_none()
    if text is None:
        raise StoreError("no book is stored: import one first (trimtab db import BOOK)")
    parsed, problems = parse_settings(tomllib.loads(text), "stored settings")
    if problems:
        raise StoreError(
            "the stored settings do not fit this trimtab: " + "; ".join(map(str, problems))
        )
    return parsed


def put_settings(conn: Connection, new: Settings) -> None:
    text = dump_toml(settings_to_dict(new))
    if conn.execute(t.book.update().values(settings_toml=text)).rowcount == 0:
        raise StoreError("no book is stored: import one first (trimtab db import BOOK)")


def _select(table: Table, columns: Sequence[str]) -> sa.Select:
    return sa.select(*(table.c[c] for c in columns))


def household(conn: Connection, household_id: str) -> Household | None:
    stmt = _select(t.households, r.HOUSEHOLD_COLUMNS).where(
        t.households.c.household_id == household_id
    )
    found = r.households_from(conn.execute(stmt))
    return found[0] if found else None


def account(conn: Connection, account_id: str) -> Account | None:
    stmt = _select(t.accounts, r.ACCOUNT_COLUMNS).where(t.accounts.c.account_id == account_id)
    found = r.accounts_from(conn.execute(stmt))
    return found[0] if found else None


def household_of(conn: Connection, scope: str) -> str | None:
    """The household an account or household id belongs to (None when it is neither)."""
    hh = conn.execute(
        sa.select(t.accounts.c.household_id).where(t.accounts.c.account_id == scope)
    ).scalar_one_or_none()
    if hh is not None:
        return str(hh)
    found = conn.execute(
        sa.select(t.households.c.household_id).where(t.households.c.household_id == scope)
    ).scalar_one_or_none()
    return None if found is None else str(found)


def household_page(
    conn: Connection,
    *,
    only: sa.Select | None = None,
    search: str | None = None,
    model_id: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page:
    """Households in book order with their account count; `only` restricts to a subquery of ids."""
    h = t.households
    where = []
    if only is not None:
        where.append(h.c.household_id.in_(only))
    if search:
        pattern = f"%{search.lower()}%"
        where.append(
            sa.or_(
                sa.func.lower(h.c.household_id).like(pattern), sa.func.lower(h.c.name).like(pattern)
            )
        )
    if model_id:
        where.append(h.c.model_id == model_id)
    total = conn.execute(sa.select(sa.func.count()).select_from(h).where(*where)).scalar_one()
    ids = _select(h, r.HOUSEHOLD_COLUMNS).where(*where).order_by(h.c.seq).offset(offset)
    found = r.households_from(conn.execute(ids.limit(limit)))
    counts = dict(
        conn.execute(
            sa.select(t.accounts.c.household_id, sa.func.count())
            .where(t.accounts.c.household_id.in_([x.household_id for x in found]))
            .group_by(t.accounts.c.household_id)
        ).all()
    )
    return Page([(x, int(counts.get(x.household_id, 0))) for x in found], int(total))


def accounts_of(conn: Connection, household_id: str) -> tuple[Account, ...]:
    stmt = _select(t.accounts, r.ACCOUNT_COLUMNS).where(t.accounts.c.household_id == household_id)
    return r.accounts_from(conn.execute(stmt.order_by(t.accounts.c.seq)))


def lots_of(conn: Connection, account_ids: Sequence[str]) -> tuple[Lot, ...]:
    stmt = _select(t.lots, r.LOT_COLUMNS).where(t.lots.c.account_id.in_(list(account_ids)))
    return r.lots_from(conn.execute(stmt.order_by(t.lots.c.seq)))


def models(conn: Connection) -> tuple[Model, ...]:
    stmt = _select(t.model_components, r.MODEL_COLUMNS)
    order = (t.model_components.c.seq, t.model_components.c.position)
    return r.models_from(conn.execute(stmt.order_by(*order)))


def model_accounts(
    conn: Connection, model_id: str, *, only: sa.Select | None, offset: int, limit: int
) -> Page:
    """Accounts following a model: their own model_id, else their household's."""
    a, h = t.accounts, t.households
    follows = sa.or_(
        a.c.model_id == model_id, sa.and_(a.c.model_id.is_(None), h.c.model_id == model_id)
    )
    if only is not None:
        follows = sa.and_(follows, a.c.household_id.in_(only))
    base = sa.select(a.c.account_id).join(h, h.c.household_id == a.c.household_id).where(follows)
    total = conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
    stmt = (
        _select(a, r.ACCOUNT_COLUMNS)
        .join(h, h.c.household_id == a.c.household_id)
        .where(follows)
        .order_by(a.c.seq)
        .offset(offset)
        .limit(limit)
    )
    return Page(list(r.accounts_from(conn.execute(stmt))), int(total))


def restrictions_in(conn: Connection, scopes: Sequence[str]) -> list[Numbered[Restriction]]:
    stmt = _select(t.restrictions, ("seq", *r.RESTRICTION_COLUMNS)).where(
        t.restrictions.c.scope.in_(list(scopes))
    )
    rows = conn.execute(stmt.order_by(t.restrictions.c.seq)).all()
    return [Numbered(row[0], r.restrictions_from([row[1:]])[0]) for row in rows]


def cash_flows_in(conn: Connection, scopes: Sequence[str]) -> list[Numbered[CashFlow]]:
    stmt = _select(t.cash_flows, ("seq", *r.CASH_FLOW_COLUMNS)).where(
        t.cash_flows.c.scope.in_(list(scopes))
    )
    rows = conn.execute(stmt.order_by(t.cash_flows.c.seq)).all()
    return [Numbered(row[0], r.cash_flows_from([row[1:]])[0]) for row in rows]


def household_slice(conn: Connection, household_id: str, *, prices: bool = False) -> Book | None:
    """One household as a Book: its records, with every security and model; the price history
    (for risk models: a rebalance, a frontier) only when `prices`."""
    hh = household(conn, household_id)
    if hh is None:
        return None
    accounts = accounts_of(conn, household_id)
    ids = [a.account_id for a in accounts]
    scopes = [household_id, *ids]
    tx = _select(t.transactions, r.TRANSACTION_COLUMNS).where(t.transactions.c.account_id.in_(ids))
    has_history = conn.execute(sa.select(t.book.c.has_price_history)).scalar_one_or_none()
    return Book(
        securities=securities(conn),
        households=(hh,),
        accounts=accounts,
        lots=lots_of(conn, ids),
        models=models(conn),
        restrictions=tuple(n.record for n in restrictions_in(conn, scopes)),
        transactions=r.transactions_from(conn.execute(tx.order_by(t.transactions.c.seq))),
        cash_flows=tuple(n.record for n in cash_flows_in(conn, scopes)),
        alternates=tuple(n.record for n in alternates(conn)),
        price_history=(
            r.price_history_from(
                conn.execute(
                    _select(t.price_history, r.PRICE_COLUMNS).order_by(t.price_history.c.seq)
                )
            )
            if has_history and prices
            else None
        ),
        settings=settings(conn),
    )


def models_book(conn: Connection) -> Book:
    """Every security, model and alternate, no households: what a model change is checked on."""
    return Book(
        securities=securities(conn),
        households=(),
        accounts=(),
        lots=(),
        models=models(conn),
        alternates=tuple(n.record for n in alternates(conn)),
        settings=settings(conn),
    )


def securities(conn: Connection) -> tuple[Security, ...]:
    stmt = _select(t.securities, r.SECURITY_COLUMNS).order_by(t.securities.c.seq)
    return r.securities_from(conn.execute(stmt))


def alternates(conn: Connection) -> list[Numbered[Alternate]]:
    """The firm's approved alternates, in file order, with their ids."""
    stmt = _select(t.alternates, ("seq", *r.ALTERNATE_COLUMNS)).order_by(t.alternates.c.seq)
    return [Numbered(row[0], r.alternates_from([row[1:]])[0]) for row in conn.execute(stmt)]


def add_alternate(conn: Connection, record: Alternate) -> int:
    row = next(r.alternate_rows([record]))
    _insert(conn, t.alternates, row, "alternate")
    return int(row["seq"])


def delete_alternate(conn: Connection, seq: int) -> bool:
    return conn.execute(t.alternates.delete().where(t.alternates.c.seq == seq)).rowcount > 0


def _next_seq(conn: Connection, table: Table) -> int:
    return (
        int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.seq), -1))).scalar_one())
        + 1
    )


def _insert(conn: Connection, table: Table, row: dict[str, Any], what: str) -> None:
    row["seq"] = _next_seq(conn, table)
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(row))
    except IntegrityError:
        raise ConflictError(f"{what} exists already") from None


def put_household(conn: Connection, record: Household, *, new: bool) -> None:
    """Insert (`new`) or replace a household, keeping its row position."""
    row = next(r.household_rows([record]))
    if new:
        _insert(conn, t.households, row, f"household {record.household_id!r}")
        return
    row.pop("seq")
    conn.execute(
        t.households.update().where(t.households.c.household_id == record.household_id).values(row)
    )


def put_account(conn: Connection, record: Account, *, new: bool) -> None:
    row = next(r.account_rows([record]))
    if new:
        _insert(conn, t.accounts, row, f"account {record.account_id!r}")
        return
    row.pop("seq")
    conn.execute(
        t.accounts.update().where(t.accounts.c.account_id == record.account_id).values(row)
    )


def add_lot(conn: Connection, record: Lot) -> None:
    _insert(conn, t.lots, next(r.lot_rows([record])), f"lot {record.lot_id!r}")


def delete_lot(conn: Connection, lot_id: str) -> None:
    conn.execute(t.lots.delete().where(t.lots.c.lot_id == lot_id))


def lot(conn: Connection, lot_id: str) -> Lot | None:
    found = r.lots_from(
        conn.execute(_select(t.lots, r.LOT_COLUMNS).where(t.lots.c.lot_id == lot_id))
    )
    return found[0] if found else None


def put_model(conn: Connection, record: Model) -> None:
    """Replace a model's components in place (a new model goes after the last one).

    A replaced model's rows all take the seq of its first old row: the export orders by
    (seq, position), so the model keeps its place among the others.
    """
    mc = t.model_components
    old = conn.execute(sa.select(sa.func.min(mc.c.seq)).where(mc.c.model_id == record.model_id))
    first = old.scalar_one_or_none()
    conn.execute(mc.delete().where(mc.c.model_id == record.model_id))
    rows = list(r.model_rows([record]))
    start = _next_seq(conn, mc) if first is None else None
    for row in rows:
        row["seq"] = first if start is None else start + row["position"]
    conn.execute(mc.insert(), rows)


def add_restriction(conn: Connection, record: Restriction) -> int:
    row = next(r.restriction_rows([record]))
    _insert(conn, t.restrictions, row, "restriction")
    return int(row["seq"])


def add_cash_flow(conn: Connection, record: CashFlow) -> int:
    row = next(r.cash_flow_rows([record]))
    _insert(conn, t.cash_flows, row, "cash request")
    return int(row["seq"])


def restriction(conn: Connection, seq: int) -> Restriction | None:
    stmt = _select(t.restrictions, r.RESTRICTION_COLUMNS).where(t.restrictions.c.seq == seq)
    found = r.restrictions_from(conn.execute(stmt))
    return found[0] if found else None


def cash_flow(conn: Connection, seq: int) -> CashFlow | None:
    stmt = _select(t.cash_flows, r.CASH_FLOW_COLUMNS).where(t.cash_flows.c.seq == seq)
    found = r.cash_flows_from(conn.execute(stmt))
    return found[0] if found else None


def delete_restriction(conn: Connection, seq: int) -> None:
    conn.execute(t.restrictions.delete().where(t.restrictions.c.seq == seq))


def delete_cash_flow(conn: Connection, seq: int) -> None:
    conn.execute(t.cash_flows.delete().where(t.cash_flows.c.seq == seq))
