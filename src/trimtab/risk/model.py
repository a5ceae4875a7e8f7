"""Risk models: the class-based default, or a shrinkage estimate from the book's price history.

The class default is a factor model, exactly: cov = loadings @ loadings.T + diag(specific) with
one factor per asset class, so the optimizer solves with k factor variables and a diagonal
instead of a dense S x S block (docs/performance.md, "Factor-form risk"); `cov` is the same
matrix, for every measure. The estimate from price history is dense unless the book asks for a
factor form of it (`optimizer.risk_factors`, `class_factor_form`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from threadpoolctl import threadpool_limits

from trimtab.domain import Security
from trimtab.risk.classes import KIND_IDIO_SHARE, class_corr, class_vol

if TYPE_CHECKING:
    from trimtab.book import Book

TRADING_DAYS = 252
MIN_DAYS = 60
"""Fewest daily returns a security needs to be estimated rather than take the class default."""


@dataclass(frozen=True, eq=False)
class RiskModel:
    """Annual covariance of returns (fractions squared) over `symbols`; `source` says how.

    `measured[i]` says whether symbol i's row was estimated from the book's price history (False:
    the class default); only measured pairs may make two securities substitutes unasked.
    """

    symbols: tuple[str, ...]
    cov: np.ndarray
    source: str
    shrinkage: float | None = None
    measured: np.ndarray | None = None
    loadings: np.ndarray | None = None
    """(N, k) exposures scaled by the factors' covariance, with `specific` (N,) variances:
    cov = loadings @ loadings.T + diag(specific) (None: `cov` only, dense)."""
    specific: np.ndarray | None = None

    def measured_of(self, symbols: Sequence[str]) -> np.ndarray:
        """Whether each of `symbols` was estimated from price history."""
        if self.measured is None:
            return np.zeros(len(symbols), dtype=bool)
        idx = self.index()
        return np.array([bool(self.measured[idx[s]]) for s in symbols], dtype=bool)

    def index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.symbols)}

    def sub(self, symbols: Sequence[str]) -> np.ndarray:
        """The covariance restricted to `symbols`, in that order."""
        pick = self._rows(symbols)
        return self.cov[np.ix_(pick, pick)]

    def factors_of(self, symbols: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """(loadings, specific) restricted to `symbols`, in that order (None: no factor form)."""
        if self.loadings is None or self.specific is None:
            return None
        pick = self._rows(symbols)
        return self.loadings[pick], self.specific[pick]

    def _rows(self, symbols: Sequence[str]) -> np.ndarray:
        idx = self.index()
        return np.array([idx[s] for s in symbols], dtype=np.int64)


def class_model(securities: Sequence[Security]) -> RiskModel:
    """Covariance from asset classes: a class factor per class plus an idiosyncratic part that
    depends on the security's kind (small for a fund, large for one issuer's stock)."""
    names, member = np.unique([s.asset_class for s in securities], return_inverse=True)
    vols = np.array([class_vol(c) for c in names])[member]
    between = np.array([[class_corr(a, b) for b in names] for a in names])
    idio = np.array([KIND_IDIO_SHARE[s.kind.value] for s in securities])
    symbols = tuple(s.symbol for s in securities)
    specific = (idio * vols) ** 2
    root = _root(between)
    if root is None:  # the classes' correlations are not a valid matrix: dense, as written
        corr = between[np.ix_(member, member)]
        cov = corr * np.outer(vols, vols) + np.diag(specific)
        return RiskModel(symbols, cov, "asset_class_default")
    loadings = vols[:, None] * root[member]
    return _factored(symbols, loadings, specific, "asset_class_default")


def psd_root(matrix: np.ndarray) -> np.ndarray:
    """R with R R' = matrix over its non-negligible eigenvalues (negative ones dropped): the
    factor form of a covariance, and the rows of a tracking-error cone (R' y has norm^2 y'My)."""
    return _from_eigen(*np.linalg.eigh((matrix + matrix.T) / 2))


def _root(matrix: np.ndarray) -> np.ndarray | None:
    """`psd_root` of a matrix that must be PSD: None when it is not (beyond rounding)."""
    vals, vecs = np.linalg.eigh((matrix + matrix.T) / 2)
    if vals.size and vals.min() < -1e-10 * max(vals.max(), 1.0):
        return None
    return _from_eigen(vals, vecs)


def _from_eigen(vals: np.ndarray, vecs: np.ndarray) -> np.ndarray:
    keep = vals > 1e-12 * max(float(vals.max(initial=0.0)), 1e-300)
    return vecs[:, keep] * np.sqrt(vals[keep])


def _factored(
    symbols: tuple[str, ...],
    loadings: np.ndarray,
    specific: np.ndarray,
    source: str,
    shrinkage: float | None = None,
    measured: np.ndarray | None = None,
) -> RiskModel:
    """A model whose `cov` is exactly its factor form."""
    cov = loadings @ loadings.T + np.diag(specific)
    return RiskModel(symbols, cov, source, shrinkage, measured, loadings, specific)


def estimated_model(
    securities: Sequence[Security],
    dates: np.ndarray,
    symbols: Sequence[str],
    closes: np.ndarray,
    factors: int = 0,
) -> RiskModel:
    """`_estimated_model` on one BLAS thread: the same bits wherever it runs.

    A threaded product or eigendecomposition of a few hundred securities rounds differently
    with 1 or 2 threads, and the estimate is part of every household's input digest: a run
    started with OPENBLAS_NUM_THREADS=1 (as Dask sets for its workers, and leaks into the
    process that starts them) would find no household unchanged and solve them all again.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _estimated_model(securities, dates, symbols, closes, factors)


