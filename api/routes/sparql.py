"""SPARQL 1.1 Protocol, query operation: GET, URL-encoded POST and direct POST.

Results are negotiated from the Accept header: SPARQL JSON (default), XML, CSV or TSV
for SELECT and ASK; Turtle (default), N-Triples, RDF/XML or JSON-LD for CONSTRUCT and
DESCRIBE. The default graph is the union of all named graphs unless the request names
``default-graph-uri``. SERVICE and LOAD are refused: the server fetches no URL.
"""

from __future__ import annotations

from typing import Annotated, TypeVar
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...graph.errors import QueryError
from ...graph.sparql_guard import check_no_outbound
from ...graph.store import Store
from ..deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

_RESULTS = [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("application/json", ox.QueryResultsFormat.JSON),
]
_GRAPHS = [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
]

F = TypeVar("F")

GraphUris = Annotated[list[str] | None, Query(alias="default-graph-uri")]
NamedUris = Annotated[list[str] | None, Query(alias="named-graph-uri")]


@router.get("/sparql", summary="SPARQL query (GET)")
def sparql_get(
    request: Request,
    store: StoreDep,
    query: str | None = None,
    default_graph_uri: GraphUris = None,
    named_graph_uri: NamedUris = None,
) -> Response:
    if query is None:
        raise HTTPException(400, "missing 'query' parameter")
    return _run(store, query, default_graph_uri, named_graph_uri, request.headers.get("accept"))


@router.post("/sparql", summary="SPARQL query (URL-encoded or direct POST)")
async def sparql_post(
    request: Request,
    store: StoreDep,
    default_graph_uri: GraphUris = None,
    named_graph_uri: NamedUris = None,
) -> Response:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    accept = request.headers.get("accept")
    if media == "application/x-www-form-urlencoded":
        form = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
        queries = form.get("query", [])
        if len(queries) != 1:
            raise HTTPException(400, "exactly one 'query' parameter is required")
        defaults = form.get("default-graph-uri") or default_graph_uri
        named = form.get("named-graph-uri") or named_graph_uri
        return await run_in_threadpool(_run, store, queries[0], defaults, named, accept)
    if media == "application/sparql-query":
        text = (await request.body()).decode("utf-8")
        return await run_in_threadpool(_run, store, text, default_graph_uri, named_graph_uri, accept)
    raise HTTPException(415, f"unsupported media type {media!r} for a SPARQL query")


def _run(store: Store, query: str, defaults: list[str] | None, named: list[str] | None, accept: str | None) -> Response:
    check_no_outbound(query)
    try:
        result = store.query(query, default_graphs=defaults, named_graphs=named)
    except ValueError as exc:  # an invalid IRI in the dataset parameters
        raise QueryError(str(exc)) from None
    # Oxigraph result objects must be dropped on the thread that made them: serialise
    # here and release the result before any error leaves this frame.
    try:
        if isinstance(result, ox.QueryTriples):
            media, rdf = _negotiate(accept, _GRAPHS)
            body = ox.serialize(result, format=rdf)
        else:
            media, fmt = _negotiate(accept, _RESULTS)
            body = result.serialize(format=fmt)
    finally:
        del result
    return Response(body, media_type=media)


def _negotiate(accept: str | None, offers: list[tuple[str, F]]) -> tuple[str, F]:
    if not accept:
        return offers[0]
    wanted = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        wanted.append((-q, i, fields[0].lower()))
    for neg_q, _, media in sorted(wanted):
        if neg_q == 0:
            continue
        for offer in offers:
            if media in (offer[0], "*/*") or (media.endswith("/*") and offer[0].startswith(media[:-1])):
                return offer
    offered = ", ".join(o[0] for o in offers)
    raise HTTPException(406, f"none of the accepted media types can carry this result; offered: {offered}")
