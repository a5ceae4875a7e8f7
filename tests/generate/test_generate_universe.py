"""The fixed universe and the model lineup."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from trimtab.generate import generate_book
from trimtab.generate.models import DI_BLEND, DI_MODEL, RISK_LEVELS, build_lineup
from trimtab.generate.universe import ASSET_CLASSES, build_universe
from trimtab.names import CASH, MODEL_PREFIX


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    return generate_book(5, seed=0, history_days=0)


def test_universe_has_etfs_per_class_and_a_hundred_stocks() -> None:
    u = build_universe()
    assert len(set(u.symbols.tolist())) == len(u)
    assert 8 <= len(ASSET_CLASSES) <= 12
    for c in range(len(ASSET_CLASSES)):
        assert 2 <= len(u.class_etfs(c)) <= 3
    assert int(u.is_stock.sum()) == 100
    assert set(u.asset_class[u.is_stock].tolist()) == {"us_large"}
    assert u.cap[u.is_stock].sum() == pytest.approx(1.0)
    tags = Counter(t for text in u.tags[u.is_stock] for t in text.split(";"))
    for esg in ("fossil_fuels", "tobacco", "weapons", "gambling"):
        assert tags[esg] >= 1
    assert tags["fossil_fuels"] >= 8


def test_universe_does_not_depend_on_the_seed() -> None:
    a, b = generate_book(2, seed=1, history_days=0), generate_book(2, seed=2, history_days=0)
    assert [s.symbol for s in a.securities] == [s.symbol for s in b.securities]
    assert {s.tags for s in a.securities} == {s.tags for s in b.securities}
    assert set(a.models) == set(b.models)
    assert a.securities != b.securities  # prices differ


def test_wash_groups_are_few_and_within_one_class() -> None:
    u = build_universe()
    groups: dict[str, set[str]] = {}
    for g, cls in zip(u.wash_group.tolist(), u.asset_class.tolist(), strict=True):
        if g:
            groups.setdefault(g, set()).add(cls)
    assert 1 <= len(groups) <= 3
    assert all(len(classes) == 1 for classes in groups.values())
    counts = Counter(g for g in u.wash_group.tolist() if g)
    assert all(n >= 2 for n in counts.values())


def test_every_model_sums_to_exactly_one(book) -> None:  # type: ignore[no-untyped-def]
    for model in book.models:
        assert sum(c.weight for c in model.components) == Decimal(1), model.model_id
        assert all(c.weight >= 0 for c in model.components)
        assert sum(book.target_weights(model.model_id).values()) == Decimal(1)


def test_balanced_models_are_sleeves_at_their_risk_level(book) -> None:  # type: ignore[no-untyped-def]
    classes = {s.symbol: s.asset_class for s in book.securities}
    equity = {ac.name for ac in ASSET_CLASSES if ac.equity}
    for lineup in ("CORE", "ALT", "MUNI"):
        for level in RISK_LEVELS:
            model = book.model_by_id[f"{lineup}_{level}"]
            assert any(c.component.startswith(MODEL_PREFIX) for c in model.components)
            flat = book.target_weights(model.model_id)
            eq = sum(w for s, w in flat.items() if s != CASH and classes[s] in equity)
            assert eq == Decimal(level) / 100
            assert Decimal("0.005") <= flat[CASH] <= Decimal("0.03")


def test_direct_index_model_is_cap_weighted_stocks(book) -> None:  # type: ignore[no-untyped-def]
    u = build_universe()
    flat = book.target_weights(DI_MODEL)
    stocks = {s for s in flat if s != CASH}
    assert len(stocks) == 100
    caps = dict(zip(u.symbols.tolist(), u.cap.tolist(), strict=True))
    for s in stocks:
        assert float(flat[s]) == pytest.approx(caps[s] * (1 - float(flat[CASH])), abs=2e-6)
    blend = book.target_weights(DI_BLEND)
    assert sum(w for s, w in blend.items() if s in stocks) == pytest.approx(
        Decimal("0.45") * (1 - flat[CASH])
    )


def test_lineup_holdings_match_flattened_models(book) -> None:  # type: ignore[no-untyped-def]
    u = build_universe()
    lineup = build_lineup(u)
    for model in book.models:
        sec, w = lineup.holdings[model.model_id]
        flat = book.target_weights(model.model_id)
        expected = {s: float(v) for s, v in flat.items() if s != CASH}
        got = dict(zip(u.symbols[sec].tolist(), w.tolist(), strict=True))
        assert got == pytest.approx(expected)
