"""The one serializer of SPARQL results, for the server and the command line alike.

:func:`answer_query` evaluates a :class:`QueryTask` on a store and serialises the answer
in the media type negotiated for it (:func:`serialize_results`): SELECT solutions as SPARQL
JSON written here (RDF 1.2 triple terms included), converted by Oxigraph when CSV, TSV or
XML was asked for; ASK as a boolean; CONSTRUCT and DESCRIBE as an RDF document.

The **result cap**: a SELECT answers at most ``cap`` rows, a CONSTRUCT or DESCRIBE at
most ``cap`` triples. A longer result is *truncated* to the first ``cap`` (in the order
of the query), and :attr:`QueryAnswer.truncated` says so; ``ORDER BY`` with ``LIMIT``
chooses which ones.

For people, :func:`results_table` aligns solutions in columns, each term in its short form
(:func:`compact`).

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> import pyoxigraph as ox
>>> store = Store.in_memory()
>>> t = ox.Triple(ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.Literal("x"))
>>> store.replace_graphs({"https://e.org/g": [t, ox.Triple(t.subject, t.predicate, ox.Literal("y"))]})
>>> task = QueryTask("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", "text/csv", cap=1)
>>> answer = answer_query(store, task)
>>> answer.body, answer.truncated, answer.count
(b'o\\r\\nx\\r\\n', True, 1)
>>> relative = QueryTask("SELECT ?x WHERE { BIND(<a> AS ?x) }", "text/csv", base_iri="https://e.org/sparql")
>>> answer_query(store, relative).body
b'x\\r\\nhttps://e.org/a\\r\\n'
>>> print(results_table(store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")))
o
-
x
y
<BLANKLINE>
2 rows
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ...ontology.namespace import PREFIXES
from ..base.errors import QueryError, StoreError
from ..store.embedded import Store
from ..text.sparql_guard import check_no_outbound

__all__ = ["QueryAnswer", "QueryTask", "answer_query", "compact", "results_table", "serialize_results"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_JSON = "application/sparql-results+json"
_TURTLE = "text/turtle"


@dataclass(frozen=True, slots=True)
class QueryTask:
    """One query to answer, in the media type negotiated for it.

    `default_graphs` and `named_graphs` are the Protocol's dataset (None: not given); when
    neither is given, the query's own ``FROM`` clauses or else the union of all graphs make
    the default graph. Relative IRIs in the query are resolved against `base_iri` (the
    server gives the endpoint's own IRI), unless the query declares its own ``BASE``;
    without one, a relative IRI is a syntax error.
    """

    text: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    cap: int = 10_000
    base_iri: str | None = None


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    """A serialised answer: its bytes, media type, and whether the cap truncated it."""

    body: bytes
    media_type: str
    truncated: bool = False
    count: int | None = None  # rows or triples in the body; None for ASK


def answer_query(store: Store, task: QueryTask) -> QueryAnswer:
    """Evaluate `task` on `store` and serialise the answer, truncated to ``task.cap``.

    Raises
    ------
    QueryError
        For SERVICE or LOAD, a syntax error, or an invalid graph IRI or base IRI.
    StoreError
        If the store fails while the query runs.
    """
    check_no_outbound(task.text)
    try:
        result = store.query(
            task.text, default_graphs=task.default_graphs, named_graphs=task.named_graphs, base_iri=task.base_iri
        )
    except ValueError as exc:  # an invalid IRI in the dataset, or an invalid base IRI
        raise QueryError(str(exc)) from None
    # Oxigraph's result objects must be dropped on the thread that made them: serialise
    # here and release the result before any error leaves this frame.
    try:
        return serialize_results(result, task.media_type, task.cap)
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"the query failed while it ran: {exc}") from exc
    finally:
        del result


def serialize_results(
    result: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, media_type: str, cap: int | None = None
) -> QueryAnswer:
    """Serialise an evaluated query `result` in `media_type`, truncated to `cap` rows or triples (None: all).

    A media type that cannot carry the result falls back to SPARQL JSON (solutions,
    booleans) or Turtle (triples); :attr:`QueryAnswer.media_type` says which was used.
    """
    if isinstance(result, ox.QueryBoolean):
        media, fmt = _results_format(media_type)
        return QueryAnswer(result.serialize(format=fmt) or b"", media)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, media_type, cap)
    return _triples(result, media_type, cap)


def _results_format(media: str) -> tuple[str, ox.QueryResultsFormat]:
    fmt = ox.QueryResultsFormat.from_media_type(media)
    return (media, fmt) if fmt is not None else (_JSON, ox.QueryResultsFormat.JSON)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once: json.dumps makes one per call


def _solutions(result: ox.QuerySolutions, media: str, cap: int | None) -> QueryAnswer:
    names = [v.value for v in result.variables]
    rows = list(itertools.islice(result, None if cap is None else cap + 1))
    truncated = cap is not None and len(rows) > cap
    bindings = []
    for row in rows[:cap]:
        binding = {}
        for n, term in zip(names, row, strict=True):
            if term is not None:
                binding[n] = _json_term(term)
        bindings.append(binding)
    document = {"head": {"vars": names}, "results": {"bindings": bindings}}
    body = _ENCODER.encode(document).encode()
    media, fmt = _results_format(media)
    if fmt != ox.QueryResultsFormat.JSON:
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt) or b""
    return QueryAnswer(body, media, truncated, len(bindings))


def _json_term(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 Query Results JSON Format (with RDF 1.2 triple terms)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
    return {"type": "triple", "value": {k: _json_term(v) for k, v in parts.items()}}


def _triples(result: ox.QueryTriples, media: str, cap: int | None) -> QueryAnswer:
    triples = list(itertools.islice(result, None if cap is None else cap + 1))
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        media, fmt = _TURTLE, ox.RdfFormat.TURTLE
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    body = ox.serialize(triples[:cap], format=fmt, prefixes=prefixes) or b""
    kept = triples[:cap]
    return QueryAnswer(body, media, len(kept) < len(triples), len(kept))


# Longest namespace first, so that the most specific prefix wins.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(term: Any) -> str:
    """A short, readable form of an RDF term (prefixed name, or plain literal text).

    >>> compact(ox.NamedNode(PREFIXES["lx"] + "Organization"))
    'lx:Organization'
    """
    if isinstance(term, ox.NamedNode):
        for prefix, ns in _BY_LENGTH:
            if term.value.startswith(ns) and len(term.value) > len(ns):
                return f"{prefix}:{term.value[len(ns) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value if term.language is None else f"{term.value}@{term.language}"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return "" if term is None else str(term)


def results_table(solutions: ox.QuerySolutions) -> str:
    """Solutions as aligned columns for a terminal, each term in its short form, with the row count."""
    names = [v.value for v in solutions.variables]
    rows = [[compact(s[n]) for n in names] for s in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append("")
    lines.append(f"{len(rows)} row" + ("" if len(rows) == 1 else "s"))
    return "\n".join(lines)
