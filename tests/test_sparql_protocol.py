"""The SPARQL 1.1 Protocol, Service Description and Graph Store Protocol, through the test client.

Every method (GET, URL-encoded POST, direct POST) with every format, the dataset
parameters, the Protocol's errors (400, 406, 415), the base IRI of relative IRIs, a POST
without a Content-Type (refused, never run), the bearer token on writes, the Graph
Store's CRUD, CORS, the result cap, and the worker pool on an on-disk store (fresh after
writes, stopped at its deadline). A real server is in ``test_sparql_http.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import multiprocessing
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from httpx2 import Response
from starlette.requests import Request

from longarm.api.app import create_app
from longarm.api.settings import Settings
from longarm.api.sparql_fast_path import SparqlQueryPath
from longarm.api.sparql_protocol import endpoint_iri
from longarm.graph.base.errors import QueryError, QueryTimeoutError
from longarm.graph.sparql.pool import QueryPool
from longarm.graph.sparql.results import QueryTask
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import META_GRAPH, ONTOLOGY_GRAPH, load_bundled
from longarm.graph.text.sparql_guard import add_using, check_no_outbound, declares_dataset, query_form
from longarm.graph.text.update_targets import written_graphs
from longarm.ontology.namespace import GRAPH_BASE

ROOT = Path(__file__).resolve().parent.parent
EX = "https://example.org/"
SERVER = "http://testserver/"  # the test client's
ENDPOINT = SERVER + "sparql"  # the endpoint's own IRI: the base of relative IRIs
G1, G2 = EX + "g1", EX + "g2"
TOKEN = "s3cret-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
DATA = f"""
GRAPH <{G1}> {{ <{EX}a> <http://www.w3.org/2000/01/rdf-schema#label> "A" . <{EX}a> <{EX}p> <{EX}b> . }}
GRAPH <{G2}> {{ <{EX}c> <http://www.w3.org/2000/01/rdf-schema#label> "C"@fr . }}
"""
LABELS = "SELECT ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label"
RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
# Ten VALUES blocks of ten values: 10^10 rows to count, with no data at all.
EXPLOSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(10)) + " }"
)


def small_store(store: Store) -> Store:
    store.oxigraph.update(f"INSERT DATA {{ {DATA} }}")
    store.touch()
    return store


def make_client(store: Store, **settings: Any) -> TestClient:
    options: dict[str, Any] = {"write_token": TOKEN, **settings}
    return TestClient(create_app(Settings(store_path=Path("unused"), **options), store=store))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with make_client(small_store(Store.in_memory())) as c:  # not empty: the bundled data is not loaded
        yield c


def run(client: TestClient, method: str, query: str, accept: str | None = None, **params: Any) -> Response:
    """Send a query the way `method` says: get, form (URL-encoded POST) or direct POST."""
    headers = {"accept": accept} if accept else {}
    if method == "get":
        return client.get("/sparql", params={"query": query, **params}, headers=headers)
    if method == "form":
        return client.post("/sparql", data={"query": query, **params}, headers=headers)
    headers["content-type"] = "application/sparql-query"
    return client.post("/sparql", content=query, params=params, headers=headers)


def solutions(r: Response) -> list[dict[str, str]]:
    """The rows of a SELECT answer in any results format, as {variable: lexical value}."""
    assert r.status_code == 200, r.text
    if r.headers["content-type"].startswith("text/csv"):  # lossy: Oxigraph does not parse it
        return [{k: v for k, v in row.items() if v} for row in csv.DictReader(io.StringIO(r.text))]
    fmt = ox.QueryResultsFormat.from_media_type(r.headers["content-type"].split(";")[0])
    assert fmt is not None
    result = ox.parse_query_results(r.content, format=fmt)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: str(s[n].value) for n in names if s[n] is not None} for s in result]


def graph(r: Response) -> set[tuple[str, str, str]]:
    assert r.status_code == 200, r.text
    fmt = ox.RdfFormat.from_media_type(r.headers["content-type"].split(";")[0])
    assert fmt is not None
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in ox.parse(r.content, format=fmt)}


# ---------------------------------------------------------------------- queries


@pytest.mark.parametrize("accept", RESULT_TYPES)
@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_select_every_method_and_format(client: TestClient, method: str, accept: str) -> None:
    r = run(client, method, LABELS, accept)
    assert r.headers["content-type"].startswith(accept)
    assert r.headers["x-longarm-truncated"] == "false"
    assert [row["label"] for row in solutions(r)] == ["A", "C"]


@pytest.mark.parametrize("accept", RESULT_TYPES)
@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_ask_every_method_and_format(client: TestClient, method: str, accept: str) -> None:
    r = run(client, method, f"ASK {{ <{EX}a> ?p ?o }}", accept)
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    if accept == "text/csv":
        assert r.text == "true"
        return
    fmt = ox.QueryResultsFormat.from_media_type(accept)
    assert fmt is not None
    assert bool(ox.parse_query_results(r.content, format=fmt)) is True


@pytest.mark.parametrize("accept", GRAPH_TYPES)
@pytest.mark.parametrize("method", ["get", "form", "direct"])
@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { ?s rdfs:label ?o }", f"DESCRIBE <{EX}c>"])
def test_graph_results_every_method_and_format(client: TestClient, method: str, accept: str, form: str) -> None:
    r = run(client, method, form, accept)
    assert r.headers["content-type"].startswith(accept)
    assert (f"<{EX}c>", "<http://www.w3.org/2000/01/rdf-schema#label>", '"C"@fr') in graph(r)


@pytest.mark.parametrize(
    ("accept", "select", "construct"),
    [
        (None, "application/sparql-results+json", "text/turtle"),
        ("*/*", "application/sparql-results+json", "text/turtle"),
        ("text/csv, */*;q=0.1", "text/csv", "text/turtle"),
        ("application/json", "application/json", "application/json"),
        (
            "text/turtle;q=0.2, application/sparql-results+xml, application/n-triples;q=0.5",
            "application/sparql-results+xml",
            "application/n-triples",
        ),
        ("application/*", "application/sparql-results+json", "application/n-triples"),
    ],
)
def test_negotiation(client: TestClient, accept: str | None, select: str, construct: str) -> None:
    assert run(client, "get", LABELS, accept).headers["content-type"].startswith(select)
    r = run(client, "get", "CONSTRUCT WHERE { ?s ?p ?o }", accept)
    assert r.headers["content-type"].startswith(construct)
    assert r.headers["vary"].startswith("Accept")


def test_default_graph_is_the_union(client: TestClient) -> None:
    assert len(solutions(run(client, "get", "SELECT * WHERE { ?s ?p ?o }"))) == 3


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_dataset_parameters(client: TestClient, method: str) -> None:
    only_g2 = run(client, method, LABELS, **{"default-graph-uri": G2})
    assert [row["label"] for row in solutions(only_g2)] == ["C"]
    named = run(client, method, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": G1})
    assert {row["g"] for row in solutions(named)} == {G1}
    # Only named graphs given: the default graph is then empty.
    assert solutions(run(client, method, LABELS, **{"named-graph-uri": G1})) == []


def test_several_default_graphs(client: TestClient) -> None:
    r = client.get("/sparql", params=[("query", LABELS), ("default-graph-uri", G1), ("default-graph-uri", G2)])
    assert [row["label"] for row in solutions(r)] == ["A", "C"]


def test_from_is_honoured_and_the_protocol_overrides_it(client: TestClient) -> None:
    q = f"SELECT ?label FROM <{G1}> WHERE {{ ?s rdfs:label ?label }}"
    assert [row["label"] for row in solutions(run(client, "get", q))] == ["A"]
    assert [row["label"] for row in solutions(run(client, "get", q, **{"default-graph-uri": G2}))] == ["C"]
    q = f"SELECT ?g FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert {row["g"] for row in solutions(run(client, "get", q))} == {G2}


def test_from_a_url_fetches_nothing(client: TestClient) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
        r = run(
            client,
            "get",
            f"SELECT * FROM <{url}> FROM NAMED <{url}> WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}",
        )
        assert solutions(r) == []
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody connected


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("request_args", "status", "message"),
    [
        ({"method": "GET", "url": "/sparql", "params": {"query": "SELECT WHERE {"}}, 400, "syntax"),
        ({"method": "GET", "url": "/sparql", "params": [("query", LABELS), ("query", LABELS)]}, 400, "exactly one"),
        ({"method": "GET", "url": "/sparql", "params": {"update": "CLEAR ALL"}}, 400, "POST"),
        ({"method": "GET", "url": "/sparql", "params": {"query": LABELS, "default-graph-uri": "not an iri"}}, 400, ""),
        ({"method": "GET", "url": "/sparql", "params": {"query": LABELS, "using-graph-uri": G1}}, 400, "do not apply"),
        (
            {"method": "POST", "url": "/sparql", "data": {"query": LABELS, "update": "CLEAR ALL"}},
            400,
            "one 'query' or one 'update'",
        ),
        ({"method": "POST", "url": "/sparql", "data": {"default-graph-uri": G1}}, 400, "one 'query' or one 'update'"),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": b"\xff",
                "headers": {"content-type": "application/sparql-query"},
            },
            400,
            "UTF-8",
        ),
        (
            {"method": "POST", "url": "/sparql", "content": LABELS, "headers": {"content-type": "text/plain"}},
            415,
            "text/plain",
        ),
        ({"method": "POST", "url": "/sparql", "content": LABELS}, 415, "untyped"),
        (
            {"method": "GET", "url": "/sparql", "params": {"query": LABELS}, "headers": {"accept": "image/png"}},
            406,
            "offered",
        ),
        (
            {
                "method": "GET",
                "url": "/sparql",
                "params": {"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                "headers": {"accept": "text/csv"},
            },
            406,
            "text/turtle",
        ),
        ({"method": "GET", "url": "/sparql", "headers": {"accept": "text/csv"}}, 406, "text/turtle"),
        (
            {"method": "GET", "url": "/sparql", "params": {"query": LABELS}, "headers": {"accept": "text/csv;q=0"}},
            406,
            "",
        ),
    ],
)
def test_protocol_errors(client: TestClient, request_args: dict[str, Any], status: int, message: str) -> None:
    r = client.request(**request_args)
    assert r.status_code == status, r.text
    assert message in r.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . service   <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <file:///etc/passwd> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(client: TestClient, query: str) -> None:
    r = run(client, "get", query)
    assert r.status_code == 400 and "SERVICE is refused" in r.json()["detail"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/data.ttl", "file:///etc/passwd", "https://example.org/data.ttl"])
def test_load_is_refused(client: TestClient, url: str) -> None:
    r = client.post("/sparql", data={"update": f"LOAD <{url}> INTO GRAPH <{EX}loaded>"}, headers=AUTH)
    assert r.status_code == 400 and "LOAD is refused" in r.json()["detail"]


# ---------------------------------------------------------------------- service description


@pytest.mark.parametrize("accept", [None, *GRAPH_TYPES])
def test_service_description(client: TestClient, accept: str | None) -> None:
    r = client.get("/sparql", headers={"accept": accept} if accept else {})
    assert r.headers["content-type"].startswith(accept or "text/turtle")
    triples = graph(r)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    objects = {(p, o) for _, p, o in triples}
    assert (f"<{sd}endpoint>", "<http://testserver/sparql>") in objects
    for language in ("SPARQL11Query", "SPARQL11Update"):
        assert (f"<{sd}supportedLanguage>", f"<{sd}{language}>") in objects
    assert (f"<{sd}feature>", f"<{sd}UnionDefaultGraph>") in objects
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
    ):
        assert (f"<{sd}resultFormat>", f"<http://www.w3.org/ns/formats/{fmt}>") in objects
    assert {o for p, o in objects if p == f"<{sd}name>"} >= {f"<{G1}>", f"<{G2}>"}


def test_service_description_counts_triples(client: TestClient) -> None:
    r = client.get("/sparql", headers={"accept": "text/turtle"})
    q = f"""PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> PREFIX void: <http://rdfs.org/ns/void#>
           SELECT ?n WHERE {{ ?d sd:namedGraph [ sd:name <{G1}> ; sd:graph [ void:triples ?n ] ] }}"""
    store = ox.Store()
    store.load(r.content, format=ox.RdfFormat.TURTLE)
    rows = store.query(q)
    assert isinstance(rows, ox.QuerySolutions)
    assert [str(row["n"].value) for row in rows] == ["2"]


# ---------------------------------------------------------------------- updates


def test_update_needs_the_token(client: TestClient) -> None:
    update = f"INSERT DATA {{ GRAPH <{EX}u> {{ <{EX}x> <{EX}p> 1 }} }}"
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic czNjcmV0LXRva2Vu"}):
        r = client.post("/sparql", data={"update": update}, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert solutions(run(client, "get", f"ASK {{ GRAPH <{EX}u> {{ ?s ?p ?o }} }}", "text/csv")) == []


def test_update_without_a_configured_token_is_forbidden() -> None:
    with make_client(small_store(Store.in_memory()), write_token=None) as c:
        r = c.post("/sparql", data={"update": "CLEAR ALL"}, headers=AUTH)
        assert r.status_code == 403 and "no write token" in r.json()["detail"]
        assert len(solutions(run(c, "get", "SELECT * WHERE { ?s ?p ?o }"))) == 3


@pytest.mark.parametrize("method", ["form", "direct"])
def test_update_applies(client: TestClient, method: str) -> None:
    g = f"{EX}updated-{method}"
    update = f"INSERT DATA {{ GRAPH <{g}> {{ <{EX}x> rdfs:label 'X' }} }}"
    if method == "form":
        r = client.post("/sparql", data={"update": update}, headers=AUTH)
    else:
        r = client.post("/sparql", content=update, headers={**AUTH, "content-type": "application/sparql-update"})
    assert r.status_code == 204 and r.content == b""
    assert solutions(run(client, "get", f"SELECT ?l WHERE {{ GRAPH <{g}> {{ ?s rdfs:label ?l }} }}")) == [{"l": "X"}]
    assert client.post("/sparql", data={"update": f"DROP GRAPH <{g}>"}, headers=AUTH).status_code == 204


def test_an_update_that_breaks_the_shapes_is_refused_and_writes_nothing(client: TestClient) -> None:
    g = f"{EX}broken"
    update = f"INSERT DATA {{ GRAPH <{g}> {{ <{EX}x> a lx:Organization }} }}"
    r = client.post("/sparql", data={"update": update}, headers=AUTH)
    assert r.status_code == 422
    assert any(f"SPARQL update: <{EX}x> rdfs:label" in v for v in r.json()["detail"])
    assert solutions(run(client, "get", f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")) == []


@pytest.mark.parametrize("method", ["form", "direct"])
def test_update_using_graph_uri(client: TestClient, method: str) -> None:
    g = f"{EX}copied-{method}"
    update = f"INSERT {{ GRAPH <{g}> {{ ?s rdfs:label ?l }} }} WHERE {{ ?s rdfs:label ?l }}"
    params = {"using-graph-uri": G2}
    if method == "form":
        r = client.post("/sparql", data={"update": update, **params}, headers=AUTH)
    else:
        r = client.post(
            "/sparql", content=update, params=params, headers={**AUTH, "content-type": "application/sparql-update"}
        )
    assert r.status_code == 204, r.text
    assert solutions(run(client, "get", f"SELECT ?l WHERE {{ GRAPH <{g}> {{ ?s rdfs:label ?l }} }}")) == [{"l": "C"}]
    client.post("/sparql", data={"update": f"DROP GRAPH <{g}>"}, headers=AUTH)


def test_using_named_graph_uri(client: TestClient) -> None:
    g = f"{EX}copied-named"
    update = f"INSERT {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?h {{ ?s ?p ?o }} }}"
    r = client.post("/sparql", data={"update": update, "using-named-graph-uri": G1}, headers=AUTH)
    assert r.status_code == 204
    assert len(solutions(run(client, "get", f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"))) == 2
    client.post("/sparql", data={"update": f"DROP GRAPH <{g}>"}, headers=AUTH)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"update": "INSERT DATA {"}, "syntax"),
        ({"update": f"DROP GRAPH <{EX}nothing-here>"}, "does not exist"),
        ({"update": f"WITH <{G1}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", "using-graph-uri": G2}, "USING or WITH"),
        ({"update": "CLEAR ALL", "default-graph-uri": G1}, "do not apply"),
    ],
)
def test_update_errors(client: TestClient, data: dict[str, str], message: str) -> None:
    r = client.post("/sparql", data=data, headers=AUTH)
    assert r.status_code == 400 and message in r.json()["detail"]
    assert len(solutions(run(client, "get", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"))) == 3


def test_update_then_reload_rewrites_changed_graphs() -> None:
    """After an update, a reload of the bundled data does not trust its digests: it restores the graphs."""
    store = Store.in_memory()
    load_bundled(store)
    with make_client(store) as c:
        r = c.post("/sparql", data={"update": f"CLEAR GRAPH <{ONTOLOGY_GRAPH}>"}, headers=AUTH)
        assert r.status_code == 204
    assert store.count_triples(ONTOLOGY_GRAPH) == 0
    assert load_bundled(store).changed
    assert store.count_triples(ONTOLOGY_GRAPH) > 0 and store.count_triples(META_GRAPH) > 0


# ---------------------------------------------------------------------- base IRI, Content-Type


def routed_only(client: TestClient) -> TestClient:
    """A client of a copy of `client`'s app without the fast path: the ``/sparql`` routes answer everything."""
    app = create_app(client.app.state.settings, store=client.app.state.store)  # type: ignore[attr-defined]
    app.user_middleware = [m for m in app.user_middleware if m.cls is not SparqlQueryPath]
    return TestClient(app)


def quads(store: Store) -> set[str]:
    return {str(q) for q in store.oxigraph}


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_relative_iris_resolve_against_the_endpoint(client: TestClient, method: str) -> None:
    q = "SELECT ?here ?x ?f ?up WHERE { BIND(<> AS ?here) BIND(<x> AS ?x) BIND(<#f> AS ?f) BIND(<../../y> AS ?up) }"
    assert solutions(run(client, method, q)) == [
        {"here": ENDPOINT, "x": SERVER + "x", "f": ENDPOINT + "#f", "up": SERVER + "y"}
    ]
    # The Protocol test suite's query-content-type-construct.
    r = run(client, method, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert graph(r) == {(f"<{SERVER}s>", f"<{SERVER}p>", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>')}
    # The Service Description names the same IRI.
    sd = "<http://www.w3.org/ns/sparql-service-description#endpoint>"
    assert {o for _, p, o in graph(client.get("/sparql")) if p == sd} == {f"<{ENDPOINT}>"}


def test_relative_iris_in_patterns_and_from(client: TestClient) -> None:
    """A relative IRI names what its absolute IRI names: in a pattern, in FROM and GRAPH."""
    r = client.post(
        "/sparql", data={"update": "INSERT DATA { GRAPH <rel-g> { <rel-s> rdfs:label 'R' } }"}, headers=AUTH
    )
    assert r.status_code == 204, r.text
    try:
        assert solutions(run(client, "get", "SELECT ?l WHERE { <rel-s> rdfs:label ?l }")) == [{"l": "R"}]
        assert solutions(run(client, "get", "SELECT ?s FROM <rel-g> WHERE { ?s ?p ?o }")) == [{"s": SERVER + "rel-s"}]
        ask = run(client, "get", "ASK { GRAPH <rel-g> { <rel-s> ?p ?o } }", "text/csv")
        assert ask.status_code == 200 and ask.text.strip() == "true"
    finally:
        client.post("/sparql", data={"update": f"DROP GRAPH <{SERVER}rel-g>"}, headers=AUTH)


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_a_query_keeps_its_own_base(client: TestClient, method: str) -> None:
    q = f"BASE <{EX}> SELECT ?label ?x WHERE {{ <a> rdfs:label ?label BIND(<x> AS ?x) }}"
    assert solutions(run(client, method, q)) == [{"label": "A", "x": EX + "x"}]
    # A relative BASE is itself resolved against the endpoint (RFC 3986, section 5.1).
    q = "BASE <sub/> SELECT ?x WHERE { BIND(<x> AS ?x) }"
    assert solutions(run(client, method, q)) == [{"x": SERVER + "sub/x"}]


@pytest.mark.parametrize("method", ["form", "direct"])
def test_relative_iris_in_an_update_write_absolute_iris(method: str) -> None:
    store = small_store(Store.in_memory())
    update = "INSERT DATA { GRAPH <written> { <s> rdfs:label 'S' ; <p> <#o> } }"
    with make_client(store) as c:
        since = store.version()
        if method == "form":
            r = c.post("/sparql", data={"update": update}, headers=AUTH)
        else:
            r = c.post("/sparql", content=update, headers={**AUTH, "content-type": "application/sparql-update"})
        assert r.status_code == 204, r.text
    g, s = SERVER + "written", SERVER + "s"
    assert g in store.named_graphs()
    assert {
        (q.subject.value, q.predicate.value, q.object.value) for q in store.oxigraph if q.graph_name.value == g
    } == {
        (s, "http://www.w3.org/2000/01/rdf-schema#label", "S"),
        (s, SERVER + "p", ENDPOINT + "#o"),
    }
    # The update's scope, read by rdflib, agrees: the change log names the subject written.
    assert store.changed_subjects(since) == frozenset({ox.NamedNode(s)})


def test_an_update_keeps_its_own_base() -> None:
    store = small_store(Store.in_memory())
    update = f"BASE <{EX}> INSERT DATA {{ GRAPH <own> {{ <s> rdfs:label 'S' }} }} ; INSERT DATA {{ GRAPH <own2> {{ <s> <p> 1 }} }}"
    with make_client(store) as c:
        assert c.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    assert {EX + "own", EX + "own2"} <= set(store.named_graphs())
    assert not [g for g in store.named_graphs() if g.startswith(SERVER)]


BASE = "https://e.org/x/sparql"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { GRAPH <g> { <a> <p> <b> } }",
        "INSERT DATA { GRAPH <#g> { <a> <p> <b> } } ; INSERT DATA { GRAPH <> { <a> <p> <b> } }",
        "INSERT DATA { GRAPH <../up/./g> { <a> <p> <b> } }",
        "INSERT DATA { GRAPH <?q=1> { <a> <p> <b> } }",
        "INSERT DATA { GRAPH <//other.example/g> { <a> <p> <b> } }",
        "BASE <https://o.example/d/> INSERT DATA { GRAPH <g> { <a> <p> <b> } } ; INSERT DATA { GRAPH <h> { <a> <p> 1 } }",
        "BASE <d/> INSERT DATA { GRAPH <g> { <a> <p> <b> } }",  # rdflib cannot tell: None
        "INSERT DATA { GRAPH <g> { <a> <p> <b> } } ; WITH <w> INSERT { <a> <p> 2 } WHERE { } ; "
        "COPY <g> TO <c> ; MOVE <c> TO <m>",
    ],
)
def test_update_targets_agree_with_oxigraph_on_relative_iris(update: str) -> None:
    """What rdflib reads as the graphs an update writes is what Oxigraph writes (or None: unknown)."""
    oxigraph = ox.Store()
    oxigraph.update(update, base_iri=BASE)
    written = {q.graph_name.value for q in oxigraph if isinstance(q.graph_name, ox.NamedNode)}
    found = written_graphs(update, base_iri=BASE)
    assert found is None if "BASE <d/>" in update else found is not None and written <= found


def test_relative_iris_without_a_base_are_refused_by_the_store() -> None:
    store = small_store(Store.in_memory())
    with pytest.raises(QueryError, match="syntax"):
        store.query("SELECT * WHERE { <x> ?p ?o }")
    with pytest.raises(QueryError, match="syntax"):
        store.update("INSERT DATA { GRAPH <g> { <a> <p> <b> } }")
    assert written_graphs("INSERT DATA { GRAPH <g> { <a> <p> <b> } }") is None


@pytest.mark.parametrize(
    ("host", "server", "iri"),
    [
        (b"example.net:8080", ("10.0.0.1", 80), "http://example.net:8080/sparql"),
        (b"bad^host", ("10.0.0.1", 8000), "http://10.0.0.1:8000/sparql"),  # Starlette falls back to the address
        (b"bad^host", None, None),  # and with none to fall back to: no valid IRI, refused
    ],
)
def test_the_endpoint_iri_is_the_url_requested(host: bytes, server: tuple[str, int] | None, iri: str | None) -> None:
    """The test client always sends its own Host: the request is made here (over HTTP: test_sparql_http.py)."""
    scope = {"type": "http", "method": "GET", "scheme": "http", "path": "/sparql", "root_path": "", "server": server}
    request = Request({**scope, "query_string": b"query=ASK+%7B%7D", "headers": [(b"host", host)]})
    if iri is not None:
        assert endpoint_iri(request) == iri
    else:
        with pytest.raises(HTTPException) as raised:
            endpoint_iri(request)
        assert raised.value.status_code == 400 and "valid endpoint IRI" in raised.value.detail


UNTYPED = [
    ("query", LABELS),
    ("form query", "query=" + LABELS.replace(" ", "+")),
    ("update", f"INSERT DATA {{ GRAPH <{EX}untyped> {{ <{EX}u> <{EX}p> 1 }} }}"),
    ("form update", "update=" + f"CLEAR GRAPH <{G1}>".replace(" ", "+")),
    ("empty", ""),
]


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "routes"])
@pytest.mark.parametrize(("name", "body"), UNTYPED, ids=[u[0] for u in UNTYPED])
def test_a_post_without_content_type_is_refused_and_runs_nothing(fast: bool, name: str, body: str) -> None:
    store = small_store(Store.in_memory())
    before, version = quads(store), store.version()
    with make_client(store) as c, contextlib.nullcontext(c) if fast else routed_only(c) as client:
        r = client.post("/sparql", content=body.encode(), headers=AUTH)  # a valid token: only the type is wrong
        assert "content-type" not in {k.lower() for k in r.request.headers}
        assert r.status_code == 415, r.text
        assert r.json() == {
            "detail": "a SPARQL POST needs a Content-Type (application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update): none is given (untyped)"
        }
        # GET is unaffected: a query, and the Service Description.
        assert [row["label"] for row in solutions(run(client, "get", LABELS))] == ["A", "C"]
        assert client.get("/sparql").status_code == 200
    assert quads(store) == before and store.version() == version


# ---------------------------------------------------------------------- graph store

TTL = {"content-type": "text/turtle"}
ORG = """@prefix lx: <https://w3id.org/longarm/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/src> a lx:Source ; rdfs:label "A filing" ; dcterms:date "2024-01-15"^^xsd:date .
<https://example.org/FR> a lx:Jurisdiction ; rdfs:label "France" ; lx:isoCode "FR" ; lx:jurisdictionKind lx:Country ;
    dcterms:source <https://example.org/src> .
<https://example.org/acme> a lx:Organization ; rdfs:label "%s" ; lx:organizationKind lx:Company ;
    lx:incorporatedIn <https://example.org/FR> ; dcterms:source <https://example.org/src> .
"""


def labels_in(client: TestClient, g: str) -> list[str]:
    r = client.get("/graph-store", params={"graph": g}, headers={"accept": "application/n-triples"})
    return sorted(o.strip('"') for _, p, o in graph(r) if p.endswith("rdf-schema#label>"))


def test_graph_store_crud(client: TestClient) -> None:
    g = EX + "gsp/acme"
    assert (
        client.put("/graph-store", params={"graph": g}, content=ORG % "Acme", headers={**AUTH, **TTL}).status_code
        == 201
    )
    assert labels_in(client, g) == ["A filing", "Acme", "France"]
    assert (
        client.put("/graph-store", params={"graph": g}, content=ORG % "Acme SAS", headers={**AUTH, **TTL}).status_code
        == 204
    )
    assert labels_in(client, g) == ["A filing", "Acme SAS", "France"]
    extra = f'<{EX}acme> <http://www.w3.org/2004/02/skos/core#altLabel> "ACME" .'
    r = client.post(
        "/graph-store", params={"graph": g}, content=extra, headers={**AUTH, "content-type": "application/n-triples"}
    )
    assert r.status_code == 204
    assert len(graph(client.get("/graph-store", params={"graph": g}))) == 14
    assert client.delete("/graph-store", params={"graph": g}, headers=AUTH).status_code == 204
    assert client.get("/graph-store", params={"graph": g}).status_code == 404
    assert client.delete("/graph-store", params={"graph": g}, headers=AUTH).status_code == 404


@pytest.mark.parametrize("accept", GRAPH_TYPES)
def test_graph_store_get_formats(client: TestClient, accept: str) -> None:
    r = client.get("/graph-store", params={"graph": G1}, headers={"accept": accept})
    assert r.headers["content-type"].startswith(accept)
    assert len(graph(r)) == 2


def test_graph_store_default_graph_is_the_union(client: TestClient) -> None:
    union = graph(client.get("/graph-store?default"))
    assert (
        graph(client.get("/graph-store", params={"graph": G1}))
        | graph(client.get("/graph-store", params={"graph": G2}))
        <= union
    )
    r = client.put("/graph-store?default", content=ORG % "Acme", headers={**AUTH, **TTL})
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"


def test_graph_store_head(client: TestClient) -> None:
    r = client.head("/graph-store", params={"graph": G1}, headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle") and r.content == b""
    assert client.head("/graph-store", params={"graph": EX + "none"}).status_code == 404


def test_graph_store_post_creates_a_new_graph(client: TestClient) -> None:
    r = client.post("/graph-store", content=ORG % "Fresh", headers={**AUTH, **TTL})
    assert r.status_code == 201
    iri = r.json()["graph"]
    assert iri.startswith(GRAPH_BASE + "user/graph-store/")
    assert "Fresh" in labels_in(client, iri)
    assert "Fresh" in graph(client.get(r.headers["location"])).__repr__()
    client.delete("/graph-store", params={"graph": iri}, headers=AUTH)


def test_graph_store_post_into_a_missing_graph_creates_it(client: TestClient) -> None:
    g = EX + "gsp/posted"
    assert (
        client.post("/graph-store", params={"graph": g}, content=ORG % "P", headers={**AUTH, **TTL}).status_code == 201
    )
    client.delete("/graph-store", params={"graph": g}, headers=AUTH)


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"params": {"graph": EX + "x"}, "content": ORG % "Acme"}, 401, "Bearer"),
        ({"params": {"graph": EX + "x"}, "content": "<a> <b> .", "headers": {**AUTH, **TTL}}, 400, "request body:1:"),
        ({"params": {"graph": EX + "x"}, "content": "", "headers": {**AUTH, **TTL}}, 400, "no triples"),
        ({"params": {"graph": EX + "x"}, "content": ORG % "Acme", "headers": AUTH}, 415, "Content-Type"),
        (
            {"params": {"graph": EX + "x"}, "content": ORG % "Acme", "headers": {**AUTH, "content-type": "image/png"}},
            415,
            "image/png",
        ),
        (
            {"params": {"graph": ONTOLOGY_GRAPH}, "content": ORG % "Acme", "headers": {**AUTH, **TTL}},
            403,
            "managed by longarm",
        ),
        (
            {"params": {"graph": "not an iri"}, "content": ORG % "Acme", "headers": {**AUTH, **TTL}},
            400,
            "invalid graph IRI",
        ),
        (
            {"params": {"graph": EX + "x", "default": ""}, "content": ORG % "Acme", "headers": {**AUTH, **TTL}},
            400,
            "name one graph",
        ),
        ({"params": {}, "content": ORG % "Acme", "headers": {**AUTH, **TTL}}, 400, "name one graph"),
    ],
)
def test_graph_store_put_errors(client: TestClient, kwargs: dict[str, Any], status: int, message: str) -> None:
    r = client.put("/graph-store", **kwargs)
    assert r.status_code == status, r.text
    assert message in str(r.json()["detail"])
    assert client.get("/graph-store", params={"graph": EX + "x"}).status_code == 404


