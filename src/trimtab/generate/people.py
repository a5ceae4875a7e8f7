"""Households and their accounts, drawn as columns: sizes, kinds, models, tax profiles, cash.

Each draw is vectorized over all households or accounts; the probabilities below are the knobs
documented in docs/sample-book.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trimtab.book.schema import ACCOUNTS, HOUSEHOLDS
from trimtab.errors import ConfigError
from trimtab.generate.columns import Table, decimals, ids, money, optional
from trimtab.generate.models import DI_BLEND, DI_MODEL, LINEUPS, RISK_LEVELS, balanced_id
from trimtab.names import AccountKind, FilingStatus, LotMethod

ACCOUNTS_PER_HOUSEHOLD = ((1, 2, 3, 4, 5), (0.25, 0.30, 0.25, 0.12, 0.08))
MEAN_ACCOUNTS = float(np.dot(*ACCOUNTS_PER_HOUSEHOLD))
"""Expected accounts per household (2.48): households = accounts / MEAN_ACCOUNTS."""

KINDS = (AccountKind.TAXABLE, AccountKind.TAX_DEFERRED, AccountKind.TAX_EXEMPT)
FIRST_KIND_P = (0.85, 0.10, 0.05)
OTHER_KIND_P = (0.40, 0.38, 0.22)
RISK_P = (0.10, 0.20, 0.35, 0.25, 0.10)
HOUSEHOLD_MODEL_P = 1 / 3
"""Share of households with a household-level model (their accounts have none of their own)."""
HELD_AWAY_P = 0.05
"""Share of a household's second and later accounts that are held away (managed=false)."""
DIRECT_INDEX_P = 0.25
"""Share of eligible accounts (taxable, own model, value >= DI_MINIMUM) that direct-index."""
DI_MINIMUM = 250_000.0
NEW_ACCOUNT_P = 0.03
"""Share of managed accounts that are new: all cash, no lots yet."""
FRACTIONAL_P = 0.05
MEDIAN_VALUE, VALUE_SIGMA = 200_000.0, 1.0
"""Account value (USD) is log-normal: its median and the standard deviation of its log."""
LOT_METHODS = ((LotMethod.FIFO, LotMethod.HIFO, LotMethod.MIN_TAX, LotMethod.LIFO),
               (0.80, 0.12, 0.06, 0.02))  # fmt: skip
FILING = ((FilingStatus.MARRIED_JOINT, FilingStatus.SINGLE, FilingStatus.HEAD_OF_HOUSEHOLD,
           FilingStatus.MARRIED_SEPARATE), (0.55, 0.30, 0.10, 0.05))  # fmt: skip
GAIN_HARVEST_P = 0.10
"""Share of households in the 22% and 24% brackets (15% long-term rate) that state a
`gain_harvest`: long-term gains they want realized this year."""
ST_RATES = (("0.22", "0.24", "0.32", "0.35", "0.37"), (0.15, 0.25, 0.20, 0.15, 0.25))
_SURNAMES = (
    "Abbott Adler Baker Brennan Castillo Chen Dalton Diaz Ellis Farrow Fischer Garcia Gupta "
    "Hale Hughes Ibarra Iyer Jensen Kaur Keller Kim Larsen Lopez Maddox Meyer Moreau Nakamura "
    "Novak Okafor Olsen Park Patel Quinn Reyes Rossi Sato Schmidt Singh Sullivan Tanaka Torres "
    "Ueda Vargas Walsh Weber Xu Yilmaz Young Zhang Zimmermann"
)
SURNAMES = tuple(_SURNAMES.split())


@dataclass(frozen=True, eq=False)
class People:
    """Households and accounts as tables, plus the numbers later stages need per account.

    `holding_model` is the model an account's holdings were built toward (its own, its
    household's, or for a held-away account a CORE model); `value` is its invested value (USD);
    `funded` is false for new all-cash accounts.
    """

    households: Table
    accounts: Table
    household_ids: np.ndarray
    account_ids: np.ndarray
    household_of: np.ndarray
    kind: np.ndarray
    holding_model: np.ndarray
    value: np.ndarray
    fractional: np.ndarray
    managed: np.ndarray
    funded: np.ndarray


