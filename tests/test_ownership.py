"""Ownership analytics on the smallest graphs that show each behaviour, and on the bundled history."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from longarm.graph.base.errors import InputError
from longarm.graph.engine.ownership import (
    ancestors,
    capital_and_votes,
    confers_control,
    controllers,
    effective_ownership,
    ownership_chain,
    subsidiaries,
    ultimate_controllers,
)
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import Interest, Projection, iri
from longarm.graph.projection.reader import build_projection
from longarm.graph.store.embedded import Store
from longarm.ontology.namespace import LX, graph_iri

TODAY = dt.date(2026, 11, 29)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEC = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def org(name: str) -> str:
    return iri("org", name)


def tiny(edges: list[tuple[str, str, float | None, str]]) -> tuple[Store, Projection]:
    """A store with organizations and interests (owner, owned, share, kind), no validity dates."""
    triples = []
    names = {n for e in edges for n in e[:2]}
    for n in names:
        triples.append(ox.Triple(ox.NamedNode(org(n)), RDF_TYPE, ox.NamedNode(str(LX.Organization))))
    for k, (owner, owned, share, kind) in enumerate(edges):
        node = ox.NamedNode(iri("interest", f"i{k}"))
        triples += [
            ox.Triple(node, RDF_TYPE, ox.NamedNode(str(LX.OwnershipInterest))),
            ox.Triple(node, ox.NamedNode(str(LX.owner)), ox.NamedNode(org(owner))),
            ox.Triple(node, ox.NamedNode(str(LX.owned)), ox.NamedNode(org(owned))),
            ox.Triple(node, ox.NamedNode(str(LX.interestKind)), ox.NamedNode(str(getattr(LX, kind)))),
        ]
        if share is not None:
            triples.append(ox.Triple(node, ox.NamedNode(str(LX.shareOfCapital)), ox.Literal(f"{share}", datatype=DEC)))
    store = Store.in_memory()
    store.replace_graphs({str(graph_iri("test")): triples})
    return store, build_projection(store)


def test_majority_chain_and_effective_ownership() -> None:
    _, p = tiny([("a", "b", 60.0, "Shareholding"), ("b", "c", 80.0, "Shareholding")])
    assert [c.controller for c in controllers(p, org("c"), TODAY)] == [org("b"), org("a")]
    eff = effective_ownership(p, org("c"), TODAY)
    assert eff[org("a")].percent == pytest.approx(48.0)
    control = effective_ownership(p, org("c"), TODAY, method="control")
    assert control[org("a")].percent == pytest.approx(80.0)


def test_two_paths_add_up() -> None:
    _, p = tiny([("a", "b", 50.0, "Shareholding"), ("a", "c", 20.0, "Shareholding"), ("b", "c", 40.0, "Shareholding")])
    assert effective_ownership(p, org("c"), TODAY)[org("a")].percent == pytest.approx(40.0)


def test_minority_does_not_control() -> None:
    _, p = tiny([("a", "b", 49.9, "Shareholding")])
    assert controllers(p, org("b"), TODAY) == []
    assert confers_control(Interest("x", capital_max=10.0)) is None


def test_joint_control_is_control_but_flagged() -> None:
    _, p = tiny([("a", "jv", None, "JointControl"), ("b", "jv", None, "JointControl")])
    chains = controllers(p, org("jv"), TODAY)
    assert {c.controller for c in chains} == {org("a"), org("b")} and all(c.joint for c in chains)
    assert controllers(p, org("jv"), TODAY, test=str(LX.MajorityOwnership)) == []


def test_cycles_terminate() -> None:
    _, p = tiny([("a", "b", 60.0, "Shareholding"), ("b", "a", 60.0, "Shareholding"), ("a", "c", 60.0, "Shareholding")])
    assert {c.controller for c in controllers(p, org("c"), TODAY)} == {org("a"), org("b")}
    assert ancestors(p, org("c"), TODAY) == {org("a"), org("b")}
    assert set(effective_ownership(p, org("c"), TODAY)) == {org("a"), org("b")}
    assert ultimate_controllers(p, org("c"), TODAY) == []  # everyone at the top is controlled by someone


def test_depth_bound() -> None:
    _, p = tiny([(f"o{i}", f"o{i + 1}", 100.0, "Shareholding") for i in range(6)])
    assert len(controllers(p, org("o6"), TODAY, max_depth=2)) == 2
    assert len(subsidiaries(p, org("o0"), TODAY, max_depth=3)) == 3
    with pytest.raises(InputError):
        controllers(p, org("o6"), TODAY, max_depth=-1)


def test_cloudwatt_history(bundled_store: Store) -> None:
    p = projection_for(bundled_store)
    before = {p.label(h.interest.owner) for h in ownership_chain(p, org("cloudwatt"), dt.date(2014, 6, 1))}
    after = {p.label(h.interest.owner) for h in ownership_chain(p, org("cloudwatt"), dt.date(2016, 6, 1))}
    assert {"Orange S.A.", "Thales S.A.", "Caisse des Dépôts"} <= before
    assert "Thales S.A." not in after and "Orange S.A." in after


# ------------------------------------------------------------------ networkx and SPARQL agree

PATH_QUERY = "SELECT ?org ?a WHERE { ?org (^lx:owned/lx:owner)+ ?a }"


@st.composite
def ownership_graphs(draw: st.DrawFn) -> list[tuple[str, str, float | None, str]]:
    n = draw(st.integers(min_value=2, max_value=9))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda t: t[0] != t[1])
    edges = draw(st.lists(pairs, max_size=16, unique=True))
    shares = draw(st.lists(st.one_of(st.none(), st.floats(1, 100)), min_size=len(edges), max_size=len(edges)))
    return [(f"n{a}", f"n{b}", s, "Shareholding") for (a, b), s in zip(edges, shares, strict=True)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ownership_graphs())
def test_networkx_and_sparql_property_path_agree(edges: list[tuple[str, str, float | None, str]]) -> None:
    store, p = tiny(edges)
    via_sparql: dict[str, set[str]] = {}
    for row in store.select(PATH_QUERY):
        via_sparql.setdefault(row["org"].value, set()).add(row["a"].value)
    for node in p.orgs:
        expected = via_sparql.get(node, set()) - {node}
        assert ancestors(p, node, TODAY, max_depth=len(p.orgs)) == expected


@pytest.mark.parametrize(
    ("interest", "capital", "votes"),
    [
        (Interest("x", capital=44.4), "44.4 %", None),
        (Interest("x", capital_min=10.0, capital_max=20.0, votes=25.0), "10–20 %", "25 %"),
        (Interest("x", votes_min=50.0), None, "at least 50 %"),
        (Interest("x", capital_max=10.0), "less than 10 %", None),
        (Interest("x"), None, None),
    ],
)
def test_one_wording_of_a_share_for_every_picture_and_text(interest: Interest, capital: str, votes: str) -> None:
    assert capital_and_votes(interest) == (capital, votes)
