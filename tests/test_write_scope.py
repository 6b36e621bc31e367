"""A write is validated on its scope: what it touches, what points to it, and (as context) what those point to."""

from __future__ import annotations

import pytest

from longarm.graph.base.errors import ValidationError
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import Document, load_documents, unload_graphs, user_graph
from longarm.graph.text.rdfio import parse_document

from .conftest import VALID_TTL

PREFIXES, _, BODY = VALID_TTL.partition("\n\n")
ORGS = PREFIXES + "\n" + BODY.split("ex:stake", 1)[0]  # the source, France, the parent and the child
STAKE = PREFIXES + "\nex:stake" + BODY.split("ex:stake", 1)[1]  # the interest naming them


def _doc(name: str, ttl: str) -> Document:
    graph = user_graph(name)
    return Document(name + ".ttl", graph, parse_document(ttl.encode(), name + ".ttl"), str(hash(ttl)))


@pytest.fixture
def store() -> Store:
    s = Store.in_memory()
    load_documents(s, [_doc("orgs", ORGS)])
    load_documents(s, [_doc("stakes", STAKE)])
    return s


def test_removing_what_others_point_to_is_caught(store: Store) -> None:
    """ex:stake is not written, but it names the organizations the removal takes away."""
    with pytest.raises(ValidationError) as caught:
        unload_graphs(store, [user_graph("orgs")])
    assert {v.focus_node for v in caught.value.violations} == {"<https://example.org/stake>"}
    assert user_graph("orgs") in store.named_graphs()  # nothing written


def test_a_write_within_the_shapes_passes_and_a_broken_one_names_its_node(store: Store) -> None:
    load_documents(store, [_doc("more", STAKE.replace("ex:stake", "ex:stake2"))])  # names existing organizations
    with pytest.raises(ValidationError) as caught:
        load_documents(store, [_doc("bad", STAKE.replace("ex:stake", "ex:stake3").replace("60.0", "160.0"))])
    assert [(v.focus_node, v.path) for v in caught.value.violations] == [
        ("<https://example.org/stake3>", "lx:shareOfCapital")
    ]


def test_a_broken_node_outside_the_write_is_not_reported_again(store: Store) -> None:
    """Data written around the shapes (e.g. by SPARQL Update) is reported when a write touches it, not before."""
    legacy = b"<https://e.org/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/longarm/ontology#OwnershipInterest> ."
    store.replace_graphs({user_graph("legacy"): parse_document(legacy, "legacy.nt")})
    unrelated = PREFIXES + '\n<https://e.org/y> rdfs:label "y" .'
    load_documents(store, [_doc("unrelated", unrelated)])  # ex:x is outside the scope
    with pytest.raises(ValidationError) as caught:
        load_documents(store, [_doc("touch", PREFIXES + '\n<https://e.org/x> rdfs:label "x" .')])
    assert all(v.focus_node == "<https://e.org/x>" for v in caught.value.violations)
