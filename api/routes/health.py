"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The store is open and holds data")
def readyz(store: StoreDep) -> dict[str, object]:
    graphs = store.named_graphs()
    return {"status": "ready" if graphs else "empty", "graphs": len(graphs)}
