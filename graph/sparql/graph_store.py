"""The SPARQL 1.1 Graph Store HTTP Protocol's operations on the store.

A graph is named by its IRI (the Protocol's ``?graph=``). Writes go through the one
write path (:mod:`longarm.graph.write.commit`) as ``longarm load`` does: the RDF is parsed (a
syntax error names line and column) and validated on what it touches before the write
lock is taken, then the graph is written in one transaction with its provenance record;
a failure changes nothing. The graphs
longarm manages itself (the ontology, the bundled data, provenance and inferences) are
refused with :class:`~longarm.graph.base.errors.ProtectedGraphError`. After a write, the
materialised exposures, if any, are recomputed.

**The default graph** (the Protocol's ``?default``) is, as for queries, the union of all
graphs. It can be read, not written: data goes into a named graph of its own, which is
what keeps each source apart. (SPARQL Update can still write the store's own default
graph, which the union includes.)

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> store = Store.in_memory()
>>> ttl = b'<https://e.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .'
>>> put_graph(store, "https://e.org/g", ttl, "text/turtle")
True
>>> post_graph(store, "https://e.org/g", ttl.replace(b'"A"', b'"B"'), "text/turtle")
False
>>> sorted(t.object.value for t in read_graph(store, "https://e.org/g"))
['A', 'B']
>>> delete_graph(store, "https://e.org/g")
>>> read_graph(store, "https://e.org/g")
Traceback (most recent call last):
...
longarm.graph.base.errors.UnknownReferenceError: no named graph matches 'https://e.org/g'
"""

from __future__ import annotations

import hashlib
import uuid

import pyoxigraph as ox

from ..base.errors import InputError, ProtectedGraphError, UnknownReferenceError, UnsupportedFormatError
from ..store.embedded import Store
from ..store.loading import Document, document_from_bytes, is_protected_graph, user_graph
from ..text.rdfio import FORMATS_BY_MEDIA_TYPE
from ..write.commit import write_graphs

__all__ = ["delete_graph", "new_graph", "post_graph", "put_graph", "read_graph"]

_BODY = "request body"  # how the uploaded document is named in errors and provenance


def read_graph(store: Store, graph: str | None) -> list[ox.Triple]:
    """The triples of a named graph, or of the default graph (None: the union of all graphs).

    Raises
    ------
    UnknownReferenceError
        If the store holds no graph `graph`.
    """
    if graph is None:
        return list(dict.fromkeys(q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, None)))
    if not _exists(store, graph):
        raise UnknownReferenceError(graph, what="named graph")
    return list(store.triples(graph))


def put_graph(store: Store, graph: str, body: bytes, media_type: str | None) -> bool:
    """Replace a named graph by the RDF in `body`; True if the graph was created.

    Raises
    ------
    InputError
        For an invalid graph IRI or a body without triples.
    ProtectedGraphError, RdfSyntaxError, UnsupportedFormatError, ValidationError
        As their names say; the store is then unchanged.
    """
    doc = _parse(graph, body, media_type)
    created = not _exists(store, graph)
    write_graphs(store, [doc])
    return created


def post_graph(store: Store, graph: str, body: bytes, media_type: str | None) -> bool:
    """Merge the RDF in `body` into a named graph (created if needed); True if it was created.

    Blank nodes of the body are new nodes: they never merge with those already stored.
    """
    doc = _parse(graph, body, media_type)
    with store.write_lock:  # the merge is made of the graph as it is: no other write in between
        created = not _exists(store, graph)
        merged = list(dict.fromkeys([*store.triples(graph), *doc.triples]))
        nt = ox.serialize(merged, format=ox.RdfFormat.N_TRIPLES) or b""
        write_graphs(store, [Document(_BODY, graph, merged, hashlib.sha256(nt).hexdigest())])
    return created


def new_graph(store: Store, body: bytes, media_type: str | None) -> str:
    """Store the RDF in `body` in a new user graph and return the graph's IRI."""
    graph = user_graph("graph-store/" + uuid.uuid4().hex)
    put_graph(store, graph, body, media_type)
    return graph


def delete_graph(store: Store, graph: str) -> None:
    """Remove a named graph and its provenance (the data left must still conform to the shapes).

    Raises
    ------
    ProtectedGraphError, UnknownReferenceError, ValidationError
    """
    write_graphs(store, remove=[graph])


def _iri(graph: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(graph)
    except ValueError as exc:
        raise InputError(f"invalid graph IRI {graph!r}: {exc}") from None


def _exists(store: Store, graph: str) -> bool:
    return bool(store.oxigraph.contains_named_graph(_iri(graph)))


def _parse(graph: str, body: bytes, media_type: str | None) -> Document:
    _iri(graph)
    if is_protected_graph(graph):
        raise ProtectedGraphError(
            f"graph <{graph}> cannot be written: the ontology, the bundled data, provenance and inferences are "
            "managed by longarm itself"
        )
    if not media_type:
        raise UnsupportedFormatError("send the RDF with its Content-Type: one of " + ", ".join(FORMATS_BY_MEDIA_TYPE))
    doc = document_from_bytes(body, _BODY, graph, media_type)
    if not doc.triples:
        raise InputError("the request body holds no triples")
    return doc
