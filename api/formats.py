"""The command line's result formats: names for media types, serialised by :mod:`longarm.graph.sparql.results`.

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
>>> print(render(store.query("SELECT ?label WHERE { ?s ?p ?label }"), "csv"), end="")
label
Bleu
"""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox

from ..graph.sparql.results import results_table, serialize_results

__all__ = ["RESULT_FORMATS", "render"]

#: ``--format`` names and the media type each stands for ("table" is for people).
_MEDIA: Final = {
    "table": None,
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}
RESULT_FORMATS: Final = tuple(_MEDIA)
_FOR_SOLUTIONS: Final = frozenset({"json", "csv", "tsv", "xml"})


def render(result: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, fmt: str) -> str:
    """`result` (solutions, boolean or triples) as text in the ``--format`` named `fmt`.

    Solutions asked for as RDF, or a graph asked for as a results format or a table, come
    in the format that can carry them (a table; Turtle); a boolean outside a results
    format is ``true`` or ``false``.
    """
    media = _MEDIA[fmt]
    if isinstance(result, ox.QueryBoolean):
        if fmt not in _FOR_SOLUTIONS:
            return "true" if bool(result) else "false"
    elif isinstance(result, ox.QuerySolutions):
        if fmt not in _FOR_SOLUTIONS:
            return results_table(result)
    elif fmt not in ("turtle", "ntriples"):
        media = "text/turtle"
    assert media is not None
    return serialize_results(result, media).body.decode("utf-8")
