"""Linked data: every instance IRI resolves on the server, and so does the ontology.

``GET /id/{kind}/{slug}`` answers an HTML page to browsers and the node's description
(SPARQL ``DESCRIBE``: its triples from every graph, with the blank nodes it owns, such as
an instrument's reach rules) in Turtle, N-Triples, RDF/XML or JSON-LD to RDF clients, by
content negotiation. ``GET /ontology`` does the same for the ontology graph. The pages
are plain HTML built here, with no script and nothing fetched from elsewhere.
"""

from __future__ import annotations

import html
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Header
from fastapi.responses import Response

from ...graph.base.errors import UnknownReferenceError
from ...graph.sparql.results import compact
from ...graph.store.embedded import Store
from ...graph.store.loading import ONTOLOGY_GRAPH
from ...ontology.namespace import ID_BASE, ONTOLOGY_IRI, PREFIXES, entity_iri
from ..deps import StoreDep
from ..negotiation import GRAPHS, negotiate, rdf_body

__all__ = ["router"]

router = APIRouter(tags=["linked data"])

PAGES = (("text/html", "text/html"), *GRAPHS)
_DESCRIBE = "DESCRIBE ?node"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
AcceptHeader = Annotated[str | None, Header()]


@router.get("/id/{kind}/{slug}", summary="An instance IRI: HTML for browsers, RDF for RDF clients")
def instance(kind: str, slug: str, store: StoreDep, accept: AcceptHeader = None) -> Response:
    try:
        node = ox.NamedNode(str(entity_iri(kind, slug)))
    except ValueError:
        raise UnknownReferenceError(f"{kind}/{slug}") from None
    triples = _describe(store, node)
    if not triples:
        raise UnknownReferenceError(node.value)
    media, canonical = negotiate(accept, PAGES)
    if canonical == "text/html":
        return Response(_page(node.value, triples), media_type="text/html; charset=utf-8")
    return Response(rdf_body(triples, canonical, PREFIXES), media_type=media)


@router.get("/ontology", summary="The longarm ontology: Turtle, JSON-LD, RDF/XML or readable HTML")
def ontology(store: StoreDep, accept: AcceptHeader = None) -> Response:
    triples = list(store.triples(ONTOLOGY_GRAPH))
    media, canonical = negotiate(accept, PAGES)
    if canonical == "text/html":
        return Response(_page(str(ONTOLOGY_IRI), triples), media_type="text/html; charset=utf-8")
    return Response(rdf_body(triples, canonical, PREFIXES), media_type=media)


def _describe(store: Store, node: ox.NamedNode) -> list[ox.Triple]:
    return list(store.query(_DESCRIBE, {"node": node}))


def _page(iri: str, triples: list[ox.Triple]) -> str:
    """A readable page: the node's label, then one row per statement grouped by subject."""
    labels = {
        str(t.subject): t.object.value
        for t in triples
        if t.predicate.value == _LABEL and isinstance(t.object, ox.Literal) and t.object.language in (None, "en")
    }
    title = labels.get(str(ox.NamedNode(iri)), compact(ox.NamedNode(iri)))
    rows = []
    for t in sorted(
        triples, key=lambda t: (t.subject != ox.NamedNode(iri), str(t.subject), str(t.predicate), str(t.object))
    ):
        rows.append(
            f"<tr><td>{_cell(t.subject)}</td><td>{html.escape(compact(t.predicate))}</td><td>{_cell(t.object)}</td></tr>"
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} — longarm</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:70rem}"
        "table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.3rem;"
        "vertical-align:top;overflow-wrap:anywhere}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p><code>{html.escape(iri)}</code></p>"
        "<p>RDF clients get this node in Turtle, N-Triples, RDF/XML or JSON-LD by sending "
        "<code>Accept: text/turtle</code> (or another RDF type). Facts carry their sources "
        "(<code>dcterms:source</code>); this is not legal advice.</p>"
        f"<table><thead><tr><th>subject</th><th>property</th><th>value</th></tr></thead><tbody>{''.join(rows)}"
        "</tbody></table></body></html>\n"
    )


def _cell(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        text = html.escape(compact(term))
        if term.value.startswith(ID_BASE):
            return f'<a href="/id/{html.escape(term.value[len(ID_BASE) :])}">{text}</a>'
        return f'<a href="{html.escape(term.value)}">{text}</a>'
    if isinstance(term, ox.Literal) and term.language:
        return f'<span lang="{html.escape(term.language)}">{html.escape(term.value)}</span>'
    if isinstance(term, ox.Literal):
        return html.escape(term.value)
    return html.escape(str(term))
