"""The graph of entities: the whole graph or a neighbourhood, at a date, with plain attributes."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from longarm.graph.base.errors import AmbiguousReferenceError, InputError, UnknownReferenceError
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes, load_documents
from longarm.graph.views.entity_graph import MAX_DEPTH, entity_graph, resolve_center
from longarm.ontology.namespace import graph_iri

from .conftest import VALID_TTL

TODAY = dt.date(2026, 11, 29)
PARENT, CHILD, FR = "https://example.org/parent", "https://example.org/child", "https://example.org/FR"


@pytest.fixture
def tiny() -> Store:
    """Two companies and one interest, valid 2020–2023."""
    store = Store.in_memory()
    load_documents(store, [document_from_bytes(VALID_TTL.encode(), "tiny.ttl", str(graph_iri("user/tiny")))])
    return store


def _labels(g: nx.MultiDiGraph[str]) -> set[str]:
    return {str(d["label"]) for _, d in g.nodes(data=True)}


def test_tiny_graph_nodes_edges_and_attributes(tiny: Store) -> None:
    g = entity_graph(tiny, as_of=dt.date(2021, 6, 1))
    assert set(g.nodes) == {PARENT, CHILD, FR}
    assert dict(g.nodes[PARENT]) == {
        "id": PARENT,
        "label": "Parent SA",
        "kind": "org",
        "jurisdiction": "FR",
        "organization_kind": "Company",  # no ontology loaded: the concept's local name
        "sources": "https://example.org/src",
    }
    (interest,) = [d for *_, d in g.edges(PARENT, data=True) if d["relation"] == "interest"]
    assert interest["label"] == "owns 60 %"
    assert (interest["share"], interest["share_min"], interest["share_max"]) == (60.0, 60.0, 60.0)
    assert (interest["valid_from"], interest["valid_to"]) == ("2020-01-01", "2023-12-31")
    assert interest["interest"] == "https://example.org/stake" and interest["indirect"] is False


@pytest.mark.parametrize(
    ("as_of", "held"),
    [
        (dt.date(2019, 12, 31), False),
        (dt.date(2021, 6, 1), True),
        (dt.date(2023, 12, 31), True),
        (dt.date(2024, 1, 1), False),
    ],
)
def test_interests_outside_their_validity_are_left_out(tiny: Store, as_of: dt.date, held: bool) -> None:
    g = entity_graph(tiny, as_of=as_of)
    assert g.has_edge(PARENT, CHILD, key="https://example.org/stake") is held


def test_attributes_are_plain_values(bundled_store: Store) -> None:
    """networkx's GraphML and GEXF writers refuse None; every value is a str, float or bool."""
    g = entity_graph(bundled_store, as_of=TODAY)
    values = [v for _, d in g.nodes(data=True) for v in d.values()]
    values += [v for *_, d in g.edges(data=True) for v in d.values()]
    assert values and all(isinstance(v, str | float | bool) and v != "" for v in values)
    kinds = {"org", "jur", "service", "region", "contract", "certification", "asset", "instrument", "authority"}
    assert {d["kind"] for _, d in g.nodes(data=True)} == kinds


def test_neighbourhood_of_bleu(bundled_store: Store) -> None:
    bleu = iri("org", "bleu")
    one = entity_graph(bundled_store, bleu, as_of=TODAY, depth=1)
    assert {"Bleu", "Orange S.A.", "Capgemini S.E.", "France"} <= _labels(one)
    assert not {"Alibaba Group Holding Limited", "Microsoft Corporation"} & _labels(one)
    two = entity_graph(bundled_store, bleu, as_of=TODAY, depth=2)
    assert "Microsoft Corporation" in _labels(two)  # through the licence contract
    assert set(one) < set(two)
    assert _labels(entity_graph(bundled_store, bleu, as_of=TODAY, depth=0)) == {"Bleu"}
    assert one.graph["name"] == "Bleu, depth 1, as of 2026-11-29"


def test_a_jurisdiction_ends_the_walk(bundled_store: Store) -> None:
    """Bleu and OVHcloud are both French: France is a neighbour of Bleu, OVHcloud is not."""
    g = entity_graph(bundled_store, iri("org", "bleu"), as_of=TODAY, depth=2)
    assert iri("jur", "FR") in g and iri("org", "ovh-groupe") not in g
    # From the jurisdiction itself, the walk goes on.
    fr = entity_graph(bundled_store, iri("jur", "FR"), as_of=TODAY, depth=1)
    assert iri("org", "ovh-groupe") in fr


def test_as_of_filters_the_ownership_of_cloudwatt(bundled_store: Store) -> None:
    cloudwatt = iri("org", "cloudwatt")

    def owners(as_of: dt.date) -> list[str]:
        g = entity_graph(bundled_store, cloudwatt, as_of=as_of, depth=1)
        return sorted(str(d["label"]) for *_, d in g.in_edges(cloudwatt, data=True) if d["relation"] == "interest")

    assert owners(dt.date(2013, 6, 1)) == ["owns 22.2 %", "owns 33.3 %", "owns 44.4 %"]
    assert owners(dt.date(2016, 6, 1)) == ["owns 100 %"]
    assert owners(TODAY) == []  # the centre is kept, though Cloudwatt closed in 2020
    assert cloudwatt not in entity_graph(bundled_store, as_of=TODAY)
    assert cloudwatt in entity_graph(bundled_store, as_of=dt.date(2013, 6, 1))


def test_whole_graph_is_larger_than_any_neighbourhood(bundled_store: Store) -> None:
    whole = entity_graph(bundled_store, as_of=TODAY)
    assert whole.number_of_nodes() > 200 and whole.graph["name"] == "longarm graph, as of 2026-11-29"
    interests = [d for *_, d in whole.edges(data=True) if d["relation"] == "interest"]
    assert len(interests) == len({d["interest"] for d in interests}) > 50


@pytest.mark.parametrize("depth", [-1, MAX_DEPTH + 1])
def test_depth_is_bounded(bundled_store: Store, depth: int) -> None:
    with pytest.raises(InputError, match="depth"):
        entity_graph(bundled_store, iri("org", "bleu"), as_of=TODAY, depth=depth)


def test_unknown_centre(bundled_store: Store) -> None:
    with pytest.raises(UnknownReferenceError):
        entity_graph(bundled_store, iri("org", "no-such-company"), as_of=TODAY)


def test_resolve_center_prefers_organizations(bundled_store: Store, tiny: Store) -> None:
    p = projection_for(bundled_store)
    assert resolve_center(p, "Bleu") == iri("org", "bleu")  # not the service of the same name
    assert resolve_center(p, "us-cloud-act") == iri("instrument", "us-cloud-act")
    with pytest.raises(UnknownReferenceError):
        resolve_center(p, "Bleux")
    twins = Store.in_memory()
    ttl = VALID_TTL.replace('"Child SAS"', '"Parent SA"')
    load_documents(twins, [document_from_bytes(ttl.encode(), "twins.ttl", str(graph_iri("user/twins")))])
    with pytest.raises(AmbiguousReferenceError):
        resolve_center(projection_for(twins), "parent sa")
