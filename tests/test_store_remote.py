"""The store on a remote SPARQL engine: a real ``oxigraph serve`` gives the same answers as the embedded store."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.cli import main
from longarm.api.settings import Settings
from longarm.graph.base.errors import InputError, QueryError, StoreError
from longarm.graph.engine.assess import assess, find_requirement
from longarm.graph.engine.reach import compel
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import Projection, iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.endpoint import Endpoint
from longarm.graph.store.loading import document_from_bytes, load_bundled, load_documents, user_graph
from longarm.graph.store.remote import RemoteQuads, RemoteStore

from .conftest import VALID_TTL
from .oxigraph_server import clear, endpoint, oxigraph_server

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "server.log") as base:
        yield base


@pytest.fixture(scope="module")
def loaded(server: str) -> RemoteStore:
    clear(server)
    store = RemoteStore(endpoint(server))
    load_bundled(store)
    return store


@pytest.fixture(scope="module")
def embedded() -> Projection:
    store = Store.in_memory()
    load_bundled(store)
    return projection_for(store)


def _exposures(p: Projection, asset: str) -> tuple[str, list[tuple[str, str, str]]]:
    answer = compel(p, asset, AS_OF)
    found = [(e.instrument, e.entity, str(e.tier)) for e in [*answer.exposures, *answer.availability]]
    return answer.verdict.value, sorted(found)


def test_the_bundled_dataset_on_a_remote_engine_gives_the_same_answers(
    loaded: RemoteStore, embedded: Projection
) -> None:
    remote = projection_for(loaded)
    assert loaded.count_triples() > 8000 and sorted(remote.assets) == sorted(embedded.assets)
    assert set(remote.orgs) == set(embedded.orgs) and set(remote.interests) == set(embedded.interests)
    for asset in sorted(embedded.assets):
        assert _exposures(remote, asset) == _exposures(embedded, asset), asset
    for org in ("s3ns", "aws-european-sovereign-cloud-gmbh", "bleu"):
        for req in ("secnumcloud-3-2-19-6", "eu-csf-sov-2", "gaia-x-label-3"):
            a = assess(remote, iri("org", org), find_requirement(remote, req), AS_OF)
            b = assess(embedded, iri("org", org), find_requirement(embedded, req), AS_OF)
            assert [(r.status, r.reasons) for r in a.results] == [(r.status, r.reasons) for r in b.results]


def test_blank_nodes_are_written_as_skolem_iris_and_read_back_as_blank_nodes(server: str, loaded: RemoteStore) -> None:
    grant = ox.NamedNode("https://w3id.org/longarm/ontology#grantsAccess")
    grants = [q.object for q in loaded.oxigraph.quads_for_pattern(None, grant, None)]
    assert grants and all(isinstance(g, ox.BlankNode) for g in grants)  # as on the embedded store
    parts = list(loaded.oxigraph.quads_for_pattern(grants[0], None, None))  # found again by the node itself
    assert any(q.predicate.value.endswith("#accessKind") for q in parts)
    raw = RemoteQuads(endpoint(server)).endpoint  # the engine itself holds IRIs, which a query can name
    form = urlencode({"query": f"SELECT ?g WHERE {{ GRAPH ?x {{ ?c {grant} ?g }} }}"}).encode()
    _, body = raw.post(raw.query, form, "application/x-www-form-urlencoded", "application/sparql-results+json")
    assert b"/.well-known/genid/" in body and b'"bnode"' not in body
    assert list(loaded.oxigraph.quads_for_pattern(ox.BlankNode("not-written-here"), None, None)) == []


def test_bound_values_are_sent_as_values_never_spliced(loaded: RemoteStore) -> None:
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    rows = loaded.select("SELECT ?s ?l WHERE { ?s ?p ?l }", {"s": ox.NamedNode(iri("org", "s3ns")), "p": label})
    assert [r["l"].value for r in rows] == ["S3NS"]
    tricky = ox.Literal('S3NS" } ; DROP ALL ; #')
    assert loaded.select("SELECT ?s WHERE { ?s ?p ?l }", {"l": tricky}) == []
    assert loaded.count_triples() > 8000  # nothing dropped
    with pytest.raises(QueryError, match="syntax"):  # parsed here first, as the embedded store does
        loaded.select("SELECT ?s WHERE { <relative> ?p ?o }")


def test_a_write_through_one_process_is_seen_by_another(server: str, loaded: RemoteStore) -> None:
    other = RemoteStore(endpoint(server), revision_ttl=0.0)
    before = projection_for(other)
    assert "https://example.org/child" not in before.orgs
    writer = RemoteStore(endpoint(server))
    load_documents(writer, [document_from_bytes(VALID_TTL.encode(), "valid.ttl", user_graph("valid"))])
    after = projection_for(other)
    assert after is not before and "https://example.org/child" in after.orgs
    assert other.revision() == writer.revision() is not None
    writer.update("DROP GRAPH <" + user_graph("valid") + ">")  # as it was, for the other tests
    assert "https://example.org/child" not in projection_for(other).orgs


def test_the_api_on_a_remote_store_answers_as_on_the_embedded_one(tmp_path: Path, loaded: RemoteStore) -> None:
    answers = []
    for store in (loaded, None):
        settings = Settings(store_path=tmp_path / "unused", write_token="t")
        app = create_app(settings, store=store if store is not None else Store.in_memory())
        with TestClient(app) as client:
            r = client.get("/api/v1/assets/doctolib-vaccination/exposures", params={"as_of": "2026-06-01"})
            assert r.status_code == 200, r.text
            answers.append(sorted((e["instrument"]["id"], e["confidence"]) for e in r.json()["exposures"]))
            s = client.post("/sparql", data={"query": "ASK { ?s a <https://w3id.org/longarm/ontology#DataAsset> }"})
            assert s.status_code == 200 and s.json()["boolean"] is True
    assert answers[0] == answers[1] and answers[0]


def test_the_command_line_on_a_remote_store(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    clear(server)
    remote = ["--sparql-endpoint", f"{server}/query"]
    assert main([*remote, "compel", "doctolib-vaccination"]) == 3  # nothing there yet: says what to run
    assert f"longarm --sparql-endpoint {server}/query" in capsys.readouterr().err
    assert main([*remote, "load", "--bundled"]) == 3  # no update endpoint: read-only
    assert "--update-endpoint" in capsys.readouterr().err
    assert main([*remote, "--update-endpoint", f"{server}/update", "load", "--bundled"]) == 0
    capsys.readouterr()
    assert main([*remote, "compel", "doctolib-vaccination", "--as-of", "2026-06-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["exposures"]


def test_an_endpoint_that_cannot_be_reached_or_refuses_says_so(server: str) -> None:
    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint"):
        RemoteStore(Endpoint.parse("http://127.0.0.1:9/query"))
    store = RemoteStore(endpoint(server, writable=False))
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        store.select("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(StoreError, match="no update URL"):
        store.update("DROP ALL")
    with pytest.raises(InputError, match="Name: value"):
        Endpoint.parse(f"{server}/query", auth="no colon here")


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        self.seen.append(dict(self.headers))
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b'{"head":{"vars":["r"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_the_endpoint_header_is_sent_with_every_request() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        store = RemoteStore(Endpoint.parse(url, auth="Authorization: Bearer s3cret"))
        assert store.named_graphs() == []
        assert _Recorder.seen and all(h.get("Authorization") == "Bearer s3cret" for h in _Recorder.seen)
        assert "s3cret" not in repr(store.endpoint)  # a secret, never shown
        settings = Settings(
            store_path=Path("unused"), sparql_endpoint=url, endpoint_auth="Authorization: Bearer s3cret"
        )
        assert "s3cret" not in repr(settings) and settings.endpoint() == store.endpoint
    finally:
        server.shutdown()
        server.server_close()
