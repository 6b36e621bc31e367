"""The longarm engine, in wings that each import only the wings below them.

From the bottom up (:data:`WINGS`; ``tests/test_layering.py`` checks the order and
that no module imports another in a circle):

``base``
    the exception tree, date windows, typed caches;
``text``
    RDF and SPARQL text checked and parsed before anything reaches the store;
``store``
    the embedded Oxigraph store, its change log, loading, SHACL validation, statistics;
``projection``
    the facts the engine needs as Python objects, patched, saved and cached;
``engine``
    ownership and control, reach rules, "who can compel", gaps, the inferred graph;
``write``
    the one write path (validate, write, log, refresh the inferred graph);
``imports``
    open ownership data and registers (GLEIF, BODS, FollowTheMoney, Wikidata, DORA,
    inventories) read as neutral records and written as named graphs;
``sparql``
    query workers and their store checkpoints, results, update, Graph Store;
``views``
    answers and entities as dictionaries, RDF exports and BODS;
``drawing``
    ownership charts and exposure maps;
``reports``
    reports over a whole register: every asset answered at once.

Nothing here knows HTTP: :mod:`longarm.api` maps the errors of
:mod:`longarm.graph.base.errors` to status codes, once. See ``docs/architecture.md``.
"""

__all__ = ["WINGS"]

#: The subpackages, lowest first: each may import only those before it.
WINGS = ("base", "text", "store", "projection", "engine", "write", "imports", "sparql", "views", "drawing", "reports")
