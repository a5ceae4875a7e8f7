"""Exception rules: named checks of a proposal that send it to the review queue.

Each rule is a small pure function in `RULES`, keyed by the name the queue filters on; its
threshold lives in `[exceptions]`, and `[exceptions] disabled = [...]` turns rules off by name
(a threshold of None or false does too, from Python). `error` is not a rule one can turn off: it
marks a household whose processing failed (bad data, a solver crash).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from trimtab.config import BandSettings, ExceptionSettings, ModelBands
from trimtab.measures.bands import is_band_reason
from trimtab.names import Side, Status
from trimtab.rebalance.proposal import AccountResult, Proposal
from trimtab.snapshot import Snapshot
from trimtab.workflow.screen import Context

ERROR = "error"
"""The household could not be processed; the message says why."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One exception: the rule, the account (None: the household) and the figure compared."""

    rule: str
    account_id: str | None
    message: str
    measure: float | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules see: the snapshot, the proposal, the context and the last price dates."""

    snap: Snapshot
    proposal: Proposal | None
    """None for a quiet household: only the rules on data (prices, reconciliation) apply."""
    ctx: Context
    price_dates: Mapping[str, date]

    @property
    def made(self) -> Proposal:
        """The proposal, for the rules that only run when there is one."""
        if self.proposal is None:
            raise ValueError("this rule needs a proposal")
        return self.proposal


Rule = Callable[[Facts, ExceptionSettings, BandSettings], list[Hit]]
"""A rule: the facts, the `[exceptions]` and `[bands]` settings -> its hits."""


def _turnover(f: Facts, s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    if s.turnover is None:
        return []
    return [
        Hit("turnover", r.account_id, f"turnover {r.turnover:.1%} of {r.value} USD", r.turnover)
        for r in f.made.accounts
        if float(r.value) >= s.large_account_usd and r.turnover > s.turnover
    ]


def _gain_budget(f: Facts, s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    hh = f.snap.household
    if not s.gain_budget:
        return []
    out = []
    realized = sum((r.realized_st + r.realized_lt for r in f.made.accounts), Decimal(0))
    year = Decimal(repr(f.snap.realized_st_ytd + f.snap.realized_lt_ytd)) + realized
    if hh.gain_budget is not None and realized > 0 and year > hh.gain_budget:
        out.append(
            Hit("gain_budget", None, f"net gain {year:.2f} > budget {hh.gain_budget}", float(year))
        )
    tax = f.made.household.est_tax
    if hh.tax_budget is not None and tax > hh.tax_budget:
        out.append(Hit("gain_budget", None, f"est. tax {tax} > budget {hh.tax_budget}", float(tax)))
    return out


def _drift_after(f: Facts, s: ExceptionSettings, bands: BandSettings) -> list[Hit]:
    """Drift after trading over the tolerance the bands hold the account (the household's, with
    a household model) to; the held-away accounts are never traded, so never flagged."""
    hh = f.made.household
    if f.snap.household_target is not None:  # one portfolio: its drift is the household's
        missed = [
            r for r in f.made.accounts if r.status is Status.EXCEPTION and _traded_its_best(r)
        ]
        if missed:
            return [Hit("drift_after", r.account_id, _drift_text(r), r.drift_after) for r in missed]
        own = f.snap.household
        limit = tolerance(own.drift_tolerance, own.model_id, s.drift_after, bands)
        if hh.drift_after > limit:
            return [
                Hit(
                    "drift_after",
                    None,
                    f"household drift after trading {hh.drift_after:.4f} > {limit:g}",
                    hh.drift_after,
                )
            ]
        return []
    accounts = {a.account_id: a for a in f.snap.accounts if a.managed}
    out = []
    for r in f.made.accounts:
        account = accounts.get(r.account_id)
        if account is None or not _traded_its_best(r):
            continue
        model = account.model_id or f.snap.household.model_id
        limit = tolerance(account.drift_tolerance, model, s.drift_after, bands)
        if r.status is Status.EXCEPTION:  # bands missed within the hard limits: say which
            out.append(Hit("drift_after", r.account_id, _drift_text(r), r.drift_after))
        elif r.drift_after > limit:
            out.append(
                Hit(
                    "drift_after",
                    r.account_id,
                    f"drift after trading {r.drift_after:.4f} > {limit:g}",
                    r.drift_after,
                )
            )
    return out


def tolerance(
    own: Decimal | None, model_id: str | None, override: float | None, bands: BandSettings
) -> float:
    """The drift after trading that `drift_after` flags above (fraction of value).

    The account's (household's) own `drift_tolerance` first; then `[exceptions] drift_after`
    when set (an override for the whole book); then the tolerance the optimizer holds the
    account to: its model's `[bands.models.ID] drift_tolerance`, else `[bands] drift_tolerance`.
    So by default a proposal is flagged only when it misses its own band.
    """
    if own is not None:
        return float(own)
    if override is not None:
        return override
    model = bands.models.get(model_id or "", ModelBands())
    if model.drift_tolerance is not None:
        return model.drift_tolerance
    return bands.drift_tolerance


def _drift_text(r: AccountResult) -> str:
    """The drift after trading, or the bands the account missed and what binds."""
    if r.status is Status.EXCEPTION:
        return "; ".join(r.exception_reasons)
    return f"drift after trading {r.drift_after:.4f}"


def _traded_its_best(r: AccountResult) -> bool:
    """Not an exception, or one only for bands missed within the hard limits (it traded)."""
    return r.status is not Status.EXCEPTION or all(map(is_band_reason, r.exception_reasons))


def _stale_price(f: Facts, s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    if s.stale_price_days is None or not f.price_dates:
        return []
    held = set(np.asarray(f.snap.symbols, dtype=object)[f.snap.lot_security].tolist())
    traded = {t.symbol for t in f.proposal.trades} if f.proposal is not None else set()
    used = sorted(held | traded)
    out = []
    for sym in used:
        last = f.price_dates.get(sym)
        if last is None:
            out.append(Hit("stale_price", None, f"{sym}: no price in the history"))
        elif (age := (f.snap.as_of - last).days) > s.stale_price_days:
            out.append(Hit("stale_price", None, f"{sym}: last price {last} ({age} days)", age))
    return out


def _cash_reserve(f: Facts, s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    if not s.cash_reserve:
        return []
    reserve = {a.account_id: a.cash_reserve for a in f.snap.accounts if a.managed}
    return [
        Hit(
            "cash_reserve",
            r.account_id,
            f"cash after {r.cash_after} < reserve {reserve[r.account_id]}",
            float(r.cash_after),
        )
        for r in f.made.accounts
        if r.account_id in reserve and r.cash_after < reserve[r.account_id] - Decimal("0.005")
    ]


def _reconciliation(f: Facts, s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    if not s.reconciliation:
        return []
    return [
        Hit(
            "reconciliation",
            b.account_id,
            f"{b.symbol}: store {b.store_quantity} vs custodian "
            f"{b.custodian_quantity} shares ({b.value} USD)",
            float(b.value),
        )
        for b in f.ctx.breaks
    ]


def _infeasible(f: Facts, _s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    return [
        Hit("infeasible", r.account_id, "; ".join(r.exception_reasons) or "exception")
        for r in f.made.accounts
        if not _traded_its_best(r)
    ]


def _wash_sale(f: Facts, s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    if not s.wash_sale:
        return []
    snap = f.snap
    index = {sym: i for i, sym in enumerate(snap.symbols)}
    blocked = {lot.lot_id for lot, b in zip(snap.lots, snap.lot_loss_blocked, strict=True) if b}
    out = []
    for t in f.made.trades:
        if t.side is Side.BUY and t.symbol in index and snap.wash_no_buy[index[t.symbol]]:
            out.append(
                Hit(
                    "wash_sale",
                    t.account_id,
                    f"buy of {t.symbol} within 30 days of a loss sale",
                    float(t.value),
                )
            )
        loss = t.realized_gain is not None and -t.realized_gain >= max(
            s.wash_sale_min_loss_usd, 0.01
        )
        if t.side is Side.SELL and loss and t.lot_id in blocked:
            out.append(
                Hit(
                    "wash_sale",
                    t.account_id,
                    f"loss sale of {t.symbol} lot {t.lot_id} within 30 days of a purchase",
                    float(t.value),
                )
            )
    return out


def _large_trade(f: Facts, s: ExceptionSettings, _b: BandSettings) -> list[Hit]:
    values = {r.account_id: r.value for r in f.made.accounts}
    out = []
    for t in f.made.trades:
        value = float(t.value)
        big = s.large_trade_usd is not None and value > s.large_trade_usd
        account = float(values.get(t.account_id, 0))
        share = s.large_trade_share is not None and account > 0
        if big or (share and value > s.large_trade_share * account):  # type: ignore[operator]
            out.append(
                Hit(
                    "large_trade",
                    t.account_id,
                    f"{t.side} {t.quantity} {t.symbol} ({t.value} USD)",
                    value,
                )
            )
    return out


RULES: dict[str, Rule] = {
    "turnover": _turnover,
    "gain_budget": _gain_budget,
    "drift_after": _drift_after,
    "stale_price": _stale_price,
    "cash_reserve": _cash_reserve,
    "reconciliation": _reconciliation,
    "infeasible": _infeasible,
    "wash_sale": _wash_sale,
    "large_trade": _large_trade,
}
"""Every rule by name, in the order their hits are listed (`config.EXCEPTION_RULES`)."""

RULE_NAMES: tuple[str, ...] = (*RULES, ERROR)

DATA_RULES = ("stale_price", "reconciliation")
"""Rules that look at the data only, so they apply to quiet households too."""


def check(
    facts: Facts, settings: ExceptionSettings, bands: BandSettings | None = None
) -> tuple[Hit, ...]:
    """Every hit of every rule on one proposal (of the data rules only, without a proposal),
    but the rules `settings.disabled` names; `bands` are the book's (for `drift_after`)."""
    names = RULES if facts.proposal is not None else DATA_RULES
    bands = bands if bands is not None else BandSettings()
    off = set(settings.disabled)
    return tuple(
        hit for name in names if name not in off for hit in RULES[name](facts, settings, bands)
    )
