"""Claims of docs/optimizer.md about its own measured table."""

from __future__ import annotations

from pathlib import Path

DOC = (Path(__file__).parents[1] / "docs" / "optimizer.md").read_text(encoding="utf-8")


def test_the_measured_table_has_a_row_for_every_configuration_the_text_names() -> None:
    section = DOC[DOC.index("## Measured on the sample book") :]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "→" in line]
    methods = [row.split("|")[1].strip() for row in rows]
    assert methods == [
        "baseline",
        "optimize (account by account)",
        "optimize (household mode)",
    ]
    assert "account by account, and in household mode" in " ".join(section.split())
