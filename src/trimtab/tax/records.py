"""The tax engine's output records: realized dispositions, purchases, the ledger they form."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from trimtab.domain import Lot
from trimtab.names import Term


@dataclass(frozen=True, slots=True)
class Disposition:
    """Shares of one lot sold: one Form 8949 row. Money is exact USD cents; quantity is shares.

    `gain` = proceeds - cost_basis + wash_sale_disallowed (Form 8949 column h). A sale whose loss is
    partly disallowed is split into a `washed` row and a row that is not. `taxable` is False for
    sales inside tax-deferred and tax-exempt accounts, which are not taxable events. `acquired` is
    the holding-period start (after any wash-sale tacking).
    """

    household_id: str
    account_id: str
    symbol: str
    lot_id: str
    quantity: Decimal
    acquired: date
    sold: date
    proceeds: Decimal
    cost_basis: Decimal
    wash_sale_disallowed: Decimal
    gain: Decimal
    term: Term
    taxable: bool
    washed: bool = False


@dataclass(frozen=True, slots=True)
class Purchase:
    """An acquisition: a buy transaction, or an opening lot (its `acquired` date taken as bought).

    `identity` is the wash-sale identity (`Security.identity`); `date` the trade date, which is
    what the 30-day wash-sale window looks at (never the tacked holding-period start).
    """

    household_id: str
    account_id: str
    symbol: str
    identity: str
    date: date
    quantity: Decimal
    lot_id: str


@dataclass(frozen=True, slots=True)
class LotOrigin:
    """Where an open lot came from: its purchase (`root` lot id, trade date `bought`) and how many
    of its shares (`spare`) may still serve as wash-sale replacement shares."""

    root: str
    bought: date
    spare: Decimal


@dataclass(frozen=True)
class Ledger:
    """Open lots and realized dispositions after replaying a book's history.

    `origins` holds only the open lots a wash sale or a trade changed; any other lot is its own
    purchase, bought on `acquired`, every share spare (see `origin`). `household_of` maps account
    ids to household ids.
    """

    open_lots: tuple[Lot, ...]
    dispositions: tuple[Disposition, ...]
    purchases: tuple[Purchase, ...]
    household_of: Mapping[str, str] = field(default_factory=dict)
    origins: Mapping[str, LotOrigin] = field(default_factory=dict)

    def origin(self, lot: Lot) -> LotOrigin:
        """The purchase an open lot came from and its shares still usable as replacements."""
        found = self.origins.get(lot.lot_id)
        return found if found is not None else LotOrigin(lot.lot_id, lot.acquired, lot.quantity)

    @cached_property
    def lots_by_account(self) -> dict[str, list[Lot]]:
        out: dict[str, list[Lot]] = defaultdict(list)
        for lot in self.open_lots:
            out[lot.account_id].append(lot)
        return dict(out)

    @cached_property
    def lots_by_household(self) -> dict[str, list[Lot]]:
        out: dict[str, list[Lot]] = defaultdict(list)
        for lot in self.open_lots:
            out[self.household_of.get(lot.account_id, "")].append(lot)
        return dict(out)

    @cached_property
    def dispositions_by_household(self) -> dict[str, list[Disposition]]:
        out: dict[str, list[Disposition]] = defaultdict(list)
        for d in self.dispositions:
            out[d.household_id].append(d)
        return dict(out)

    @cached_property
    def purchases_by_household(self) -> dict[str, list[Purchase]]:
        out: dict[str, list[Purchase]] = defaultdict(list)
        for p in self.purchases:
            out[p.household_id].append(p)
        return dict(out)

    def realized(self, year: int, *, taxable_only: bool = True) -> list[Disposition]:
        """Dispositions sold in `year` (taxable accounts only unless told otherwise)."""
        return [
            d for d in self.dispositions if d.sold.year == year and (d.taxable or not taxable_only)
        ]
