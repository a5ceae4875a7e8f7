"""docs/daily-run.md's "a day at the desk" on the demo book: every line works as written, and
what the text says of each step is what happens."""

from __future__ import annotations

import csv
import re
import shlex
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from trimtab.cli import app
from trimtab.store import make_engine
from trimtab.store import workflow_tables as w

ROOT = Path(__file__).parents[1]
DOC = (ROOT / "docs" / "daily-run.md").read_text(encoding="utf-8")
TITLE = "## A day at the desk, with the demo book"


def walkthrough() -> list[str]:
    start = DOC.index(TITLE)
    section = DOC[start : DOC.index("\n## ", start + len(TITLE))]
    block = re.findall(r"```sh\n(.*?)```", section, re.S)[0]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def test_a_day_at_the_desk_works_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "docs" / "demo-feed", tmp_path / "docs" / "demo-feed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRIMTAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("TRIMTAB_ACTOR", "ann")
    said: dict[str, list[str]] = defaultdict(list)
    for words in walkthrough():
        if words[0] == "export":
            name, _, value = words[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        assert words[0] == "trimtab", f"the test does not know how to run {words}"
        result = CliRunner().invoke(app, words[1:], terminal_width=200)
        assert result.exit_code == 0, f"{shlex.join(words)}\n{result.output}"
        said[words[1]].append(result.output)
    assert "models changed: CORE_80" in said["feed"][0]
    for text in (said["feed"][0], said["breaks"][0]):
        assert "1 reconciliation break(s)" in text
        assert re.search(r"A0000001 .* H000001 .* VEA .* 302 .* 300 ", text)
    first, again = said["run"]
    assert re.search(r"households\s*│\s*12 ", first)
    assert re.search(r"exceptions by rule\s*│\s*reconciliation 1 ", first)
    assert re.search(r"proposed this run\s*│\s*0 ", again)
    assert said["proposals"][0].startswith("12 proposal(s)")
    assert said["proposals"][1].startswith("1 proposal(s)")  # the table is cut at 80 columns
    assert said["reject"] == ["rejected 1 proposal(s): 1\n"]
    assert said["approve"][0].startswith("approved 11 proposal(s)")
    with Path("today/orders.csv").open() as f:
        orders = list(csv.DictReader(f))
    with Path("today/allocations.csv").open() as f:
        allocations = list(csv.DictReader(f))
    total: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for a in allocations:
        total[(a["symbol"], a["side"], a["price"])] += Decimal(a["quantity"])
    assert orders and all(
        total[(o["symbol"], o["side"], o["price"])] == Decimal(o["quantity"]) for o in orders
    )
    assert '"action": "release"' in said["audit"][0] and '"actor": "ann"' in said["audit"][0]
    engine = make_engine("sqlite:///desk.sqlite")
    with engine.connect() as conn:
        reasons = conn.execute(
            sa.select(w.proposed_trades.c.account_id, w.proposed_trades.c.reason)
        )
        changed = {a for a, reason in reasons if "model_change" in reason.split(";")}
    engine.dispose()
    on_core_80 = {"A0000001", "A0000002", "A0000003", "A0000005", "A0000018", "A0000020",
                  "A0000021"}  # fmt: skip
    assert changed and changed <= on_core_80
