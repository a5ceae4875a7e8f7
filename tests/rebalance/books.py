"""Small random books for the rebalancing tests, and the invariants every proposal must keep.

`small_books()` is a hypothesis strategy: one household with 1-3 accounts of mixed kinds, 2-6
securities in 2-3 asset classes (some sharing a wash group), lots with gains and losses, short and
long term, recent trades inside the 30-day window, random restrictions (by symbol and by tag), cash
reserves, minimum trades, fractional accounts, cash requests and gain budgets. The books are built
straight from domain records, so no CSV round trip is involved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from trimtab.book import Book
from trimtab.config import Settings
from trimtab.domain import (
    Account,
    CashFlow,
    Household,
    Lot,
    Model,
    ModelComponent,
    Restriction,
    Security,
    Transaction,
)
from trimtab.names import CASH, AccountKind, LotMethod, Rule, Side, Status
from trimtab.rebalance.proposal import Proposal
from trimtab.tax.ledger import replay

AS_OF = date(2024, 6, 14)
CLASSES = ("us_large", "intl_developed", "us_bond")
TAGS = ("fossil", "tobacco")
CENT = Decimal("0.01")
CRASH = re.compile(r"^internal error\b|^[A-Z]\w*(Error|Exception)\b")
"""An exception reason that is a Python error leaking out (the run's safety net caught it:
`trimtab.rebalance.run.crash_reason`)."""


def usd(value: float) -> Decimal:
    return Decimal(repr(round(value, 2))).quantize(CENT)


@st.composite
def small_books(draw: st.DrawFn, *, budgets: bool = True, flows: bool = True) -> Book:
    """A random one-household book (see the module docstring)."""
    n_classes = draw(st.integers(2, 3))
    classes = CLASSES[:n_classes]
    n_secs = draw(st.integers(max(2, n_classes), 6))
    securities = []
    for i in range(n_secs):
        cls = classes[i % n_classes]
        tags = frozenset(draw(st.sets(st.sampled_from(TAGS), max_size=1)))
        grouped = i >= n_classes and draw(st.booleans())
        price = usd(draw(st.floats(10, 400)))
        wash_group = f"g_{cls}" if grouped else None
        securities.append(Security(f"S{i}", price, cls, tags, wash_group))
    # the first security of a class that has grouped siblings joins their group
    groups = {s.wash_group for s in securities if s.wash_group}
    securities = [
        Security(s.symbol, s.price, s.asset_class, s.tags, f"g_{s.asset_class}")
        if s.wash_group is None and f"g_{s.asset_class}" in groups and int(s.symbol[1:]) < n_classes
        else s
        for s in securities
    ]
    models = _models(draw, securities, classes)
    gain_budget = None
    if budgets and draw(st.booleans()):
        gain_budget = usd(draw(st.floats(0, 20_000)))
    household = Household(
        "H1",
        gain_budget=gain_budget,
        realized_st_ytd=usd(draw(st.floats(-3_000, 5_000))) if draw(st.booleans()) else Decimal(0),
        realized_lt_ytd=usd(draw(st.floats(-3_000, 5_000))) if draw(st.booleans()) else Decimal(0),
    )
    n_accounts = draw(st.integers(1, 3))
    accounts, lots, txns = [], [], []
    for a in range(n_accounts):
        account_id = f"A{a}"
        fractional = draw(st.booleans())
        accounts.append(
            Account(
                account_id,
                "H1",
                draw(st.sampled_from(list(AccountKind))),
                model_id=draw(st.sampled_from([m.model_id for m in models])),
                cash=usd(draw(st.floats(0, 20_000))),
                cash_reserve=usd(draw(st.sampled_from([0, 0, 500, 2_000]))),
                min_trade=usd(draw(st.sampled_from([0, 0, 50, 300]))),
                fractional=fractional,
                lot_method=draw(st.sampled_from(list(LotMethod))),
            )
        )
        mine, trades = draw_lots(draw, account_id, fractional, securities, trade_odds=4)
        lots += mine
        txns += trades
    restrictions = _restrictions(draw, accounts, securities)
    cash_flows = []
    if flows and draw(st.booleans()):
        scope = draw(st.sampled_from(["H1", *[a.account_id for a in accounts]]))
        cash_flows.append(CashFlow(scope, usd(draw(st.floats(-8_000, 8_000)))))
    return Book(
        tuple(securities),
        (household,),
        tuple(accounts),
        tuple(lots),
        tuple(models),
        tuple(restrictions),
        tuple(t for t in txns if t is not None),
        tuple(cash_flows),
        settings=Settings(as_of=AS_OF),
    )


def _models(draw: st.DrawFn, securities: list[Security], classes: tuple[str, ...]) -> list[Model]:
    out = []
    for m in range(draw(st.integers(1, 2))):
        members = [next(s for s in securities if s.asset_class == c) for c in classes]
        extra = [s for s in securities if s not in members]
        members += draw(st.lists(st.sampled_from(extra), unique=True, max_size=2)) if extra else []
        parts = [draw(st.integers(1, 10)) for _ in members]
        cash = draw(st.sampled_from([0, 0, 2]))
        total = sum(parts) + cash
        weights = [Decimal(p) / Decimal(total) for p in parts]
        weights = [w.quantize(Decimal("0.000001")) for w in weights]
        comps = [ModelComponent(s.symbol, w) for s, w in zip(members, weights, strict=True)]
        rest = Decimal(1) - sum(weights, Decimal(0))
        if cash:
            comps.append(ModelComponent("CASH", rest))
        else:
            comps[0] = ModelComponent(comps[0].component, comps[0].weight + rest)
        out.append(Model(f"M{m}", tuple(comps)))
    return out


def draw_lots(
    draw: st.DrawFn,
    account_id: str,
    fractional: bool,
    securities: list[Security],
    *,
    trade_odds: int,
) -> tuple[list[Lot], list[Transaction | None]]:
    """1-4 lots of an account at gains and losses, short and long term; about one lot in
    `trade_odds` gets a recent trade inside the 30-day window."""
    lots: list[Lot] = []
    txns: list[Transaction | None] = []
    for k in range(draw(st.integers(1, 4))):
        sec = draw(st.sampled_from(securities))
        qty = Decimal(draw(st.integers(1, 300)))
        if fractional and draw(st.booleans()):
            qty += Decimal("0.5")
        factor = draw(st.sampled_from([0.5, 0.7, 0.9, 1.05, 1.2, 1.5]))
        age = draw(st.sampled_from([40, 200, 340, 360, 400, 900]))
        lots.append(
            Lot(f"{account_id}.{k}", account_id, sec.symbol, qty,
                usd(float(qty * sec.price) * factor), AS_OF - timedelta(days=age))
        )  # fmt: skip
        if draw(st.integers(0, trade_odds - 1)) == 0:
            txns.append(_recent_trade(draw, lots[-1], sec, securities))
    return lots, txns


def check_hard_rules(book: Book, proposal: Proposal) -> None:
    """Every rule no method may break: no crash, lots, cash, restrictions, whole shares."""
    check_no_crash(proposal)
    check_lots(book, proposal)
    check_cash(book, proposal)
    check_cash_adds_up(book, proposal)
    check_restricted_buys(book, proposal)
    check_no_sell(book, proposal)
    check_whole_shares(book, proposal)


def _recent_trade(
    draw: st.DrawFn, lot: Lot, sec: Security, securities: list[Security]
) -> Transaction | None:
    """A trade inside the 30-day window: part of `lot` sold, or a buy of some security."""
    day = AS_OF - timedelta(days=draw(st.integers(1, 29)))
    if draw(st.booleans()) and lot.quantity >= 2:
        qty = Decimal(draw(st.integers(1, int(lot.quantity) - 1)))
        price = usd(float(lot.unit_cost) * draw(st.sampled_from([0.7, 0.9, 1.2])))
        return Transaction(lot.account_id, day, sec.symbol, Side.SELL, qty, price, lot.lot_id)
    other = draw(st.sampled_from(securities))
    qty = Decimal(draw(st.integers(1, 50)))
    price = usd(float(other.price) * draw(st.sampled_from([0.9, 1.0, 1.15])))
    return Transaction(lot.account_id, day, other.symbol, Side.BUY, qty, price, f"{lot.lot_id}b")


def _restrictions(
    draw: st.DrawFn, accounts: list[Account], securities: list[Security]
) -> list[Restriction]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        scope = draw(st.sampled_from(["H1", *[a.account_id for a in accounts]]))
        by_tag = draw(st.booleans())
        target = (
            f"tag:{draw(st.sampled_from(TAGS))}"
            if by_tag
            else draw(st.sampled_from([s.symbol for s in securities]))
        )
        out.append(Restriction(scope, target, draw(st.sampled_from(list(Rule)))))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- invariants of a proposal


def restricted(book: Book, account: Account, symbol: str, rules: set[Rule]) -> bool:
    sec = book.security_by_symbol[symbol]
    return any(
        r.rule in rules and r.matches(symbol, sec.tags) for r in book.restrictions_for(account)
    )


def check_lots(book: Book, proposal: Proposal) -> None:
    """Sells name open lots of their account and never take more than a lot holds (no short)."""
    open_lots = {lot.lot_id: lot for lot in replay(book).open_lots}
    sold: dict[str, Decimal] = defaultdict(Decimal)
    for t in proposal.trades:
        if t.side is Side.SELL:
            lot = open_lots.get(t.lot_id or "")
            if lot is None or lot.account_id != t.account_id or lot.symbol != t.symbol:
                raise AssertionError(f"sell of a lot that is not open here: {t}")
            sold[lot.lot_id] += t.quantity
        if t.quantity <= 0:
            raise AssertionError(f"non-positive quantity: {t}")
    for lot_id, qty in sold.items():
        if qty > open_lots[lot_id].quantity:
            raise AssertionError(f"lot {lot_id}: sells {qty} > holds {open_lots[lot_id].quantity}")


def check_cash(book: Book, proposal: Proposal) -> None:
    """Cash after the trades and the cash request is at or above the reserve (or exception)."""
    for r in proposal.accounts:
        account = book.account_by_id[r.account_id]
        if r.status is Status.EXCEPTION:
            if not r.exception_reasons:
                raise AssertionError(f"{r.account_id}: exception without a reason")
            continue
        if r.cash_after < account.cash_reserve - CENT:
            raise AssertionError(
                f"{r.account_id}: cash after {r.cash_after} < reserve {account.cash_reserve}"
            )


def check_cash_adds_up(book: Book, proposal: Proposal) -> None:
    """cash_after = cash + flows placed in the account + sold - bought (to a cent per trade);
    an exception account with no trades keeps its cash (its unmet request is not applied)."""
    for r in proposal.accounts:
        mine = [t for t in proposal.trades if t.account_id == r.account_id]
        if r.status is Status.EXCEPTION and not mine:
            if r.cash_after != r.cash_before:
                raise AssertionError(f"{r.account_id}: an idle exception account moved cash")
            continue
        sold = sum((t.value for t in mine if t.side is Side.SELL), Decimal(0))
        bought = sum((t.value for t in mine if t.side is Side.BUY), Decimal(0))
        flow = r.cash_after - (r.cash_before + sold - bought)
        direct = sum((f.amount for f in book.cash_flows if f.scope == r.account_id), Decimal(0))
        if not any(f.scope == "H1" for f in book.cash_flows) and abs(flow - direct) > CENT:
            raise AssertionError(f"{r.account_id}: cash does not add up ({flow} vs {direct})")


def check_restricted_buys(book: Book, proposal: Proposal) -> None:
    """No buy of a security under no_buy or exclude (by symbol or tag, account or household)."""
    for t in proposal.trades:
        if t.side is Side.BUY:
            account = book.account_by_id[t.account_id]
            if restricted(book, account, t.symbol, {Rule.NO_BUY, Rule.EXCLUDE}):
                raise AssertionError(f"restricted buy: {t}")


def check_no_sell(book: Book, proposal: Proposal) -> None:
    for t in proposal.trades:
        if t.side is Side.SELL:
            account = book.account_by_id[t.account_id]
            if restricted(book, account, t.symbol, {Rule.NO_SELL}):
                raise AssertionError(f"sale of a no_sell security: {t}")


def check_whole_shares(book: Book, proposal: Proposal) -> None:
    """Whole shares unless the account is fractional (a fractional lot may be sold whole)."""
    open_lots = {lot.lot_id: lot for lot in replay(book).open_lots}
    for t in proposal.trades:
        if book.account_by_id[t.account_id].fractional:
            continue
        if t.quantity == t.quantity.to_integral_value():
            continue
        if t.side is Side.SELL and t.quantity == open_lots[t.lot_id or ""].quantity:
            continue
        raise AssertionError(f"fractional trade in a whole-share account: {t}")


def check_no_crash(proposal: Proposal) -> None:
    """Exceptions are reasons for a person, never Python errors caught by the safety net."""
    for r in proposal.accounts:
        for reason in r.exception_reasons:
            if CRASH.match(reason):
                raise AssertionError(f"{r.account_id}: the method crashed: {reason}")
            for need, can in SHORT.findall(reason):
                if _usd(need) <= _usd(can):
                    raise AssertionError(
                        f"{r.account_id}: a reason that contradicts itself: {reason}"
                    )


SHORT = re.compile(r"(-?[\d,.]+) USD must be raised but only (-?[\d,.]+) USD may be sold")
"""A cash reason that is only true when the need exceeds what may be sold."""


def _usd(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def realized_net(proposal: Proposal) -> Decimal:
    """Net realized gain (USD) of the proposal's sells in taxable accounts (those that tax)."""
    return sum((r.realized_st + r.realized_lt for r in proposal.accounts), Decimal(0))


