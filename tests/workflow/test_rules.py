"""The exception rules: `drift_after` holds each account to its own band, and any rule can be
turned off by name (`[exceptions] disabled`), validated."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from trimtab.book import Book
from trimtab.config import (
    EXCEPTION_RULES,
    BandSettings,
    ExceptionSettings,
    ModelBands,
    Settings,
    parse_settings,
    read_settings,
)
from trimtab.names import Side
from trimtab.rebalance.run import rebalance_snapshot
from trimtab.snapshot import build_snapshots
from trimtab.store import workflow_tables as w
from trimtab.tax.ledger import replay
from trimtab.workflow.rules import RULE_NAMES, RULES, Facts, check, tolerance
from trimtab.workflow.run import run_day
from trimtab.workflow.screen import Context


def test_the_rules_config_names_are_the_rules() -> None:
    assert tuple(RULES) == EXCEPTION_RULES
    assert (*EXCEPTION_RULES, "error") == RULE_NAMES


def test_the_drift_after_tolerance_is_the_accounts_own_then_the_override_then_the_bands() -> None:
    bands = BandSettings(drift_tolerance=0.10, models={"M": ModelBands(drift_tolerance=0.07)})
    assert tolerance(None, None, None, bands) == 0.10
    assert tolerance(None, "OTHER", None, bands) == 0.10
    assert tolerance(None, "M", None, bands) == 0.07
    assert tolerance(None, "M", 0.04, bands) == 0.04
    assert tolerance(Decimal("0.02"), "M", 0.04, bands) == 0.02
    assert ExceptionSettings().drift_after is None  # by default: the bands' tolerance


def facts_of(book: Book) -> list[Facts]:
    """Every household's baseline proposal (it ignores bands, so drift after trading varies)."""
    as_of = book.settings.as_of
    assert as_of is not None
    ledger = replay(book)
    snaps = build_snapshots(book, ledger, as_of)
    return [
        Facts(snap, rebalance_snapshot(snap, book.settings, "baseline"), Context(), {})
        for snap in snaps
    ]


def drift_hits(facts: list[Facts], settings: Settings) -> set[str | None]:
    return {
        h.account_id
        for f in facts
        for h in check(f, settings.exceptions, settings.bands)
        if h.rule == "drift_after"
    }


def test_drift_after_flags_only_accounts_over_their_own_band(day_book: Book) -> None:
    facts = facts_of(day_book)
    results = {r.account_id: r for f in facts for r in f.made.accounts}
    managed = {a.account_id for a in day_book.accounts if a.managed}
    settings = day_book.settings
    over = {a for a, r in results.items() if a in managed and r.drift_after > 0.10}
    assert drift_hits(facts, settings) == over
    # the old default of 0.05, as an override: more accounts, never a held-away one
    tighter = dataclasses.replace(settings.exceptions, drift_after=0.05)
    flagged = drift_hits(facts, dataclasses.replace(settings, exceptions=tighter))
    assert flagged == {a for a, r in results.items() if a in managed and r.drift_after > 0.05}
    assert flagged > over and not flagged - managed
    # an account's own drift_tolerance comes first
    some = sorted(flagged)[0]
    own = tuple(
        dataclasses.replace(a, drift_tolerance=Decimal("0.9")) if a.account_id == some else a
        for a in day_book.accounts
    )
    book = dataclasses.replace(day_book, accounts=own)
    with_own = dataclasses.replace(book.settings, exceptions=tighter)
    assert drift_hits(facts_of(book), with_own) == flagged - {some}


@pytest.mark.parametrize("rule", EXCEPTION_RULES)
def test_a_disabled_rule_never_hits(day_book: Book, rule: str) -> None:
    facts = facts_of(day_book)
    everything = ExceptionSettings(drift_after=0.0, large_trade_usd=0.0, turnover=0.0,
                                   large_account_usd=0.0)  # fmt: skip
    hits = {h.rule for f in facts for h in check(f, everything)}
    assert {"drift_after", "large_trade", "turnover"} <= hits
    off = dataclasses.replace(everything, disabled=(rule,))
    assert {h.rule for f in facts for h in check(f, off)} == hits - {rule}


