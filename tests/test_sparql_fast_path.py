"""The SPARQL query fast path answers exactly as the ``/sparql`` routes would, and only queries.

Each request is sent to the app as built (with :class:`SparqlQueryPath`) and to the same
app without the middleware (the routes alone); status, body and headers must be equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from longarm.api.app import create_app
from longarm.api.settings import Settings
from longarm.api.sparql_fast_path import SparqlQueryPath
from longarm.graph.store.embedded import Store

from .test_sparql_protocol import AUTH, G1, LABELS, TOKEN, small_store

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"

# (name, method, params, headers, body): every kind of answer and error the endpoint gives.
REQUESTS: list[tuple[str, str, dict[str, str], dict[str, str], str | None]] = [
    ("get json", "GET", {"query": LABELS}, {}, None),
    ("get csv", "GET", {"query": LABELS}, {"accept": "text/csv"}, None),
    ("get ask xml", "GET", {"query": "ASK { ?s ?p ?o }"}, {"accept": "application/sparql-results+xml"}, None),
    ("get construct", "GET", {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, {"accept": "application/n-triples"}, None),
    ("get dataset", "GET", {"query": LABELS, "default-graph-uri": G1}, {}, None),
    ("get truncated", "GET", {"query": "SELECT * WHERE { ?s ?p ?o }"}, {}, None),
    ("get with origin", "GET", {"query": LABELS}, {"origin": "https://example.net"}, None),
    ("form", "POST", {}, {"content-type": FORM}, "query=" + LABELS.replace(" ", "+")),
    ("direct", "POST", {}, {"content-type": QUERY}, LABELS),
    ("direct dataset", "POST", {"named-graph-uri": G1}, {"content-type": QUERY}, LABELS),
    ("syntax error", "POST", {}, {"content-type": QUERY}, "SELECT WHERE {"),
    ("service refused", "GET", {"query": "SELECT * WHERE { SERVICE <http://e.org/> { ?s ?p ?o } }"}, {}, None),
    ("bad graph iri", "GET", {"query": LABELS, "default-graph-uri": "not an iri"}, {}, None),
    ("not acceptable", "GET", {"query": LABELS}, {"accept": "image/png"}, None),
    ("two queries", "GET", {"query": LABELS, "update": "CLEAR ALL"}, {}, None),
    ("wrong media type", "POST", {}, {"content-type": "text/plain"}, LABELS),
    ("relative iris", "GET", {"query": "SELECT ?x ?y WHERE { BIND(<x> AS ?x) BIND(<#y> AS ?y) }"}, {}, None),
    ("own base", "POST", {}, {"content-type": QUERY}, "BASE <https://example.org/> SELECT ?x { BIND(<x> AS ?x) }"),
    ("untyped query", "POST", {}, {}, LABELS),
    ("untyped form", "POST", {}, {}, "query=" + LABELS.replace(" ", "+")),
    ("untyped update", "POST", {}, AUTH, "INSERT DATA { GRAPH <x:untyped> { <x:a> <x:b> <x:c> } }"),
    ("not utf-8", "POST", {}, {"content-type": QUERY}, None),
    ("update without token", "POST", {}, {"content-type": "application/sparql-update"}, "CLEAR SILENT GRAPH <x:y>"),
    ("update with token", "POST", {}, {"content-type": FORM, **AUTH}, "update=CLEAR+SILENT+GRAPH+%3Cx%3Ay%3E"),
    ("service description", "GET", {}, {"accept": "application/n-triples"}, None),
]


def _client(fast: bool) -> TestClient:
    app = create_app(
        Settings(store_path=Path("unused"), write_token=TOKEN, result_cap=3), store=small_store(Store.in_memory())
    )
    if not fast:
        app.user_middleware = [m for m in app.user_middleware if m.cls is not SparqlQueryPath]
    return TestClient(app)


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[TestClient, TestClient]]:
    with _client(True) as fast, _client(False) as routed:
        yield fast, routed


def _named(body: bytes) -> bytes:
    """`body` with blank node labels made equal (the Service Description draws new ones)."""
    return re.sub(rb"_:[0-9a-f]+", b"_:b", body)


def _send(client: TestClient, method: str, params: dict[str, str], headers: dict[str, str], body: str | None) -> Any:
    content = body.encode() if body is not None else (b"\xff\xfe" if headers.get("content-type") == QUERY else None)
    return client.request(method, "/sparql", params=params, headers=headers, content=content)


@pytest.mark.parametrize(("name", "method", "params", "headers", "body"), REQUESTS, ids=[r[0] for r in REQUESTS])
def test_same_answer_as_the_routes(
    clients: tuple[TestClient, TestClient],
    name: str,
    method: str,
    params: dict[str, str],
    headers: dict[str, str],
    body: str | None,
) -> None:
    fast, routed = (_send(c, method, params, headers, body) for c in clients)
    assert (fast.status_code, _named(fast.content)) == (routed.status_code, _named(routed.content)), name
    for r in (fast, routed):  # blank node labels may differ in length: compare the rest
        assert int(r.headers.pop("content-length", "0")) == len(r.content)
    assert dict(fast.headers) == dict(routed.headers)


def test_the_middleware_is_in_the_app() -> None:
    app = create_app(Settings(store_path=Path("unused")), store=Store.in_memory())
    assert SparqlQueryPath in [m.cls for m in app.user_middleware]


def test_queries_stop_at_the_middleware_and_the_rest_goes_on(clients: tuple[TestClient, TestClient]) -> None:
    app = clients[0].app
    reached: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # the test client starts and stops the app
            while (await receive())["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        reached.append(f"{scope['method']} {scope['path']}")
        message = await receive()  # a body read by the middleware is handed on
        body = message.get("body", b"")
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": body})

    middleware = SparqlQueryPath(inner)

    async def outer(scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = app  # as Starlette does before its middleware: the state is the app's
        await middleware(scope, receive, send)

    with TestClient(outer) as client:
        answered = client.post("/sparql", content=LABELS, headers={"content-type": QUERY})
        update = client.post("/sparql", content="CLEAR ALL", headers={"content-type": "application/sparql-update"})
        other = client.get("/api/v1/instruments")
    assert answered.status_code == 200 and answered.json()["results"]["bindings"]
    assert (update.status_code, update.content) == (299, b"CLEAR ALL")
    assert other.status_code == 299
    assert reached == ["POST /sparql", "GET /api/v1/instruments"]
