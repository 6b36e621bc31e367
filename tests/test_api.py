"""The app: health, stats and the SPARQL query protocol, through the test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.settings import Settings
from longarm.graph.store.embedded import Store

Q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a lx:LegalInstrument }"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(Settings(store_path=Path("unused")), store=Store.in_memory())
    with TestClient(app) as c:  # the lifespan loads the bundled dataset into the empty store
        yield c


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"


def test_stats(client: TestClient) -> None:
    body = client.get("/api/v1/stats").json()
    assert body["instances"]["LegalInstrument"] >= 15


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_sparql_three_ways(client: TestClient, method: str) -> None:
    if method == "get":
        r = client.get("/sparql", params={"query": Q})
    elif method == "form":
        r = client.post("/sparql", data={"query": Q})
    else:
        r = client.post("/sparql", content=Q, headers={"content-type": "application/sparql-query"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) >= 15


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/csv", "text/csv"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_result_formats(client: TestClient, accept: str, media: str) -> None:
    r = client.get("/sparql", params={"query": Q}, headers={"accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)


def test_construct_as_turtle(client: TestClient) -> None:
    r = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s a lx:LegalInstrument } LIMIT 2"},
        headers={"accept": "text/turtle"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")


def test_protocol_errors(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "SELECT WHERE {"}).status_code == 400
    assert client.get("/sparql", params={"query": Q}, headers={"accept": "image/png"}).status_code == 406
    r = client.post("/sparql", content=Q, headers={"content-type": "text/plain"})
    assert r.status_code == 415


def test_service_is_refused(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }"})
    assert r.status_code == 400
    assert "SERVICE is refused" in r.json()["detail"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_nothing_from_elsewhere(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assert "longarm" in html
    scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert scripts and all(s.startswith("/") for s in scripts), scripts  # no CDN: the page works offline
    for asset in scripts:
        assert client.get(asset).status_code == 200, asset
