"""The bundled dataset: parses with an independent parser, conforms, is complete and sourced."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from longarm.graph.loading import bundled_data_paths
from longarm.graph.store import Store
from longarm.ontology.namespace import DCTERMS, ID_BASE, LX, entity_iri

ROOT = Path(__file__).resolve().parent.parent
TURTLE_FILES = sorted([*ROOT.glob("data/*.ttl"), *ROOT.glob("ontology/*.ttl")])

INSTRUMENT_IDS = {
    "us-cloud-act",
    "us-fisa-702",
    "us-eo-12333",
    "us-nsl",
    "us-ieepa",
    "cn-nil",
    "cn-dsl",
    "cn-csl",
    "ru-yarovaya",
    "uk-ipa",
    "uk-copoa",
    "au-tola",
    "eu-e-evidence",
    "eu-gdpr-art48",
    "fr-blocking-statute",
}
EU_MEMBERS = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
}


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    """The whole dataset parsed by rdflib, independently of the project's own loader."""
    g = rdflib.Graph()
    for p in ROOT.glob("data/*.ttl"):
        g.parse(p, format="turtle")
    return g


def _count(g: rdflib.Graph, cls: rdflib.URIRef) -> int:
    return len(set(g.subjects(RDF.type, cls)))


@pytest.mark.parametrize("path", TURTLE_FILES, ids=[p.name for p in TURTLE_FILES])
def test_independent_parser_accepts_every_turtle_file(path: Path) -> None:
    assert len(rdflib.Graph().parse(path, format="turtle")) > 0


def test_the_package_ships_the_data_files() -> None:
    assert {p.name for p in bundled_data_paths()} == {p.name for p in ROOT.glob("data/*.ttl")}


def test_pyshacl_alone_finds_no_violation(data: rdflib.Graph) -> None:
    """What `pyshacl -s ontology/shapes.ttl -e ontology/longarm.ttl merged.ttl` does, from outside longarm."""
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "longarm.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, text


def test_counts(data: rdflib.Graph) -> None:
    assert _count(data, LX.Organization) >= 45
    assert _count(data, LX.Service) >= 25
    assert _count(data, LX.Contract) >= 6
    assert _count(data, LX.LegalInstrument) >= 15


def test_jurisdictions(data: rdflib.Graph) -> None:
    codes = {str(o) for o in data.objects(None, LX.isoCode)}
    assert EU_MEMBERS | {"EU", "US", "GB", "CN", "RU", "AU", "CA", "CH", "IN", "SG", "KY"} <= codes
    eu = entity_iri("jur", "EU")
    members = {str(data.value(m, LX.isoCode)) for m in data.subjects(LX.memberOf, eu)}
    assert members == EU_MEMBERS


def test_instrument_ids_are_stable(data: rdflib.Graph) -> None:
    ids = {str(data.value(i, SKOS.notation)) for i in data.subjects(RDF.type, LX.LegalInstrument)}
    assert ids >= INSTRUMENT_IDS
    for iid in INSTRUMENT_IDS:
        assert (entity_iri("instrument", iid), RDF.type, LX.LegalInstrument) in data


def test_fisa_702_lapse_and_residual(data: rdflib.Graph) -> None:
    fisa = entity_iri("instrument", "us-fisa-702")
    assert str(data.value(fisa, LX.inForceUntil)) == "2026-06-12"
    assert str(data.value(fisa, LX.residualUntil)).startswith("2027-03")


def test_published_cases_are_assets(data: rdflib.Graph) -> None:
    for slug in ("health-data-hub", "doctolib-vaccination"):
        asset = entity_iri("asset", slug)
        assert (asset, RDF.type, LX.DataAsset) in data
        assert data.value(asset, LX.hostedOn) is not None
    keys = data.value(entity_iri("asset", "doctolib-vaccination"), LX.keysHeldBy)
    assert keys == entity_iri("org", "doctolib-trusted-third-party")


def test_every_secnumcloud_catalogue_row_is_a_qualification(data: rdflib.Graph) -> None:
    qualified = [c for c in data.subjects(LX.scheme, LX.SecNumCloud) if (c, LX.status, LX.Qualified) in data]
    assert len(qualified) >= 15
    in_evaluation = {data.value(c, LX.holder) for c in data.subjects(LX.status, LX.InEvaluation)}
    assert entity_iri("org", "bleu") in in_evaluation


def test_historical_stakes_are_dated(data: rdflib.Graph) -> None:
    for owned in ("numergy", "cloudwatt"):
        interests = list(data.subjects(LX.owned, entity_iri("org", owned)))
        assert len(interests) >= 3, owned
        assert all(data.value(i, LX.validFrom) is not None for i in interests)


def test_every_reference_is_defined(data: rdflib.Graph) -> None:
    """Every longarm IRI used as an object is a typed node somewhere in the dataset."""
    typed = set(data.subjects(RDF.type, None))
    dangling = sorted(
        {str(o) for o in data.objects() if isinstance(o, rdflib.URIRef) and str(o).startswith(ID_BASE)}
        - {str(t) for t in typed}
    )
    assert dangling == []


def test_every_source_has_a_date(data: rdflib.Graph) -> None:
    sources = set(data.objects(None, DCTERMS.source))
    undated = [s for s in sources if data.value(s, DCTERMS.date) is None and data.value(s, LX.retrievedOn) is None]
    assert undated == []


def test_bundled_store_loads_and_counts(bundled_store: Store) -> None:
    from longarm.graph.stats import store_stats

    stats = store_stats(bundled_store)
    assert stats.instances["Organization"] >= 45
    assert len([g for g in stats.graphs if g.graph.endswith(("/ontology", "/meta"))]) == 2
