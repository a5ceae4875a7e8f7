"""Asset location: the drag of a class by account kind, the 0-100 score, and class overrides."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from household_books import (
    AS_OF,
    BONDS,
    EQUITY,
    class_weight,
    family_book,
    holdings_after,
    lot,
    run,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from trimtab.config import AssetClassAssumption, LocationSettings, Settings
from trimtab.domain import Account, Household, Security
from trimtab.measures.location import class_drag, drag_matrix, location_score
from trimtab.names import AccountKind, TaxCharacter

TAXABLE, DEFERRED, EXEMPT = AccountKind.TAXABLE, AccountKind.TAX_DEFERRED, AccountKind.TAX_EXEMPT
HH = Household("H", st_rate=Decimal("0.37"), lt_rate=Decimal("0.20"))
DEFAULT = LocationSettings()
CLASSES = ("us_large", "intl_developed", "emerging", "us_bond", "treasury", "corporate",
           "high_yield", "reit", "municipal", "some_muni_fund", "gold", "global_bond")  # fmt: skip


@pytest.mark.parametrize("cls", CLASSES)
def test_tax_exempt_accounts_have_no_drag(cls: str) -> None:
    drag = class_drag(cls, HH, DEFAULT)
    assert drag[EXEMPT] == 0
    assert drag[TAXABLE] >= 0 and drag[DEFERRED] >= 0


@pytest.mark.parametrize("bond", ["us_bond", "treasury", "corporate", "high_yield", "reit"])
def test_ordinary_income_classes_are_cheaper_in_tax_deferred_than_taxable(bond: str) -> None:
    drag = class_drag(bond, HH, DEFAULT)
    assert drag[DEFERRED] < drag[TAXABLE]
    # and they gain more from the move than equity does: bonds belong in the IRA
    equity = class_drag("us_large", HH, DEFAULT)
    assert drag[TAXABLE] - drag[DEFERRED] > equity[TAXABLE] - equity[DEFERRED]


def test_equity_is_cheaper_in_taxable_than_tax_deferred() -> None:
    # qualified dividends and long-term growth lose their lower rate inside an IRA
    for cls in ("us_large", "intl_developed", "emerging"):
        drag = class_drag(cls, HH, DEFAULT)
        assert drag[TAXABLE] < drag[DEFERRED]


def test_municipal_bonds_are_cheapest_in_taxable() -> None:
    for name in ("municipal", "some_muni_fund"):
        muni = class_drag(name, HH, DEFAULT)
        assert muni[TAXABLE] == 0 < muni[DEFERRED]
        # the cheapest class to hold in a taxable account
        assert muni[TAXABLE] <= min(class_drag(c, HH, DEFAULT)[TAXABLE] for c in CLASSES)


def test_drag_follows_the_household_rates() -> None:
    low = Household("L", st_rate=Decimal("0.22"), lt_rate=Decimal("0.15"))
    assert (
        class_drag("us_bond", low, DEFAULT)[TAXABLE] < class_drag("us_bond", HH, DEFAULT)[TAXABLE]
    )
    # bond interest is ordinary either way: no gain or loss from deferring it
    assert class_drag("us_bond", HH, DEFAULT)[DEFERRED] == pytest.approx(0.0)


def test_class_overrides_change_the_drag() -> None:
    base = class_drag("us_bond", HH, DEFAULT)
    muni_like = AssetClassAssumption(0.04, 0.04, TaxCharacter.TAX_EXEMPT)
    over = LocationSettings(classes={"us_bond": muni_like})
    drag = class_drag("us_bond", HH, over)
    assert drag[TAXABLE] == 0 < base[TAXABLE]
    assert drag[DEFERRED] > base[DEFERRED]
    # an override touches only its class, and names an unknown class too
    assert class_drag("us_large", HH, over) == class_drag("us_large", HH, DEFAULT)
    hot = LocationSettings(
        classes={"gold": AssetClassAssumption(0.05, 0.05, TaxCharacter.ORDINARY)}
    )
    assert class_drag("gold", HH, hot)[TAXABLE] > class_drag("gold", HH, DEFAULT)[TAXABLE]
    # growth_realization and the household rates enter the taxable drag of growth
    slow = LocationSettings(growth_realization=0.0)
    assert class_drag("us_large", HH, slow)[TAXABLE] < class_drag("us_large", HH, DEFAULT)[TAXABLE]


# ---------------------------------------------------------------- location score

ACCOUNTS = (Account("T", "H", TAXABLE), Account("I", "H", DEFERRED))
SECS = (Security("EQ", Decimal(1), EQUITY), Security("BD", Decimal(1), BONDS))
DRAG = drag_matrix(ACCOUNTS, SECS, HH, DEFAULT)
NAMES = [s.asset_class for s in SECS]


def _values(bonds_in_ira: float) -> np.ndarray:
    """Two 100-USD accounts, 120 equity and 80 bonds in all; `bonds_in_ira` of the 80 in the IRA."""
    return np.array([[40 + bonds_in_ira, 80 - bonds_in_ira], [80 - bonds_in_ira, bonds_in_ira]])


def test_drag_matrix_is_the_class_drag_per_account_kind() -> None:
    for i, a in enumerate(ACCOUNTS):
        for j, s in enumerate(SECS):
            assert DRAG[i, j] == class_drag(s.asset_class, HH, DEFAULT)[a.kind]


def test_location_score_is_100_for_the_best_placement_and_0_for_the_worst() -> None:
    # the IRA can hold at most 80 of bonds (all) and at least 0
    assert location_score(_values(80), DRAG, NAMES) == pytest.approx(100)
    assert location_score(_values(0), DRAG, NAMES) == pytest.approx(0)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.5, 79.5))
def test_location_score_is_in_between_otherwise(bonds_in_ira: float) -> None:
    score = location_score(_values(bonds_in_ira), DRAG, NAMES)
    assert score is not None and 0 < score < 100
    # drag is linear in what moves: the score is the share of the possible move made
    assert score == pytest.approx(100 * bonds_in_ira / 80, abs=1e-6)


def test_location_score_needs_something_that_can_move() -> None:
    one_account = np.array([[120.0, 80.0]])
    assert location_score(one_account, DRAG[:1], NAMES) is None
    same_kind = drag_matrix((ACCOUNTS[0], Account("T2", "H", TAXABLE)), SECS, HH, DEFAULT)
    assert location_score(_values(30), same_kind, NAMES) is None


def test_location_score_counts_securities_of_one_class_together() -> None:
    secs = (*SECS, Security("BD2", Decimal(1), BONDS))
    drag = drag_matrix(ACCOUNTS, secs, HH, DEFAULT)
    names = [s.asset_class for s in secs]
    split = np.array([[60.0, 20.0, 20.0], [60.0, 20.0, 20.0]])  # 40 of 80 bonds in the IRA
    assert location_score(split, drag, names) == pytest.approx(50)
    best = np.array([[100.0, 0.0, 0.0], [20.0, 50.0, 30.0]])
    assert location_score(best, drag, names) == pytest.approx(100)


# ---------------------------------------------------------------- overrides reach the solve


def test_overrides_reverse_what_the_household_proposal_moves() -> None:
    # Bonds taxed like munis and equity paying ordinary income: now equity belongs in the IRA.
    lots = (
        lot("T1", "T", "VTI", 600, 54_000, 800),
        lot("T2", "T", "BND", 400, 38_000, 800),
        lot("I1", "I", "VTI", 600, 50_000, 800),
        lot("I2", "I", "BND", 400, 40_000, 800),
    )
    accounts = (Account("T", "H", TAXABLE), Account("I", "H", DEFERRED))
    classes = {
        "us_bond": AssetClassAssumption(0.04, 0.04, TaxCharacter.TAX_EXEMPT),
        "us_large": AssetClassAssumption(0.07, 0.05, TaxCharacter.ORDINARY),
    }
    base = Settings(as_of=AS_OF)
    flipped = dataclasses.replace(base, location=LocationSettings(classes=classes))
    for s, ira_class in ((base, BONDS), (flipped, EQUITY)):
        b = family_book(accounts, lots, settings=s)
        p = run(b)
        after = holdings_after(b, p)
        assert class_weight(b, after, "I", ira_class) > 0.6, (ira_class, p.trades)
        h = p.household
        assert h.tax_drag_after < h.tax_drag_before