# ---------------------------------------------------------------- tolerance bands

BAND_SLACK = 1e-6


def holdings_after(book: Book, p: Proposal) -> dict[str, dict[str, float]]:
    """Shares per account and symbol after the proposal's trades."""
    held: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for x in replay(book).open_lots:
        held[x.account_id][x.symbol] += float(x.quantity)
    for t in p.trades:
        held[t.account_id][t.symbol] += float(t.quantity) * (1 if t.side is Side.BUY else -1)
    return held


def excluded_for(book: Book, accounts: list[Account]) -> set[str]:
    """Symbols every one of `accounts` excludes (the household group screens what all exclude)."""
    out = None
    for account in accounts:
        mine = {
            s.symbol
            for s in book.securities
            for r in book.restrictions_for(account)
            if r.rule is Rule.EXCLUDE and r.matches(s.symbol, s.tags)
        }
        out = mine if out is None else out & mine
    return out or set()


def band_measures(
    book: Book, held: dict[str, float], cash: Decimal, model: str, excluded: set[str]
) -> tuple[float, list[float]]:
    """(drift, |class weight - target| per class) of a portfolio against a model after screens
    (an excluded security's weight spread pro rata over the rest), wash groups pooled."""
    px = book.security_by_symbol
    weights = {s: float(w) for s, w in book.target_weights(model).items()}
    tcash = weights.pop(CASH, 0.0)
    freed = sum(w for s, w in weights.items() if s in excluded)
    kept = {s: w for s, w in weights.items() if s not in excluded}
    total_kept = sum(kept.values())
    if freed > 0 and total_kept > 0:
        kept = {s: w * (1 + freed / total_kept) for s, w in kept.items()}
    elif freed > 0:
        tcash += freed
    total = sum(q * float(px[s].price) for s, q in held.items()) + float(cash)
    if total <= 0:
        return 0.0, []
    by_identity: dict[str, float] = defaultdict(float)
    by_class: dict[str, float] = defaultdict(float)
    for s, w in kept.items():
        by_identity[px[s].identity] -= w
        by_class[px[s].asset_class] -= w
    for s, q in held.items():
        w = q * float(px[s].price) / total
        by_identity[px[s].identity] += w
        by_class[px[s].asset_class] += w
    drift = 0.5 * (sum(abs(v) for v in by_identity.values()) + abs(float(cash) / total - tcash))
    return drift, [abs(v) for v in by_class.values()]


def meets_bands(book: Book, drift: float, gaps: list[float], tolerance: Decimal | None) -> bool:
    """Whether a drift and class gaps (see `band_measures`) meet the book's default bands."""
    bands = book.settings.bands
    limit = float(tolerance) if tolerance is not None else bands.drift_tolerance
    band = bands.class_band if bands.class_band is not None else float("inf")
    return drift <= limit + BAND_SLACK and all(g <= band + BAND_SLACK for g in gaps)


def named(reasons: tuple[str, ...]) -> bool:
    return bool(reasons) and all(r.strip() for r in reasons)
