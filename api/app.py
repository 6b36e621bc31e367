"""The FastAPI application factory.

``create_app(settings)`` opens the store, loads the bundled dataset on first start (an
empty store) and reuses it afterwards, and mounts the routes. Domain errors raised in
``longarm.graph`` become HTTP errors in one place, :mod:`longarm.api.errors`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from ..graph.store.embedded import Store
from ..graph.store.loading import load_bundled
from ..graph.store.remote import RemoteStore
from .body_limit import BodyLimitMiddleware
from .errors import install_error_handlers
from .routes.assessments import router as assessments_router
from .routes.charts import router as charts_router
from .routes.data import router as data_router
from .routes.entities import router as entities_router
from .routes.explorer import router as explorer_router
from .routes.export import router as export_router
from .routes.exposures import router as exposures_router
from .routes.graph_store import router as graph_store_router
from .routes.health import router as health_router
from .routes.imports import router as imports_router
from .routes.instruments import router as instruments_router
from .routes.linked_data import router as linked_data_router
from .routes.organizations import router as organizations_router
from .routes.sparql import router as sparql_router
from .routes.stats import router as stats_router
from .settings import Settings
from .sparql_fast_path import SparqlQueryPath

__all__ = ["create_app", "open_store"]


def open_store(settings: Settings) -> Store:
    """The store the settings name: on the remote SPARQL endpoint if one is set, else the embedded one."""
    endpoint = settings.endpoint()
    return RemoteStore(endpoint) if endpoint is not None else Store.open(settings.store_path)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app; `store` overrides the store at ``settings.store_path`` (tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        s = store if store is not None else open_store(settings)
        if not s.read_only and not s.named_graphs():
            load_bundled(s)
        app.state.store = s
        app.state.settings = settings
        yield
        # Flushed if no write is under way; else its transaction is in the log, which the
        # next opening replays (a write cut at shutdown is committed whole or not at all).
        if s.write_lock.acquire(blocking=False):
            try:
                s.flush()
            finally:
                s.write_lock.release()

    # FastAPIOffline serves Swagger UI and ReDoc from files in the package (under
    # /static-offline-docs): FastAPI's own /docs would load them from a CDN.
    app = FastAPIOffline(
        title="longarm",
        summary="Who can compel access to this data, through which chain of companies, under which law, and why.",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health_router)
    for router in (
        entities_router,
        organizations_router,
        exposures_router,
        charts_router,
        instruments_router,
        data_router,
        imports_router,
        assessments_router,
        stats_router,
        export_router,
    ):
        app.include_router(router, prefix="/api/v1")
    app.include_router(sparql_router)
    app.include_router(graph_store_router)
    app.include_router(linked_data_router)
    app.include_router(explorer_router)
    app.add_middleware(SparqlQueryPath)  # innermost: CORS and the body limit apply to it
    # Browsers may read from any origin; writes still need the bearer token (never a cookie).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Authorization", "Content-Type"],
        expose_headers=["Content-Length", "Location", "X-Longarm-Truncated"],
        max_age=600,
    )
    app.add_middleware(BodyLimitMiddleware, max_body=settings.max_body)  # outermost: before any body is read
    return app
