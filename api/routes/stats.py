"""What the store holds: triples per named graph, instances per class."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from ...graph.store.stats import store_stats
from ..deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["store"])


class GraphOut(BaseModel):
    graph: str
    triples: int
    origin: str | None


class StatsOut(BaseModel):
    triples: int
    graphs: list[GraphOut]
    instances: dict[str, int]


@router.get("/stats", summary="Triples per named graph and instances per longarm class")
def get_stats(store: StoreDep) -> StatsOut:
    stats = store_stats(store)
    return StatsOut(
        triples=stats.triples,
        graphs=[GraphOut(graph=g.graph, triples=g.triples, origin=g.origin) for g in stats.graphs],
        instances=stats.instances,
    )
