"""Which named graphs a SPARQL update can write: the scope of the change it makes.

The store logs the subjects every write changed, so that what is derived from the store
(the projection) is patched instead of made again (:meth:`~longarm.graph.store.embedded.Store.changed_subjects`).
Oxigraph does not say what an update changed; the update's text does, up to its
variables: ``INSERT DATA { GRAPH <g> { … } }`` and ``DELETE WHERE { GRAPH <g> { … } }``
write ``<g>``, ``WITH <g> DELETE { … } WHERE { … }`` writes ``<g>``, ``DROP GRAPH <g>``
empties it, ``MOVE <a> TO <b>`` writes both. The store then compares the subjects of
those graphs before and after the update.

When the text cannot tell — a graph given by a variable (``GRAPH ?g``), ``DROP ALL`` or
``CLEAR NAMED``, an update the parser does not read, or one too long to read quickly — the
answer is None, and everything derived is made again: never wrong, only slower. Writes to
the default graph are left out: longarm's facts live in named graphs.

The update is read with rdflib's SPARQL parser (Oxigraph parses it again to run it), with
longarm's prefixes declared and relative IRIs resolved against the same base IRI as
:meth:`~longarm.graph.store.embedded.Store.update` (the base is declared as a ``BASE`` before the
text, so that, as for Oxigraph, a ``BASE`` of the update's own holds for the operations
after it). A graph that does not come out as an absolute IRI (rdflib does not resolve a
relative ``BASE``, Oxigraph does; or there is no base) makes the answer None.

Examples
--------
>>> sorted(written_graphs('INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/a> <https://e.org/p> 1 } }'))
['https://e.org/g']
>>> sorted(written_graphs("WITH <https://e.org/w> DELETE { ?s lx:owner ?o } WHERE { ?s lx:owner ?o }"))
['https://e.org/w']
>>> sorted(written_graphs("MOVE <https://e.org/a> TO <https://e.org/b> ; CREATE GRAPH <https://e.org/c>"))
['https://e.org/a', 'https://e.org/b']
>>> written_graphs("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }") is None
True
>>> written_graphs("CLEAR ALL") is None, written_graphs("INSERT DATA { <https://e.org/a> <https://e.org/p> 1 }")
(True, set())
>>> sorted(written_graphs("DROP GRAPH <g> ; MOVE <#a> TO <../b>", base_iri="https://e.org/x/sparql"))
['https://e.org/b', 'https://e.org/x/g', 'https://e.org/x/sparql#a']
>>> written_graphs("DROP GRAPH <g>") is None  # relative, and no base: Oxigraph refuses it
True
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.term import URIRef

from ...ontology.namespace import PREFIXES

__all__ = ["MAX_READ", "written_graphs"]

#: Updates longer than this (characters) are not read: rdflib's parser is slow on big
#: ``INSERT DATA`` bodies, and such an update changes too much to be patched anyway.
MAX_READ = 100_000

_DECLARED = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


def written_graphs(update: str, *, base_iri: str | None = None) -> set[str] | None:
    """The IRIs of the named graphs `update` can write; None if its text cannot tell (see the module docstring).

    Relative IRIs are resolved against `base_iri`, as Oxigraph resolves them when it runs
    the update.

    The text is read in a thread of its own: rdflib's parser leaves frames alive after it
    returns (through the tracebacks of exceptions it keeps), and a frame keeps its
    callers' frames, and their locals, alive: called from :meth:`Store.update`, it would
    keep the store open (and RocksDB's lock on it held) after its last use.
    """
    if len(update) > MAX_READ or (base_iri is not None and not _absolute(base_iri)):
        return None
    answer: list[set[str] | None] = [None]
    text = _DECLARED + (f"BASE <{base_iri}>\n" if base_iri is not None else "") + update
    reader = threading.Thread(target=lambda: answer.__setitem__(0, _read(text)), name="longarm-update-scope")
    reader.start()
    reader.join()
    return answer[0]


def _read(text: str) -> set[str] | None:
    try:
        operations = translateUpdate(parseUpdate(text)).algebra
    except Exception:  # any failure to read it only means "unknown"
        return None
    out: set[str] = set()
    for op in operations:
        targets = _targets(op)
        if targets is None:
            return None
        out.update(targets)
    return out if all(_absolute(g) for g in out) else None


def _absolute(iri: str) -> bool:
    """True if `iri` is an absolute IRI (a graph rdflib left relative is not one)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _targets(op: Any) -> set[str] | None:
    name = op.name
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return _graphs(_field(op, "quads") or {})
    if name == "Modify":
        found: set[str] = set()
        with_graph = _field(op, "withClause")
        for clause in (_field(op, "delete"), _field(op, "insert")):
            if clause is None:
                continue
            graphs = _graphs(_field(clause, "quads") or {})
            if graphs is None:
                return None
            found |= graphs
            if _field(clause, "triples") and isinstance(with_graph, URIRef):
                found.add(str(with_graph))  # the template's triples go to the WITH graph
        return found
    if name in ("Drop", "Clear"):
        graph = _field(op, "graphiri")
        if isinstance(graph, URIRef):
            return {str(graph)}
        return set() if graph == "DEFAULT" else None  # NAMED, ALL
    if name == "Create":
        return set()
    if name in ("Add", "Copy", "Move"):
        source, target = _field(op, "graph")
        written = [target, source] if name == "Move" else [target]
        return {str(g) for g in written if isinstance(g, URIRef)}
    return None  # LOAD (refused before this), or an operation this module does not know


def _field(node: Any, name: str) -> Any:
    """A field of an rdflib algebra node, or None (its ``get`` returns the name when absent)."""
    return node[name] if name in node else None  # noqa: SIM401 (CompValue.get is not dict.get)


def _graphs(quads: dict[Any, Iterable[Any]]) -> set[str] | None:
    """The graphs of quad patterns; None if one is a variable."""
    found = set()
    for graph in quads:
        if not isinstance(graph, URIRef):
            return None
        found.add(str(graph))
    return found
