"""Shared fixtures: the smallest graphs that show a behaviour, and one bundled store.

With ``LONGARM_TEST_BACKEND=remote`` in the environment, every store a test makes in
memory (:meth:`Store.in_memory`) is a :class:`~longarm.graph.store.remote.RemoteStore` on
an ``oxigraph serve`` of its own (in memory, on a free port, stopped with the store): the
same suites run against a remote SPARQL engine (``.ci/run`` runs the engine and API suites
so, docs/scaling.md).
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.graph.store.remote import RemoteStore

from .live_server import free_port
from .oxigraph_server import endpoint, oxigraph_binary

BACKEND = os.environ.get("LONGARM_TEST_BACKEND", "embedded")


def _remote_in_memory() -> Store:
    """A fresh remote store: an ``oxigraph serve`` in memory of its own, stopped when the store is collected."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("oxigraph serve did not start") from None
            time.sleep(0.005)
    store = RemoteStore(endpoint(base))
    weakref.finalize(store, _stop, process)
    return store


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


if BACKEND == "remote":
    Store.in_memory = staticmethod(_remote_in_memory)  # type: ignore[method-assign,assignment]
    # Tests of what only the embedded store has: its row reader and projection snapshot, the
    # benchmarks' own loaders (Oxigraph's bulk loader), and the browser tests (a real server
    # on an embedded store, whatever the backend).
    collect_ignore = [
        "test_projection_rows.py",
        "test_snapshot.py",
        "test_benchmarks.py",
        "test_bench_scale.py",
        "test_neighbourhood.py",  # starts oxigraph servers of its own, whatever the backend
        "browser",
    ]
elif BACKEND != "embedded":
    raise RuntimeError(f"LONGARM_TEST_BACKEND is 'embedded' or 'remote', not {BACKEND!r}")

ROOT = Path(__file__).resolve().parent.parent

# A tiny valid dataset: one source, two jurisdictions, two organizations, one interest.
VALID_TTL = """
@prefix lx: <https://w3id.org/longarm/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/> .

ex:src a lx:Source ; rdfs:label "Example filing" ; dcterms:date "2024-01-15"^^xsd:date .
ex:FR a lx:Jurisdiction ; rdfs:label "France" ; lx:isoCode "FR" ; lx:jurisdictionKind lx:Country ; dcterms:source ex:src .
ex:parent a lx:Organization ; rdfs:label "Parent SA" ; lx:organizationKind lx:Company ;
    lx:incorporatedIn ex:FR ; dcterms:source ex:src .
ex:child a lx:Organization ; rdfs:label "Child SAS" ; lx:organizationKind lx:Company ;
    lx:incorporatedIn ex:FR ; dcterms:source ex:src .
ex:stake a lx:OwnershipInterest ; lx:owner ex:parent ; lx:owned ex:child ;
    lx:interestKind lx:Shareholding ; lx:shareOfCapital 60.0 ;
    lx:validFrom "2020-01-01"^^xsd:date ; lx:validUntil "2023-12-31"^^xsd:date ;
    dcterms:source ex:src ; lx:confidence lx:Primary .
"""


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each test using this runs on both backends: in memory and on disk."""
    if request.param == "memory":
        yield Store.in_memory()
    else:
        yield Store.open(tmp_path / "store")


@pytest.fixture(scope="session")
def bundled_store() -> Store:
    """An in-memory store with the ontology and the bundled dataset (validated)."""
    s = Store.in_memory()
    load_bundled(s)
    return s


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.ttl"
    p.write_text(VALID_TTL, encoding="utf-8")
    return p
