"""The SPARQL endpoints over real HTTP: ``longarm serve`` (uvicorn) in a subprocess.

The server runs on a free loopback port with an on-disk store in a temporary directory
(the bundled dataset is loaded at first start), a write token and a 2-second query
deadline. Real clients talk to it: SPARQLWrapper, and rdflib's ``SPARQLStore`` and
``SPARQLUpdateStore``; plain ``urllib`` checks the Protocol's status codes, HEAD, CORS.
The deadline proof sends an explosive query (a three-way cartesian product of the
bundled data, counted) and checks that it is answered 503 soon after the deadline while
another query is answered meanwhile, and that the worker that ran it is gone.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

from longarm.ontology.namespace import PREFIXES, entity_iri

from .live_server import free_port, stop, wait_ready

TOKEN = "http-test-token"
TIMEOUT = 2.0  # LONGARM_QUERY_TIMEOUT of the server under test
COUNT_INSTRUMENTS = "SELECT (COUNT(*) AS ?n) WHERE { ?s a lx:LegalInstrument }"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="spawns a server; the deadline proof reads /proc")


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {
        **os.environ,
        "LONGARM_STORE": str(home / "store"),
        "LONGARM_HOST": "127.0.0.1",
        "LONGARM_PORT": str(port),
        "LONGARM_WRITE_TOKEN": TOKEN,
        "LONGARM_QUERY_TIMEOUT": str(TIMEOUT),
        "LONGARM_ACCESS_LOG": "1",
    }
    code = "import sys; from longarm.api.cli import main; sys.exit(main(['serve']))"
    with open(home / "server.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log, stderr=subprocess.STDOUT)
    s = Server(f"http://127.0.0.1:{port}", process, home / "server.log")
    try:
        wait_ready(s.base, process, s.log)
        yield s
    finally:
        stop(process)


def http(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 60
) -> tuple[int, dict[str, str], bytes]:
    """One request with urllib: (status, headers with lower-case names, body); errors are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def query_url(s: Server, query: str, **params: str) -> str:
    return s.sparql + "?" + urllib.parse.urlencode({"query": query, **params})


def test_access_log_when_asked(server: Server) -> None:
    status, _, _ = http("GET", query_url(server, "ASK { ?s ?p ?o }") + "&access-log-probe=1")
    assert status == 200
    deadline = time.monotonic() + 5
    while 'access-log-probe=1 HTTP/1.1" 200' not in server.log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "the request was not logged"
        time.sleep(0.05)


# ---------------------------------------------------------------------- SPARQLWrapper


