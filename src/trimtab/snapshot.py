"""One household's state as arrays: the only input the rebalancing methods see.

Built once from the book and the tax ledger; everything after it is pure computation. Floats
(USD, shares, fractions of account value) live here; the exact `Lot` records ride along so the
proposal can report realized gains in Decimal cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from trimtab.book import Book
from trimtab.domain import Account, Household, Lot, Security
from trimtab.names import CASH, Rule, Term
from trimtab.risk import RiskModel, risk_model_for
from trimtab.snapshot_cache import frames as _frames

if TYPE_CHECKING:
    from trimtab.tax.costs import WashBlocks
    from trimtab.tax.records import Ledger


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A household on `as_of`. Shapes: A accounts, S securities, L lots.

    `targets[a, s]` and `target_cash[a]` are fractions of account a's value (the account's model);
    `household_target` is the household model over S (+ `household_target_cash`), None without one.
    `flows[a]` are cash requests in USD (> 0 deposit, < 0 withdrawal); `household_flow` is a request
    scoped to the household for the method to place. Restriction masks are (A, S) booleans.
    `wash_no_buy[s]` / `wash_no_loss_sale[s]` come from the household-wide 30-day window, and
    `lot_loss_blocked[l]` says whether a loss sale of lot l now would be washed (a purchase is
    never its own replacement). `cov` is the annual covariance of returns over the securities.
    `realized_*_ytd` (USD) are the household's net gains of the as-of year so far: the book's
    history replayed (taxable accounts) plus the household's `realized_*_ytd` from outside it.
    `stand_in[a, s]` is the security s counts as in account a's drift (itself unless it shares a
    targeted security's wash group or is a declared alternate of one), `alt_rank[a, s]` its rank
    as such (0 for the model security or its wash group, inf when it stands in for nothing);
    `household_stand_in` the same against the household's target. `measured[s]` says whether the
    risk model estimated s from the book's price history. `loadings` (S, k) and `specific` (S,)
    are the risk model's factor form over the securities (cov = loadings loadings' +
    diag(specific)), None when the model has none.
    """

    as_of: date
    household: Household
    accounts: tuple[Account, ...]
    securities: tuple[Security, ...]
    prices: np.ndarray
    lots: tuple[Lot, ...]
    lot_account: np.ndarray
    lot_security: np.ndarray
    lot_qty: np.ndarray
    lot_basis: np.ndarray
    lot_acquired: np.ndarray
    targets: np.ndarray
    target_cash: np.ndarray
    household_target: np.ndarray | None
    household_target_cash: float
    no_buy: np.ndarray
    no_sell: np.ndarray
    exclude: np.ndarray
    cash: np.ndarray
    reserve: np.ndarray
    min_trade: np.ndarray
    fractional: np.ndarray
    managed: np.ndarray
    flows: np.ndarray
    household_flow: float
    wash_no_buy: np.ndarray
    wash_no_loss_sale: np.ndarray
    lot_loss_blocked: np.ndarray
    cov: np.ndarray
    stand_in: np.ndarray
    alt_rank: np.ndarray
    household_stand_in: np.ndarray
    measured: np.ndarray
    realized_st_ytd: float = 0.0
    realized_lt_ytd: float = 0.0
    loadings: np.ndarray | None = None
    specific: np.ndarray | None = None

    @property
    def symbols(self) -> list[str]:
        return [s.symbol for s in self.securities]

    @cached_property
    def identities(self) -> np.ndarray:
        """The wash identity (`Security.identity`) of each security, as an array of str."""
        return np.array([s.identity for s in self.securities], dtype=object)

    @cached_property
    def identity(self) -> np.ndarray:
        """An integer per security, shared by substantially identical ones (one wash group)."""
        _, index = np.unique(self.identities, return_inverse=True)
        return index.astype(np.int64)

    @cached_property
    def corr(self) -> np.ndarray:
        """Return correlations between the securities, from `cov`."""
        sd = np.sqrt(np.maximum(np.diag(self.cov), 1e-18))
        return self.cov / np.outer(sd, sd)

    @cached_property
    def same_class(self) -> np.ndarray:
        """(S, S) whether two securities share an asset class."""
        classes = np.array([s.asset_class for s in self.securities], dtype=object)
        return classes[:, None] == classes[None, :]

    def pool(self, a: int | None = None) -> np.ndarray:
        """Drift pools (an int per security): the wash identity of what each security counts as,
        in account `a` (None: against the household target)."""
        stand = self.household_stand_in if a is None else self.stand_in[a]
        return self.identity[stand]

    def holdings(self) -> np.ndarray:
        """Shares held, (A, S)."""
        held = np.zeros((len(self.accounts), len(self.securities)))
        np.add.at(held, (self.lot_account, self.lot_security), self.lot_qty)
        return held

    def account_values(
        self, holdings: np.ndarray | None = None, cash: np.ndarray | None = None
    ) -> np.ndarray:
        """Account value in USD (A,): holdings at price plus cash."""
        h = self.holdings() if holdings is None else holdings
        c = self.cash if cash is None else cash
        return h @ self.prices + c