def test_disabled_is_read_from_trimtab_toml(tmp_path: Path) -> None:
    path = tmp_path / "trimtab.toml"
    path.write_text('[exceptions]\ndisabled = ["turnover", "large_trade"]\n')
    settings, problems = read_settings(path)
    assert problems == []
    assert settings.exceptions.disabled == ("turnover", "large_trade")


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["turnovr"], "unknown rule 'turnovr'; the rules are turnover, gain_budget, drift_after"),
        (["error"], "rule `error` cannot be disabled"),
    ],
)
def test_an_unknown_rule_in_disabled_is_a_problem_naming_the_setting(
    names: list[str], message: str
) -> None:
    _, problems = parse_settings({"exceptions": {"disabled": names}})
    (problem,) = problems
    assert (problem.file, problem.field) == ("trimtab.toml", "exceptions.disabled")
    assert message in problem.message


def test_disabled_must_be_a_list_of_names() -> None:
    _, problems = parse_settings({"exceptions": {"disabled": "turnover"}})
    assert [p.field for p in problems] == ["exceptions.disabled"]


def test_a_run_on_the_store_honours_the_disabled_rules(stored: Callable[..., Engine]) -> None:
    everything = {"drift_after": 0.0, "large_trade_usd": 0.0}
    engine = stored(exceptions={**everything, "disabled": ("drift_after", "large_trade")})
    run_day(engine, actor="ann")
    with engine.connect() as conn:
        rules = set(conn.execute(sa.select(w.exceptions.c.rule)).scalars())
        toml = conn.execute(sa.select(w.runs.c.settings_toml)).scalar_one()
    assert 'disabled = ["drift_after", "large_trade"]' in toml
    assert not rules & {"drift_after", "large_trade"}
    again = stored(exceptions=everything)
    run_day(again, actor="ann")
    with again.connect() as conn:
        assert {"drift_after", "large_trade"} <= set(
            conn.execute(sa.select(w.exceptions.c.rule)).scalars()
        )


def _wash_facts(losses: dict[str, Decimal]) -> Facts:
    """Facts of one account selling lots whose loss a purchase within 30 days blocks, at the
    given realized gains (negative: a loss), and buying one security a loss sale blocks."""
    lots = [SimpleNamespace(lot_id=lot_id) for lot_id in losses]
    snap = SimpleNamespace(
        symbols=("VOO", "BND"),
        lots=lots,
        lot_loss_blocked=[True] * len(lots),
        wash_no_buy=[False, True],
    )
    sells = [
        SimpleNamespace(side=Side.SELL, symbol="VOO", account_id="A", value=Decimal(1_000),
                        realized_gain=gain, lot_id=lot_id)
        for lot_id, gain in losses.items()
    ]  # fmt: skip
    buy = SimpleNamespace(side=Side.BUY, symbol="BND", account_id="A", value=Decimal(500),
                          realized_gain=None, lot_id=None)  # fmt: skip
    return Facts(snap, SimpleNamespace(trades=[*sells, buy]), Context(), {})  # type: ignore[arg-type]


def test_a_wash_sale_loss_sale_is_flagged_from_its_threshold_and_a_buy_always() -> None:
    facts = _wash_facts({"small": Decimal("-3.50"), "edge": Decimal(-100), "big": Decimal(-2_500),
                         "gain": Decimal(40)})  # fmt: skip
    found = [h.message for h in RULES["wash_sale"](facts, ExceptionSettings(), BandSettings())]
    assert found == [
        "loss sale of VOO lot edge within 30 days of a purchase",
        "loss sale of VOO lot big within 30 days of a purchase",
        "buy of BND within 30 days of a loss sale",
    ]
    every = ExceptionSettings(wash_sale_min_loss_usd=0.0)
    assert len(RULES["wash_sale"](facts, every, BandSettings())) == 4
    settings, problems = parse_settings({"exceptions": {"wash_sale_min_loss_usd": 250}})
    assert problems == [] and settings.exceptions.wash_sale_min_loss_usd == 250
