"""Domain errors to HTTP responses: the one place that decides a status code.

Routes and dependencies raise trimtab errors, never HTTPException. Problems with the input come
back in the same shape as FastAPI's own validation errors (`detail`: a list of `loc`, `msg`,
`type`), with the book's file and row added, so a client reads one format for every 422.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from trimtab.errors import (
    AuthError,
    ConfigError,
    ConflictError,
    DataError,
    ForbiddenError,
    NotFoundError,
    OptimizationError,
    StoreError,
    TaxRuleError,
    ThrottledError,
    TrimtabError,
)

STATUS: tuple[tuple[type[TrimtabError], int], ...] = (
    (ThrottledError, 429),
    (AuthError, 401),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (DataError, 422),
    (TaxRuleError, 422),
    (ConfigError, 422),
    (OptimizationError, 422),
    (StoreError, 503),
)
"""First match wins: subclasses before their parents."""


def status_of(exc: TrimtabError) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 500)


def problem_detail(exc: DataError, where: str = "body") -> list[dict[str, object]]:
    return [
        {
            "loc": [where, p.field] if p.field else [where],
            "msg": p.message,
            "type": "value_error",
            "file": p.file,
            "row": p.row,
        }
        for p in exc.problems
    ]


def error_response(exc: TrimtabError) -> JSONResponse:
    code = status_of(exc)
    if isinstance(exc, DataError):
        return JSONResponse({"detail": problem_detail(exc)}, status_code=code)
    headers: dict[str, str] = {}
    if isinstance(exc, ThrottledError):
        headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, AuthError):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse({"detail": str(exc)}, status_code=code, headers=headers)


def install(app: FastAPI) -> None:
    """Register the mapping on the app (API and pages alike)."""

    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, TrimtabError):  # pragma: no cover - registered for those only
            raise exc
        return error_response(exc)

    app.add_exception_handler(TrimtabError, handle)