def test_graph_store_validates_against_the_shapes(client: TestClient) -> None:
    body = (ROOT / "tests" / "fixtures" / "share-over-100.ttl").read_bytes()
    r = client.put("/graph-store", params={"graph": EX + "bad"}, content=body, headers={**AUTH, **TTL})
    assert r.status_code == 422
    assert any("MaxInclusive" in v for v in r.json()["detail"])
    assert client.get("/graph-store", params={"graph": EX + "bad"}).status_code == 404


def test_graph_store_errors_on_reads_and_deletes(client: TestClient) -> None:
    assert client.get("/graph-store").status_code == 400
    assert client.get("/graph-store", params={"graph": G1}, headers={"accept": "text/csv"}).status_code == 406
    assert client.delete("/graph-store", params={"graph": G1}).status_code == 401
    assert client.delete("/graph-store", params={"graph": META_GRAPH}, headers=AUTH).status_code == 403
    assert client.delete("/graph-store?default", headers=AUTH).status_code == 405


# ---------------------------------------------------------------------- CORS


def test_cors_preflight(client: TestClient) -> None:
    r = client.options(
        "/sparql",
        headers={
            "origin": "https://notebook.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "authorization" in r.headers["access-control-allow-headers"].lower()


def test_cors_on_answers(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": LABELS}, headers={"origin": "https://notebook.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "x-longarm-truncated" in r.headers["access-control-expose-headers"].lower()
    r = client.options("/graph-store", headers={"origin": "https://x.example", "access-control-request-method": "PUT"})
    assert r.status_code == 200 and "PUT" in r.headers["access-control-allow-methods"]


# ---------------------------------------------------------------------- result cap


def test_result_cap_truncates_and_says_so() -> None:
    with make_client(small_store(Store.in_memory()), result_cap=2) as c:
        r = run(c, "get", "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o", "text/csv")
        assert r.headers["x-longarm-truncated"] == "true" and len(solutions(r)) == 2
        r = run(c, "get", "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
        assert r.headers["x-longarm-truncated"] == "true" and len(graph(r)) == 2
        r = run(c, "get", LABELS)
        assert r.headers["x-longarm-truncated"] == "false" and len(solutions(r)) == 2


def test_truncated_results_keep_every_kind_of_term() -> None:
    """The capped path writes SPARQL JSON itself: it must match Oxigraph's own serialisation."""
    store = small_store(Store.in_memory())
    q = """SELECT ?s ?o ?b ?n ?t WHERE { ?s ?p ?o OPTIONAL { FILTER(false) BIND(1 AS ?none) }
           BIND(BNODE() AS ?b) BIND(42 AS ?n) BIND("x"@en--ltr AS ?t) } ORDER BY ?s ?o"""
    with make_client(store, result_cap=100) as c:
        for accept in RESULT_TYPES:
            ours = solutions(run(c, "get", q, accept))
            theirs = store.query(q)
            assert isinstance(theirs, ox.QuerySolutions)
            expected = ox.parse_query_results(
                theirs.serialize(format=ox.QueryResultsFormat.JSON), format=ox.QueryResultsFormat.JSON
            )
            assert isinstance(expected, ox.QuerySolutions)
            names = [v.value for v in expected.variables]
            rows = [{n: str(s[n].value) for n in names if s[n] is not None} for s in expected]
            assert [{k: v for k, v in r.items() if k != "b"} for r in ours] == [
                {k: v for k, v in r.items() if k != "b"} for r in rows
            ]


# ---------------------------------------------------------------------- the worker pool (on disk)


@pytest.fixture
def disk_store(tmp_path: Path) -> Store:
    return small_store(Store.open(tmp_path / "store"))


def test_disk_store_queries_run_in_workers_and_see_updates(disk_store: Store) -> None:
    with make_client(disk_store, query_timeout=20.0) as c:
        assert isinstance(c.app.state.query_runner, QueryPool)  # type: ignore[attr-defined]
        assert [row["label"] for row in solutions(run(c, "get", LABELS))] == ["A", "C"]
        update = f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}d> rdfs:label 'D' }} }}"
        assert c.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
        assert [row["label"] for row in solutions(run(c, "get", LABELS))] == ["A", "C", "D"]
        assert (
            c.put("/graph-store", params={"graph": EX + "g4"}, content=ORG % "E", headers={**AUTH, **TTL}).status_code
            == 201
        )
        assert "E" in [row["label"] for row in solutions(run(c, "form", LABELS))]


