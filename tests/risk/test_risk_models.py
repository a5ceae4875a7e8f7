"""Risk models: the class default and the Ledoit-Wolf estimate from price history."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trimtab.book import Book
from trimtab.book.book import PriceHistory
from trimtab.check import load_checked
from trimtab.domain import Security
from trimtab.generate import write_sample_book
from trimtab.names import SecurityKind
from trimtab.risk import class_model, estimated_model, risk_model_for
from trimtab.risk.classes import KIND_IDIO_SHARE, class_corr, class_vol
from trimtab.risk.model import MIN_DAYS, TRADING_DAYS, class_factor_form

CLASSES = ["us_large", "us_small", "intl_developed", "emerging", "us_bond", "tips", "reit",
           "commodities", "municipal", "some_new_equity_class"]  # fmt: skip


def sec(symbol: str, asset_class: str, kind: SecurityKind = SecurityKind.FUND) -> Security:
    return Security(symbol, Decimal(100), asset_class, kind=kind)


def corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def is_psd(cov: np.ndarray) -> bool:
    return bool(np.allclose(cov, cov.T) and np.linalg.eigvalsh(cov).min() >= -1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=12))
def test_class_default_is_psd(classes: list[str]) -> None:
    model = class_model([sec(f"S{i}", c) for i, c in enumerate(classes)])
    assert model.cov.shape == (len(classes), len(classes))
    assert is_psd(model.cov)
    assert np.all(np.diag(model.cov) > 0)
    assert model.source == "asset_class_default"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(CLASSES), st.sampled_from(list(SecurityKind))),
        min_size=1,
        max_size=15,
    )
)
def test_class_default_is_exactly_a_factor_model(picks: list[tuple[str, SecurityKind]]) -> None:
    """cov = loadings loadings' + diag(specific), one factor per asset class at most, and the
    same matrix as the class correlations written out (what the optimizer's factor form solves
    is what every measure reads)."""
    secs = [sec(f"S{i}", c, kind) for i, (c, kind) in enumerate(picks)]
    model = class_model(secs)
    assert model.loadings is not None and model.specific is not None
    assert model.loadings.shape[1] <= len({c for c, _ in picks})
    assert np.array_equal(model.cov, model.loadings @ model.loadings.T + np.diag(model.specific))
    vols = np.array([class_vol(c) for c, _ in picks])
    written = np.array([[class_corr(a, b) for b, _ in picks] for a, _ in picks])
    idio = np.array([KIND_IDIO_SHARE[k.value] for _, k in picks])
    dense = written * np.outer(vols, vols) + np.diag((idio * vols) ** 2)
    np.testing.assert_allclose(model.cov, dense, rtol=1e-12, atol=1e-15)
    loadings, specific = model.factors_of([secs[-1].symbol, secs[0].symbol])  # type: ignore[misc]
    assert np.array_equal(loadings, model.loadings[[-1, 0]])
    assert np.array_equal(specific, model.specific[[-1, 0]])


def test_class_default_same_class_correlated_different_classes_not() -> None:
    secs = [sec("VTI", "us_large"), sec("ITOT", "us_large"), sec("BND", "us_bond"),
            sec("AGG", "us_bond"), sec("EFA", "intl_developed"), sec("VNQ", "reit")]  # fmt: skip
    c = corr(class_model(secs).cov)
    assert c[0, 1] > 0.95 and c[2, 3] > 0.95
    for i in range(len(secs)):
        for j in range(len(secs)):
            if i != j and secs[i].asset_class != secs[j].asset_class:
                assert c[i, j] < 0.95
    assert c[0, 2] < 0.5  # stocks and bonds
    assert c[0, 4] < c[0, 1]  # another equity class: correlated, less than a same-class fund


def test_single_stocks_carry_their_own_issuer_risk() -> None:
    """Two stocks of one class are never near-perfect substitutes; a fund of the class is the
    closest thing to either, and individual bonds sit in between."""
    stock, bond = SecurityKind.STOCK, SecurityKind.BOND
    secs = [sec("AAA", "us_large", stock), sec("BBB", "us_large", stock), sec("VOO", "us_large"),
            sec("T1", "treasury", bond), sec("T2", "treasury", bond)]  # fmt: skip
    model = class_model(secs)
    c = corr(model.cov)
    assert c[0, 1] == pytest.approx(1 / (1 + 1.2**2))  # 0.41
    assert c[0, 2] == pytest.approx(1 / np.sqrt((1 + 1.2**2) * (1 + 0.1**2)))  # 0.64
    assert c[3, 4] == pytest.approx(1 / (1 + 0.5**2))  # 0.8
    assert np.sqrt(model.cov[0, 0]) > np.sqrt(model.cov[2, 2]) * 1.5  # a name is more volatile
    assert not model.measured_of(["AAA", "VOO"]).any()  # nothing is measured without history


def simulated_closes(cov_daily: np.ndarray, days: int, seed: int = 42) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rets = rng.multivariate_normal(np.zeros(len(cov_daily)), cov_daily, size=days)
    return 100 * np.exp(np.vstack([np.zeros(len(cov_daily)), np.cumsum(rets, axis=0)]))


TRUE_VOL = np.array([0.18, 0.20, 0.06, 0.25])
TRUE_CORR = np.array([
    [1.0, 0.85, 0.0, 0.5],
    [0.85, 1.0, 0.1, 0.5],
    [0.0, 0.1, 1.0, 0.2],
    [0.5, 0.5, 0.2, 1.0],
])  # fmt: skip
SECS = [sec("A", "us_large"), sec("B", "us_large"), sec("C", "us_bond"), sec("D", "emerging")]


def test_estimate_recovers_a_known_correlation_structure() -> None:
    cov_annual = TRUE_CORR * np.outer(TRUE_VOL, TRUE_VOL)
    closes = simulated_closes(cov_annual / TRADING_DAYS, 1_000)
    dates = np.datetime64("2020-01-01") + np.arange(len(closes))
    model = estimated_model(SECS, dates, ["A", "B", "C", "D"], closes)
    assert model.source == "price_history_ledoit_wolf"
    assert model.shrinkage is not None and 0.0 <= model.shrinkage <= 1.0
    assert model.loadings is None and model.factors_of(["A"]) is None  # an estimate is dense
    assert is_psd(model.cov)
    vols = np.sqrt(np.diag(model.cov))
    assert np.allclose(vols, TRUE_VOL, rtol=0.1)
    c = corr(model.cov)
    off = ~np.eye(4, dtype=bool)
    assert np.abs(c - TRUE_CORR)[off].max() < 0.15
    assert c[0, 1] > c[0, 3] > c[0, 2]  # the order of the structure survives


def test_estimate_with_rows_out_of_order_and_short_histories() -> None:
    cov_annual = TRUE_CORR * np.outer(TRUE_VOL, TRUE_VOL)
    closes = simulated_closes(cov_annual / TRADING_DAYS, 400, seed=7)
    closes[: len(closes) - MIN_DAYS // 2, 3] = np.nan  # D: too short a history
    dates = np.datetime64("2021-01-01") + np.arange(len(closes))
    perm = np.random.default_rng(1).permutation(len(dates))
    model = estimated_model(SECS, dates[perm], ["A", "B", "C", "D"], closes[perm])
    in_order = estimated_model(SECS, dates, ["A", "B", "C", "D"], closes)
    np.testing.assert_allclose(model.cov, in_order.cov)
    assert is_psd(model.cov)
    default = class_model(SECS).cov
    assert model.cov[3, 3] == pytest.approx(default[3, 3])  # D keeps its class default
    assert np.sqrt(model.cov[2, 2]) == pytest.approx(TRUE_VOL[2], rel=0.15)


def test_book_with_price_history_uses_the_estimate() -> None:
    cov_annual = TRUE_CORR * np.outer(TRUE_VOL, TRUE_VOL)
    closes = simulated_closes(cov_annual / TRADING_DAYS, 300, seed=3)
    days = np.datetime64("2022-01-03") + np.arange(len(closes))
    symbols = np.array(["A", "B", "C", "D"])
    history = PriceHistory(np.repeat(days, 4), np.tile(symbols, len(days)), closes.reshape(-1))
    b = Book(tuple(SECS), (), (), (), (), price_history=history)
    model = risk_model_for(b)
    assert model.source == "price_history_ledoit_wolf"
    assert model.symbols == ("A", "B", "C", "D")
    assert is_psd(model.cov)
    assert risk_model_for(Book(tuple(SECS), (), (), (), ())).source == "asset_class_default"
    sub = model.sub(["C", "A"])
    assert sub[0, 1] == model.cov[2, 0] and sub.shape == (2, 2)


def test_factor_estimate_keeps_every_variance_and_the_structure() -> None:
    cov_annual = TRUE_CORR * np.outer(TRUE_VOL, TRUE_VOL)
    closes = simulated_closes(cov_annual / TRADING_DAYS, 1_000)
    dates = np.datetime64("2020-01-01") + np.arange(len(closes))
    dense = estimated_model(SECS, dates, ["A", "B", "C", "D"], closes)
    model = estimated_model(SECS, dates, ["A", "B", "C", "D"], closes, factors=1)
    assert model.source == "price_history_ledoit_wolf_factors"
    assert model.loadings is not None and model.specific is not None
    assert np.array_equal(model.cov, model.loadings @ model.loadings.T + np.diag(model.specific))
    np.testing.assert_allclose(np.diag(model.cov), np.diag(dense.cov), rtol=1e-12)
    assert np.all(model.specific >= 0) and is_psd(model.cov)
    assert np.abs(corr(model.cov) - corr(dense.cov)).max() < 0.1
    assert model.shrinkage == dense.shrinkage and np.array_equal(model.measured, dense.measured)  # type: ignore[arg-type]


def test_class_factor_keeps_two_near_identical_funds_together() -> None:
    """Two funds of one class at 0.99 among 40 independent stocks: the strongest components of
    the whole matrix are the stocks' noise, the class factor is what keeps the pair."""
    rng = np.random.default_rng(3)
    n = 42
    cov = np.diag(rng.uniform(0.04, 0.09, n))
    cov[:2, :2] = 0.0025 * np.array([[1.0, 0.99], [0.99, 1.0]])
    classes = ["tips", "tips"] + [f"stock_{i % 4}" for i in range(n - 2)]
    loadings, specific = class_factor_form(cov, classes, k=3)
    rebuilt = loadings @ loadings.T + np.diag(specific)
    np.testing.assert_allclose(np.diag(rebuilt), np.diag(cov))
    assert corr(rebuilt)[0, 1] == pytest.approx(0.99, abs=1e-9)


