"""Running the app under uvicorn: ``longarm serve``."""

from __future__ import annotations

import uvicorn

from .app import create_app
from .settings import Settings

__all__ = ["serve"]


def serve(settings: Settings) -> int:
    """Serve the API on ``settings.host:settings.port`` until interrupted."""
    print(f"longarm: store {settings.store_path}")
    print(f"longarm: serving on http://{settings.host}:{settings.port}/  (API docs at /docs, SPARQL at /sparql)")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0