def test_disk_store_workers_resolve_relative_iris(disk_store: Store) -> None:
    """The query workers receive the base IRI with the query."""
    with make_client(disk_store, query_timeout=20.0) as c:
        assert isinstance(c.app.state.query_runner, QueryPool)  # type: ignore[attr-defined]
        q = "SELECT ?x ?y WHERE { BIND(<x> AS ?x) } VALUES ?y { <y> }"
        assert solutions(run(c, "direct", q)) == [{"x": SERVER + "x", "y": SERVER + "y"}]
        q = f"BASE <{EX}> SELECT ?label WHERE {{ <a> rdfs:label ?label }}"
        assert solutions(run(c, "get", q)) == [{"label": "A"}]


def test_disk_store_deadline_stops_the_query(disk_store: Store) -> None:
    with make_client(disk_store, query_timeout=1.0) as c:
        started = time.monotonic()
        r = run(c, "get", EXPLOSIVE)
        assert r.status_code == 503 and "deadline" in r.json()["detail"]
        assert time.monotonic() - started < 30  # generous: the deadline is 1 s
        assert [row["label"] for row in solutions(run(c, "get", LABELS))] == ["A", "C"]  # a fresh worker answers


def test_pool_rejects_memory_stores_and_reports_worker_errors(disk_store: Store) -> None:
    with pytest.raises(ValueError, match="on-disk"):
        QueryPool(Store.in_memory())
    pool = QueryPool(disk_store, workers=1, timeout=20)
    try:
        with pytest.raises(QueryError, match="syntax"):
            pool.run(QueryTask("SELECT WHERE {", "text/csv"))
        assert pool.run(QueryTask(LABELS, "text/csv")).body == b"label\r\nA\r\nC\r\n"
        workers = [p for p in multiprocessing.active_children() if p.name == "longarm-query-worker"]
        assert len(workers) == 1
        workers[0].kill()  # a worker that dies while idle is replaced
        workers[0].join()
        assert pool.run(QueryTask(LABELS, "text/csv")).body == b"label\r\nA\r\nC\r\n"
    finally:
        pool.close()
    assert not [p for p in multiprocessing.active_children() if p.name == "longarm-query-worker"]
    assert not disk_store.path.with_name("store.query-checkpoints").exists()  # type: ignore[union-attr]


