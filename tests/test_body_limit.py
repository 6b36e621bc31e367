"""Request bodies over LONGARM_MAX_BODY are refused with 413, before or while they are read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.examples import TURTLE
from longarm.api.settings import Settings
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import user_graph

AUTH = {"authorization": "Bearer t0k"}
LIMIT = 4096


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.in_memory()


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(Settings(store_path=Path("unused"), write_token="t0k", max_body=LIMIT), store=store)
    with TestClient(app) as c:
        yield c


def _big() -> bytes:
    body = TURTLE.encode()
    while len(body) <= LIMIT:
        body += b"\n# padding to go over the limit" * 50
    return body


def _chunks(body: bytes) -> Iterator[bytes]:  # sent without a Content-Length
    for i in range(0, len(body), 1000):
        yield body[i : i + 1000]


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/api/v1/data?graph=big", {"content-type": "text/turtle", **AUTH}),
        ("PUT", "/graph-store?graph=https://e.org/big", {"content-type": "text/turtle", **AUTH}),
        ("POST", "/sparql", {"content-type": "application/sparql-query"}),
    ],
)
@pytest.mark.parametrize("chunked", [False, True], ids=["declared length", "chunked"])
def test_a_body_over_the_limit_is_refused(
    client: TestClient, store: Store, method: str, path: str, headers: dict[str, str], chunked: bool
) -> None:
    graphs = store.named_graphs()
    body = _big()
    r = client.request(method, path, content=_chunks(body) if chunked else body, headers=headers)
    assert r.status_code == 413, r.text
    assert f"{LIMIT:,} bytes" in r.json()["detail"]
    assert store.named_graphs() == graphs


def test_a_body_within_the_limit_is_read(client: TestClient, store: Store) -> None:
    r = client.post("/api/v1/data?graph=small", content=TURTLE, headers={"content-type": "text/turtle", **AUTH})
    assert r.status_code == 201, r.text
    assert user_graph("small") in store.named_graphs()
    assert len(TURTLE.encode()) <= LIMIT


def test_an_rdf_xml_bomb_is_refused_before_parsing(client: TestClient, store: Store) -> None:
    """A "billion laughs" document of under 1 KB: a 400 naming the declaration, nothing written."""
    from .test_rdfio import LAUGHS

    before = store.named_graphs()
    headers = {"content-type": "application/rdf+xml", **AUTH}
    r = client.put("/graph-store?graph=https://e.org/bomb", content=LAUGHS, headers=headers)
    assert r.status_code == 400, r.text
    assert "declarations are refused" in r.json()["detail"]["message"]
    assert store.named_graphs() == before