def _estimated_model(
    securities: Sequence[Security],
    dates: np.ndarray,
    symbols: Sequence[str],
    closes: np.ndarray,
    factors: int = 0,
) -> RiskModel:
    """Ledoit-Wolf shrinkage toward the asset-class correlations, on daily log returns, annualised.

    The target keeps each security's sample variance and takes its correlations from the class
    model, so funds of one class stay near-perfect substitutes however noisy the sample is.

    `closes[t, j]` is the close of `symbols[j]` on `dates[t]` (NaN when missing). Securities with
    fewer than MIN_DAYS complete returns keep their class-default rows, scaled to stay positive
    semi-definite (eigenvalues clipped at zero). The estimate is dense (a sample covariance has
    no exact factor form of useful size) unless `factors` > 0: then it is put in the factor form
    of `class_factor_form` with that many statistical factors.
    """
    default = class_model(securities)
    col = {s: j for j, s in enumerate(symbols)}
    order = np.argsort(dates)
    table = closes[order]
    with np.errstate(divide="ignore", invalid="ignore"):
        rets = np.diff(np.log(table), axis=0)
    usable = [i for i, s in enumerate(securities) if s.symbol in col]
    usable = [
        i for i in usable if np.isfinite(rets[:, col[securities[i].symbol]]).sum() >= MIN_DAYS
    ]
    if len(usable) < 2:
        return default
    x = rets[:, [col[securities[i].symbol] for i in usable]]
    x = x[np.isfinite(x).all(axis=1)]
    if len(x) < MIN_DAYS:
        return default
    prior = default.cov[np.ix_(usable, usable)]
    prior_sd = np.sqrt(np.diag(prior))
    shrunk, delta = _ledoit_wolf(x, prior / np.outer(prior_sd, prior_sd))
    cov = default.cov.copy()
    cov[np.ix_(usable, usable)] = shrunk * TRADING_DAYS
    measured = np.zeros(len(securities), dtype=bool)
    measured[usable] = True
    cov = _psd(cov)
    if factors <= 0:
        return RiskModel(default.symbols, cov, "price_history_ledoit_wolf", delta, measured)
    loadings, specific = class_factor_form(cov, [s.asset_class for s in securities], factors)
    source = "price_history_ledoit_wolf_factors"
    return _factored(default.symbols, loadings, specific, source, delta, measured)