def test_pool_answers_on_the_event_loop_and_kills_a_worker_whose_caller_went_away(disk_store: Store) -> None:
    pool = QueryPool(disk_store, workers=1, timeout=20)

    async def scenario() -> tuple[bytes, bytes, str]:
        first = await pool.arun(QueryTask(LABELS, "text/csv"))  # no checkpoint yet: made in a thread
        fast = await pool.arun(QueryTask(LABELS, "text/csv"))  # the fast way: awaited on the loop
        slow = asyncio.ensure_future(pool.arun(QueryTask(EXPLOSIVE, "text/csv")))
        await asyncio.sleep(0.5)
        slow.cancel()  # the client went away while the worker computes
        with contextlib.suppress(asyncio.CancelledError):
            await slow
        after = await pool.arun(QueryTask(LABELS, "text/csv"))  # not the explosive query's reply
        return first.body, fast.body, after.body.decode()

    try:
        first, fast, after = asyncio.run(scenario())
        assert first == fast == b"label\r\nA\r\nC\r\n" and after == "label\r\nA\r\nC\r\n"
        workers = [p for p in multiprocessing.active_children() if p.name == "longarm-query-worker"]
        assert len(workers) == 1  # the busy one was killed, a fresh one answered
    finally:
        pool.close()


def test_pool_answers_on_the_loop_with_every_idle_worker(disk_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each idle worker takes the checkpoint on the loop, not only one that read it before
    # (a regression: with two workers, the one never lent a checkpoint sent every query to a thread).
    pool = QueryPool(disk_store, workers=2, timeout=20)
    threaded: list[str] = []
    to_thread = asyncio.to_thread

    async def counted(func: Any, /, *args: Any) -> Any:
        threaded.append(func.__name__)
        return await to_thread(func, *args)

    monkeypatch.setattr(asyncio, "to_thread", counted)

    async def scenario() -> list[bytes]:
        return [(await pool.arun(QueryTask(LABELS, "text/csv"))).body for _ in range(6)]

    try:
        bodies = asyncio.run(scenario())
        assert bodies == [b"label\r\nA\r\nC\r\n"] * 6
        assert threaded == ["prepare"]  # only the first: the checkpoint had to be made
    finally:
        pool.close()


def test_pool_callers_wait_for_a_worker_on_the_loop(disk_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # One worker, several callers at once: they take it in turn, without a thread each.
    pool = QueryPool(disk_store, workers=1, timeout=2)
    run = pool.run
    monkeypatch.setattr(pool, "run", lambda task: pytest.fail("arun blocked a thread"))

    async def scenario() -> tuple[list[bytes], str, list[Any], bytes]:
        await pool.arun(QueryTask(LABELS, "text/csv"))  # the checkpoint is made
        together = await asyncio.gather(*(pool.arun(QueryTask(LABELS, "text/csv")) for _ in range(3)))
        stuck = asyncio.ensure_future(pool.arun(QueryTask(EXPLOSIVE, "text/csv")))
        await asyncio.sleep(0.2)
        waiting = asyncio.ensure_future(pool.arun(QueryTask(LABELS, "text/csv")))
        await asyncio.sleep(0.2)
        waiting.cancel()  # gone while waiting for the worker: the worker is not lost
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        try:
            await pool._acquire(time.monotonic() + 0.3)  # the worker is busy past this deadline
            raise AssertionError("a worker was free")
        except QueryTimeoutError as exc:
            waited = str(exc)
        late = asyncio.ensure_future(pool.arun(QueryTask(LABELS, "text/csv")))  # handed the killed one's slot
        outcomes = await asyncio.gather(stuck, late, return_exceptions=True)
        after = await pool.arun(QueryTask(LABELS, "text/csv"))
        return [a.body for a in together], waited, outcomes, after.body

    try:
        together, waited, (stuck, late), after = asyncio.run(scenario())
        assert together == [b"label\r\nA\r\nC\r\n"] * 3
        assert waited == "no query worker became free within the 2 s deadline"
        assert isinstance(stuck, QueryTimeoutError) and "ran past the 2 s deadline" in str(stuck)
        # The late caller starts a fresh worker: answered if that took less than what was left of its deadline.
        assert getattr(late, "body", None) == after or str(late) == waited
        assert after == b"label\r\nA\r\nC\r\n"
        assert run(QueryTask(LABELS, "text/csv")).body == after  # and the blocking way still works
        workers = [p for p in multiprocessing.active_children() if p.name == "longarm-query-worker"]
        assert len(workers) == 1  # none lost, none left over
    finally:
        pool.close()


def test_pool_close_ends_the_wait(disk_store: Store) -> None:
    pool = QueryPool(disk_store, workers=1, timeout=20)

    async def scenario() -> BaseException | None:
        busy = asyncio.ensure_future(pool.arun(QueryTask(EXPLOSIVE, "text/csv")))
        await asyncio.sleep(0.3)
        waiting = asyncio.ensure_future(pool.arun(QueryTask(LABELS, "text/csv")))
        await asyncio.sleep(0.1)
        pool.close()
        results = await asyncio.gather(busy, waiting, return_exceptions=True)
        return results[1] if isinstance(results[1], BaseException) else None

    assert "the query pool is closed" in str(asyncio.run(scenario()))


def test_pool_checkpoint_waits_for_the_write_under_way(disk_store: Store) -> None:
    # A checkpoint taken while a write appends to RocksDB's log can fail ("File smaller
    # than expected for copy", seen under load): a new checkpoint waits for the write lock.
    pool = QueryPool(disk_store, workers=1, timeout=20)
    try:
        assert pool.run(QueryTask(LABELS, "text/csv")).body == b"label\r\nA\r\nC\r\n"
        answers: list[bytes] = []
        with disk_store.write_lock:
            disk_store.update(f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}d> rdfs:label 'D' }} }}")
            asker = threading.Thread(target=lambda: answers.append(pool.run(QueryTask(LABELS, "text/csv")).body))
            asker.start()
            asker.join(0.5)
            assert asker.is_alive() and not answers  # waiting: the store is being written
        asker.join(20)
        assert answers == [b"label\r\nA\r\nC\r\nD\r\n"]
        # A checkpoint already made needs no lock: answered while a write is under way.
        with disk_store.write_lock:
            assert pool.run(QueryTask(LABELS, "text/csv")).body == answers[0]
    finally:
        pool.close()


