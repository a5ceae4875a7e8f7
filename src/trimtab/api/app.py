"""The service's app factory: nothing is created at import, everything from `create_app`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

import trimtab
from trimtab.api import (
    auth_routes,
    book_routes,
    custom_routes,
    errors,
    feed_routes,
    review_routes,
)
from trimtab.api.runs import Runs
from trimtab.api.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The REST API (`/api`, documented at `/docs`) and the review pages, on one store.

    `engine` defaults to one made from `settings.database_url`; its schema is upgraded here.
    """
    from trimtab.store import make_engine, upgrade
    from trimtab.web.pages import install_pages

    config = settings or ServiceSettings()
    engine = engine or make_engine(config.database_url)
    upgrade(engine)
    runs = Runs()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runs.wait()  # a run started here finishes its chunk before the process goes

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,  # /docs is served by trimtab.web.apidocs: no CDN, no JavaScript
        redoc_url=None,
        title="trimtab",
        version=trimtab.__version__,
        description="Tax-aware, household-level rebalancing: the book, the review queue, "
        "approvals and orders. Authenticate with `Authorization: Bearer TOKEN` "
        "(POST /api/auth/token) or the browser session.",
    )
    app.state.engine = engine
    app.state.service_settings = config
    app.state.runs = runs
    errors.install(app)
    app.middleware("http")(_reject_unstorable_urls)
    for router in (
        auth_routes.router,
        book_routes.router,
        custom_routes.router,
        custom_routes.analysis,
        feed_routes.router,
        review_routes.router,
    ):
        app.include_router(router)
    install_pages(app)
    return app


async def _reject_unstorable_urls(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """A NUL character or invalid UTF-8 in the path or query can name nothing: 422, before any
    database sees it (PostgreSQL refuses such text outright)."""
    for raw in (request.scope.get("raw_path", b""), request.scope.get("query_string", b"")):
        data = unquote_to_bytes(raw)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            detail = [
                {"loc": ["path"], "msg": "NUL or invalid UTF-8 in the URL", "type": "value_error"}
            ]
            return JSONResponse({"detail": detail}, status_code=422)
    return await call_next(request)
