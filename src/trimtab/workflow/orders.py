"""Release approved proposals as block orders: one order per security, side and price (the pure
`trimtab.rebalance.orders.block_orders`, as in a rebalance's outputs), with each account's
allocation, marked released in the same transaction so nothing is sent twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine

from trimtab.book.write import cell
from trimtab.errors import StoreError
from trimtab.files import staged_dir, write_csv
from trimtab.names import Side
from trimtab.rebalance.orders import Allocation, BlockOrder, block_orders
from trimtab.rebalance.outputs import ALLOCATION_COLUMNS, ORDER_COLUMNS
from trimtab.store import workflow_tables as w
from trimtab.store.engine import write_transaction
from trimtab.workflow import audit


@dataclass(frozen=True, slots=True)
class Release:
    release_id: int
    proposals: tuple[int, ...]
    orders: tuple[BlockOrder, ...]


@dataclass(frozen=True, slots=True)
class Fill:
    """One stored trade to aggregate: an account's shares of a symbol on a side at a price."""

    account_id: str
    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal


def release_orders(engine: Engine, actor: str, as_of: date | None = None) -> Release:
    """Aggregate the trades of every approved, unreleased current proposal (of `as_of`, or of
    any day) into block orders, store them and mark the proposals released."""
    p, c, t = w.proposals, w.current_proposals, w.proposed_trades
    with write_transaction(engine) as conn:
        stmt = (
            sa.select(p.c.proposal_id)
            .join(c, c.c.proposal_id == p.c.proposal_id)
            .where(p.c.state == "approved", p.c.release_id.is_(None))
            .order_by(p.c.proposal_id)
            .with_for_update(of=p)
        )
        if as_of is not None:
            stmt = stmt.where(c.c.as_of == as_of)
        ids = list(conn.execute(stmt).scalars())
        fills: list[Fill] = []
        for start in range(0, len(ids), 5000):
            part = ids[start : start + 5000]
            rows = conn.execute(
                sa.select(t.c.account_id, t.c.symbol, t.c.side, t.c.quantity, t.c.price).where(
                    t.c.proposal_id.in_(part)
                )
            )
            fills += [Fill(a, sym, Side(side), q, price) for a, sym, side, q, price in rows]
        orders = block_orders(fills)
        at = audit.now()
        release_id = conn.execute(
            w.releases.insert().returning(w.releases.c.release_id),
            {"released_at": at, "actor": actor, "proposals": len(ids), "orders": len(orders)},
        ).scalar_one()
        _store(conn, release_id, orders)
        for start in range(0, len(ids), 5000):
            part = ids[start : start + 5000]
            conn.execute(
                p.update()
                .where(p.c.proposal_id.in_(part))
                .values(state="released", release_id=release_id)
            )
        audit.record(
            conn,
            actor,
            "release",
            f"release:{release_id}",
            {"proposals": ids, "orders": len(orders), "as_of": as_of},
        )
    return Release(int(release_id), tuple(ids), tuple(orders))


def _store(conn: sa.Connection, release_id: int, orders: list[BlockOrder]) -> None:
    if not orders:
        return
    conn.execute(
        w.orders.insert(),
        [
            {
                "release_id": release_id,
                "position": i,
                "symbol": o.symbol,
                "side": o.side,
                "quantity": o.quantity,
                "price": o.price,
                "accounts": len(o.allocations),
            }
            for i, o in enumerate(orders)
        ],
    )
    conn.execute(
        w.allocations.insert(),
        [
            {
                "release_id": release_id,
                "position": i,
                "account_id": a.account_id,
                "quantity": a.quantity,
            }
            for i, o in enumerate(orders)
            for a in o.allocations
        ],
    )


def stored_release(engine: Engine, release_id: int) -> Release:
    """A past release as stored (to write its files again without releasing anything)."""
    with engine.connect() as conn:
        head = conn.execute(sa.select(w.releases).where(w.releases.c.release_id == release_id))
        if head.one_or_none() is None:
            raise StoreError(f"no release {release_id}")
        allocs: dict[int, list[Allocation]] = defaultdict(list)
        a = w.allocations
        for pos, acct, qty in conn.execute(
            sa.select(a.c.position, a.c.account_id, a.c.quantity)
            .where(a.c.release_id == release_id)
            .order_by(a.c.position, a.c.account_id)
        ):
            allocs[pos].append(Allocation(acct, qty))
        o = w.orders
        orders = tuple(
            BlockOrder(r.symbol, Side(r.side), r.price, r.quantity, tuple(allocs[r.position]))
            for r in conn.execute(
                sa.select(o).where(o.c.release_id == release_id).order_by(o.c.position)
            )
        )
        ids = tuple(
            conn.execute(
                sa.select(w.proposals.c.proposal_id)
                .where(w.proposals.c.release_id == release_id)
                .order_by(w.proposals.c.proposal_id)
            ).scalars()
        )
    return Release(release_id, ids, orders)


def write_release(release: Release, out: Path) -> dict[str, int]:
    """Write `orders.csv` and `allocations.csv` (a rebalance's columns) into `out` at once."""
    orders = (
        [o.symbol, o.side.value, cell(o.quantity), cell(o.price), cell(o.value), str(o.accounts)]
        for o in release.orders
    )
    allocations = (
        [o.symbol, o.side.value, cell(o.price), a.account_id, cell(a.quantity)]
        for o in release.orders
        for a in o.allocations
    )
    with staged_dir(Path(out)) as stage:
        return {
            "orders.csv": write_csv(stage / "orders.csv", ORDER_COLUMNS, orders),
            "allocations.csv": write_csv(
                stage / "allocations.csv", ALLOCATION_COLUMNS, allocations
            ),
        }
