"""The text of what is sent to a remote SPARQL endpoint: prologue, bound values, data, checked here first.

Every term in it is serialised by Oxigraph (N-Triples escaping); no user string is spliced
in. Bound values go in a ``VALUES`` block at the head of the query's ``WHERE`` group (a
blank node as the skolem IRI it was written as, :mod:`.skolem`).

Examples
--------
>>> v = ox.Variable("s")
>>> print(bound("SELECT ?o WHERE { ?s ?p ?o }", {v: ox.NamedNode("https://e.org/a")}))
SELECT ?o WHERE { VALUES (?s) { (<https://e.org/a>) } ?s ?p ?o }
>>> print(bound("DESCRIBE ?s", {v: ox.Literal('a "b"')}))
DESCRIBE "a \\"b\\""
>>> q = ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"), ox.Literal("x"),
...             ox.NamedNode("https://e.org/g"))
>>> print(insert_data([q]))
INSERT DATA {
GRAPH <https://e.org/g> {
<https://e.org/s> <https://e.org/p> "x" .
}
}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox

from ..base.errors import QueryError
from .skolem import sent_term

__all__ = ["bound", "insert_data", "parsed_here", "prologue", "query_form"]

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_FORM_KEYWORD = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_OUTBOUND = re.compile(r"\b(SERVICE|LOAD)\s+(SILENT\s+)?[<?$]", re.IGNORECASE)


def parsed_here(text: str, *, update: bool) -> None:
    """Raise :class:`QueryError` if Oxigraph cannot parse `text` (run on an empty store in memory).

    Not for a text that could reach out (``SERVICE``, ``LOAD``: the callers refuse those
    first, and the engine decides otherwise); errors other than syntax are the engine's to give.
    """
    if _OUTBOUND.search(text):
        return
    try:
        if update:
            ox.Store().update(text)
        else:
            ox.Store().query(text)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except (ValueError, RuntimeError, OSError):
        pass  # e.g. DROP GRAPH of a graph the empty store lacks: the engine answers for itself


def insert_data(quads: Sequence[ox.Quad]) -> str:
    """An ``INSERT DATA`` of `quads` grouped by graph, every term serialised by Oxigraph."""
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    blocks = "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())
    return f"INSERT DATA {{\n{blocks}\n}}"


def prologue(text: str, prefixes: Mapping[str, str], base_iri: str | None) -> str:
    """The prefixes the text does not declare, and its base, before it."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)}
    head = [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items() if name not in declared]
    if base_iri is not None:  # first: a BASE of the text's own is resolved against it
        head.insert(0, f"BASE {ox.NamedNode(base_iri)}")
    return "\n".join(head) + ("\n" if head else "")


def bound(query: str, substitutions: Mapping[ox.Variable, object]) -> str:
    """The query with the bound values as a ``VALUES`` block at the head of its ``WHERE`` group."""
    if not substitutions:
        return query
    names, values = [], []
    for var, term in substitutions.items():
        sent = sent_term(term)  # a blank node as the skolem IRI it was written as
        if not isinstance(sent, ox.NamedNode | ox.Literal):
            raise QueryError("only IRIs, literals and blank nodes can be bound in a query sent to a remote store")
        names.append(str(var))
        values.append(str(sent))
    where = _WHERE.search(query)
    at = where.end() if where else query.find("{") + 1
    if at <= 0:  # no group at all ("DESCRIBE ?node"): the variables stand for their values
        for name, value in zip(names, values, strict=True):
            query = re.sub(rf"[?$]{re.escape(name[1:])}\b", _verbatim(value), query)
        return query
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    return query[:at] + block + query[at:]


def _verbatim(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for :func:`re.sub` that inserts `text` as it is (no backslash escapes read)."""
    return lambda _: text


def query_form(query: str) -> str:
    match = _FORM_KEYWORD.search(query)
    return match.group(1).upper() if match else "SELECT"
