"""What a proposal is worth to the client, in dollars, for the household summary: the tax it
saves against the baseline (snap-to-target) on the same snapshot, the losses it harvests, and
the yearly tax drag its asset location removes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import numpy as np

from trimtab.config import Settings
from trimtab.money import cents
from trimtab.names import Side, Term
from trimtab.rebalance.baseline import baseline
from trimtab.rebalance.finalize import shares
from trimtab.rebalance.proposal import Proposal
from trimtab.snapshot import Snapshot
from trimtab.tax.holding import term_of
from trimtab.tax.records import Ledger

ZERO = Decimal(0)


def baseline_tax(snap: Snapshot, settings: Settings) -> Decimal:
    """Estimated tax (USD) of the baseline's proposal on this snapshot: its lot sales rounded to
    shares and taxed as `finalize` taxes them (household rates, NIIT when on), without building
    the whole proposal (the baseline is the desk's naive tool, what the proposal is measured to)."""
    taxable = np.array([account.taxable for account in snap.accounts], dtype=bool)
    decision = baseline(snap, settings, only=taxable)  # only taxable sales are taxed
    hh = snap.household
    niit = Decimal(repr(settings.tax.niit_rate)) if settings.tax.niit else ZERO
    gains: dict[tuple[int, Term], Decimal] = {}
    sold = np.flatnonzero(decision.lot_sells > 1e-9)
    for i, a, s, sell in zip(
        sold.tolist(), snap.lot_account[sold].tolist(), snap.lot_security[sold].tolist(),
        decision.lot_sells[sold].tolist(), strict=True,
    ):  # fmt: skip
        account = snap.accounts[a]  # taxable: the baseline sold in no other account
        lot = snap.lots[i]
        whole = lot.quantity == lot.quantity.to_integral_value()
        qty = shares(sell, account.fractional or not whole, lot.quantity)
        if qty <= 0:
            continue
        price = snap.securities[s].price
        gain = cents(qty * price) - cents(lot.cost_basis * qty / lot.quantity)
        key = (a, term_of(lot.acquired, snap.as_of))
        gains[key] = gains.get(key, ZERO) + gain
    total = ZERO
    for a in {a for a, _ in gains}:
        st, lt = gains.get((a, Term.SHORT), ZERO), gains.get((a, Term.LONG), ZERO)
        total += cents(st * (hh.st_rate + niit) + lt * (hh.lt_rate + niit))
    return total


def losses_harvested(proposal: Proposal) -> Decimal:
    """USD of losses the proposal's sells realize in taxable accounts (a positive number)."""
    return -sum(
        (t.realized_gain for t in proposal.trades
         if t.side is Side.SELL and t.realized_gain is not None and t.realized_gain < 0),
        ZERO,
    )  # fmt: skip


def with_value(snap: Snapshot, proposal: Proposal, settings: Settings) -> Proposal:
    """The proposal with its household's value figures filled in (see HouseholdResult)."""
    h = proposal.household
    harvested = losses_harvested(proposal)
    try:
        saved: Decimal | None = baseline_tax(snap, settings) - h.est_tax
    except Exception:  # the baseline cannot serve here: no comparison rather than a wrong one
        saved = None
    household = dataclasses.replace(
        h, tax_saved=saved, losses_harvested=harvested, losses_harvested_ytd=harvested
    )
    return dataclasses.replace(proposal, household=household)


def harvested_this_year(ledger: Ledger, on: date) -> dict[str, Decimal]:
    """USD of losses realized in taxable accounts per household in `on`'s year up to `on`
    (after wash-sale disallowance)."""
    out: dict[str, Decimal] = {}
    for d in ledger.dispositions:
        if d.taxable and d.gain < 0 and d.sold.year == on.year and d.sold <= on:
            out[d.household_id] = out.get(d.household_id, ZERO) - d.gain
    return out


def with_year_to_date(proposals: Sequence[Proposal], ledger: Ledger, on: date) -> list[Proposal]:
    """Proposals whose `losses_harvested_ytd` adds the book's history of the year."""
    earlier = harvested_this_year(ledger, on)
    out = []
    for p in proposals:
        h = p.household
        ytd = h.losses_harvested + earlier.get(h.household_id, ZERO)
        out.append(
            dataclasses.replace(p, household=dataclasses.replace(h, losses_harvested_ytd=ytd))
        )
    return out
