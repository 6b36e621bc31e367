"""Writing data: load an RDF document into a user graph, or remove a graph (bearer token required).

A load is validated against the SHACL shapes on what it touches and written in one
transaction, through the one write path (:mod:`longarm.graph.write.commit`) as ``longarm load``
is: malformed RDF gives 400 with the line and column, a violation 422 with each
violation, and the store is then unchanged. After a change the materialised exposures,
if any, are recomputed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ...graph.base.errors import InputError, UnsupportedFormatError
from ...graph.store.embedded import Store
from ...graph.store.loading import LoadReport, document_from_bytes, named_graph, user_graph
from ...graph.text.rdfio import FORMATS_BY_MEDIA_TYPE
from ...graph.write.commit import write_graphs
from ..deps import StoreDep, WriteTokenDep
from ..examples import GRAPH_NAMES, data_body
from ..models import DeleteOut, GraphLoadOut, LoadOut, errors

__all__ = ["router"]

router = APIRouter(tags=["data"])

# Every write goes through graph/write/commit.py: parsed and validated (on its scope) before the
# store's write lock is taken, written under it in one transaction, exposures refreshed.
_MEDIA = ", ".join(FORMATS_BY_MEDIA_TYPE)


@router.post(
    "/data",
    responses=errors(400, 401, 403, 415, 422),
    status_code=201,
    summary="Load an RDF document into a user graph (validated; all or nothing)",
    description=f"The body is RDF in the syntax its Content-Type names ({_MEDIA}). The graph "
    "`…/graph/user/{graph}` is created or replaced; 201 if it changed, 200 if it already held this document.",
    openapi_extra=data_body(),
)
async def post_data(
    request: Request,
    response: Response,
    store: StoreDep,
    _: WriteTokenDep,
    graph: Annotated[str, Query(max_length=200, description="the graph name", openapi_examples=GRAPH_NAMES)],
) -> LoadOut:
    target, media = user_graph(graph), request.headers.get("content-type")
    if not media:
        raise UnsupportedFormatError(f"send the RDF with its Content-Type: one of {_MEDIA}")
    report, refreshed = await run_in_threadpool(_load, store, target, await request.body(), media)
    response.status_code = 201 if report.changed else 200
    graphs = [GraphLoadOut.model_validate(g, from_attributes=True) for g in report.graphs.values()]
    return LoadOut(graphs=graphs, refreshed_exposures=refreshed)


@router.delete(
    "/data",
    responses=errors(401, 403, 404, 422),
    summary="Remove a user graph (the ontology and the bundled data cannot be removed: 403)",
    description="`graph` is a user graph name, or the full IRI of a named graph. The store left must still "
    "conform to the shapes (422 otherwise).",
)
def delete_data(
    store: StoreDep,
    _: WriteTokenDep,
    graph: Annotated[str, Query(max_length=500, description="a graph name or IRI", openapi_examples=GRAPH_NAMES)],
) -> DeleteOut:
    target = named_graph(graph)
    result = write_graphs(store, remove=[target])
    return DeleteOut(
        graph=target, triples_removed=result.removed[target], refreshed_exposures=result.refreshed_exposures
    )


def _load(store: Store, graph: str, body: bytes, media: str) -> tuple[LoadReport, int | None]:
    doc = document_from_bytes(body, "request body", graph, media)  # parsed before any lock is taken
    if not doc.triples:
        raise InputError("the request body holds no triples")
    result = write_graphs(store, [doc])
    return result.report, result.refreshed_exposures
