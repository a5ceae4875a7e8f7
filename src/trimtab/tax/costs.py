"""What the optimizer asks the tax engine: the tax of selling each lot, and wash-sale blocks.

Floats and numpy arrays (the optimizer's currency), computed from the same holding-period rules
as the ledger. Exact cents stay in the ledger and the reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from trimtab.domain import Lot, Security
from trimtab.tax.holding import days_to_long_term, is_long_term
from trimtab.tax.records import Ledger

WINDOW = timedelta(days=30)


@dataclass(frozen=True, eq=False)
class LotArrays:
    """Lots as columns: `quantity` (shares), `cost_basis` (USD), `acquired` (datetime64[D])."""

    quantity: np.ndarray
    cost_basis: np.ndarray
    acquired: np.ndarray

    @classmethod
    def from_lots(cls, lots: Sequence[Lot]) -> LotArrays:
        return cls(
            quantity=np.array([float(lot.quantity) for lot in lots], dtype=float),
            cost_basis=np.array([float(lot.cost_basis) for lot in lots], dtype=float),
            acquired=np.array([lot.acquired for lot in lots], dtype="datetime64[D]"),
        )


@dataclass(frozen=True, eq=False)
class LotTax:
    """Per lot, for a sale on one date at the given prices (arrays aligned with the lots).

    `gain_per_share` USD/share (price - cost per share); `is_long` whether the sale is long-term;
    `days_to_long_term` days until it would be (0 when it is); `tax_per_share` USD/share at the
    household's rate for that term, negative for a loss (a tax benefit).
    """

    gain_per_share: np.ndarray
    is_long: np.ndarray
    days_to_long_term: np.ndarray
    tax_per_share: np.ndarray


def sale_tax(
    lots: LotArrays | Sequence[Lot],
    prices: np.ndarray,
    on: date,
    st_rate: float,
    lt_rate: float,
) -> LotTax:
    """Tax (negative: benefit) per share of selling each lot on `on` at `prices` (USD/share).

    Rates are fractions; pass 0 for both in a tax-deferred or tax-exempt account, where a sale is
    not a taxable event. A lot of zero shares gets a zero gain.
    """
    arrays = lots if isinstance(lots, LotArrays) else LotArrays.from_lots(lots)
    qty = np.asarray(arrays.quantity, dtype=float)
    unit = np.divide(arrays.cost_basis, qty, out=np.zeros_like(qty), where=qty > 0)
    gain = np.where(qty > 0, np.asarray(prices, dtype=float) - unit, 0.0)
    long = is_long_term(arrays.acquired, on)
    rate = np.where(long, float(lt_rate), float(st_rate))
    return LotTax(gain, long, days_to_long_term(arrays.acquired, on), gain * rate)


@dataclass(frozen=True, slots=True)
class WashBlocks:
    """Wash-sale blocks of one household on one date (identities are `Security.identity`).

    `no_buy`: identities sold at a loss in a taxable account of the household in the 30 days up
    to the date, with part of that loss not yet washed: buying any symbol of one now, in any
    account, would wash it. `no_loss_sale`: identities of which shares bought in the 30 days up to
    the date are still held, not yet used as replacement shares, in any account: a loss sale now
    would be washed. `replacements` gives, per such identity, the purchases (root lot ids) behind
    it; a purchase is never the replacement of its own shares (Rev. Rul. 56-602), so selling from
    the only recent purchase is not blocked (see `loss_sale_blocked`).
    """

    no_buy: frozenset[str]
    no_loss_sale: frozenset[str]
    replacements: Mapping[str, frozenset[str]] = field(default_factory=dict)
    identity_of: Mapping[str, str] = field(default_factory=dict)
    root_of: Mapping[str, str] = field(default_factory=dict)

    def identity(self, symbol: str) -> str:
        return self.identity_of.get(symbol, symbol)

    def buy_blocked(self, symbol: str) -> bool:
        """Would buying `symbol` now wash a recent loss of the household?"""
        return self.identity(symbol) in self.no_buy

    def loss_sale_blocked(self, symbol: str, lot_id: str | None = None) -> bool:
        """Would a loss sale of `symbol` now (from lot `lot_id`, when given) be washed?"""
        roots = self.replacements.get(self.identity(symbol), frozenset())
        if lot_id is None:
            return bool(roots)
        return bool(roots - {self.root_of.get(lot_id, lot_id)})


def wash_blocks(
    ledger: Ledger, household_id: str, on: date, securities: Mapping[str, Security]
) -> WashBlocks:
    """The household's wash-sale blocks on `on` from its replayed history (see WashBlocks)."""
    identity_of = {s: sec.identity for s, sec in securities.items()}
    start = on - WINDOW
    no_buy = frozenset(
        identity_of.get(d.symbol, d.symbol)
        for d in ledger.dispositions_by_household.get(household_id, [])
        if d.taxable and not d.washed and d.gain < 0 and start <= d.sold <= on
    )
    recent = {
        p.lot_id
        for p in ledger.purchases_by_household.get(household_id, [])
        if start <= p.date <= on
    }
    replacements: dict[str, set[str]] = {}
    root_of: dict[str, str] = {}
    for lot in ledger.lots_by_household.get(household_id, []):
        origin = ledger.origin(lot)
        if origin.root != lot.lot_id:
            root_of[lot.lot_id] = origin.root
        if origin.root in recent and origin.spare > 0:
            replacements.setdefault(identity_of.get(lot.symbol, lot.symbol), set()).add(origin.root)
    return WashBlocks(
        no_buy=no_buy,
        no_loss_sale=frozenset(replacements),
        replacements={k: frozenset(v) for k, v in replacements.items()},
        identity_of=identity_of,
        root_of=root_of,
    )
