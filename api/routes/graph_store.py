"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/graph-store`` (indirect identification).

A graph is named by ``?graph=<IRI>``; ``?default`` is the default graph, which is, as for
queries, the union of all graphs: it can be read (GET, HEAD) but not written (405): data
goes into a named graph. Writes need ``Authorization: Bearer <LONGARM_WRITE_TOKEN>``.

=========  =====================================================================================
GET/HEAD   the graph in Turtle, N-Triples, RDF/XML or JSON-LD (Accept); 404 if there is none
PUT        replace the graph with the body (201 created, 204 replaced)
POST       merge the body into the graph (201 created, 204 merged); without ``graph`` or
           ``default``, store the body in a new graph: 201 with its IRI and a ``Location``
DELETE     remove the graph (204; 404 if there is none)
=========  =====================================================================================

Writes are validated against the SHACL shapes like ``longarm load`` (400 for malformed
RDF with line and column, 415 for an unknown Content-Type, 422 with each violation) and
are all or nothing; the ontology, the bundled data, provenance and inferences are
refused (403).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...graph.sparql.graph_store import delete_graph, new_graph, post_graph, put_graph, read_graph
from ...ontology.namespace import PREFIXES
from ..deps import StoreDep, WriteTokenDep
from ..examples import data_body
from ..negotiation import GRAPHS, negotiate, rdf_body

__all__ = ["router"]

router = APIRouter(tags=["graph store"])

GraphParam = Annotated[str | None, Query(description="the IRI of a named graph")]
DefaultParam = Annotated[str | None, Query(description="present (no value): the default graph, read only")]

_WRITES: dict[int | str, dict[str, Any]] = {
    400: {"description": "malformed RDF (line and column), an empty body, or no graph named"},
    401: {"description": "no bearer token, or a wrong one"},
    403: {"description": "the server has no write token, or the graph is managed by longarm"},
    405: {"description": "the default graph cannot be written"},
    415: {"description": "no RDF parser for the Content-Type"},
    422: {"description": "SHACL violations, each listed"},
}


@router.get("/graph-store", summary="Read a graph", responses={404: {}, 406: {}})
@router.head("/graph-store", summary="Read a graph's headers", responses={404: {}, 406: {}})
async def get_graph(
    request: Request, store: StoreDep, graph: GraphParam = None, default: DefaultParam = None
) -> Response:
    label, media = negotiate(request.headers.get("accept"), GRAPHS)
    triples = await run_in_threadpool(read_graph, store, _target(graph, default))
    return Response(rdf_body(triples, media, PREFIXES), media_type=label, headers={"Vary": "Accept"})


@router.put(
    "/graph-store",
    summary="Replace a named graph (validated)",
    status_code=204,
    responses=_WRITES,
    openapi_extra=data_body(),
)
async def put(
    request: Request, store: StoreDep, _: WriteTokenDep, graph: GraphParam = None, default: DefaultParam = None
) -> Response:
    target = _writable(graph, default)
    created = await run_in_threadpool(put_graph, store, target, await request.body(), _media(request))
    return Response(status_code=201 if created else 204)


@router.post(
    "/graph-store",
    summary="Merge into a named graph, or create a new one",
    status_code=204,
    responses=_WRITES,
    openapi_extra=data_body(),
)
async def post(
    request: Request, store: StoreDep, _: WriteTokenDep, graph: GraphParam = None, default: DefaultParam = None
) -> Response:
    body, media = await request.body(), _media(request)
    if graph is None and default is None:
        iri = await run_in_threadpool(new_graph, store, body, media)
        location = str(request.url.replace(query="graph=" + quote(iri, safe="")))
        return JSONResponse({"graph": iri}, status_code=201, headers={"Location": location})
    created = await run_in_threadpool(post_graph, store, _writable(graph, default), body, media)
    return Response(status_code=201 if created else 204)


@router.delete("/graph-store", summary="Remove a named graph", status_code=204, responses={**_WRITES, 404: {}})
async def delete(store: StoreDep, _: WriteTokenDep, graph: GraphParam = None, default: DefaultParam = None) -> Response:
    await run_in_threadpool(delete_graph, store, _writable(graph, default))
    return Response(status_code=204)


def _target(graph: str | None, default: str | None) -> str | None:
    """The named graph a request addresses, or None for the default graph."""
    if (graph is None) == (default is None):
        raise HTTPException(400, "name one graph: ?graph=<IRI> or ?default")
    return graph


def _writable(graph: str | None, default: str | None) -> str:
    """The named graph a write addresses (the default graph cannot be written)."""
    target = _target(graph, default)
    if target is None:
        raise HTTPException(
            405,
            "the default graph is the union of all graphs and cannot be written: write a named graph (?graph=<IRI>)",
            headers={"Allow": "GET, HEAD"},
        )
    return target


def _media(request: Request) -> str | None:
    return request.headers.get("content-type")
