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

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL

from ...graph.query_pool import QueryRunner, QueryTask, query_runner
from ...graph.service_description import PREFIXES as SD_PREFIXES
from ...graph.service_description import service_description
from ...graph.sparql_guard import query_form
from ...graph.sparql_update import apply_update
from ..deps import BearerDep, SettingsDep, StoreDep, check_write_token
from ..negotiation import GRAPHS, RESULTS, negotiate, rdf_body
from ..settings import Settings

__all__ = ["SPARQL_PATH", "TRUNCATED_HEADER", "Operation", "answer", "endpoint_iri", "read_operation", "router"]

SPARQL_PATH = "/sparql"
TRUNCATED_HEADER = "X-Longarm-Truncated"
_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
_USING = ("using-graph-uri", "using-named-graph-uri")


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
            _FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                        **{name: _URIS for name in ("default-graph-uri", "named-graph-uri", *_USING)},
                    },
                },
                "example": {"query": _EXAMPLE},
            },
            _QUERY: {"schema": {"type": "string"}, "example": _EXAMPLE},
            _UPDATE: {"schema": {"type": "string"}, "example": "DROP SILENT GRAPH <https://example.org/g>"},
        },
    }
}


@dataclass(frozen=True, slots=True)
class Operation:
    """A query or an update read from a request, with its dataset parameters."""

    kind: str  # "query" or "update"
    text: str
    graphs: list[str]  # default-graph-uri, or using-graph-uri
    named: list[str]  # named-graph-uri, or using-named-graph-uri


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


async def read_operation(request: Request) -> Operation | None:
    """The query or update a request of the Protocol carries; None for a GET without a query.

    Raises :class:`HTTPException` (400, 415) for a malformed request.
    """
    if request.method != "POST":
        params = request.query_params
        if "update" in params:
            raise HTTPException(400, "a SPARQL update is sent with POST, not GET")
        if "query" not in params:
            return None
        return Operation("query", _one(params.getlist("query"), "query"), *_dataset(params.multi_items(), "query"))
    return await _read_post(request)


def endpoint_iri(request: Request) -> str:
    """The endpoint's own IRI: the URL `request` addressed, without its query string.

    It is the base IRI of the queries and updates sent to it, and the ``sd:endpoint`` of
    the Service Description. Its authority is the request's ``Host``, or the server's
    address when that is missing or invalid (as for :attr:`Request.url`). Raises
    :class:`HTTPException` (400) if no valid IRI comes out.
    """
    scope = request.scope
    host = next((value for key, value in scope["headers"] if key == b"host"), None)
    server = scope.get("server")
    return _endpoint_iri(scope.get("scheme", "http"), host, tuple(server) if server else None, scope["path"])


@functools.lru_cache(maxsize=64)
def _endpoint_iri(scheme: str, host: bytes | None, server: tuple[str, int] | None, path: str) -> str:
    """The IRI of :func:`endpoint_iri`, made and checked once per request target (the fast path asks at each query)."""
    scope: dict[str, Any] = {
        "scheme": scheme,
        "server": server,
        "path": path,
        "headers": [(b"host", host)] if host else [],
    }
    iri = str(URL(scope=scope))
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise HTTPException(
            400, f"the request does not make a valid endpoint IRI (the base of relative IRIs): {iri}"
        ) from None
    return iri


async def answer(request: Request, op: Operation) -> Response:
    """Negotiate, run the query on the app's query runner (off the event loop), make the response.

    Relative IRIs in the query are resolved against :func:`endpoint_iri`. Raises
    :class:`HTTPException` (406) when no accepted type fits, (400) when the request makes
    no valid endpoint IRI, and the domain errors of :meth:`QueryRunner.arun`.
    """
    settings: Settings = request.app.state.settings
    offers = GRAPHS if query_form(op.text) in ("construct", "describe") else RESULTS
    label, media = negotiate(request.headers.get("accept"), offers)
    given = bool(op.graphs or op.named)  # the Protocol's dataset replaces the query's, whole
    task = QueryTask(
        op.text,
        media,
        default_graphs=tuple(op.graphs) if given else None,
        named_graphs=tuple(op.named) if given else None,
        cap=settings.result_cap,
        base_iri=endpoint_iri(request),
    )
    runner: QueryRunner = request.app.state.query_runner
    answer = await runner.arun(task)  # on the event loop: no thread in between (QueryPool.arun)
    headers = {TRUNCATED_HEADER: "true" if answer.truncated else "false", "Vary": "Accept"}
    return Response(answer.body, media_type=label if answer.media_type == media else answer.media_type, headers=headers)


async def _read_post(request: Request) -> Operation:
    """Read a POST of the Protocol: URL-encoded (query or update) or direct."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not media:  # never guessed from the body: nothing is run
        raise HTTPException(
            415, f"a SPARQL POST needs a Content-Type ({_FORM}, {_QUERY} or {_UPDATE}): none is given (untyped)"
        )
    if media not in (_FORM, _QUERY, _UPDATE):
        raise HTTPException(415, f"a SPARQL POST is {_FORM}, {_QUERY} or {_UPDATE}, not {media}")
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not UTF-8") from None
    if media != _FORM:
        kind = "query" if media == _QUERY else "update"
        return Operation(kind, body, *_dataset(request.query_params.multi_items(), kind))
    form = parse_qs(body, keep_blank_values=True)
    if ("query" in form) == ("update" in form):
        raise HTTPException(400, "a URL-encoded SPARQL POST has one 'query' or one 'update' parameter")
    kind = "query" if "query" in form else "update"
    pairs = [(k, v) for k, values in form.items() for v in values]
    return Operation(kind, _one(form[kind], kind), *_dataset(pairs, kind))


def _dataset(pairs: list[tuple[str, str]], kind: str) -> tuple[list[str], list[str]]:
    """The dataset parameters of a query (default/named-graph-uri) or an update (using-…)."""
    graphs, named = ("default-graph-uri", "named-graph-uri") if kind == "query" else _USING
    wrong = _USING if kind == "query" else ("default-graph-uri", "named-graph-uri")
    if any(k in wrong for k, _ in pairs):
        raise HTTPException(400, f"{' and '.join(wrong)} do not apply to a SPARQL {kind}")
    return [v for k, v in pairs if k == graphs], [v for k, v in pairs if k == named]


def _one(values: list[str], name: str) -> str:
    if len(values) != 1:
        raise HTTPException(400, f"exactly one '{name}' parameter is required")
    return values[0]
