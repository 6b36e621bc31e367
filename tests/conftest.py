"""Shared fixtures: the smallest graphs that show a behaviour, and one bundled store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled

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