def build_people(
    n_households: int, rng: np.random.Generator, direct_share: float | None = None
) -> People:
    """`n_households` households with 1-5 accounts each.

    `direct_share`: the share of all accounts that direct-index (None: the default rule,
    `DIRECT_INDEX_P` of eligible taxable accounts, about 4%). See `with_direct_share`.
    """
    sizes = rng.choice(ACCOUNTS_PER_HOUSEHOLD[0], n_households, p=ACCOUNTS_PER_HOUSEHOLD[1])
    household_of = np.repeat(np.arange(n_households), sizes)
    n = len(household_of)
    first = np.r_[True, household_of[1:] != household_of[:-1]] if n else np.zeros(0, bool)
    kind = np.where(
        first, rng.choice(3, n, p=FIRST_KIND_P), rng.choice(3, n, p=OTHER_KIND_P)
    ).astype(np.int64)
    level = rng.choice(len(RISK_LEVELS), n_households, p=RISK_P)
    hh_model = _household_models(level, rng)
    value = np.round(np.clip(MEDIAN_VALUE * rng.lognormal(0, VALUE_SIGMA, n), 5_000, 2e7), -2)
    managed = ~(~first & (rng.random(n) < HELD_AWAY_P))
    own_model = _account_models(kind, level[household_of], value, rng)
    core = np.array([balanced_id("CORE", lv) for lv in RISK_LEVELS])[level[household_of]]
    has_hh = hh_model[household_of] != ""
    if direct_share is not None:
        own_model = with_direct_share(own_model, managed & ~has_hh, direct_share, rng)
    model = np.where(managed & ~has_hh, own_model, "")
    holding = np.where(managed, np.where(has_hh, hh_model[household_of], own_model), core)
    funded = ~(managed & (rng.random(n) < NEW_ACCOUNT_P))
    fractional = managed & (rng.random(n) < FRACTIONAL_P)
    household_ids = ids("H", n_households, 6)
    account_ids = ids("A", n, 7)
    cash = np.where(funded, value * rng.uniform(0.002, 0.03, n), value)
    accounts = Table(ACCOUNTS, {
        "account_id": account_ids.tolist(),
        "household_id": household_ids[household_of].tolist(),
        "kind": np.array([k.value for k in KINDS])[kind].tolist(),
        "model_id": model.tolist(),
        "cash": money(cash),
        "cash_reserve": decimals(_cash_reserve(value, rng), 2),
        "min_trade": decimals(rng.choice([0, 25, 50, 100], n, p=[0.4, 0.3, 0.2, 0.1]), 2),
        "fractional": np.where(fractional, "true", "false").tolist(),
        "lot_method": rng.choice([m.value for m in LOT_METHODS[0]], n, p=LOT_METHODS[1]).tolist(),
        "managed": np.where(managed, "true", "false").tolist(),
    })  # fmt: skip
    households = _households_table(household_ids, hh_model, rng)
    return People(
        households=households, accounts=accounts, household_ids=household_ids,
        account_ids=account_ids, household_of=household_of, kind=kind, holding_model=holding,
        value=np.where(funded, value, 0.0), fractional=fractional, managed=managed, funded=funded,
    )  # fmt: skip


