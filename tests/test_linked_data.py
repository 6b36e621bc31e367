"""Linked data: instance IRIs and the ontology resolve, as HTML for browsers and RDF for RDF clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.settings import Settings
from longarm.graph.projection.model import iri
from longarm.graph.store.embedded import Store


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store_path=Path("unused")), store=Store.in_memory())) as c:
        yield c


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
def test_instance_as_rdf(client: TestClient, accept: str, media: str, rdflib_format: str) -> None:
    r = client.get("/id/org/bleu", headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    g = _parse(r.content, rdflib_format)
    assert (rdflib.URIRef(iri("org", "bleu")), rdflib.RDFS.label, rdflib.Literal("Bleu")) in g


def _parse(data: bytes, fmt: str) -> rdflib.Graph:
    """rdflib for most formats; Oxigraph for JSON-LD (rdflib's JSON-LD parser warns of its own deprecations)."""
    if fmt != "json-ld":
        return rdflib.Graph().parse(data=data, format=fmt)
    nt = ox.serialize(ox.parse(data, ox.RdfFormat.JSON_LD), format=ox.RdfFormat.N_QUADS) or b""
    return rdflib.Graph().parse(data=nt, format="nt")


def test_instance_as_html_for_browsers(client: TestClient) -> None:
    r = client.get("/id/instrument/us-cloud-act", headers={"accept": "text/html,application/xhtml+xml;q=0.9"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<h1>US CLOUD Act / Stored Communications Act</h1>" in r.text
    assert 'href="/id/jur/US"' in r.text  # links stay on this server
    assert "<script" not in r.text and "http://cdn" not in r.text


def test_reach_rules_come_with_the_instrument(client: TestClient) -> None:
    r = client.get("/id/instrument/us-cloud-act", headers={"accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.content, format="turtle")
    lx = rdflib.Namespace("https://w3id.org/longarm/ontology#")
    rules = list(g.objects(rdflib.URIRef(iri("instrument", "us-cloud-act")), lx.reachRule))
    assert rules and all(list(g.predicate_objects(r)) for r in rules)


def test_unknown_instance_is_404(client: TestClient) -> None:
    assert client.get("/id/org/no-such-org").status_code == 404
    assert client.get("/id/planet/earth").status_code == 404


def test_ontology_three_ways(client: TestClient) -> None:
    turtle = client.get("/ontology", headers={"accept": "text/turtle"})
    g = rdflib.Graph().parse(data=turtle.content, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/longarm/ontology#Exposure"), rdflib.RDF.type, rdflib.OWL.Class) in g
    jsonld = client.get("/ontology", headers={"accept": "application/ld+json"})
    assert len(_parse(jsonld.content, "json-ld")) == len(g)
    page = client.get("/ontology", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'lang="fr"' in page.text
