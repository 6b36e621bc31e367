"""Counts over the store: triples per named graph and instances per longarm class.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> store = Store.in_memory()
>>> _ = load_bundled(store)
>>> stats = store_stats(store)
>>> stats.instances["LegalInstrument"] >= 15
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ...ontology.namespace import LX
from .embedded import Store
from .loading import META_GRAPH

__all__ = ["GraphStats", "StoreStats", "store_stats"]

_GRAPHS = """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g
"""

_ORIGINS = """
SELECT ?meta ?g ?origin WHERE { GRAPH ?meta { ?g dcterms:source ?origin } }
"""

_INSTANCES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class .
  FILTER(STRSTARTS(STR(?class), STR(lx:)))
} GROUP BY ?class
"""


@dataclass(frozen=True, slots=True)
class GraphStats:
    """One named graph: its IRI, where it came from, how many triples it holds."""

    graph: str
    triples: int
    origin: str | None


@dataclass
class StoreStats:
    """What the store holds."""

    graphs: list[GraphStats] = field(default_factory=list)
    instances: dict[str, int] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        """Triples in all graphs."""
        return sum(g.triples for g in self.graphs)


def store_stats(store: Store) -> StoreStats:
    """Count triples per graph and instances of each ``lx:`` class (union of graphs)."""
    origins = {
        row["g"].value: row["origin"].value
        for row in store.select(_ORIGINS, {"meta": ox.NamedNode(META_GRAPH)}, union=False)
    }
    graphs = [
        GraphStats(row["g"].value, int(row["n"].value), origins.get(row["g"].value))
        for row in store.select(_GRAPHS, union=False)
    ]
    lx = str(LX._NS)
    instances = {row["class"].value[len(lx) :]: int(row["n"].value) for row in store.select(_INSTANCES)}
    return StoreStats(graphs, dict(sorted(instances.items())))
