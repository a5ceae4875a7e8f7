"""Checks of alternates.csv: every row names known securities and models, once, never itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trimtab.errors import Problem

if TYPE_CHECKING:
    from trimtab.book.book import Book

FILE = "alternates.csv"


def check_alternates(book: Book, rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """Unknown symbols or models, a security declared its own alternate, and a pair declared
    twice for one model (a two-way row also covers its reverse)."""
    out: list[Problem] = []
    symbols = book.security_by_symbol
    seen: dict[tuple[str, str, str], int] = {}
    for line, v in rows:
        sym, alt, model = v["symbol"], v["alternate"], v["model_id"]
        for field in ("symbol", "alternate"):
            if v[field] not in symbols:
                out.append(Problem(FILE, line, field, f"unknown symbol {v[field]!r}"))
        if model and model not in book.model_by_id:
            out.append(Problem(FILE, line, "model_id", f"unknown model {model!r}"))
        if sym == alt:
            out.append(Problem(FILE, line, "alternate", f"{sym!r} cannot be its own alternate"))
            continue
        keys = [(sym, alt, model or "")]
        if not v["one_way"]:
            keys.append((alt, sym, model or ""))
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            scope = f"model {model!r}" if model else "every model"
            out.append(
                Problem(
                    FILE,
                    line,
                    "alternate",
                    f"{alt!r} for {sym!r} ({scope}) is already declared on line {first}",
                )
            )
            continue
        for k in keys:
            seen[k] = line
    return out
