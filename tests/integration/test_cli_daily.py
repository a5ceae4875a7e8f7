"""`trimtab run / proposals / approve / reject / orders / audit` end to end on the store."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trimtab.cli import app


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": None})


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("daily_cli") / "book"
    assert cli("generate", folder, "--households", 4, "--seed", 9).exit_code == 0
    return folder


def test_a_day_at_the_desk(book: Path, db_url: str, tmp_path: Path) -> None:
    assert cli("db", "import", book, "--db", db_url).exit_code == 0
    ran = cli("run", "--db", db_url, "--workers", "1", "--actor", "ann")
    assert ran.exit_code == 0, ran.output
    assert "households" in ran.output and "tax saved vs baseline" in ran.output
    listed = cli("proposals", "--db", db_url, "--json", "--sort", "-value")
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert len(rows) == 4
    values = [Decimal(r["value"]) for r in rows]
    assert values == sorted(values, reverse=True)
    table = cli("proposals", "--db", db_url).output  # a pipe gets every column whole
    assert "…" not in table and "household" in table and "est. tax USD" in table
    trading = [r["proposal_id"] for r in rows if r["trades"] > 0]
    approved = cli("approve", *map(str, trading), "--db", db_url, "--actor", "bob", "--note", "ok")
    assert approved.exit_code == 0 and f"approved {len(trading)} proposal(s)" in approved.output
    rejected = cli("reject", str(trading[0]), "--db", db_url, "--actor", "cy", "--note", "no")
    assert "rejected 1 proposal(s)" in rejected.output
    out = tmp_path / "orders"
    released = cli("orders", "--db", db_url, "--out", out, "--actor", "dee")
    assert released.exit_code == 0, released.output
    orders = list(csv.DictReader((out / "orders.csv").open()))
    allocations = list(csv.DictReader((out / "allocations.csv").open()))
    assert orders
    assert list(orders[0]) == ["symbol", "side", "quantity", "price", "value", "accounts"]
    assert list(allocations[0]) == ["symbol", "side", "price", "account_id", "quantity"]
    total: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for a in allocations:
        total[(a["symbol"], a["side"], a["price"])] += Decimal(a["quantity"])
    for o in orders:
        key = (o["symbol"], o["side"], o["price"])
        assert total[key] == Decimal(o["quantity"])
        assert Decimal(o["value"]) == (Decimal(o["quantity"]) * Decimal(o["price"])).quantize(
            Decimal("0.01")
        )
        assert int(o["accounts"]) == sum(
            1 for a in allocations if (a["symbol"], a["side"], a["price"]) == key
        )
    again = cli("orders", "--db", db_url, "--out", tmp_path / "again", "--actor", "dee")
    assert "0 order(s)" in again.output
    first = released.output.split(":")[0].split()[-1]
    rewritten = cli("orders", "--db", db_url, "--out", tmp_path / "rewritten", "--release", first)
    assert rewritten.exit_code == 0, rewritten.output
    for name in ("orders.csv", "allocations.csv"):
        assert (tmp_path / "rewritten" / name).read_bytes() == (out / name).read_bytes()
    log = [json.loads(x) for x in cli("audit", "--db", db_url, "--limit", "1000").output.split("\n")
           if x]  # fmt: skip
    actions = {(e["action"], e["actor"]) for e in log}
    assert {
        ("run_start", "ann"),
        ("approve", "bob"),
        ("reject", "cy"),
        ("release", "dee"),
    } <= actions


def test_decisions_need_ids_or_a_filter(db_url: str) -> None:
    result = cli("approve", "--db", db_url)
    assert result.exit_code != 0
    assert "name proposal ids" in result.output


def test_run_without_a_book_says_so(db_url: str) -> None:
    result = cli("run", "--db", db_url, "--workers", "1")
    assert result.exit_code == 2
    assert "holds no book" in result.output
