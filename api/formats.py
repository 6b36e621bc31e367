"""Rendering SPARQL results for people (aligned tables) and programs (JSON, CSV, TSV, RDF).

Examples
--------
>>> import pyoxigraph as ox
>>> from longarm.ontology.namespace import entity_iri
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode(entity_iri("org", "bleu")),
...                   ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Bleu")))
>>> print(render(store.query("SELECT ?s ?label WHERE { ?s ?p ?label }"), "table"))
s           label
----------  -----
lxorg:bleu  Bleu
<BLANKLINE>
1 row
"""

from __future__ import annotations

from typing import Any, Final

import pyoxigraph as ox

from ..ontology.namespace import PREFIXES

__all__ = ["RESULT_FORMATS", "compact", "render"]

RESULT_FORMATS: Final = ("table", "json", "csv", "tsv", "xml", "turtle", "ntriples")

_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
_GRAPHS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
# Longest namespace first, so that the most specific prefix wins.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(term: Any) -> str:
    """A short, readable form of an RDF term (prefixed name, or plain literal text)."""
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


def render(result: Any, fmt: str) -> str:
    """Render a query result (solutions, boolean or triples) in `fmt`."""
    if isinstance(result, ox.QueryBoolean):
        if fmt in _RESULTS:
            return _text(result.serialize(format=_RESULTS[fmt]))
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        rdf = _GRAPHS.get(fmt, ox.RdfFormat.TURTLE)
        prefixes = PREFIXES if rdf is ox.RdfFormat.TURTLE else None
        return _text(ox.serialize(result, format=rdf, prefixes=prefixes))
    if fmt in _RESULTS:
        return _text(result.serialize(format=_RESULTS[fmt]))
    return _table(result)


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


def _table(solutions: ox.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[compact(s[n]) for n in names] for s in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append("")
    lines.append(f"{len(rows)} row" + ("" if len(rows) == 1 else "s"))
    return "\n".join(lines)
