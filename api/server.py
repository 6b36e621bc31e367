"""Running the app under uvicorn: ``longarm serve``."""

from __future__ import annotations

import uvicorn

from .app import create_app
from .settings import Settings

__all__ = ["SHUTDOWN_GRACE_S", "serve"]

#: Seconds that requests under way are given to finish once the server is told to stop.
SHUTDOWN_GRACE_S = 10


def serve(settings: Settings) -> int:
    """Serve the API on ``settings.host:settings.port`` until interrupted."""
    print(f"longarm: store {settings.where()}")
    print(f"longarm: serving on http://{settings.host}:{settings.port}/  (API docs at /docs, SPARQL at /sparql)")
    if not settings.access_log:
        # A logged request costs a formatted line and a write: of the order of a light SPARQL answer.
        print("longarm: requests are not logged (--access-log or LONGARM_ACCESS_LOG=1 to log them)")
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=settings.access_log,
        # On SIGTERM, requests under way get this long to finish, then the server stops: a
        # write either committed (one Oxigraph transaction) or not at all.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    return 0
