"""Text columns of the book's CSV files, built from numpy arrays without per-row objects.

A generated file is a `Table`: its schema and one list of cell texts per column. The same tables
are written straight to CSV (the fast path for large books) or parsed with the book's own column
parsers into records (the in-memory path), so both paths give the same book. Generated text never
holds commas, quotes or newlines, so cells are joined without CSV quoting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trimtab.book.schema import FileSpec
from trimtab.errors import DataError, Problem

Cells = list[str]


@dataclass(frozen=True, eq=False)
class Table:
    """One CSV file: its spec and a list of cell texts per column (absent columns are blank)."""

    spec: FileSpec
    columns: dict[str, Cells]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))

    def column_lists(self) -> list[Cells]:
        """Every column of the spec, in its order; blanks for columns not generated."""
        n = len(self)
        blank = [""] * n
        return [self.columns.get(name, blank) for name in self.spec.column_names]

    def check_shape(self) -> None:
        """Raise DataError when a column name is not in the spec or lengths differ (a bug)."""
        n = len(self)
        names = set(self.spec.column_names)
        bad = [k for k, v in self.columns.items() if k not in names or len(v) != n]
        if bad:
            problem = Problem(self.spec.name, None, bad[0], "generated column does not fit")
            raise DataError([problem], "the sample book generator built an inconsistent table")


def write_table(path: Path, table: Table) -> int:
    """Write a table as CSV (header, `\\n` line ends); returns the number of data rows."""
    table.check_shape()
    lines = [",".join(table.spec.column_names)]
    if len(table):
        lines.append("\n".join(map(",".join, zip(*table.column_lists(), strict=True))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(table)


def money(values: np.ndarray) -> Cells:
    """USD amounts as text rounded to cents (shortest exact form: `1234.5`, `0`)."""
    return decimals(values, 2)


def decimals(values: np.ndarray, places: int) -> Cells:
    """Numbers as text rounded to `places` decimals; whole numbers without a point."""
    rounded = np.round(np.asarray(values, dtype=float), places)
    whole = rounded == np.floor(rounded)
    texts = np.asarray(list(map(repr, rounded.tolist())), dtype=object)
    if whole.any():
        texts[whole] = np.asarray(rounded[whole], dtype=np.int64).astype(str)
    return texts.tolist()


def optional(cells: Sequence[str], present: np.ndarray) -> Cells:
    """The cells where `present` is true, blank elsewhere."""
    out = np.asarray(cells, dtype=object)
    out[~np.asarray(present, dtype=bool)] = ""
    return out.tolist()


def ids(prefix: str, count: int, width: int) -> np.ndarray:
    """`count` ids `prefix` + zero-padded 1-based number (at least `width` digits), as str array."""
    digits = max(width, len(str(count)))
    return np.asarray([f"{prefix}{i:0{digits}d}" for i in range(1, count + 1)])


def dates_text(days: np.ndarray, index: np.ndarray) -> Cells:
    """ISO dates of `days[index]`, formatting each distinct calendar day only once."""
    calendar = np.datetime_as_string(days, unit="D")
    return calendar[np.asarray(index, dtype=np.int64)].tolist()
