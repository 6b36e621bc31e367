"""SPARQL queries answered before FastAPI's routing: the endpoint's hot path.

A light query takes Oxigraph ~0.1 ms; going through FastAPI's router, its dependency
resolution and its exception middleware costs several times that on every query. This
ASGI middleware answers ``GET /sparql?query=…`` and the query ``POST`` forms itself, with
the very functions the ``/sparql`` routes use (:func:`~longarm.api.sparql_protocol.read_operation`
and :func:`~longarm.api.sparql_protocol.answer`), and maps the domain errors of a query
with :func:`~longarm.api.errors.error_response`, as the app's handler does.

Everything else goes on to the app unchanged: other paths and methods, the Service
Description, updates (they need the bearer token), and every request it cannot answer
as it is (a malformed request, no acceptable media type). There the route gives the
error; a body already read is handed on again. It sits inside the CORS and body-limit
middleware, so those apply to its answers too.

Examples
--------
>>> from fastapi.testclient import TestClient
>>> from longarm.api.app import create_app
>>> from longarm.api.settings import Settings
>>> from longarm.graph.store.embedded import Store
>>> from pathlib import Path
>>> app = create_app(Settings(store_path=Path("unused")), store=Store.in_memory())
>>> with TestClient(app) as client:
...     fast = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
...     routed = client.get("/sparql")  # the Service Description: the route answers
>>> fast.status_code, fast.json()["boolean"], routed.headers["content-type"]
(200, True, 'text/turtle; charset=utf-8')
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..graph.base.errors import LongarmError
from .errors import error_response
from .sparql_protocol import SPARQL_PATH, answer, read_operation

__all__ = ["SparqlQueryPath"]


class SparqlQueryPath:
    """ASGI middleware answering SPARQL queries at ``/sparql``; see the module's notes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != SPARQL_PATH or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        body = None
        response: Response | None = None
        try:
            if scope["method"] == "POST":
                body = await _body(receive)
            request = Request(scope, _replay(body, receive))
            op = await read_operation(request)
            if op is not None and op.kind == "query":
                response = await answer(request, op)
        except HTTPException:
            response = None  # malformed, or no acceptable type: the route says what is wrong
        except LongarmError as exc:  # a query that failed, or a body over the limit
            response = error_response(exc)
        if response is None:  # the route answers: the Service Description, an update, or the error
            await self.app(scope, _replay(body, receive), send)
        else:
            await response(scope, receive, send)


async def _body(receive: Receive) -> bytes:
    """The whole request body."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes | None, receive: Receive) -> Receive:
    """`receive`, giving first `body` if it was read already."""
    if body is None:
        return receive
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
