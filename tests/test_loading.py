"""Loading: one graph per source, validation before writing, all or nothing, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from longarm.graph.errors import InputError, RdfSyntaxError, ValidationError
from longarm.graph.loading import META_GRAPH, document_from_path, load_documents
from longarm.graph.store import Store
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
