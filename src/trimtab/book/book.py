"""The Book: a firm's whole book of business, as validated frozen records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import numpy as np

from trimtab.config import Settings
from trimtab.domain import (
    Account,
    Alternate,
    CashFlow,
    Household,
    Lot,
    Model,
    Restriction,
    Security,
    Transaction,
    flatten_model,
)


@dataclass(frozen=True, eq=False)
class PriceHistory:
    """Daily closes as columns: `dates` (datetime64[D]), `symbols` (str), `closes` (USD, float)."""

    dates: np.ndarray
    symbols: np.ndarray
    closes: np.ndarray

    def __len__(self) -> int:
        return len(self.closes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PriceHistory):
            return NotImplemented
        a, b = self._sorted(), other._sorted()
        return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))

    def __hash__(self) -> int:
        return hash(len(self))

    def _sorted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        order = np.lexsort((self.symbols, self.dates))
        return self.dates[order], self.symbols[order], self.closes[order]

    def wide(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        """(dates, symbols, closes[date, symbol]) with NaN where a symbol has no close."""
        days, day_idx = np.unique(self.dates, return_inverse=True)
        syms, sym_idx = np.unique(self.symbols, return_inverse=True)
        table = np.full((len(days), len(syms)), np.nan)
        table[day_idx, sym_idx] = self.closes
        return days, [str(s) for s in syms], table


@dataclass(frozen=True)
class Book:
    """Everything a rebalance needs. Records only; indexes are derived lazily."""

    securities: tuple[Security, ...]
    households: tuple[Household, ...]
    accounts: tuple[Account, ...]
    lots: tuple[Lot, ...]
    models: tuple[Model, ...]
    restrictions: tuple[Restriction, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    cash_flows: tuple[CashFlow, ...] = ()
    alternates: tuple[Alternate, ...] = ()
    price_history: PriceHistory | None = None
    settings: Settings = field(default_factory=Settings)

    def __eq__(self, other: object) -> bool:
        """Equal when every table holds the same records, whatever their row order."""
        if not isinstance(other, Book):
            return NotImplemented
        tables = ("securities", "households", "accounts", "lots", "models")
        tables += ("restrictions", "alternates", "cash_flows")
        for name in tables:
            if set(getattr(self, name)) != set(getattr(other, name)):
                return False
        strip = _transaction_key
        if sorted(map(strip, self.transactions)) != sorted(map(strip, other.transactions)):
            return False
        return self.price_history == other.price_history and self.settings == other.settings

    __hash__ = None  # type: ignore[assignment]

    def as_of(self, override: date | None = None) -> date:
        """The book's date: the override (command line), else `trimtab.toml`, else today."""
        return override or self.settings.as_of or date.today()

    @cached_property
    def security_by_symbol(self) -> dict[str, Security]:
        return {s.symbol: s for s in self.securities}

    @cached_property
    def household_by_id(self) -> dict[str, Household]:
        return {h.household_id: h for h in self.households}

    @cached_property
    def account_by_id(self) -> dict[str, Account]:
        return {a.account_id: a for a in self.accounts}

    @cached_property
    def model_by_id(self) -> dict[str, Model]:
        return {m.model_id: m for m in self.models}

    @cached_property
    def accounts_by_household(self) -> dict[str, list[Account]]:
        out: dict[str, list[Account]] = defaultdict(list)
        for a in self.accounts:
            out[a.household_id].append(a)
        return dict(out)

    @cached_property
    def lots_by_account(self) -> dict[str, list[Lot]]:
        out: dict[str, list[Lot]] = defaultdict(list)
        for lot in self.lots:
            out[lot.account_id].append(lot)
        return dict(out)

    @cached_property
    def transactions_by_account(self) -> dict[str, list[Transaction]]:
        out: dict[str, list[Transaction]] = defaultdict(list)
        for t in self.transactions:
            out[t.account_id].append(t)
        return dict(out)

    def model_of(self, account: Account) -> str | None:
        """The model an account follows: its own, else its household's."""
        if account.model_id:
            return account.model_id
        return self.household_by_id[account.household_id].model_id

    def target_weights(self, model_id: str) -> dict[str, Decimal]:
        """A model's flattened target weights by symbol (fractions of value, CASH included)."""
        cache = self._target_cache
        if model_id not in cache:
            cache[model_id] = flatten_model(model_id, self.model_by_id)
        return cache[model_id]

    @cached_property
    def _target_cache(self) -> dict[str, dict[str, Decimal]]:
        return {}

    def alternates_for(self, model_ids: set[str]) -> dict[tuple[str, str], int]:
        """{(model security, stand-in): rank} approved firm-wide or for any of `model_ids` or a
        model inside one of them; the best (lowest) rank when a pair is declared twice."""
        family = set()
        for model_id in model_ids:
            family |= self._model_family(model_id)
        out: dict[tuple[str, str], int] = {}
        for alt in self.alternates:
            if alt.model_id is not None and alt.model_id not in family:
                continue
            for pair in alt.pairs():
                out[pair] = min(out.get(pair, alt.rank), alt.rank)
        return out

    def _model_family(self, model_id: str) -> set[str]:
        """The model and every model inside it, however deep."""
        seen, todo = set(), [model_id]
        while todo:
            mid = todo.pop()
            if mid in seen or mid not in self.model_by_id:
                continue
            seen.add(mid)
            todo += [c.submodel for c in self.model_by_id[mid].components if c.submodel]
        return seen

    def restrictions_for(self, account: Account) -> list[Restriction]:
        """Restrictions scoped to the account or to its household."""
        return self._restrictions_by_scope.get(
            account.account_id, []
        ) + self._restrictions_by_scope.get(account.household_id, [])

    @cached_property
    def _restrictions_by_scope(self) -> dict[str, list[Restriction]]:
        out: dict[str, list[Restriction]] = defaultdict(list)
        for r in self.restrictions:
            out[r.scope].append(r)
        return dict(out)


def _transaction_key(t: Transaction) -> tuple:
    """A transaction without its source row, for order-free comparison."""
    return (t.account_id, t.date, t.symbol, t.side, t.quantity, t.price, t.lot_id or "")
