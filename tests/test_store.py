"""The store, on both backends: atomic graph replacement, bound queries, persistence."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from longarm.graph.base.errors import QueryError
from longarm.graph.store.embedded import Store

A, P = ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p")
G1, G2 = "https://e.org/g1", "https://e.org/g2"


def _t(value: str) -> ox.Triple:
    return ox.Triple(A, P, ox.Literal(value))


def test_replace_graphs_replaces_only_named_graphs(store: Store) -> None:
    store.replace_graphs({G1: [_t("1"), _t("2")], G2: [_t("x")]})
    store.replace_graphs({G1: [_t("3")]})
    assert sorted(t.object.value for t in store.triples(G1)) == ["3"]
    assert [t.object.value for t in store.triples(G2)] == ["x"]
    assert store.named_graphs() == [G1, G2]


def test_replacing_with_nothing_drops_the_graph(store: Store) -> None:
    store.replace_graphs({G1: [_t("1")]})
    store.replace_graphs({G1: []})
    assert store.named_graphs() == []


def test_literals_survive_replacement_exactly(store: Store) -> None:
    tricky = [
        ox.Literal('quote " and } and \\ and\nnewline'),
        ox.Literal("été", language="fr"),
        ox.Literal("42.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ]
    store.replace_graphs({G1: [ox.Triple(A, P, lit) for lit in tricky] + [ox.Triple(ox.BlankNode(), P, A)]})
    objects = {t.object for t in store.triples(G1)}
    assert set(tricky) <= objects
    assert store.count_triples(G1) == 4


def test_a_failed_replacement_changes_nothing(store: Store) -> None:
    store.replace_graphs({G1: [_t("1")]})
    with pytest.raises(ValueError):
        store.replace_graphs({G2: [_t("2")], "not an iri": [_t("3")]})
    assert store.named_graphs() == [G1]


def test_bound_variables_are_values_not_text(store: Store) -> None:
    store.replace_graphs({G1: [_t("1")]})
    hostile = ox.Literal('1" } UNION { ?s ?p ?o')
    assert store.select("SELECT ?s ?v WHERE { ?s ?p ?v }", {"v": hostile}) == []
    assert len(store.select("SELECT ?s ?v WHERE { ?s ?p ?v }", {"v": ox.Literal("1")})) == 1


def test_default_graph_is_the_union_unless_told_otherwise(store: Store) -> None:
    store.replace_graphs({G1: [_t("1")], G2: [_t("2")]})
    assert len(store.select("SELECT ?v WHERE { ?s ?p ?v }")) == 2
    assert store.select("SELECT ?v WHERE { ?s ?p ?v }", union=False) == []
    rows = store.query("SELECT ?v WHERE { ?s ?p ?v }", default_graphs=[G2])
    assert [r["v"].value for r in rows] == ["2"]


def test_syntax_error_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError):
        store.query("SELECT WHERE {")


def test_to_rdflib_copies_the_chosen_graphs(store: Store) -> None:
    store.replace_graphs({G1: [_t("1")], G2: [_t("2")]})
    assert len(store.to_rdflib([G1])) == 1
    assert len(store.to_rdflib()) == 2


def test_disk_store_keeps_data_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s"
    s = Store.open(path)
    s.replace_graphs({G1: [_t("1")]})
    del s
    reopened = Store.open(path)
    assert reopened.named_graphs() == [G1]
    assert reopened.count_triples() == 1
