"""Household books for the household-mode tests: a hand-built 60/40 family, and random households.

`family_book()` builds a household with a 60/40 household model (VTI/BND, with ITOT and AGG as
same-class alternates) from lots given by the test. `households()` is a hypothesis strategy: one
household with a model, 2-4 accounts of mixed kinds (always a taxable account and an IRA), some
with a model of their own, some held away; lots at gains and losses, short and long term, recent
buys and loss sales inside the 30-day window, wash groups, restrictions, cash reserves, household-
and account-scoped cash requests and gain budgets.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from books import _restrictions, draw_lots, usd
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
    Security,
    Transaction,
)
from trimtab.names import AccountKind, LotMethod, Side
from trimtab.rebalance.proposal import Proposal
from trimtab.rebalance.run import rebalance_book
from trimtab.tax.ledger import replay

AS_OF = date(2024, 6, 14)
SECURITIES = (
    Security("VTI", Decimal(100), "us_large"),
    Security("ITOT", Decimal(100), "us_large"),
    Security("BND", Decimal(100), "us_bond"),
    Security("AGG", Decimal(100), "us_bond"),
)
EQUITY, BONDS = "us_large", "us_bond"
MODEL_60_40 = Model(
    "M", (ModelComponent("VTI", Decimal("0.6")), ModelComponent("BND", Decimal("0.4")))
)


def lot(lot_id: str, account: str, symbol: str, qty: int, basis: int, age: int) -> Lot:
    """`qty` shares bought `age` days before AS_OF for `basis` USD in all."""
    return Lot(lot_id, account, symbol, Decimal(qty), Decimal(basis), AS_OF - timedelta(days=age))


def family_book(
    accounts: tuple[Account, ...],
    lots: tuple[Lot, ...],
    *,
    flows: tuple[CashFlow, ...] = (),
    household: bool = True,
    settings: Settings | None = None,
) -> Book:
    """Household "H" on the 60/40 household model; `household` sets optimizer.household."""
    settings = settings or Settings(as_of=AS_OF)
    optimizer = dataclasses.replace(settings.optimizer, household=household)
    settings = dataclasses.replace(settings, optimizer=optimizer)
    hh = Household("H", model_id="M")
    return Book(SECURITIES, (hh,), accounts, lots, (MODEL_60_40,), (), (), flows, settings=settings)


def run(book: Book) -> Proposal:
    (proposal,) = rebalance_book(book, method="optimize")
    return proposal


def holdings_after(book: Book, proposal: Proposal) -> dict[tuple[str, str], Decimal]:
    """Shares per (account, symbol) after the proposal's trades."""
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in replay(book).open_lots:
        held[x.account_id, x.symbol] += x.quantity
    for t in proposal.trades:
        held[t.account_id, t.symbol] += t.quantity if t.side is Side.BUY else -t.quantity
    return held


def holdings_before(book: Book) -> dict[tuple[str, str], Decimal]:
    held: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for x in replay(book).open_lots:
        held[x.account_id, x.symbol] += x.quantity
    return held


def class_value(
    book: Book, held: dict[tuple[str, str], Decimal], account: str, cls: str
) -> Decimal:
    """USD of asset class `cls` in `account`."""
    px = book.security_by_symbol
    return sum(
        (
            q * px[s].price
            for (a, s), q in held.items()
            if a == account and px[s].asset_class == cls
        ),
        Decimal(0),
    )


def invested(book: Book, held: dict[tuple[str, str], Decimal], account: str) -> Decimal:
    px = book.security_by_symbol
    return sum((q * px[s].price for (a, s), q in held.items() if a == account), Decimal(0))


def class_weight(book: Book, held: dict[tuple[str, str], Decimal], account: str, cls: str) -> float:
    """Weight of `cls` in the account's invested value (cash left out: it is what moves)."""
    return float(class_value(book, held, account, cls) / invested(book, held, account))


# ---------------------------------------------------------------- random households

CLASSES = ("us_large", "us_bond", "intl_developed", "municipal")