def build_snapshots(
    book: Book,
    ledger: Ledger,
    as_of: date,
    households: Iterable[str] | None = None,
    risk: RiskModel | None = None,
) -> Iterator[Snapshot]:
    """One snapshot per household (in book order) from the replayed ledger (lots, wash window)."""
    from trimtab.tax.costs import wash_blocks

    open_lots = ledger.lots_by_account  # kept by the ledger: a chunk asks once per household
    flows: dict[str, Decimal] = {}
    for f in book.cash_flows:
        flows[f.scope] = flows.get(f.scope, Decimal(0)) + f.amount
    wanted = set(households) if households is not None else None
    risk = risk if risk is not None else risk_model_for(book)
    ytd = _realized_this_year(ledger, as_of)
    for hh in book.households:
        if wanted is not None and hh.household_id not in wanted:
            continue
        accounts = tuple(book.accounts_by_household.get(hh.household_id, ()))
        lots = tuple(lot for a in accounts for lot in open_lots.get(a.account_id, ()))
        blocks = wash_blocks(ledger, hh.household_id, as_of, book.security_by_symbol)
        snap = _snapshot(book, hh, accounts, lots, flows, blocks, as_of, risk)
        st, lt = ytd.get(hh.household_id, (0.0, 0.0))
        yield replace(
            snap,
            realized_st_ytd=st + float(hh.realized_st_ytd),
            realized_lt_ytd=lt + float(hh.realized_lt_ytd),
        )


def _realized_this_year(ledger: Ledger, as_of: date) -> dict[str, tuple[float, float]]:
    """(short, long) net realized USD per household in taxable accounts, year of `as_of`."""
    out: dict[str, list[float]] = {}
    for d in ledger.dispositions:
        if d.taxable and d.sold.year == as_of.year and d.sold <= as_of:
            pair = out.setdefault(d.household_id, [0.0, 0.0])
            pair[0 if d.term is Term.SHORT else 1] += float(d.gain)
    return {k: (v[0], v[1]) for k, v in out.items()}


def universe(
    book: Book,
    hh: Household,
    accounts: tuple[Account, ...],
    lots: tuple[Lot, ...],
    risk: RiskModel,
) -> tuple[Security, ...]:
    """Securities a household may hold: held, targeted, and their substitutes.

    A substitute is declared (a wash-group member or an approved alternate of a targeted
    security, alternates.csv) or measured: of a targeted security's asset class, both estimated
    from the book's price history, with a return correlation of at least
    `optimizer.substitute_min_correlation`. They are the only other securities an account may
    buy, so the problem carries no security it could neither hold nor trade.
    """
    held: set[str] = {lot.symbol for lot in lots}
    targeted: set[str] = set()
    models = {book.model_of(a) for a in accounts} | {hh.model_id}
    for model_id in models - {None}:
        targeted |= set(book.target_weights(model_id)) - {CASH}  # type: ignore[arg-type]
    frame = _frames(book, risk)
    key = (frozenset(targeted), frozenset(models - {None}))
    extra = frame.extra.get(key)
    if extra is None:
        pairs = book.alternates_for(models - {None})  # type: ignore[arg-type]
        extra = {alt for (sym, alt) in pairs if sym in targeted}
        groups = {book.security_by_symbol[s].identity for s in targeted}
        extra |= {s.symbol for s in _securities_by_group(book, groups)}
        extra |= _measured_substitutes(book, targeted, targeted | extra, risk)
        frame.extra[key] = frozenset(extra)
    wanted = held | targeted | extra
    return tuple(sorted((book.security_by_symbol[s] for s in wanted), key=lambda s: s.symbol))


def _measured_substitutes(
    book: Book, targeted: set[str], wanted: set[str], risk: RiskModel
) -> set[str]:
    """Same-class securities whose measured correlation with a targeted one is close enough."""
    if risk.measured is None or not targeted:
        return set()
    by_class = _securities_by_class(book)
    classes = sorted({book.security_by_symbol[s].asset_class for s in targeted})
    candidates = sorted({s.symbol for c in classes for s in by_class.get(c, ())} - wanted)
    measured = {s for s, ok in zip(risk.symbols, risk.measured, strict=True) if ok}
    base = sorted(targeted & measured)
    candidates = [c for c in candidates if c in measured]
    if not candidates or not base:
        return set()
    cov = risk.sub(base + candidates)
    sd = np.sqrt(np.maximum(np.diag(cov), 1e-18))
    corr = cov[: len(base), len(base) :] / np.outer(sd[: len(base)], sd[len(base) :])
    same = np.array(
        [[book.security_by_symbol[b].asset_class == book.security_by_symbol[c].asset_class
          for c in candidates] for b in base]
    )  # fmt: skip
    close = ((corr >= book.settings.optimizer.substitute_min_correlation) & same).any(0)
    return {c for c, ok in zip(candidates, close, strict=True) if ok}