def test_pool_deletes_a_checkpoint_once_no_worker_reads_it(disk_store: Store) -> None:
    checkpoints = disk_store.path.with_name("store.query-checkpoints")  # type: ignore[union-attr]
    pool = QueryPool(disk_store, workers=2, timeout=20)
    try:
        for _ in range(2):  # both workers read the first checkpoint
            pool.run(QueryTask(LABELS, "text/csv"))
        disk_store.update(f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}d> rdfs:label 'D' }} }}")
        assert pool.run(QueryTask(LABELS, "text/csv")).body == b"label\r\nA\r\nC\r\nD\r\n"
        assert len(list(checkpoints.iterdir())) == 2  # the other worker still reads the first one
        assert pool.run(QueryTask(LABELS, "text/csv")).body == b"label\r\nA\r\nC\r\nD\r\n"
        assert len(list(checkpoints.iterdir())) == 1  # it moved to the new one: the first is gone
    finally:
        pool.close()


# ---------------------------------------------------------------------- the lexical helpers


def test_add_using_goes_before_each_modify_where() -> None:
    update = """PREFIX ex: <https://example.org/>
    DELETE WHERE { ?s ex:gone ?o } ;
    INSERT DATA { ex:a ex:p "WHERE { }" } ;
    DELETE { ?s ?p ?o } INSERT { ?s ?p 'where' } WHERE { ?s ?p ?o { SELECT ?s WHERE { ?s ?p ?o } } } ;
    insert { ?s ex:q 1 } where { ?s ex:p ?o } # WHERE in a comment
    """
    out = add_using(update, [G1], [G2])
    clause = f"USING <{G1}> USING NAMED <{G2}> "
    assert out.count(clause) == 2
    assert f"}} {clause}WHERE {{ ?s ?p ?o {{ SELECT ?s WHERE" in out
    assert f"}} {clause}where {{ ?s ex:p ?o }}" in out
    assert "DELETE WHERE { ?s ex:gone ?o }" in out