@st.composite
def households(draw: st.DrawFn, *, flows: bool = True) -> Book:
    """A random household with a model (see the module docstring). Household id "H1"."""
    n_classes = draw(st.integers(2, 4))
    classes = CLASSES[:n_classes]
    securities = _securities(draw, classes)
    hh_model = _model(draw, "HM", securities, classes)
    own_model = _model(draw, "OWN", securities, classes)
    gain_budget = usd(draw(st.floats(0, 20_000))) if draw(st.booleans()) else None
    household = Household(
        "H1",
        model_id="HM",
        st_rate=draw(st.sampled_from([Decimal("0.37"), Decimal("0.24")])),
        gain_budget=gain_budget,
        realized_st_ytd=usd(draw(st.floats(-3_000, 5_000))) if draw(st.booleans()) else Decimal(0),
        realized_lt_ytd=usd(draw(st.floats(-3_000, 5_000))) if draw(st.booleans()) else Decimal(0),
    )
    n_accounts = draw(st.integers(2, 4))
    kinds = [AccountKind.TAXABLE, AccountKind.TAX_DEFERRED] + [
        draw(st.sampled_from(list(AccountKind))) for _ in range(n_accounts - 2)
    ]
    accounts: list[Account] = []
    lots: list[Lot] = []
    txns: list[Transaction | None] = []
    for a, kind in enumerate(draw(st.permutations(kinds))):
        account_id = f"A{a}"
        fractional = draw(st.booleans())
        accounts.append(
            Account(
                account_id,
                "H1",
                kind,
                model_id="OWN" if draw(st.integers(0, 4)) == 0 else None,
                cash=usd(draw(st.floats(0, 20_000))),
                cash_reserve=usd(draw(st.sampled_from([0, 0, 500, 2_000]))),
                min_trade=usd(draw(st.sampled_from([0, 0, 50, 300]))),
                fractional=fractional,
                lot_method=draw(st.sampled_from(list(LotMethod))),
                managed=a == 0 or draw(st.integers(0, 3)) > 0,
            )
        )
        mine, trades = draw_lots(draw, account_id, fractional, securities, trade_odds=3)
        lots += mine
        txns += trades
    restrictions = _restrictions(draw, accounts, securities)
    cash_flows = []
    if flows and draw(st.booleans()):
        managed = [a.account_id for a in accounts if a.managed]
        scope = draw(st.sampled_from(["H1", "H1", *managed]))
        cash_flows.append(CashFlow(scope, usd(draw(st.floats(-15_000, 8_000)))))
    return Book(
        tuple(securities),
        (household,),
        tuple(accounts),
        tuple(lots),
        (hh_model, own_model),
        tuple(restrictions),
        tuple(t for t in txns if t is not None),
        tuple(cash_flows),
        settings=Settings(as_of=AS_OF),
    )


def _securities(draw: st.DrawFn, classes: tuple[str, ...]) -> list[Security]:
    """One or more securities per class; some later ones share a wash group with the first."""
    out = []
    n_secs = draw(st.integers(len(classes), len(classes) + 3))
    for i in range(n_secs):
        cls = classes[i % len(classes)]
        price = usd(draw(st.floats(10, 400)))
        tags = frozenset(draw(st.sets(st.sampled_from(("fossil", "tobacco")), max_size=1)))
        group = f"g_{cls}" if i >= len(classes) and draw(st.booleans()) else None
        out.append(Security(f"S{i}", price, cls, tags, group))
    groups = {s.wash_group for s in out if s.wash_group}
    return [
        Security(s.symbol, s.price, s.asset_class, s.tags, f"g_{s.asset_class}")
        if int(s.symbol[1:]) < len(classes) and f"g_{s.asset_class}" in groups
        else s
        for s in out
    ]


def _model(
    draw: st.DrawFn, model_id: str, securities: list[Security], classes: tuple[str, ...]
) -> Model:
    members = [next(s for s in securities if s.asset_class == c) for c in classes]
    extra = [s for s in securities if s not in members]
    members += draw(st.lists(st.sampled_from(extra), unique=True, max_size=2)) if extra else []
    parts = [draw(st.integers(1, 10)) for _ in members]
    cash = draw(st.sampled_from([0, 0, 2]))
    total = sum(parts) + cash
    weights = [(Decimal(p) / Decimal(total)).quantize(Decimal("0.000001")) for p in parts]
    comps = [ModelComponent(s.symbol, w) for s, w in zip(members, weights, strict=True)]
    rest = Decimal(1) - sum(weights, Decimal(0))
    if cash:
        comps.append(ModelComponent("CASH", rest))
    else:
        comps[0] = ModelComponent(comps[0].component, comps[0].weight + rest)
    return Model(model_id, tuple(comps))
