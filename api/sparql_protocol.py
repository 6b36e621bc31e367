"""The SPARQL 1.1 Protocol's requests and answers, shared by the routes and the fast path.

:func:`read_operation` reads the query or update a request carries (GET, URL-encoded
POST, direct POST, with the dataset parameters), :func:`answer` runs a query on the app's
query runner and makes the response, and :func:`endpoint_iri` is the endpoint's own IRI,
the base of relative IRIs. ``api/routes/sparql.py`` (the routes, with their OpenAPI
description) and ``api/sparql_fast_path.py`` (queries answered before FastAPI's routing)
both call these: neither imports the other.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import URL

from ..graph.sparql.pool import QueryRunner
from ..graph.sparql.results import QueryTask
from ..graph.text.sparql_guard import query_form
from .negotiation import GRAPHS, RESULTS, negotiate
from .settings import Settings

__all__ = [
    "FORM",
    "QUERY",
    "SPARQL_PATH",
    "TRUNCATED_HEADER",
    "UPDATE",
    "USING",
    "Operation",
    "answer",
    "endpoint_iri",
    "read_operation",
]

SPARQL_PATH = "/sparql"
TRUNCATED_HEADER = "X-Longarm-Truncated"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
USING = ("using-graph-uri", "using-named-graph-uri")


@dataclass(frozen=True, slots=True)
class Operation:
    """A query or an update read from a request, with its dataset parameters."""

    kind: str  # "query" or "update"
    text: str
    graphs: list[str]  # default-graph-uri, or using-graph-uri
    named: list[str]  # named-graph-uri, or using-named-graph-uri


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
            415, f"a SPARQL POST needs a Content-Type ({FORM}, {QUERY} or {UPDATE}): none is given (untyped)"
        )
    if media not in (FORM, QUERY, UPDATE):
        raise HTTPException(415, f"a SPARQL POST is {FORM}, {QUERY} or {UPDATE}, not {media}")
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not UTF-8") from None
    if media != FORM:
        kind = "query" if media == QUERY else "update"
        return Operation(kind, body, *_dataset(request.query_params.multi_items(), kind))
    form = parse_qs(body, keep_blank_values=True)
    if ("query" in form) == ("update" in form):
        raise HTTPException(400, "a URL-encoded SPARQL POST has one 'query' or one 'update' parameter")
    kind = "query" if "query" in form else "update"
    pairs = [(k, v) for k, values in form.items() for v in values]
    return Operation(kind, _one(form[kind], kind), *_dataset(pairs, kind))


def _dataset(pairs: list[tuple[str, str]], kind: str) -> tuple[list[str], list[str]]:
    """The dataset parameters of a query (default/named-graph-uri) or an update (using-…)."""
    graphs, named = ("default-graph-uri", "named-graph-uri") if kind == "query" else USING
    wrong = USING if kind == "query" else ("default-graph-uri", "named-graph-uri")
    if any(k in wrong for k, _ in pairs):
        raise HTTPException(400, f"{' and '.join(wrong)} do not apply to a SPARQL {kind}")
    return [v for k, v in pairs if k == graphs], [v for k, v in pairs if k == named]


def _one(values: list[str], name: str) -> str:
    if len(values) != 1:
        raise HTTPException(400, f"exactly one '{name}' parameter is required")
    return values[0]