def test_add_using_refuses_a_dataset_in_the_update() -> None:
    with pytest.raises(QueryError, match="USING or WITH"):
        add_using(f"DELETE {{ ?s ?p ?o }} USING <{G1}> WHERE {{ ?s ?p ?o }}", [G2], [])
    with pytest.raises(QueryError, match="invalid graph IRI"):
        add_using("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["not an IRI"], [])
    assert add_using("INSERT DATA { <a:b> <a:c> 'USING' }", [G1], []) == "INSERT DATA { <a:b> <a:c> 'USING' }"


@pytest.mark.parametrize(
    ("query", "form", "dataset"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select", False),
        ("PREFIX select: <https://e.org/> ASK { ?s select:p ?from }", "ask", False),
        ("# CONSTRUCT\nDESCRIBE <https://e.org/construct>", "describe", False),
        ("construct { ?s ?p ?o } from <https://e.org/g> where { ?s ?p ?o }", "construct", True),
        ("SELECT * FROM NAMED <https://e.org/g> WHERE { GRAPH ?g { ?s ?p 'FROM' } }", "select", True),
        ("SELECT * WHERE { ?s ex:from-here ?o }", "select", False),
        ("INSERT DATA { <a:b> <a:c> 'SELECT' }", None, False),
        ("SELECT * FROM <g> WHERE { <construct> <from> <> }", "select", True),
        ("BASE <select/> ask { <service> <#load> <../from> }", "ask", False),
    ],
)
def test_query_form_and_dataset(query: str, form: str | None, dataset: bool) -> None:
    assert query_form(query) == form
    assert declares_dataset(query) is dataset


def test_store_honours_from_and_refuses_load() -> None:
    store = small_store(Store.in_memory())
    rows = store.select(f"SELECT ?label FROM <{G2}> WHERE {{ ?s rdfs:label ?label }}")
    assert [str(r["label"].value) for r in rows] == ["C"]
    with pytest.raises(QueryError, match="LOAD is refused"):
        store.update("LOAD <file:///etc/hostname>")


def test_lexical_checks_read_relative_iris_as_iris() -> None:
    check_no_outbound("SELECT * WHERE { <service> <load> <> . ?s <#service> <../load> }")
    with pytest.raises(QueryError, match="SERVICE is refused"):
        check_no_outbound("SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="LOAD is refused"):
        check_no_outbound("LOAD <data.ttl> INTO GRAPH <g>")
    out = add_using("DELETE { <where> ?p ?o } WHERE { <where> ?p ?o }", [G1], [])
    assert out == f"DELETE {{ <where> ?p ?o }} USING <{G1}> WHERE {{ <where> ?p ?o }}"
