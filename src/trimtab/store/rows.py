"""Domain records <-> table rows. Plain functions, one pair per table; no I/O here.

Rows are dicts keyed by column name (what SQLAlchemy's executemany takes); records come back from
result tuples whose columns are selected in the order the `*_COLUMNS` tuples give. `seq` is the
record's position in its Book tuple.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import numpy as np

from trimtab.book.book import PriceHistory
from trimtab.domain import (
    Account,
    Alternate,
    CashFlow,
    Household,
    Lot,
    Model,
    ModelComponent,
    Restriction,
    Security,
    Transaction,
)
from trimtab.errors import StoreError
from trimtab.names import AccountKind, FilingStatus, LotMethod, Rule, SecurityKind, Side

TAG_SEPARATOR = ";"

Row = dict[str, Any]


def join_tags(tags: frozenset[str], symbol: str) -> str:
    """Tags as sorted `;`-joined text; StoreError for a tag that could not come back the same."""
    for tag in tags:
        if not tag or TAG_SEPARATOR in tag:
            raise StoreError(
                f"security {symbol!r}: tag {tag!r} cannot be stored (empty or has ';')"
            )
    return TAG_SEPARATOR.join(sorted(tags))


def split_tags(text: str) -> frozenset[str]:
    return frozenset(t for t in text.split(TAG_SEPARATOR) if t)


def security_rows(records: Sequence[Security]) -> Iterator[Row]:
    for seq, s in enumerate(records):
        yield {
            "symbol": s.symbol,
            "seq": seq,
            "price": s.price,
            "asset_class": s.asset_class,
            "tags": join_tags(s.tags, s.symbol),
            "wash_group": s.wash_group,
            "kind": s.kind.value,
        }


SECURITY_COLUMNS = ("symbol", "price", "asset_class", "tags", "wash_group", "kind")


def securities_from(rows: Iterable[Sequence[Any]]) -> tuple[Security, ...]:
    return tuple(
        Security(sym, price, ac, split_tags(tags), wg, SecurityKind(kind))
        for sym, price, ac, tags, wg, kind in rows
    )


HOUSEHOLD_COLUMNS = (
    "household_id",
    "name",
    "st_rate",
    "lt_rate",
    "model_id",
    "gain_budget",
    "tax_budget",
    "realized_st_ytd",
    "realized_lt_ytd",
    "loss_carryforward_st",
    "loss_carryforward_lt",
    "filing_status",
    "gain_harvest",
    "drift_tolerance",
    "advisor",
)


def household_rows(records: Sequence[Household]) -> Iterator[Row]:
    for seq, h in enumerate(records):
        row = {c: getattr(h, c) for c in HOUSEHOLD_COLUMNS}
        row["filing_status"] = h.filing_status.value
        row["seq"] = seq
        yield row


def households_from(rows: Iterable[Sequence[Any]]) -> tuple[Household, ...]:
    out = []
    for row in rows:
        values = dict(zip(HOUSEHOLD_COLUMNS, row, strict=True))
        values["filing_status"] = FilingStatus(values["filing_status"])
        out.append(Household(**values))
    return tuple(out)


ACCOUNT_COLUMNS = (
    "account_id",
    "household_id",
    "kind",
    "model_id",
    "cash",
    "cash_reserve",
    "min_trade",
    "fractional",
    "lot_method",
    "managed",
    "drift_tolerance",
)


def account_rows(records: Sequence[Account]) -> Iterator[Row]:
    for seq, a in enumerate(records):
        row = {c: getattr(a, c) for c in ACCOUNT_COLUMNS}
        row.update(kind=a.kind.value, lot_method=a.lot_method.value, seq=seq)
        yield row


def accounts_from(rows: Iterable[Sequence[Any]]) -> tuple[Account, ...]:
    out = []
    for row in rows:
        values = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
        values["kind"] = AccountKind(values["kind"])
        values["lot_method"] = LotMethod(values["lot_method"])
        values["fractional"] = bool(values["fractional"])
        values["managed"] = bool(values["managed"])
        out.append(Account(**values))
    return tuple(out)


LOT_COLUMNS = ("lot_id", "account_id", "symbol", "quantity", "cost_basis", "acquired")


def lot_rows(records: Sequence[Lot]) -> Iterator[Row]:
    for seq, lot in enumerate(records):
        yield {
            "lot_id": lot.lot_id,
            "seq": seq,
            "account_id": lot.account_id,
            "symbol": lot.symbol,
            "quantity": lot.quantity,
            "cost_basis": lot.cost_basis,
            "acquired": lot.acquired,
        }


def lots_from(rows: Iterable[Sequence[Any]]) -> tuple[Lot, ...]:
    return tuple(Lot(*row) for row in rows)


MODEL_COLUMNS = ("model_id", "component", "weight")


def model_rows(records: Sequence[Model]) -> Iterator[Row]:
    seq = 0
    for m in records:
        if not m.components:
            raise StoreError(f"model {m.model_id!r} has no components: it cannot be stored")
        for position, c in enumerate(m.components):
            yield {
                "model_id": m.model_id,
                "position": position,
                "seq": seq,
                "component": c.component,
                "weight": c.weight,
            }
            seq += 1


def models_from(rows: Iterable[Sequence[Any]]) -> tuple[Model, ...]:
    """Models in order of first appearance, components in row order (rows come sorted by seq)."""
    grouped: dict[str, list[ModelComponent]] = {}
    for model_id, component, weight in rows:
        grouped.setdefault(model_id, []).append(ModelComponent(component, weight))
    return tuple(Model(mid, tuple(comps)) for mid, comps in grouped.items())


RESTRICTION_COLUMNS = ("scope", "target", "rule")


def restriction_rows(records: Sequence[Restriction]) -> Iterator[Row]:
    for seq, r in enumerate(records):
        yield {"seq": seq, "scope": r.scope, "target": r.target, "rule": r.rule.value}


def restrictions_from(rows: Iterable[Sequence[Any]]) -> tuple[Restriction, ...]:
    return tuple(Restriction(scope, target, Rule(rule)) for scope, target, rule in rows)


ALTERNATE_COLUMNS = ("symbol", "alternate", "model_id", "rank", "one_way")


def alternate_rows(records: Sequence[Alternate]) -> Iterator[Row]:
    for seq, alt in enumerate(records):
        row = {c: getattr(alt, c) for c in ALTERNATE_COLUMNS}
        row["seq"] = seq
        yield row


def alternates_from(rows: Iterable[Sequence[Any]]) -> tuple[Alternate, ...]:
    return tuple(
        Alternate(sym, alt, model, int(rank), bool(one_way))
        for sym, alt, model, rank, one_way in rows
    )


TRANSACTION_COLUMNS = (
    "account_id",
    "date",
    "symbol",
    "side",
    "quantity",
    "price",
    "lot_id",
    "source_row",
)


def transaction_rows(records: Sequence[Transaction]) -> Iterator[Row]:
    for seq, t in enumerate(records):
        yield {
            "seq": seq,
            "account_id": t.account_id,
            "date": t.date,
            "symbol": t.symbol,
            "side": t.side.value,
            "quantity": t.quantity,
            "price": t.price,
            "lot_id": t.lot_id,
            "source_row": t.row,
        }


def transactions_from(rows: Iterable[Sequence[Any]]) -> tuple[Transaction, ...]:
    return tuple(
        Transaction(acct, day, sym, Side(side), qty, price, lot_id, line)
        for acct, day, sym, side, qty, price, lot_id, line in rows
    )


CASH_FLOW_COLUMNS = ("scope", "amount")


def cash_flow_rows(records: Sequence[CashFlow]) -> Iterator[Row]:
    for seq, f in enumerate(records):
        yield {"seq": seq, "scope": f.scope, "amount": f.amount}


def cash_flows_from(rows: Iterable[Sequence[Any]]) -> tuple[CashFlow, ...]:
    return tuple(CashFlow(scope, amount) for scope, amount in rows)


PRICE_COLUMNS = ("date", "symbol", "close")


def price_rows(history: PriceHistory | None) -> Iterator[Row]:
    if history is None:
        return
    days = history.dates.astype("datetime64[D]").astype(object)
    for seq, (day, symbol, close) in enumerate(
        zip(days, history.symbols, history.closes, strict=True)
    ):
        yield {"symbol": str(symbol), "date": day, "seq": seq, "close": float(close)}


def price_history_from(rows: Iterable[Sequence[Any]]) -> PriceHistory:
    days: list[date] = []
    symbols: list[str] = []
    closes: list[float] = []
    for day, symbol, close in rows:
        days.append(day)
        symbols.append(symbol)
        closes.append(close)
    return PriceHistory(
        dates=np.array(days, dtype="datetime64[D]"),
        symbols=np.array(symbols, dtype=object),
        closes=np.array(closes, dtype=float),
    )
