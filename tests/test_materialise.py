"""Materialised exposures: in their own graph, valid against the shapes, refreshed when data changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from longarm.graph.engine.materialise import EXPOSURE_GRAPH, materialise_exposures, refresh_exposures
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import ONTOLOGY_GRAPH, document_from_path, load_bundled, load_documents
from longarm.graph.store.validation import Shapes

FIXTURES = Path(__file__).parent / "fixtures"


def _store() -> Store:
    store = Store.in_memory()
    load_bundled(store)
    return store


def test_exposures_are_queryable_and_conform() -> None:
    store = _store()
    n = materialise_exposures(store, dt.date(2026, 9, 1))
    rows = store.select("SELECT ?e ?tier WHERE { ?e a lx:Exposure ; lx:confidenceTier ?tier }")
    assert len(rows) == n > 0
    steps = store.select("SELECT ?s ?src WHERE { ?e lx:pathStep ?s . ?s dcterms:source ?src }")
    assert steps
    data = store.to_rdflib([g for g in store.named_graphs() if g != ONTOLOGY_GRAPH])
    assert Shapes.bundled().validate(data) == []


def test_exposures_carry_prov_derivation() -> None:
    store = _store()
    materialise_exposures(store, dt.date(2024, 6, 1))
    rows = store.select("SELECT ?e ?fact WHERE { ?e a lx:Exposure ; prov:wasDerivedFrom ?fact }")
    assert rows and all(isinstance(r["fact"], ox.NamedNode) for r in rows)


def test_refresh_after_a_load() -> None:
    store = _store()
    assert refresh_exposures(store) is None  # nothing materialised yet: nothing to refresh
    before = materialise_exposures(store, dt.date(2021, 3, 12))
    load_documents(store, [document_from_path(FIXTURES / "fictional-instrument.ttl")])
    after = refresh_exposures(store, dt.date(2021, 3, 12))
    assert after is not None and after > before
    assert EXPOSURE_GRAPH in store.named_graphs()
