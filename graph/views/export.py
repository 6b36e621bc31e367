"""Exports: the whole graph, or the neighbourhood of one entity, in formats other tools read.

:func:`export` writes the selection of :func:`~longarm.graph.views.entity_graph.entity_graph`
(the whole graph or an entity's neighbourhood, at a date) in one of :data:`FORMATS`:
GraphML and GEXF (Gephi, yEd, networkx), DOT (Graphviz), Cytoscape JSON, BODS 0.4 JSON
for the ownership interests (:mod:`~longarm.graph.views.bods`), and Turtle or JSON-LD: the
triples describing the selected entities and interests, the blank nodes they own (an
instrument's reach rules, a contract's access grants) and the sources they cite. Every
format exports the same selection.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> print(export(store, "dot", iri("org", "bleu"), as_of=dt.date(2026, 11, 29), depth=0).decode())
// Bleu, depth 0, as of 2026-11-29 (longarm)
digraph "longarm" {
  graph [label="Bleu, depth 0, as of 2026-11-29", labelloc=t, fontname="Helvetica"];
  node [fontname="Helvetica", fontsize=10, style=filled];
  edge [fontname="Helvetica", fontsize=9];
  "https://.../org/bleu" [label="Bleu\\n(FR)", shape=box, fillcolor="#dbe9f6"];
}
>>> turtle = export(store, "turtle", iri("org", "bleu"), as_of=dt.date(2026, 11, 29), depth=1)
>>> b"lxorg:bleu a lx:Organization" in turtle
True
>>> FORMATS["dot"].media_type, FORMATS["graphml"].extension
('text/vnd.graphviz', '.graphml')
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ...ontology.namespace import DCTERMS, PREFIXES
from ..base.errors import UnsupportedFormatError
from ..projection.cache import projection_for
from ..store.embedded import Store
from .bods import bods_statements
from .entity_graph import DEFAULT_DEPTH, data_graphs, entity_graph

__all__ = ["FORMATS", "ExportFormat", "export", "rdf_triples", "serialize", "to_cytoscape", "to_dot"]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """An export format: its name, title, media type, file extension and what reads it."""

    name: str
    title: str
    media_type: str
    extension: str
    readers: str


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("graphml", "GraphML", "application/xml", ".graphml", "Gephi, yEd, networkx"),
        ExportFormat("gexf", "GEXF", "application/xml", ".gexf", "Gephi, networkx"),
        ExportFormat("dot", "DOT", "text/vnd.graphviz", ".dot", "Graphviz"),
        ExportFormat("cytoscape", "Cytoscape JSON", "application/json", ".cyjs", "Cytoscape, cytoscape.js, networkx"),
        ExportFormat("bods", "BODS 0.4 JSON", "application/json", ".bods.json", "BODS tools (ownership only)"),
        ExportFormat("turtle", "Turtle", "text/turtle", ".ttl", "RDF tools"),
        ExportFormat("jsonld", "JSON-LD", "application/ld+json", ".jsonld", "RDF and JSON-LD tools"),
    )
}

_SHAPES = {
    "org": "box",
    "jur": "ellipse",
    "service": "component",
    "region": "ellipse",
    "contract": "note",
    "certification": "octagon",
    "asset": "cylinder",
    "instrument": "cds",
    "authority": "house",
}
_RDF_TYPE = PREFIXES["rdf"] + "type"
_COLOURS = {
    "org": "#dbe9f6",
    "jur": "#eeeeee",
    "service": "#e3f1dd",
    "region": "#f4f4e0",
    "contract": "#fbe8cf",
    "certification": "#e9e0f3",
    "asset": "#fde2e2",
    "instrument": "#f8d7d0",
    "authority": "#f3dcea",
}


def export(
    store: Store,
    fmt: str,
    center: str | None = None,
    *,
    as_of: dt.date,
    depth: int = DEFAULT_DEPTH,
    published: dt.date | None = None,
) -> bytes:
    """The selection of :func:`~longarm.graph.views.entity_graph.entity_graph` written in `fmt`.

    `fmt` is a key of :data:`FORMATS`; `published` is the BODS publication date (default: today).
    """
    _check(fmt)
    return serialize(store, entity_graph(store, center, as_of=as_of, depth=depth), fmt, center, published=published)


def serialize(
    store: Store, g: nx.MultiDiGraph[str], fmt: str, center: str | None = None, *, published: dt.date | None = None
) -> bytes:
    """A selected graph `g` (centred on `center`, if any) written in `fmt`; see :func:`export`."""
    _check(fmt)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(g, buffer, encoding="utf-8")
        return buffer.getvalue()
    if fmt == "gexf":
        nx.write_gexf(g, buffer, encoding="utf-8")
        return buffer.getvalue()
    if fmt == "dot":
        return to_dot(g).encode("utf-8")
    if fmt == "cytoscape":
        return _json(to_cytoscape(g))
    if fmt == "bods":
        return _json(bods_statements(projection_for(store), g, center, published=published or dt.date.today()))
    rdf = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.JSON_LD
    return ox.serialize(rdf_triples(store, g), format=rdf, prefixes=PREFIXES) or b""


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UnsupportedFormatError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------------- writers


def to_dot(g: nx.MultiDiGraph[str]) -> str:
    """The graph in Graphviz DOT: owner above owned, indirect and joint links dashed.

    Every string is quoted, with backslashes, quotes and line breaks escaped.

    >>> g = nx.MultiDiGraph(name='A "quoted" name')
    >>> g.add_node("x", label='Say "hi"', kind="org")
    >>> print(to_dot(g))
    // A "quoted" name (longarm)
    digraph "longarm" {
      graph [label="A \\"quoted\\" name", labelloc=t, fontname="Helvetica"];
      node [fontname="Helvetica", fontsize=10, style=filled];
      edge [fontname="Helvetica", fontsize=9];
      "x" [label="Say \\"hi\\"", shape=box, fillcolor="#dbe9f6"];
    }
    """
    title = str(g.graph.get("name", "longarm"))
    lines = [
        f"// {title.replace(chr(10), ' ')} (longarm)",
        'digraph "longarm" {',
        f'  graph [label={_q(title)}, labelloc=t, fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize=10, style=filled];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for n in sorted(g.nodes, key=lambda n: (g.nodes[n].get("kind", ""), g.nodes[n].get("label", ""), n)):
        data = g.nodes[n]
        kind = str(data.get("kind", ""))
        label = str(data.get("label", n)) + (f"\n({data['jurisdiction']})" if data.get("jurisdiction") else "")
        lines.append(
            f"  {_q(n)} [label={_q(label)}, shape={_SHAPES.get(kind, 'box')}, "
            f"fillcolor={_q(_COLOURS.get(kind, '#ffffff'))}];"
        )
    for u, v, key in sorted(g.edges(keys=True)):
        attrs = g.edges[u, v, key]
        dashed = attrs.get("indirect") is True or attrs.get("interest_kind") == "joint control"
        style = ", style=dashed" if dashed else ""
        lines.append(f"  {_q(u)} -> {_q(v)} [label={_q(str(attrs.get('label', '')))}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A DOT double-quoted string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def to_cytoscape(g: nx.MultiDiGraph[str]) -> dict[str, Any]:
    """Cytoscape JSON (``elements``: nodes and edges, each with ``data``), as read by
    Cytoscape, cytoscape.js and :func:`networkx.cytoscape_graph`."""
    data: dict[str, Any] = nx.cytoscape_data(g, name="label")
    return data


def rdf_triples(store: Store, g: nx.MultiDiGraph[str]) -> list[ox.Triple]:
    """The triples describing the nodes and interests of `g`, the blank nodes they own, and their sources.

    Read from every graph but the ontology, provenance and inferred ones; sorted by
    subject, type first, so that the same data gives the same document.
    """
    graphs = [ox.NamedNode(x) for x in data_graphs(store)]
    interests = {str(d["interest"]) for *_, d in g.edges(data=True) if "interest" in d}
    subjects: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(n) for n in sorted(g.nodes)]
    subjects += [ox.NamedNode(i) for i in sorted(interests)]
    return sorted(dict.fromkeys(_describe(store.oxigraph, graphs, subjects)), key=_triple_order)


def _triple_order(t: ox.Triple) -> tuple[str, bool, str, str]:
    return str(t.subject), t.predicate.value != _RDF_TYPE, t.predicate.value, str(t.object)


def _describe(
    inner: ox.Store, graphs: list[ox.NamedNode], subjects: list[ox.NamedNode | ox.BlankNode]
) -> Iterator[ox.Triple]:
    source = ox.NamedNode(str(DCTERMS.source))
    seen = set(subjects)
    queue = list(subjects)
    while queue:  # each subject once: the walk ends when no new blank node or source turns up
        subject = queue.pop(0)
        for graph in graphs:
            for q in inner.quads_for_pattern(subject, None, None, graph):
                yield q.triple
                o = q.object
                follow = isinstance(o, ox.BlankNode) or (q.predicate == source and isinstance(o, ox.NamedNode))
                if follow and o not in seen:
                    assert isinstance(o, ox.NamedNode | ox.BlankNode)
                    seen.add(o)
                    queue.append(o)