@pytest.mark.parametrize("method", ["GET", URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_select_json(server: Server, method: str) -> None:
    sw = SPARQLWrapper(server.sparql)
    if method != "GET":
        sw.setMethod(POST)
        sw.setRequestMethod(method)
    sw.setQuery(f"PREFIX lx: <{PREFIXES['lx']}> " + COUNT_INSTRUMENTS)  # declared anyway: a client may send it
    sw.setReturnFormat(JSON)
    result = sw.queryAndConvert()
    assert isinstance(result, dict)
    assert int(result["results"]["bindings"][0]["n"]["value"]) >= 15


@pytest.mark.parametrize("fmt", [XML, CSV, TSV])
def test_sparqlwrapper_select_other_formats(server: Server, fmt: str) -> None:
    sw = SPARQLWrapper(server.sparql)
    sw.setQuery("SELECT ?id WHERE { ?i a lx:LegalInstrument ; skos:notation ?id } ORDER BY ?id LIMIT 3")
    sw.setReturnFormat(fmt)
    result = sw.query()
    assert result.response.headers["X-Longarm-Truncated"] == "false"
    converted = result.convert()
    text = converted.toxml() if fmt == XML else converted.decode()  # type: ignore[union-attr]
    assert "au-tola" in text


# SPARQLWrapper 2.0 builds JSON-LD results in an rdflib ConjunctiveGraph, which rdflib 7 deprecates.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_ask_and_construct(server: Server) -> None:
    sw = SPARQLWrapper(server.sparql)
    sw.setQuery("ASK { lxorg:bleu a lx:Organization }")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert() == {"head": {}, "boolean": True}
    for fmt in (TURTLE, JSONLD, XML):
        sw = SPARQLWrapper(server.sparql)
        sw.setQuery("CONSTRUCT WHERE { lxorg:bleu rdfs:label ?l }")
        sw.setReturnFormat(fmt)
        g = sw.queryAndConvert()
        if isinstance(g, bytes):  # Turtle comes back as bytes
            g = rdflib.Graph().parse(data=g, format="turtle")
        assert isinstance(g, rdflib.Graph)
        assert {str(o) for o in g.objects(None, rdflib.URIRef(RDFS_LABEL))} == {"Bleu"}


@pytest.mark.parametrize("method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_update_with_the_token(server: Server, method: str) -> None:
    graph = f"https://example.org/sparqlwrapper/{method}"
    sw = SPARQLWrapper(server.sparql, updateEndpoint=server.sparql)
    sw.setMethod(POST)
    sw.setRequestMethod(method)
    sw.setQuery(f"INSERT DATA {{ GRAPH <{graph}> {{ <https://example.org/x> rdfs:label 'via SPARQLWrapper' }} }}")
    with pytest.raises(Exception, match=r"401|Unauthorized"):
        sw.query()
    sw.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    assert sw.query().response.status == 204
    check = SPARQLWrapper(server.sparql)
    check.setQuery(f"SELECT ?l WHERE {{ GRAPH <{graph}> {{ ?s rdfs:label ?l }} }}")
    check.setReturnFormat(JSON)
    result = check.queryAndConvert()
    assert isinstance(result, dict)
    assert [b["l"]["value"] for b in result["results"]["bindings"]] == ["via SPARQLWrapper"]


# ---------------------------------------------------------------------- rdflib's SPARQL stores


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_reads(server: Server, method: str) -> None:
    g = rdflib.Graph(store=SPARQLStore(server.sparql, method=method))
    bleu = entity_iri("org", "bleu")
    rows = list(g.query(f"SELECT ?label WHERE {{ <{bleu}> rdfs:label ?label }}"))
    assert [str(r[0]) for r in rows] == ["Bleu"]  # type: ignore[index]
    assert (bleu, rdflib.RDFS.label, rdflib.Literal("Bleu")) in g


def test_rdflib_sparqlupdatestore_writes_a_named_graph(server: Server) -> None:
    store = SPARQLUpdateStore(server.sparql, server.sparql, headers={"Authorization": f"Bearer {TOKEN}"})
    ds = rdflib.Dataset(store=store)
    name = rdflib.URIRef("https://example.org/rdflib/graph")
    g = ds.graph(name)
    g.add((rdflib.URIRef("https://example.org/y"), rdflib.RDFS.label, rdflib.Literal("via rdflib", lang="en")))
    store.commit()
    reader = rdflib.Graph(store=SPARQLStore(server.sparql))
    rows = list(reader.query(f"SELECT ?l WHERE {{ GRAPH <{name}> {{ ?s rdfs:label ?l }} }}"))
    assert [r[0] for r in rows] == [rdflib.Literal("via rdflib", lang="en")]  # type: ignore[index]
    g.update("DELETE WHERE { ?s ?p ?o }")  # rdflib wraps it in GRAPH <name>
    assert list(reader.query(f"ASK {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")) == [False]


# ---------------------------------------------------------------------- the Protocol over HTTP


def test_protocol_status_codes(server: Server) -> None:
    assert http("GET", query_url(server, "SELECT WHERE {"))[0] == 400
    assert http("GET", query_url(server, COUNT_INSTRUMENTS), headers={"Accept": "image/png"})[0] == 406
    assert http("POST", server.sparql, COUNT_INSTRUMENTS.encode(), {"Content-Type": "text/plain"})[0] == 415
    status, _, body = http("GET", query_url(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"))
    assert status == 400 and b"SERVICE is refused" in body
    status, headers, _ = http("POST", server.sparql, b"CLEAR ALL", {"Content-Type": "application/sparql-update"})
    assert status == 401 and headers["www-authenticate"] == "Bearer"


def _raw(server: Server, request: bytes) -> tuple[int, bytes]:
    """Send `request` as it is (urllib adds a Content-Type to a POST, and its own Host): (status, body)."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_base_iri_and_untyped_posts_over_http(server: Server) -> None:
    """Relative IRIs resolve against the URL the server was addressed by; a POST without a Content-Type is 415."""
    q = "SELECT ?x WHERE { BIND(<x> AS ?x) }"
    body = http("GET", query_url(server, q))[2]
    assert json.loads(body)["results"]["bindings"] == [{"x": {"type": "uri", "value": server.base + "/x"}}]
    get = f"GET /sparql?{urllib.parse.urlencode({'query': q})} HTTP/1.1\r\nHost: longarm.example\r\n"
    status, body = _raw(server, get.encode() + b"Connection: close\r\n\r\n")
    assert status == 200 and b'"http://longarm.example/x"' in body
    status, body = _raw(server, get.replace("longarm.example", "bad^host").encode() + b"Connection: close\r\n\r\n")
    assert status == 200 and f'"{server.base}/x"'.encode() in body  # an invalid Host: the server's own address
    update = b"INSERT DATA { GRAPH <https://example.org/http/untyped> { <https://example.org/u> rdfs:label 'U' } }"
    post = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n"
    status, body = _raw(server, post % (TOKEN.encode(), len(update)) + b"Connection: close\r\n\r\n" + update)
    assert status == 415 and b"untyped" in body
    ask = "ASK { GRAPH <https://example.org/http/untyped> { ?s ?p ?o } }"
    assert json.loads(http("GET", query_url(server, ask))[2])["boolean"] is False


def test_from_a_url_is_not_fetched_by_the_worker(server: Server) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
        status, _, body = http("GET", query_url(server, f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"))
        assert status == 200 and json.loads(body)["results"]["bindings"] == []
        with pytest.raises(TimeoutError):
            listener.accept()


def test_service_description_and_graph_store_over_http(server: Server) -> None:
    status, headers, body = http("GET", server.sparql, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    sd = rdflib.Graph().parse(data=body, format="turtle")
    assert (
        None,
        rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"),
        rdflib.URIRef(server.sparql),
    ) in sd
    target = server.base + "/graph-store?" + urllib.parse.urlencode({"graph": "https://example.org/http/gsp"})
    doc = b'<https://example.org/z> <http://www.w3.org/2000/01/rdf-schema#label> "Z" .'
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/n-triples"}
    assert http("PUT", target, doc, auth)[0] == 201
    status, headers, body = http("HEAD", target, headers={"Accept": "application/n-triples"})
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    status, _, body = http("GET", target, headers={"Accept": "application/n-triples"})
    assert status == 200 and body.strip() == doc
    assert http("DELETE", target, headers=auth)[0] == 204
    assert http("GET", target)[0] == 404


def test_cors_preflight_over_http(server: Server) -> None:
    status, headers, _ = http(
        "OPTIONS",
        server.sparql,
        headers={
            "Origin": "https://notebook.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "authorization" in headers["access-control-allow-headers"].lower()


def test_updates_are_seen_by_the_next_query(server: Server) -> None:
    update = "INSERT DATA { GRAPH <https://example.org/http/fresh> { <https://example.org/f> rdfs:label 'fresh' } }"
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    for _ in range(3):  # each update must be visible at once, whichever worker answers
        assert http("POST", server.sparql, update.encode(), auth)[0] == 204
        q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/http/fresh> { ?s ?p ?o } }"
        for _ in range(3):
            body = http("GET", query_url(server, q))[2]
            assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "1"
        drop = b"DROP GRAPH <https://example.org/http/fresh>"
        assert http("POST", server.sparql, drop, auth)[0] == 204
        body = http("GET", query_url(server, "ASK { GRAPH <https://example.org/http/fresh> { ?s ?p ?o } }"))[2]
        assert json.loads(body)["boolean"] is False


# ---------------------------------------------------------------------- the deadline


def _children(pid: int) -> dict[int, int]:
    """The child processes of `pid` and the CPU time (clock ticks) each has used."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)"
        if int(fields[1]) == pid:
            out[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return out


def test_deadline_stops_an_explosive_query_while_others_are_answered(server: Server) -> None:
    url = query_url(server, COUNT_INSTRUMENTS)
    assert http("GET", url)[0] == 200  # both workers are up
    assert http("GET", url)[0] == 200
    before = _children(server.process.pid)
    outcome: dict[str, object] = {}

    def explode() -> None:
        started = time.monotonic()
        status, _, body = http("GET", query_url(server, EXPLOSIVE))
        outcome.update(status=status, body=body, seconds=time.monotonic() - started, done=time.monotonic())

    thread = threading.Thread(target=explode)
    thread.start()
    time.sleep(0.3)  # let the explosive query reach its worker
    answered = []
    while thread.is_alive() and len(answered) < 50:
        status, _, _ = http("GET", url)
        answered.append((status, time.monotonic()))
        time.sleep(0.05)
    thread.join(timeout=60)
    assert not thread.is_alive()

    assert outcome["status"] == 503
    assert b"deadline" in outcome["body"]  # type: ignore[operator]
    seconds = outcome["seconds"]
    assert isinstance(seconds, float) and TIMEOUT - 0.5 <= seconds < TIMEOUT + 15, seconds
    # Other queries were answered while the explosive one ran.
    assert answered and all(s == 200 for s, _ in answered)
    assert any(at < outcome["done"] for _, at in answered)  # type: ignore[operator]

    # The worker that ran it was killed and reaped; no process that was there before burns CPU now.
    after = _children(server.process.pid)
    gone = set(before) - set(after)
    assert gone and all(not Path(f"/proc/{pid}").exists() for pid in gone)
    time.sleep(1.0)
    later = _children(server.process.pid)
    busy = {pid: later[pid] - after[pid] for pid in set(before) & set(later) if pid in after}
    ticks = os.sysconf("SC_CLK_TCK")
    assert all(used < 0.5 * ticks for used in busy.values()), busy
    assert http("GET", url)[0] == 200  # a fresh worker took its place
