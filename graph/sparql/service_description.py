"""The SPARQL 1.1 Service Description of the endpoint, as RDF triples.

It says what ``GET /sparql`` without a query answers: the endpoint, the languages it
speaks (SPARQL 1.1 Query and Update), the result formats it can send, its features
(the default graph is the union of all named graphs; empty graphs exist), and the
default dataset, with every named graph and its size.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> store = Store.in_memory()
>>> triples = service_description(store, "http://127.0.0.1:8000/sparql")
>>> sorted({t.object.value for t in triples if t.predicate.value == SD + "feature"})
['http://www.w3.org/ns/sparql-service-description#EmptyGraphs', 'http://www.w3.org/ns/sparql-service-description#UnionDefaultGraph']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pyoxigraph as ox

from ...ontology.namespace import DCTERMS, ONTOLOGY_IRI
from ..store.embedded import Store

__all__ = ["FORMATS", "PREFIXES", "RDF_FORMATS", "RESULT_FORMATS", "SD", "VOID", "service_description"]

# W3C vocabularies.
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
VOID: Final = "http://rdfs.org/ns/void#"
FORMATS: Final = "http://www.w3.org/ns/formats/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ENTAILMENT_SIMPLE = "http://www.w3.org/ns/entailment/Simple"
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

#: Results formats of SELECT and ASK, and RDF formats of graphs, by W3C format IRI.
RESULT_FORMATS: Final = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
RDF_FORMATS: Final = ("Turtle", "N-Triples", "RDF_XML", "JSON-LD")

#: Prefixes for a readable serialisation of the description.
PREFIXES: Final = {"sd": SD, "void": VOID, "formats": FORMATS, "dcterms": str(DCTERMS)}

_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def service_description(store: Store, endpoint: str, *, title: str = "longarm") -> list[ox.Triple]:
    """The description of the SPARQL service at `endpoint` over `store`.

    The server gives the endpoint's own IRI, the one relative IRIs in queries and updates
    are resolved against (:func:`~longarm.api.sparql_protocol.endpoint_iri`).
    """
    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    out = [
        _t(service, _RDF_TYPE, _n(SD + "Service")),
        _t(service, SD + "endpoint", _n(endpoint)),
        _t(service, DCTERMS.title, ox.Literal(title)),
        _t(service, SD + "supportedLanguage", _n(SD + "SPARQL11Query")),
        _t(service, SD + "supportedLanguage", _n(SD + "SPARQL11Update")),
        _t(service, SD + "feature", _n(SD + "UnionDefaultGraph")),
        _t(service, SD + "feature", _n(SD + "EmptyGraphs")),
        _t(service, SD + "defaultEntailmentRegime", _n(_ENTAILMENT_SIMPLE)),
        _t(service, SD + "defaultDataset", dataset),
        _t(dataset, _RDF_TYPE, _n(SD + "Dataset")),
        _t(dataset, VOID + "vocabulary", _n(ONTOLOGY_IRI)),
        _t(dataset, SD + "defaultGraph", default),
        _t(default, _RDF_TYPE, _n(SD + "Graph")),
    ]
    out += _formats(service, SD + "resultFormat", [*RESULT_FORMATS, *RDF_FORMATS])
    out += _formats(service, SD + "inputFormat", RDF_FORMATS)
    sizes = {str(row["g"].value): int(row["n"].value) for row in store.select(_GRAPH_SIZES, union=False)}
    for name in store.named_graphs():
        node, graph = ox.BlankNode(), ox.BlankNode()
        out += [
            _t(dataset, SD + "namedGraph", node),
            _t(node, _RDF_TYPE, _n(SD + "NamedGraph")),
            _t(node, SD + "name", _n(name)),
            _t(node, SD + "graph", graph),
            _t(graph, _RDF_TYPE, _n(SD + "Graph")),
            _t(graph, VOID + "triples", _integer(sizes.get(name, 0))),
        ]
    return out


def _formats(service: ox.BlankNode, predicate: str, names: Sequence[str]) -> list[ox.Triple]:
    return [_t(service, predicate, _n(FORMATS + name)) for name in names]


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(_XSD_INTEGER))


def _t(s: ox.BlankNode, p: object, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Triple:
    return ox.Triple(s, _n(p), o)
