"""The `trimtab` command as a user meets it: exit codes, stderr, and the files of the book spec."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trimtab.cli import app

SMALL = Path(__file__).parent / "fixtures" / "small_book"

TRADES = (
    "account_id", "symbol", "side", "quantity", "price", "value", "lot_id", "acquired",
    "realized_gain", "term", "reason",
)  # fmt: skip
ACCOUNTS = (
    "account_id", "household_id", "value", "cash_before", "cash_after", "drift_before",
    "drift_after", "strict_drift_before", "strict_drift_after", "realized_st", "realized_lt",
    "est_tax", "est_cost", "turnover", "objective",
    "status", "exception_reasons",
)  # fmt: skip
HOUSEHOLDS = (
    "household_id", "value", "drift_before", "drift_after", "strict_drift_before",
    "strict_drift_after", "location_score_before",
    "location_score_after", "est_tax",
)  # fmt: skip
ORDERS = ("symbol", "side", "quantity", "price", "accounts")
REALIZED = (
    "account_id", "symbol", "quantity", "acquired", "sold", "proceeds", "cost_basis",
    "wash_sale_disallowed", "gain", "term",
)  # fmt: skip
OPEN_LOTS = ("account_id", "symbol", "quantity", "cost_basis", "acquired", "lot_id")
TAX_SUMMARY = (
    "household_id", "year", "st_gain", "lt_gain", "net_gain", "deductible_loss",
    "carryforward_st", "carryforward_lt", "est_tax",
)  # fmt: skip
REBALANCE_FILES = {
    "trades.csv", "accounts_summary.csv", "households_summary.csv", "orders.csv",
    "allocations.csv", "positions.csv", "household_positions.csv",
}  # fmt: skip


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def assert_columns(path: Path, spec: tuple[str, ...]) -> list[dict[str, str]]:
    """The file has at least the spec's columns, in the spec's order; returns its rows."""
    header, rows = table(path)
    assert [c for c in header if c in spec] == list(spec), (path.name, header)
    return rows


def copy_small(tmp_path: Path, name: str = "book") -> Path:
    folder = tmp_path / name
    shutil.copytree(SMALL, folder)
    return folder


def oversold(tmp_path: Path) -> Path:
    """The small book with a sale of 50 XOM from A1, which holds 30: transactions.csv line 4."""
    folder = copy_small(tmp_path, "oversold")
    with (folder / "transactions.csv").open("a") as handle:
        handle.write("A1,2026-11-10,XOM,sell,50,100.00,\n")
    return folder


def broken(tmp_path: Path) -> Path:
    """The small book with a negative price (securities.csv:2) and an unknown household."""
    folder = copy_small(tmp_path, "broken")
    for name, old, new in (
        ("securities.csv", "VTI,250.00,", "VTI,-5,"),
        ("accounts.csv", "A4,H2,tax_exempt", "A4,H9,tax_exempt"),
    ):
        path = folder / name
        path.write_text(path.read_text().replace(old, new))
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gen") / "book"
    result = run("generate", folder, "--households", 8, "--seed", 11)
    assert result.exit_code == 0, result.output
    return folder


# validate ----------------------------------------------------------------------------------------


def test_validate_clean_book_exits_0() -> None:
    result = run("validate", SMALL)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "valid" in result.stderr


def test_validate_clean_book_json_is_an_empty_list() -> None:
    result = run("validate", SMALL, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_validate_broken_book_prints_file_row_field(tmp_path: Path) -> None:
    result = run("validate", broken(tmp_path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "securities.csv:2 [price]: must be > 0, got -5 (5 rows of " in result.stdout
    assert any(line.startswith("accounts.csv:5 [household_id]: ") for line in lines)
    assert "problem(s)" in result.stderr


def test_validate_json_lists_file_row_field_message(tmp_path: Path) -> None:
    result = run("validate", broken(tmp_path), "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert isinstance(problems, list) and len(problems) >= 2
    for p in problems:
        assert set(p) == {"file", "row", "field", "message"}
        assert isinstance(p["message"], str) and p["message"]
    where = {(p["file"], p["row"], p["field"]) for p in problems}
    assert ("securities.csv", 2, "price") in where
    assert ("accounts.csv", 5, "household_id") in where


def test_validate_reports_a_sale_of_more_than_held_at_its_transaction_row(tmp_path: Path) -> None:
    result = run("validate", oversold(tmp_path), "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert [(p["file"], p["row"]) for p in problems] == [("transactions.csv", 4)]
    assert "XOM" in problems[0]["message"]


def test_validate_missing_folder_exits_1(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert "not found" in result.stdout


# rebalance ---------------------------------------------------------------------------------------


def check_rebalance_outputs(out: Path) -> None:
    assert {p.name for p in out.iterdir()} == REBALANCE_FILES
    trades = assert_columns(out / "trades.csv", TRADES)
    accounts = assert_columns(out / "accounts_summary.csv", ACCOUNTS)
    households = assert_columns(out / "households_summary.csv", HOUSEHOLDS)
    orders = assert_columns(out / "orders.csv", ORDERS)
    assert accounts and households
    assert {a["status"] for a in accounts} <= {"trade", "no_trade", "exception"}
    assert {a["household_id"] for a in accounts} == {h["household_id"] for h in households}
    traded = {t["account_id"] for t in trades}
    for a in accounts:
        if a["account_id"] in traded:  # or the best within its hard limits, flagged
            assert a["status"] == "trade" or " bind" in a["exception_reasons"], a
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for t in trades:
        assert t["side"] in {"buy", "sell"}
        assert Decimal(t["quantity"]) > 0
        if t["side"] == "sell":
            assert t["lot_id"] and t["acquired"]
            # gain and term on every sell, tax-sheltered accounts included (informational there)
            assert t["term"] in {"short", "long"} and t["realized_gain"] != ""
        else:
            assert t["lot_id"] == t["acquired"] == t["term"] == t["realized_gain"] == ""
        totals[(t["symbol"], t["side"])] += Decimal(t["quantity"])
    ordered = {(o["symbol"], o["side"]): Decimal(o["quantity"]) for o in orders}
    assert len(ordered) == len(orders)
    assert ordered == dict(totals)


@pytest.mark.parametrize("method", [None, "baseline"])
def test_rebalance_small_book_writes_the_four_outputs(tmp_path: Path, method: str | None) -> None:
    out = tmp_path / "out"
    extra = [] if method is None else ["--method", method]
    result = run("rebalance", SMALL, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    check_rebalance_outputs(out)
    _, trades = table(out / "trades.csv")
    assert trades, "the small book is off target: something must trade"
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no staging folder left behind"


@pytest.mark.parametrize("method", [None, "baseline"])
def test_rebalance_generated_book(tmp_path: Path, generated: Path, method: str | None) -> None:
    out = tmp_path / "out"
    extra = [] if method is None else ["--method", method]
    result = run("rebalance", generated, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    check_rebalance_outputs(out)
    _, households = table(out / "households_summary.csv")
    assert len(households) == 8


def test_rebalance_invalid_book_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    result = run("rebalance", broken(tmp_path), "--out", out)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error" in result.stderr and "problem(s)" in result.stderr
    assert not (tmp_path / "deep").exists()


def test_rebalance_oversold_book_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("rebalance", oversold(tmp_path), "--out", out)
    assert result.exit_code == 1
    assert "transactions.csv:4" in result.stderr
    assert not out.exists()


def test_rebalance_errors_name_the_field_on_stderr(tmp_path: Path) -> None:
    """A problem on stderr keeps its `[field]`, as validate prints it (file, row AND field)."""
    result = run("rebalance", oversold(tmp_path), "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "transactions.csv:4 [quantity]: sells 50 XOM" in result.stderr, result.stderr


def test_rebalance_error_keeps_a_long_book_path_whole(tmp_path: Path) -> None:
    """stderr is for people and scripts: a path is never folded over lines (rich soft-wrap)."""
    deep = tmp_path / ("a_rather_long_folder_name_" * 4) / "books"
    deep.mkdir(parents=True)
    book = oversold(deep)
    result = run("rebalance", book, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert str(book) in result.stderr, result.stderr


def test_rebalance_into_existing_folder_keeps_unrelated_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "trades.csv").write_text("stale\n")
    result = run("rebalance", SMALL, "--out", out, "--method", "baseline")
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "mine"
    assert {p.name for p in out.iterdir()} == REBALANCE_FILES | {"notes.txt"}
    assert table(out / "trades.csv")[0][0] == "account_id"


def test_rebalance_as_of_before_last_transaction_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("rebalance", SMALL, "--out", out, "--as-of", "2026-11-03")
    assert result.exit_code == 1
    assert "transactions.csv:3" in result.stderr
    assert "transactions.csv:2" not in result.stderr  # 2026-11-02 is on or before the as-of date
    assert not out.exists()


def test_rebalance_as_of_after_last_transaction_is_fine(tmp_path: Path) -> None:
    result = run("rebalance", SMALL, "--out", tmp_path / "o", "--as-of", "2026-12-01")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("option", "value"), [("--method", "nonsense"), ("--as-of", "2026-02-30")])
def test_rebalance_bad_option_is_a_usage_error(tmp_path: Path, option: str, value: str) -> None:
    out = tmp_path / "out"
    result = run("rebalance", SMALL, "--out", out, option, value)
    assert result.exit_code == 2
    assert value in result.stderr
    assert not out.exists()


# tax-report --------------------------------------------------------------------------------------


def test_tax_report_writes_the_three_files(tmp_path: Path) -> None:
    out = tmp_path / "tax"
    result = run("tax-report", SMALL, "--out", out)
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"realized.csv", "open_lots.csv", "tax_summary.csv"}
    realized = assert_columns(out / "realized.csv", REALIZED)
    open_lots = assert_columns(out / "open_lots.csv", OPEN_LOTS)
    summary = assert_columns(out / "tax_summary.csv", TAX_SUMMARY)
    # A1 sold 10 BND of L3 (150 @ 80) at 71 on 2026-11-05: a long-term loss of 90.
    assert [(r["account_id"], r["symbol"], r["quantity"], r["term"]) for r in realized] == [
        ("A1", "BND", "10", "long")
    ]
    for r in realized:
        gain = (
            Decimal(r["proceeds"]) - Decimal(r["cost_basis"]) + Decimal(r["wash_sale_disallowed"])
        )
        assert Decimal(r["gain"]) == gain == Decimal("-90")
    lots = {r["lot_id"]: r for r in open_lots}
    assert Decimal(lots["L3"]["quantity"]) == 140
    assert "L8" in lots  # opened by the buy transaction
    assert {s["household_id"] for s in summary} == {"H1", "H2"}
    assert {s["year"] for s in summary} == {"2026"}


def test_tax_report_of_another_year_has_no_dispositions(tmp_path: Path) -> None:
    out = tmp_path / "tax"
    result = run("tax-report", SMALL, "--out", out, "--year", 2025)
    assert result.exit_code == 0, result.output
    assert table(out / "realized.csv")[1] == []
    assert {s["year"] for s in table(out / "tax_summary.csv")[1]} == {"2025"}


def test_tax_report_of_invalid_book_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "tax"
    result = run("tax-report", oversold(tmp_path), "--out", out)
    assert result.exit_code == 1
    assert "transactions.csv:4" in result.stderr
    assert not out.exists()


# generate ----------------------------------------------------------------------------------------


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_generate_is_deterministic_and_valid(tmp_path: Path, generated: Path) -> None:
    again = tmp_path / "again"
    result = run("generate", again, "--households", 8, "--seed", 11)
    assert result.exit_code == 0, result.output
    assert "households.csv: 8 rows" in result.stdout
    assert files_of(again) == files_of(generated)
    assert run("validate", again).exit_code == 0
    other = tmp_path / "other"
    assert run("generate", other, "--households", 8, "--seed", 12).exit_code == 0
    assert files_of(other) != files_of(generated)


def test_generate_rejects_zero_households(tmp_path: Path) -> None:
    result = run("generate", tmp_path / "g", "--households", 0)
    assert result.exit_code == 2
    assert not (tmp_path / "g").exists()


# the installed console script --------------------------------------------------------------------


def console_script() -> Path:
    script = Path(sys.executable).parent / "trimtab"
    found = script if script.exists() else shutil.which("trimtab")
    assert found, "the trimtab console script is not installed next to this python"
    return Path(found)


def test_console_script_validates_and_rebalances(tmp_path: Path) -> None:
    ok = subprocess.run(
        [console_script(), "validate", SMALL], capture_output=True, text=True, timeout=60
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == ""
    out = tmp_path / "out"
    bad = subprocess.run(
        [console_script(), "rebalance", oversold(tmp_path), "--out", out],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert bad.stderr.startswith("error: ")
    assert "transactions.csv:4" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not out.exists()


def test_console_script_usage_error_exits_2(tmp_path: Path) -> None:
    proc = subprocess.run(
        [console_script(), "rebalance", SMALL, "--out", tmp_path / "o", "--method", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "nope" in proc.stderr
    assert not (tmp_path / "o").exists()
