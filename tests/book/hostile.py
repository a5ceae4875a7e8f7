"""Helpers for the hostile-input tests: the small book with one cell or one file changed."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "small_book"


def copy_small(tmp_path: Path, name: str = "book") -> Path:
    folder = tmp_path / name
    shutil.copytree(SMALL, folder)
    return folder


def set_cell(folder: Path, file: str, line: int, column: str, value: str) -> None:
    """Put `value` in `column` of the row on `line` (the header is line 1), adding the column
    when the file lacks it."""
    path = folder / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    if column not in rows[0]:  # an optional column the fixture leaves out
        rows = [[*row, column if n == 0 else ""] for n, row in enumerate(rows)]
    rows[line - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
