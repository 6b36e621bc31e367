"""SPARQL 1.1 Update on the store, as the server runs it.

An update is one Oxigraph transaction: it applies whole or not at all. Before it runs,
``LOAD`` and ``SERVICE`` are refused (the server fetches no URL) and the Protocol's
``using-graph-uri`` / ``using-named-graph-uri`` become ``USING`` / ``USING NAMED``
clauses (:func:`~longarm.graph.text.sparql_guard.add_using`). Relative IRIs are resolved
against `base_iri` (the server gives the endpoint's own IRI), unless the update declares
its own ``BASE``. After it:

- the store's version changes (:meth:`Store.touch`), so caches and query workers see
  the change;
- the recorded digests of loaded documents are forgotten
  (:func:`~longarm.graph.store.loading.forget_digests`): any graph may have changed, so the
  next load of a document rewrites its graph;
- the materialised exposures, if the store has them, are recomputed from the data
  (:func:`~longarm.graph.engine.materialise.refresh_exposures`): they are derived, so a hand
  edit of ``…/graph/inferred/exposures`` does not survive an update.

Updates are *not* validated against the SHACL shapes (a load or a Graph Store write is):
they are the tool of the token holder who knows what they change. They also have no
deadline: they run in the server process, where Oxigraph cannot be interrupted.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> store = Store.in_memory()
>>> apply_update(store, "INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/a> rdfs:label 'A' } }")
>>> store.count_triples("https://e.org/g")
1
>>> apply_update(store, "INSERT DATA { GRAPH <h> { <a> rdfs:label 'A' } }", base_iri="https://e.org/sparql")
>>> store.count_triples("https://e.org/h")
1
>>> apply_update(store, "LOAD <http://127.0.0.1:9/data.ttl>")
Traceback (most recent call last):
...
longarm.graph.base.errors.QueryError: LOAD is refused: this server never fetches a URL given in a query
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.materialise import refresh_exposures
from ..store.embedded import Store
from ..store.loading import forget_digests
from ..text.sparql_guard import add_using

__all__ = ["apply_update"]


def apply_update(
    store: Store,
    update: str,
    *,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    base_iri: str | None = None,
) -> None:
    """Run a SPARQL update (see the module docstring for what follows it).

    Raises
    ------
    QueryError
        For a syntax error (a relative IRI without `base_iri` or ``BASE`` is one), LOAD
        or SERVICE, an operation that fails (``DROP GRAPH`` of a graph that does not
        exist), an invalid `base_iri`, or USING/WITH together with `using`/`using_named`.
    StoreError
        If the store cannot be written.
    """
    text = add_using(update, using, using_named)
    with store.write_lock:
        store.update(text, base_iri=base_iri)
        forget_digests(store)
        refresh_exposures(store)