def class_factor_form(
    cov: np.ndarray, classes: Sequence[str], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(loadings, specific) of a factor model fitted to `cov`: one factor per asset class (the
    equal-weighted average of its members, each security's beta on its own class's factor by
    least squares, the factors' covariance as `cov` implies it), plus the k strongest principal
    components of the residual correlation; each security's variance is kept exactly (the rest
    is its specific variance).

    Principal components of the whole matrix would miss what makes two funds of one class 0.99
    correlated (a small shared move, far down the spectrum); a class factor keeps it.
    """
    n = len(classes)
    _, member = np.unique(np.asarray(classes, dtype=object), return_inverse=True)
    weights = np.zeros((member.max(initial=-1) + 1, n))
    weights[member, np.arange(n)] = 1.0
    weights /= weights.sum(axis=1, keepdims=True)
    with_factor = cov @ weights.T  # (n, classes): cov(x_i, f_c)
    factor_cov = weights @ with_factor
    own = factor_cov[member, member]
    beta = np.where(own > 0, with_factor[np.arange(n), member] / np.where(own > 0, own, 1.0), 0.0)
    exposure = np.zeros_like(with_factor)
    exposure[np.arange(n), member] = beta
    root = _root(factor_cov)
    common = exposure @ root if root is not None else np.zeros((n, 0))
    rest = np.eye(n) - exposure @ weights
    residual = rest @ cov @ rest.T
    sd = np.sqrt(np.maximum(np.diag(residual), 0.0))
    safe = np.where(sd > 0, sd, 1.0)
    vals, vecs = np.linalg.eigh(residual / np.outer(safe, safe))
    top = np.argsort(vals)[::-1][: max(k, 0)]
    top = top[vals[top] > 1e-12]
    loadings = np.hstack([common, vecs[:, top] * np.sqrt(vals[top]) * sd[:, None]])
    specific = np.maximum(np.diag(cov) - (loadings**2).sum(axis=1), 0.0)
    return loadings, specific


def _ledoit_wolf(x: np.ndarray, corr_target: np.ndarray) -> tuple[np.ndarray, float]:
    """Shrink the sample covariance of returns `x` (T, N) toward a fixed correlation structure.

    The target is F = R * sd sd' (sample variances kept). The intensity follows Ledoit & Wolf
    (2003), "Honey, I shrunk the sample covariance matrix", with their constant correlation
    replaced by the fixed R: delta = clip((pi - rho) / gamma / T, 0, 1).
    """
    t, _ = x.shape
    x = x - x.mean(axis=0)
    s = x.T @ x / t
    var = np.diag(s).copy()
    sd = np.sqrt(np.maximum(var, 1e-18))
    target = corr_target * np.outer(sd, sd)
    np.fill_diagonal(target, var)
    x2 = x**2
    pi_mat = x2.T @ x2 / t - s**2
    theta = (x**3).T @ x / t - var[:, None] * s
    ratio = np.outer(1 / sd, sd)
    rho_off = corr_target / 2 * (ratio * theta + ratio.T * theta.T)
    np.fill_diagonal(rho_off, 0.0)
    rho = np.trace(pi_mat) + rho_off.sum()
    gamma = ((target - s) ** 2).sum()
    delta = 0.0 if gamma <= 0 else float(np.clip((pi_mat.sum() - rho) / gamma / t, 0.0, 1.0))
    return delta * target + (1 - delta) * s, delta


def _psd(cov: np.ndarray) -> np.ndarray:
    cov = (cov + cov.T) / 2
    vals, vecs = np.linalg.eigh(cov)
    if vals.min() >= 0:
        return cov
    return (vecs * np.maximum(vals, 0)) @ vecs.T


def risk_model_for(book: Book) -> RiskModel:
    """The book's model: estimated from price_history.csv when present, else the class default."""
    secs = list(book.securities)
    if book.price_history is None or len(book.price_history) == 0:
        return class_model(secs)
    dates, symbols, table = book.price_history.wide()
    return estimated_model(secs, dates, symbols, table, book.settings.optimizer.risk_factors)
