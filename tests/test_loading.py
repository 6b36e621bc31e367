"""Loading: one graph per source, validation before writing, all or nothing, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from longarm.graph.base.errors import (
    InputError,
    ProtectedGraphError,
    RdfSyntaxError,
    UnknownReferenceError,
    ValidationError,
)
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import (
    META_GRAPH,
    ONTOLOGY_GRAPH,
    document_from_path,
    load_documents,
    named_graph,
    unload_graphs,
    user_graph,
)
from longarm.ontology.namespace import graph_iri

from .conftest import VALID_TTL


def _snapshot(store: Store) -> set[tuple[str, str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
        for q in store.oxigraph.quads_for_pattern(None, None, None, None)
        if not str(q.subject).startswith("_:")
    }


def test_each_file_goes_to_its_own_graph(store: Store, tmp_path: Path, valid_file: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text('<https://example.org/x> <https://example.org/p> "y" .', encoding="utf-8")
    report = load_documents(store, [document_from_path(valid_file), document_from_path(extra)])
    graphs = {str(graph_iri("file/tiny")), str(graph_iri("file/extra"))}
    assert set(report.graphs) == graphs
    assert set(store.named_graphs()) == graphs | {META_GRAPH}


def test_reloading_the_same_file_is_idempotent(store: Store, valid_file: Path) -> None:
    load_documents(store, [document_from_path(valid_file)])
    before = _snapshot(store)
    report = load_documents(store, [document_from_path(valid_file)])
    assert not report.changed
    assert _snapshot(store) == before


def test_reloading_a_changed_file_replaces_its_graph(store: Store, valid_file: Path) -> None:
    load_documents(store, [document_from_path(valid_file)])
    valid_file.write_text(VALID_TTL.replace("60.0", "70.0"), encoding="utf-8")
    report = load_documents(store, [document_from_path(valid_file)])
    assert [g.status for g in report.graphs.values()] == ["replaced"]
    shares = {r["v"].value for r in store.select("SELECT ?v WHERE { ?i lx:shareOfCapital ?v }")}
    assert {float(s) for s in shares} == {70.0}


def test_a_violation_leaves_the_store_unchanged(store: Store, tmp_path: Path, valid_file: Path) -> None:
    load_documents(store, [document_from_path(valid_file)])
    before = _snapshot(store)
    bad = tmp_path / "bad.ttl"
    bad.write_text(VALID_TTL.replace("ex:stake", "ex:stake2").replace("60.0", "150.0"), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_documents(store, [document_from_path(bad)])
    assert any(v.file == str(bad) and v.path == "lx:shareOfCapital" for v in info.value.violations)
    assert _snapshot(store) == before


def test_a_syntax_error_in_one_file_loads_none(store: Store, tmp_path: Path, valid_file: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://e.org/a> <https://e.org/p> .", encoding="utf-8")
    with pytest.raises(RdfSyntaxError):
        load_documents(store, [document_from_path(valid_file), document_from_path(broken)])
    assert store.named_graphs() == []


def test_validation_sees_the_other_graphs(store: Store, tmp_path: Path, valid_file: Path) -> None:
    """A file may refer to organizations defined in a graph loaded earlier."""
    load_documents(store, [document_from_path(valid_file)])
    more = tmp_path / "more.ttl"
    more.write_text(
        VALID_TTL.split("ex:stake a")[0].split("ex:FR a")[0]
        + """ex:stake9 a lx:OwnershipInterest ; lx:owner ex:child ; lx:owned ex:parent ;
             lx:interestKind lx:VetoRight ; dcterms:source ex:src ; lx:confidence lx:Secondary .""",
        encoding="utf-8",
    )
    report = load_documents(store, [document_from_path(more)])
    assert report.changed


def test_two_files_for_one_graph_are_refused(store: Store, valid_file: Path) -> None:
    with pytest.raises(InputError):
        load_documents(store, [document_from_path(valid_file), document_from_path(valid_file)])


def test_unloading_removes_the_graph_and_its_provenance(store: Store, valid_file: Path) -> None:
    before = _snapshot(store)
    graph = user_graph("acme/tiny")
    load_documents(store, [document_from_path(valid_file, graph)])
    assert unload_graphs(store, [graph]) == {graph: len(document_from_path(valid_file).triples)}
    assert _snapshot(store) == before
    # With its provenance gone, the same document loads again rather than being "unchanged".
    report = load_documents(store, [document_from_path(valid_file, graph)])
    assert [g.status for g in report.graphs.values()] == ["loaded"]


def test_unloading_refuses_protected_unknown_and_breaking_removals(
    store: Store, tmp_path: Path, valid_file: Path
) -> None:
    load_documents(store, [document_from_path(valid_file, user_graph("base"))])
    for protected in (ONTOLOGY_GRAPH, META_GRAPH, str(graph_iri("data/organizations"))):
        with pytest.raises(ProtectedGraphError):
            unload_graphs(store, [protected])
    with pytest.raises(UnknownReferenceError) as info:
        unload_graphs(store, [user_graph("bas")])
    assert info.value.suggestions == [(user_graph("base"), user_graph("base"))]
    more = tmp_path / "more.ttl"
    more.write_text(
        VALID_TTL.split("ex:FR a")[0]
        + "ex:stake9 a lx:OwnershipInterest ; lx:owner ex:child ; lx:owned ex:parent ;"
        + " lx:interestKind lx:VetoRight ; dcterms:source ex:src ; lx:confidence lx:Secondary .",
        encoding="utf-8",
    )
    load_documents(store, [document_from_path(more, user_graph("more"))])
    before = _snapshot(store)
    with pytest.raises(ValidationError):
        unload_graphs(store, [user_graph("base")])  # ex:child and ex:parent are defined there
    assert _snapshot(store) == before


def test_graph_names(valid_file: Path) -> None:
    assert named_graph("acme/x") == user_graph("acme/x") == str(graph_iri("user/acme/x"))
    assert named_graph(ONTOLOGY_GRAPH) == ONTOLOGY_GRAPH
    for bad in ("../x", "a//b", "", "a b"):
        with pytest.raises(InputError):
            user_graph(bad)
