"""The one error hierarchy of trimtab.

Every error trimtab raises on purpose derives from `TrimtabError`; the CLI and the service map
these classes (and nothing else) to exit codes and HTTP statuses in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where (file, row as the file's line, field) and what.

    `row` counts lines as an editor does (the header is line 1); None when the problem is about the
    file or a whole table rather than one row.
    """

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "row": self.row, "field": self.field, "message": self.message}


class TrimtabError(Exception):
    """Root of every deliberate trimtab error."""

    exit_code: int = 2


class ConfigError(TrimtabError):
    """Settings that cannot be used (unknown key, bad value, missing database URL...)."""


class DataError(TrimtabError):
    """Input data is invalid; carries every problem found, not just the first."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], summary: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        head = summary or f"{len(self.problems)} problem(s) in the input"
        lines = [head, *(f"  {p}" for p in self.problems[:50])]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))


class BookError(DataError):
    """The book (CSV folder) is invalid."""


class TaxRuleError(TrimtabError):
    """A tax rule cannot be applied (a sell of more shares than are held, an unknown lot...)."""


class OptimizationError(TrimtabError):
    """The optimizer failed to produce a usable answer."""


class InfeasibleError(OptimizationError):
    """No trades satisfy the constraints; `binding` names the constraints that conflict."""

    def __init__(self, message: str, binding: tuple[str, ...] = ()) -> None:
        self.binding = binding
        super().__init__(message if not binding else f"{message} (binding: {', '.join(binding)})")


class OutputError(TrimtabError):
    """An output cannot be written where asked (a file where a folder is wanted, no permission)."""


class StoreError(TrimtabError):
    """The database cannot be read or written as asked."""


# --- Access and lookup errors (the service maps each to one HTTP status, the CLI to its code) ---


class NotFoundError(TrimtabError):
    """No such record, or none the caller may see (an advisor is never told which)."""


class ConflictError(TrimtabError):
    """The change clashes with what is stored (a duplicate id, a proposal already decided...)."""


class AuthError(TrimtabError):
    """No valid credentials: missing, wrong, expired or revoked, or a disabled user."""


class ThrottledError(AuthError):
    """Too many failed logins: refused until `retry_after` seconds have passed."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ForbiddenError(TrimtabError):
    """Authenticated, but the user's role does not allow this."""