def _household_models(level: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A balanced CORE or ALT model for about a third of households, "" for the rest."""
    names = np.array([[balanced_id(lineup, lv) for lv in RISK_LEVELS] for lineup in LINEUPS[:2]])
    lineup = rng.choice(2, len(level), p=[0.7, 0.3])
    chosen = rng.random(len(level)) < HOUSEHOLD_MODEL_P
    return np.where(chosen, names[lineup, level], "")


def _account_models(
    kind: np.ndarray, level: np.ndarray, value: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """An account's own model: balanced by lineup and risk level, or a direct-index model."""
    names = np.array([[balanced_id(lineup, lv) for lv in RISK_LEVELS] for lineup in LINEUPS])
    n = len(kind)
    taxable = kind == 0
    lineup = np.where(
        taxable, rng.choice(3, n, p=[0.45, 0.20, 0.35]), rng.choice(2, n, p=[0.7, 0.3])
    )
    model = names[lineup, level]
    direct = taxable & (value >= DI_MINIMUM) & (rng.random(n) < DIRECT_INDEX_P)
    di_name = np.where(rng.random(n) < 0.6, DI_MODEL, DI_BLEND)
    return np.where(direct, di_name, model)


def with_direct_share(
    own_model: np.ndarray, eligible: np.ndarray, share: float, rng: np.random.Generator
) -> np.ndarray:
    """Own models with more accounts direct-indexed, so that about `share` of all accounts are.

    Accounts the default rule made direct-indexed stay so; further ones are drawn among the
    `eligible` (managed, with a model of their own: a household-model account follows its
    household's ETF model), any kind and value, DI_US100 60%, DI_BLEND_80 40%. Only books asked
    for a share draw these numbers, so the default book is unchanged.
    """
    if not 0.0 <= share <= 1.0:
        raise ConfigError(f"direct_share must be within 0 and 1, got {share}")
    is_di = np.isin(own_model, (DI_MODEL, DI_BLEND))
    more = eligible & ~is_di
    wanted = share * len(own_model) - int((is_di & eligible).sum())
    p = min(1.0, max(0.0, wanted / more.sum())) if more.any() else 0.0
    drawn = more & (rng.random(len(own_model)) < p)
    di_name = np.where(rng.random(len(own_model)) < 0.6, DI_MODEL, DI_BLEND)
    return np.where(drawn, di_name, own_model)


def _cash_reserve(value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """USD: none for most, 1% of value (to $100) for some, a fixed amount for others."""
    n = len(value)
    kind = rng.choice(3, n, p=[0.60, 0.25, 0.15])
    fixed = rng.choice([250.0, 500.0, 1000.0, 2500.0], n)
    return np.select([kind == 1, kind == 2], [np.round(value * 0.01, -2), fixed], 0.0)


def _households_table(
    household_ids: np.ndarray, hh_model: np.ndarray, rng: np.random.Generator
) -> Table:
    n = len(household_ids)
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    suffix = np.array(["Family", "Household", "Trust", "Joint"])[rng.integers(0, 4, n)]
    st = rng.choice(ST_RATES[0], n, p=ST_RATES[1])
    lt = np.where(st == "0.37", "0.20", "0.15")
    ytd = rng.random(n) < 0.30
    gain_budget = rng.choice([0.0, 5000.0, 10000.0, 25000.0, 50000.0], n)
    has_gain_budget = rng.random(n) < 0.15
    has_tax_budget = ~has_gain_budget & (rng.random(n) < 0.08)
    carry = rng.random(n) < 0.08
    columns = {
        "household_id": household_ids.tolist(),
        "name": np.char.add(np.char.add(surname, " "), suffix).tolist(),
        "st_rate": st.tolist(),
        "lt_rate": lt.tolist(),
        "model_id": hh_model.tolist(),
        "gain_budget": optional(decimals(gain_budget, 2), has_gain_budget),
        "tax_budget": optional(decimals(rng.choice([1000, 2500, 5000, 10000], n), 2),
                               has_tax_budget),
        "realized_st_ytd": money(np.where(ytd, rng.normal(0, 3000, n), 0.0)),
        "realized_lt_ytd": money(np.where(ytd, rng.normal(2000, 8000, n), 0.0)),
        "loss_carryforward_st": money(np.where(carry, rng.lognormal(8.0, 1.0, n), 0.0)),
        "loss_carryforward_lt": money(np.where(carry, rng.lognormal(8.5, 1.0, n), 0.0)),
        "filing_status": rng.choice([f.value for f in FILING[0]], n, p=FILING[1]).tolist(),
    }  # fmt: skip
    harvest = np.isin(st, ("0.22", "0.24")) & (rng.random(n) < GAIN_HARVEST_P)  # drawn last:
    harvest_usd = rng.choice([10000.0, 25000.0, 50000.0], n)  # earlier columns stay as they were
    columns["gain_harvest"] = optional(decimals(harvest_usd, 2), harvest)
    return Table(HOUSEHOLDS, columns)
