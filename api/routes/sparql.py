"""The SPARQL 1.1 Protocol at ``/sparql``: query, update and the Service Description.

- **Query**: ``GET /sparql?query=…``, ``POST`` URL-encoded (``query=…``) or direct
  (``Content-Type: application/sparql-query``), with ``default-graph-uri`` and
  ``named-graph-uri`` (in the body of a URL-encoded POST, in the URL otherwise). Without
  them the default graph is the union of all graphs, unless the query has ``FROM``.
- **Update**: ``POST`` URL-encoded (``update=…``) or direct (``application/sparql-update``),
  with ``using-graph-uri`` and ``using-named-graph-uri``; it needs
  ``Authorization: Bearer <LONGARM_WRITE_TOKEN>`` (401 without or with a wrong one, 403
  when the server has no token) and answers ``204 No Content``.
- **Service Description**: ``GET /sparql`` without a query, in Turtle, N-Triples,
  RDF/XML or JSON-LD.

**Base IRI**: relative IRIs in a query or an update are resolved against the endpoint's
own IRI, the URL the request addressed without its query string (e.g.
``http://127.0.0.1:8000/sparql``, so ``<x>`` is ``<http://127.0.0.1:8000/x>``); the
Service Description names the same IRI as ``sd:endpoint``. A ``BASE`` in the text wins.
See ``docs/sparql-protocol.md``.

Results are negotiated from ``Accept``: SPARQL JSON (default), XML, CSV or TSV for SELECT
and ASK; Turtle (default), N-Triples, RDF/XML or JSON-LD for CONSTRUCT and DESCRIBE.
Errors: 400 for a syntax error, a malformed request, or SERVICE/LOAD (the server never
fetches a URL); 406 when no accepted type fits; 415 for a POST of another Content-Type or
of none (nothing is run); 503 when a query runs past the deadline
(``LONGARM_QUERY_TIMEOUT``) and is stopped.

A result longer than ``LONGARM_RESULT_CAP`` rows (or triples) is **truncated** to the
first ones; the header ``X-Longarm-Truncated`` is ``true`` then (``false`` otherwise).

In the app, queries reach :func:`answer` through :mod:`longarm.api.sparql_fast_path`, in
front of FastAPI's routing; these routes answer the rest (and describe all in OpenAPI).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ...graph.sparql.pool import query_runner
from ...graph.sparql.service_description import PREFIXES as SD_PREFIXES
from ...graph.sparql.service_description import service_description
from ...graph.sparql.update import apply_update
from ..deps import BearerDep, SettingsDep, StoreDep, check_write_token
from ..negotiation import GRAPHS, RESULTS, negotiate, rdf_body
from ..settings import Settings
from ..sparql_protocol import (
    FORM,
    QUERY,
    SPARQL_PATH,
    TRUNCATED_HEADER,
    UPDATE,
    USING,
    Operation,
    answer,
    endpoint_iri,
    read_operation,
)

__all__ = ["SPARQL_PATH", "TRUNCATED_HEADER", "Operation", "answer", "endpoint_iri", "read_operation", "router"]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the query runner (worker processes for an on-disk store) and stop it at shutdown."""
    settings: Settings = app.state.settings
    runner = query_runner(app.state.store, workers=settings.query_workers, timeout=settings.query_timeout)
    app.state.query_runner = runner
    try:
        yield
    finally:
        runner.close()


router = APIRouter(tags=["sparql"], lifespan=_lifespan)

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The results, in the negotiated format",
        "content": {m: {} for m, _ in [*RESULTS, *GRAPHS]},
        "headers": {TRUNCATED_HEADER: {"description": "true if the result cap cut the answer"}},
    },
    400: {"description": "a syntax error, a malformed request, or SERVICE/LOAD (refused)"},
    406: {"description": "no accepted media type can carry the answer"},
    503: {"description": "the query ran past the deadline and was stopped"},
}


_EXAMPLE = "SELECT ?owner ?kind WHERE { ?i lx:owned lxorg:bleu ; lx:owner/rdfs:label ?owner ; lx:interestKind ?kind }"
_URIS = {"type": "array", "items": {"type": "string", "format": "uri"}}
_GET_PARAMETERS: dict[str, Any] = {
    "parameters": [
        {
            "name": "query",
            "in": "query",
            "schema": {"type": "string"},
            "example": _EXAMPLE,
            "description": "the query; without it, the Service Description",
        },
        {"name": "default-graph-uri", "in": "query", "schema": _URIS, "description": "the default graph (merged)"},
        {"name": "named-graph-uri", "in": "query", "schema": _URIS, "description": "the named graphs"},
    ]
}
_POST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                        **{name: _URIS for name in ("default-graph-uri", "named-graph-uri", *USING)},
                    },
                },
                "example": {"query": _EXAMPLE},
            },
            QUERY: {"schema": {"type": "string"}, "example": _EXAMPLE},
            UPDATE: {"schema": {"type": "string"}, "example": "DROP SILENT GRAPH <https://example.org/g>"},
        },
    }
}


@router.get(
    SPARQL_PATH,
    summary="SPARQL query (GET), or the Service Description without a query",
    responses=_RESPONSES,
    openapi_extra=_GET_PARAMETERS,
)
async def sparql_get(request: Request, store: StoreDep) -> Response:
    op = await read_operation(request)
    if op is None:
        label, media = negotiate(request.headers.get("accept"), GRAPHS)
        triples = await run_in_threadpool(service_description, store, endpoint_iri(request))
        return Response(rdf_body(triples, media, SD_PREFIXES), media_type=label, headers={"Vary": "Accept"})
    return await answer(request, op)


@router.post(
    SPARQL_PATH,
    summary="SPARQL query or update (URL-encoded or direct POST); updates need the bearer token",
    responses={
        **_RESPONSES,
        204: {"description": "the update was applied"},
        401: {},
        403: {},
        415: {"description": "another Content-Type, or none: nothing is run"},
    },
    openapi_extra=_POST_BODY,
)
async def sparql_post(request: Request, store: StoreDep, settings: SettingsDep, credentials: BearerDep) -> Response:
    op = await read_operation(request)
    assert op is not None  # a POST always carries an operation
    if op.kind == "query":
        return await answer(request, op)
    check_write_token(settings, credentials)
    base = endpoint_iri(request)
    await run_in_threadpool(apply_update, store, op.text, using=op.graphs, using_named=op.named, base_iri=base)
    return Response(status_code=204)
