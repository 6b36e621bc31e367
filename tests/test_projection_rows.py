"""Rows read as SPARQL TSV text, scans made ahead: the same rows as Oxigraph's terms give, in the same order."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from longarm.graph.projection import rows as rows_module
from longarm.graph.projection.reader import build_projection
from longarm.graph.projection.rows import store_rows
from longarm.graph.store.embedded import Store, fact_graphs
from longarm.graph.store.loading import load_bundled


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store.in_memory()
    load_bundled(s)
    odd = ox.NamedNode("https://e.org/odd")
    for value in ('tab\there, "quoted", back\\slash', "line\nfeed\u2028sep", "é ü 中", ""):
        s.oxigraph.add(
            ox.Quad(odd, ox.NamedNode("https://e.org/p"), ox.Literal(value), ox.NamedNode("https://e.org/g"))
        )
    for literal in (
        ox.Literal("x", language="en-GB"),
        ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
    ):
        s.oxigraph.add(ox.Quad(odd, ox.NamedNode("https://e.org/q"), literal, ox.NamedNode("https://e.org/g")))
    s.oxigraph.add(
        ox.Quad(
            ox.BlankNode("b1"), ox.NamedNode("https://e.org/p"), ox.BlankNode("b2"), ox.NamedNode("https://e.org/g")
        )
    )
    return s


def _as_terms(store: Store, graphs: list[str], predicate: str) -> list[tuple[str, str, str | None]]:
    query = f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"
    out = []
    for s, o in store.oxigraph.query(query, default_graph=[ox.NamedNode(g) for g in graphs]):  # type: ignore[misc]
        key = s.value if isinstance(s, ox.NamedNode) else str(s)
        text = o.value if isinstance(o, ox.NamedNode | ox.Literal) else str(o)
        out.append((key, text, o.language if isinstance(o, ox.Literal) else None))
    return out


def test_every_predicate_reads_the_same_as_text_as_as_terms(store: Store) -> None:
    graphs = [*fact_graphs(store.named_graphs()), "https://e.org/g"]
    predicates = sorted({q.predicate.value for q in store.oxigraph.quads_for_pattern(None, None, None, None)})
    rows = store_rows(store.oxigraph, graphs)
    for predicate in predicates:
        as_text = [(s, o, getattr(o, "language", None)) for s, o in rows(predicate)]
        assert as_text == _as_terms(store, graphs, predicate), predicate
    assert len(predicates) > 50


def test_a_read_off_the_learnt_order_still_reads_every_row(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    graphs = fact_graphs(store.named_graphs())
    first = build_projection(store)  # learns the order of the reader's scans
    assert len(rows_module._order) > 50
    monkeypatch.setattr(rows_module, "_order", list(reversed(rows_module._order)))  # a plan that is wrong throughout
    again = build_projection(store)
    assert again.orgs == first.orgs and again.labels == first.labels and again.assets == first.assets
    rows = store_rows(store.oxigraph, graphs)
    assert [s for s, _ in rows("https://w3id.org/longarm/ontology#lei")] == [
        s for s, _, _ in _as_terms(store, graphs, "https://w3id.org/longarm/ontology#lei")
    ]


def test_a_build_tells_its_progress_in_rows_read(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "PROGRESS_EVERY", 500)
    seen: list[int] = []
    build_projection(store, seen.append)
    assert len(seen) > 5 and seen == sorted(seen) and all(n % 500 == 0 for n in seen)
