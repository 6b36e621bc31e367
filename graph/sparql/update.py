"""SPARQL 1.1 Update on the store, as the server runs it.

An update goes through the one write path (:func:`~longarm.graph.write.commit.write_update`):
tried on a scratch copy of the store, what it would add and remove is validated against
the SHACL shapes on its scope, then it is run on the store as one Oxigraph transaction:
it applies whole or not at all. Before anything,
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

An update that would break the shapes is refused with a
:class:`~longarm.graph.base.errors.ValidationError` listing the violations, and changes
nothing. Updates have no deadline: they run in the server process, where Oxigraph cannot
be interrupted.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> store = Store.in_memory()
>>> apply_update(store, "INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/a> rdfs:label 'A' } }")
UpdateResult(added=1, removed=0, refreshed_exposures=None)
>>> store.count_triples("https://e.org/g")
1
>>> apply_update(store, "INSERT DATA { GRAPH <h> { <a> rdfs:label 'A' } }", base_iri="https://e.org/sparql").added
1
>>> store.count_triples("https://e.org/h")
1
>>> apply_update(store, "INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/x> a lx:Organization } }")
Traceback (most recent call last):
...
longarm.graph.base.errors.ValidationError: 3 SHACL violation(s):
  - SPARQL update: <https://e.org/x> dcterms:source: MinCount: every fact needs dcterms:source pointing at an lx:Source
...
>>> apply_update(store, "LOAD <http://127.0.0.1:9/data.ttl>")
Traceback (most recent call last):
...
longarm.graph.base.errors.QueryError: LOAD is refused: this server never fetches a URL given in a query
"""

from __future__ import annotations

from collections.abc import Sequence

from ..store.embedded import Store
from ..text.sparql_guard import add_using, check_no_outbound
from ..write.commit import UpdateResult, write_update

__all__ = ["apply_update"]


def apply_update(
    store: Store,
    update: str,
    *,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    base_iri: str | None = None,
) -> UpdateResult:
    """Run a SPARQL update through the write path (see the module docstring).

    Raises
    ------
    QueryError
        For a syntax error (a relative IRI without `base_iri` or ``BASE`` is one), LOAD
        or SERVICE, an operation that fails (``DROP GRAPH`` of a graph that does not
        exist), an invalid `base_iri`, or USING/WITH together with `using`/`using_named`.
    ValidationError
        If what the update adds or removes breaks the shapes.
    StoreError
        If the store cannot be written.
    """
    text = add_using(update, using, using_named)
    check_no_outbound(text)  # before anything is copied or tried
    return write_update(store, text, base_iri=base_iri)