def _securities_by_group(book: Book, groups: set[str]) -> list[Security]:
    """Securities of the named wash groups (a symbol alone is its own group)."""
    cache = book.__dict__.setdefault("_by_group", {})
    if not cache:
        for s in book.securities:
            cache.setdefault(s.identity, []).append(s)
    return [s for g in groups for s in cache.get(g, ())]


def _securities_by_class(book: Book) -> dict[str, list[Security]]:
    cache = book.__dict__.setdefault("_by_class", {})
    if not cache:
        for s in book.securities:
            cache.setdefault(s.asset_class, []).append(s)
    return cache


def _snapshot(
    book: Book,
    hh: Household,
    accounts: tuple[Account, ...],
    lots: tuple[Lot, ...],
    flows: dict[str, Decimal],
    blocks: WashBlocks,
    as_of: date,
    risk: RiskModel,
) -> Snapshot:
    secs = universe(book, hh, accounts, lots, risk)
    u = _frames(book, risk).universe(book, secs, risk)
    index = u.index
    acct_index = {a.account_id: i for i, a in enumerate(accounts)}
    n_a, n_s = len(accounts), len(secs)
    targets, target_cash = np.zeros((n_a, n_s)), np.zeros(n_a)
    stand, rank = np.zeros((n_a, n_s), dtype=np.int64), np.zeros((n_a, n_s))
    for i, a in enumerate(accounts):
        row = u.model_row(book, book.model_of(a))
        targets[i], target_cash[i], stand[i], rank[i] = row
    hh_target, hh_cash = None, 0.0
    if hh.model_id:
        hh_target, hh_cash, _, _ = u.model_row(book, hh.model_id)
        hh_target = hh_target.copy()
    no_buy, no_sell, exclude = (np.zeros((n_a, n_s), dtype=bool) for _ in range(3))
    masks = {Rule.NO_BUY: no_buy, Rule.NO_SELL: no_sell, Rule.EXCLUDE: exclude}
    for i, a in enumerate(accounts):
        for r in book.restrictions_for(a):
            masks[r.rule][i] |= u.hits(r)
    f = np.array
    all_models = {m for m in (*map(book.model_of, accounts), hh.model_id) if m}
    hh_stand = u.household_stand_in(book, hh.model_id, all_models, targets)
    return Snapshot(
        as_of=as_of,
        household=hh,
        accounts=accounts,
        securities=secs,
        prices=u.prices.copy(),
        lots=lots,
        lot_account=f([acct_index[lot.account_id] for lot in lots], dtype=np.int64),
        lot_security=f([index[lot.symbol] for lot in lots], dtype=np.int64),
        lot_qty=f([float(lot.quantity) for lot in lots], dtype=float),
        lot_basis=f([float(lot.cost_basis) for lot in lots], dtype=float),
        lot_acquired=f([lot.acquired for lot in lots], dtype="datetime64[D]"),
        targets=targets,
        target_cash=target_cash,
        household_target=hh_target,
        household_target_cash=hh_cash,
        no_buy=no_buy,
        no_sell=no_sell,
        exclude=exclude,
        cash=f([float(a.cash) for a in accounts], dtype=float),
        reserve=f([float(a.cash_reserve) for a in accounts], dtype=float),
        min_trade=f([float(a.min_trade) for a in accounts], dtype=float),
        fractional=f([a.fractional for a in accounts], dtype=bool),
        managed=f([a.managed for a in accounts], dtype=bool),
        flows=f([float(flows.get(a.account_id, 0)) for a in accounts], dtype=float),
        household_flow=float(flows.get(hh.household_id, 0)),
        wash_no_buy=f([s.identity in blocks.no_buy for s in secs], dtype=bool),
        wash_no_loss_sale=f([s.identity in blocks.no_loss_sale for s in secs], dtype=bool),
        lot_loss_blocked=f(
            [blocks.loss_sale_blocked(lot.symbol, lot.lot_id) for lot in lots], dtype=bool
        ),
        cov=u.cov.copy(),
        stand_in=stand,
        alt_rank=rank,
        household_stand_in=hh_stand,
        measured=u.measured.copy(),
        loadings=None if u.loadings is None else u.loadings.copy(),
        specific=None if u.specific is None else u.specific.copy(),
    )
