"""One bad cell, one problem: follow-on problems are counted on their root instead of listed.

A row that cannot be read drops its id from the book (a security whose price is 0, an account
whose cash is `1,819.77`), and a file that cannot be read drops all of them (a header typo). Every
row elsewhere that refers to a dropped id would then be reported as `unknown ...`: hundreds of
problems for one mistake. The reader records what it dropped here; the cross-file checks ask
`caused` before reporting an unknown reference, and `annotate` appends to each root problem how
many rows it affects.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from trimtab.errors import Problem

KEYS: dict[str, tuple[str, str]] = {
    "securities.csv": ("symbol", "symbol"),
    "households.csv": ("household", "household_id"),
    "accounts.csv": ("account", "account_id"),
    "models.csv": ("model", "model_id"),
    "lots.csv": ("lot", "lot_id"),
    "transactions.csv": ("lot", "lot_id"),
}
"""File -> (kind of id it defines, its column). Transactions define lots by their buys."""


@dataclass
class Fold:
    """What the reader dropped, and how many rows elsewhere each drop affected."""

    dropped: dict[tuple[str, str], Problem] = field(default_factory=dict)
    unread: dict[str, Problem] = field(default_factory=dict)
    unread_rows: dict[Problem, int | None] = field(default_factory=dict)
    hits: dict[Problem, Counter[str]] = field(default_factory=dict)
    values: dict[Problem, str] = field(default_factory=dict)

    def reject_row(self, file: str, cells: Mapping[str, str], root: Problem) -> None:
        """A row of `file` was not read because of `root`: its id (if any) is dropped."""
        key = KEYS.get(file)
        if key is None:
            return
        kind, column = key
        value = cells.get(column, "").strip()
        if file == "transactions.csv" and cells.get("side", "").strip().lower() != "buy":
            return
        if value and (kind, value) not in self.dropped:
            self.dropped[(kind, value)] = root
            self.values[root] = value

    def reject_file(self, file: str, root: Problem, rows: int | None) -> None:
        """`file` was not read at all because of `root`: `rows` data rows lost (None: no file)."""
        self.unread_rows[root] = rows
        key = KEYS.get(file)
        if key is not None and file != "transactions.csv":
            self.unread.setdefault(key[0], root)

    def caused(self, kinds: Iterable[str], value: str | None, file: str) -> bool:
        """Whether an unknown reference to `value` (an id of one of `kinds`) in a row of `file`
        follows from a dropped row or an unread file; if so it is counted, not reported."""
        for kind in kinds:
            root = self.dropped.get((kind, value or "")) or self.unread.get(kind)
            if root is not None:
                self.hits.setdefault(root, Counter())[file] += 1
                return True
        return False

    def dropped_id(self, kind: str, value: str) -> bool:
        """Whether an id of `kind` lost a row to a problem (or its file was not read)."""
        return (kind, value) in self.dropped or kind in self.unread

    def annotate(self, problems: list[Problem]) -> list[Problem]:
        """The problems with each root's count of affected rows appended to its message."""
        return [self._annotated(p) for p in problems]

    def _annotated(self, p: Problem) -> Problem:
        notes = []
        lost = self.unread_rows.get(p)
        if lost is not None:
            notes.append(f"{p.file} was not read: {_rows(lost)}")
        hits = self.hits.get(p)
        if hits:
            n = sum(hits.values())
            files = ", ".join(sorted(hits))
            what = repr(self.values[p]) if p in self.values else f"the ids of {p.file}"
            verbs = "refers to {} and was" if n == 1 else "refer to {} and were"
            notes.append(f"{_rows(n)} of {files} {verbs.format(what)} not checked")
        if not notes:
            return p
        return replace(p, message=f"{p.message} ({'; '.join(notes)})")


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def closest_column(name: str, candidates: Iterable[str]) -> str | None:
    """The known column a typo most likely meant (`quantty` -> `quantity`), or None."""
    lowered = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(name.strip().lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None