def test_generated_book_factor_form_keeps_tracking_error_and_substitutes(tmp_path: Path) -> None:
    """docs/settings.md, `risk_factors`: at k = 10 on a generated book the tracking error of
    random active positions stays within 1.3% (median) and 5% (95th percentile) of the dense
    estimate's, and every pair at 0.90 or more stays there."""
    write_sample_book(tmp_path / "book", households=6, seed=0)
    book = load_checked(tmp_path / "book")
    assert book.price_history is not None
    dates, symbols, table = book.price_history.wide()
    secs = list(book.securities)
    dense = estimated_model(secs, dates, symbols, table)
    model = estimated_model(secs, dates, symbols, table, factors=10)
    assert model.loadings is not None and model.loadings.shape[1] <= 10 + len(secs)
    rng = np.random.default_rng(0)
    errors = []
    for _ in range(300):
        y = rng.normal(size=len(secs)) * (rng.random(len(secs)) < 0.3)
        errors.append(abs(np.sqrt(y @ model.cov @ y / (y @ dense.cov @ y)) - 1))
    assert np.median(errors) <= 0.013 and np.quantile(errors, 0.95) <= 0.05
    upper = np.triu_indices(len(secs), 1)
    assert np.array_equal(corr(model.cov)[upper] >= 0.9, corr(dense.cov)[upper] >= 0.9)
    with_setting = replace(
        book,
        settings=replace(
            book.settings, optimizer=replace(book.settings.optimizer, risk_factors=10)
        ),
    )
    assert np.array_equal(risk_model_for(with_setting).cov, model.cov)
    assert risk_model_for(book).loadings is None  # the default: dense


def _model_digest(folder: Path) -> str:
    import hashlib

    model = risk_model_for(load_checked(folder))
    h = hashlib.sha256()
    for part in (model.cov, model.loadings, model.specific):
        if part is not None:
            h.update(np.ascontiguousarray(part).tobytes())
    return h.hexdigest()


def test_the_estimate_has_the_same_bits_whatever_the_blas_threads(tmp_path: Path) -> None:
    """The estimate is part of every household's input digest: a run started with one BLAS
    thread (as Dask sets, and leaks into the process that starts its workers) must see the same
    model as one with all cores, or a rerun finds no household unchanged."""
    import os
    import subprocess
    import sys

    write_sample_book(tmp_path, 8, seed=0)
    code = (
        "import sys; from pathlib import Path; sys.path[:0] = sys.argv[2:]; "
        "from tests.risk.test_risk_models import _model_digest; "
        "print(_model_digest(Path(sys.argv[1])))"
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    one = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), *sys.path],
        env=env, capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert one.stdout.strip() == _model_digest(tmp_path)
