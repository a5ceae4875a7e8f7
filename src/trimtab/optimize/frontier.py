"""The tax / tracking frontier: proposals from "ignore taxes" to "no realized gains".

Each point is a real rebalance of the household (the `optimize` method, then the same rounding
to shares and the same measures as `trimtab rebalance`) with the tax term scaled by a weight
(`optimizer.tax_weight`), so the point at weight 1 is exactly the proposal a rebalance makes. A
last point, at weight 1, lets the proposal realize no net gain this year (the household's
`gain_budget` lowered to what is already realized). Every figure is read off the proposal: the tax
due at the household's rates, the net realized gain and the value traded (USD cents), the drift
(`drift_after`) and the annual tracking error of the holdings after the trades.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from trimtab.book import Book
from trimtab.config import Settings
from trimtab.errors import ConfigError
from trimtab.names import Side, Status
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_snapshot
from trimtab.snapshot import Snapshot, build_snapshots
from trimtab.tax.ledger import replay

WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
NO_NET_GAIN = "gains <= 0"
"""How the last point's tax weight is written: no net realized gain allowed."""
COLUMNS = (
    "tax_weight", "est_tax", "realized_gain", "tracking_error", "drift", "traded",
    "exception_reasons",
)  # fmt: skip
"""The frontier CSV: money in USD cents, tracking error and drift as fractions to 6 decimals."""
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """One proposal: `tax_weight` (None = no net realized gain allowed), tax USD, net gain USD,
    traded USD (cents), tracking error (annual, fraction), drift (fraction, as `drift_after`).

    `feasible` is False when the proposal is an exception without trades; `reasons` says why.
    """

    tax_weight: float | None
    est_tax: Decimal
    realized_gain: Decimal
    tracking_error: float
    drift: float
    traded: Decimal
    feasible: bool = True
    reasons: tuple[str, ...] = ()


def frontier(
    book: Book,
    *,
    account_id: str | None = None,
    household_id: str | None = None,
    as_of: date | None = None,
) -> list[FrontierPoint]:
    """The frontier of one account, or of one household managed as one portfolio."""
    if (account_id is None) == (household_id is None):
        raise ConfigError("name exactly one of an account or a household")
    if account_id is not None and account_id not in book.account_by_id:
        raise ConfigError(f"unknown account {account_id!r}")
    if household_id is not None and household_id not in book.household_by_id:
        raise ConfigError(f"unknown household {household_id!r}")
    if account_id is not None and not book.account_by_id[account_id].managed:
        raise ConfigError(f"account {account_id!r} is held away (managed=false)")
    hid = household_id or book.account_by_id[account_id].household_id  # type: ignore[index]
    day = book.as_of(as_of)
    snap = next(build_snapshots(book, replay(book, [hid]), day, [hid]))
    if household_id is not None and snap.household_target is None:
        raise ConfigError("the household has no model_id: ask for one of its accounts instead")
    points = [_point(snap, _weighted(book.settings, w), account_id, w) for w in WEIGHTS]
    points.append(_point(_no_net_gain(snap), book.settings, account_id, None))
    return points


def _weighted(settings: Settings, weight: float) -> Settings:
    optimizer = dataclasses.replace(
        settings.optimizer, tax_weight=settings.optimizer.tax_weight * weight
    )
    return dataclasses.replace(settings, optimizer=optimizer)


def _no_net_gain(snap: Snapshot) -> Snapshot:
    """The household with no room for net realized gains beyond what is realized already."""
    used = Decimal(repr(round(snap.realized_st_ytd + snap.realized_lt_ytd, 2)))
    budget = snap.household.gain_budget
    if budget is not None and budget <= used:
        return snap
    return dataclasses.replace(
        snap, household=dataclasses.replace(snap.household, gain_budget=used)
    )


def _point(
    snap: Snapshot, settings: Settings, account_id: str | None, weight: float | None
) -> FrontierPoint:
    proposal = rebalance_snapshot(snap, settings, "optimize")
    if account_id is None:
        results = proposal.accounts
        drift = proposal.household.drift_after
    else:
        results = tuple(r for r in proposal.accounts if r.account_id == account_id)
        drift = results[0].drift_after
    trades = [t for t in proposal.trades if account_id in (None, t.account_id)]
    reasons = tuple(dict.fromkeys(x for r in results for x in r.exception_reasons))
    stuck = any(r.status is Status.EXCEPTION for r in results) and not trades
    return FrontierPoint(
        tax_weight=weight,
        est_tax=sum((r.est_tax for r in results), _ZERO),
        realized_gain=sum((r.realized_st + r.realized_lt for r in results), _ZERO),
        tracking_error=_tracking_error(snap, proposal, account_id),
        drift=drift,
        traded=sum((t.value for t in trades), _ZERO),
        feasible=not stuck,
        reasons=reasons,
    )


def _tracking_error(snap: Snapshot, proposal: Proposal, account_id: str | None) -> float:
    """Annual tracking error of the holdings after the trades against the target: the account's
    model, or the household's model for the whole household."""
    index = {s.symbol: i for i, s in enumerate(snap.securities)}
    accounts = {a.account_id: i for i, a in enumerate(snap.accounts)}
    after = snap.holdings()
    for t in proposal.trades:
        sign = 1.0 if t.side is Side.BUY else -1.0
        after[accounts[t.account_id], index[t.symbol]] += sign * float(t.quantity)
    cash = {r.account_id: float(r.cash_after) for r in proposal.accounts}
    if account_id is None:
        held, money = after.sum(0) * snap.prices, sum(cash.values())
        target = snap.household_target
    else:
        a = accounts[account_id]
        held, money, target = after[a] * snap.prices, cash[account_id], snap.targets[a]
    total = float(held.sum()) + money
    if total <= 0 or target is None:
        return 0.0
    active = held / total - target
    return float(np.sqrt(max(float(active @ snap.cov @ active), 0.0)))


def csv_rows(points: list[FrontierPoint]) -> list[list[str]]:
    """The points as the frontier CSV's rows (`COLUMNS`)."""
    return [
        [
            NO_NET_GAIN if p.tax_weight is None else f"{p.tax_weight:g}",
            f"{p.est_tax:.2f}",
            f"{p.realized_gain:.2f}",
            f"{p.tracking_error:.6f}",
            f"{p.drift:.6f}",
            f"{p.traded:.2f}",
            "; ".join(p.reasons),
        ]
        for p in points
    ]
