"""The book benchmark's one-process profile runs and accounts for its solves (a smoke test: the
figures themselves are measured by `bench/`, never timed here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_profile_prints_phases_and_counts_every_solve(tmp_path: Path) -> None:
    script = ROOT / "bench" / "bench_book.py"
    args = ["--profile", "--accounts", "30", "--book", str(tmp_path / "book")]
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "solve (optimize)" in out
    total = int(re.search(r"QP solves: ([\d,]+)", out).group(1).replace(",", ""))  # type: ignore[union-attr]

    def count(label: str) -> int:
        found = re.search(rf"([\d,]+) {re.escape(label)}", out)
        assert found, label
        return int(found.group(1).replace(",", ""))

    fresh, again = count("built and set up afresh"), count("solved again on a kept solver")
    assert total == fresh + again > 0
    by_account, as_one = (
        count("households solved account by account"),
        count("households solved as one portfolio"),
    )
    households = int(re.search(r"([\d,]+) households \(", out).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 0 < by_account + as_one <= households
    assert by_account <= count("passes over their accounts") <= 2 * by_account
