"""The one write path: validate, write, log the change, refresh the inferred graph.

Every write of data — ``longarm load``, an upload to ``/api/v1/data``, a Graph Store
``PUT``/``POST``/``DELETE``, a removal — goes through :func:`write_graphs`:

1. **Validate, outside the lock.** The documents are already parsed (by the caller, also
   outside the lock); the store as it would be is validated on the write's scope
   (:mod:`longarm.graph.store.write_scope`), which costs what the write weighs. Readers and
   other writers are not held meanwhile.
2. **Write, under the store's write lock, in one transaction**, with the provenance
   records (:func:`~longarm.graph.store.loading.load_documents`); the store logs the subjects
   it changed, from which the projection is patched. If another write committed since
   step 1, the validation is made again under the lock first, so what is written was
   validated against what it is written on.
3. **Refresh** the materialised exposures, if the store has them.

A write either commits whole or changes nothing, also when the process is stopped in the
middle (Oxigraph's transaction). SPARQL updates take the same lock and refresh
(:mod:`longarm.graph.sparql.update`); they are not validated against the shapes.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import Document, user_graph
>>> from longarm.graph.text.rdfio import parse_document
>>> store = Store.in_memory()
>>> label = b'<https://e.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .'
>>> doc = Document("a.nt", user_graph("a"), parse_document(label, "a.nt"), "sha-a")
>>> write_graphs(store, [doc]).report.changed
True
>>> write_graphs(store, [doc]).report.changed  # the same document again: nothing written
False
>>> write_graphs(store, remove=[user_graph("a")]).removed == {user_graph("a"): 1}
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..engine.materialise import refresh_exposures
from ..store.embedded import Store
from ..store.loading import (
    Document,
    LoadReport,
    check_removable,
    commit_documents,
    commit_removal,
    plan_load,
    validate_documents,
)
from ..store.validation import Shapes

__all__ = ["WriteResult", "write_graphs"]


@dataclass(frozen=True)
class WriteResult:
    """What a write did: the load report, the triples removed per graph, the exposures refreshed (None: none kept)."""

    report: LoadReport = field(default_factory=LoadReport)
    removed: dict[str, int] = field(default_factory=dict)
    refreshed_exposures: int | None = None


def write_graphs(
    store: Store,
    documents: Sequence[Document] = (),
    *,
    remove: Sequence[str] = (),
    validate: bool = True,
    shapes: Shapes | None = None,
) -> WriteResult:
    """Replace the graphs of `documents`, or remove the graphs `remove`: validated, each in one transaction.

    Documents whose content the store already holds (by digest) are not written again.

    Raises
    ------
    InputError, ProtectedGraphError, UnknownReferenceError
        As :func:`~longarm.graph.store.loading.load_documents` and
        :func:`~longarm.graph.store.loading.unload_graphs` do.
    ValidationError
        If the store as it would be breaks the shapes; nothing is written.
    """
    version = store.version()
    check_removable(store, remove)
    report, changed = plan_load(store, documents)
    if not changed and not remove:
        return WriteResult(report)  # the store holds these documents already
    if validate:
        validate_documents(store, [*changed, *_removals(remove)], shapes)  # the long part: nothing is held
    with store.write_lock:
        if store.version() != version:  # another write came first: plan and validate on what is there now
            check_removable(store, remove)
            report, changed = plan_load(store, documents)
            if validate and (changed or remove):
                validate_documents(store, [*changed, *_removals(remove)], shapes)
        removed = commit_removal(store, remove) if remove else {}
        if changed:
            commit_documents(store, changed)
        refreshed = refresh_exposures(store) if removed or changed else None
    return WriteResult(report, removed, refreshed)


def _removals(graphs: Sequence[str]) -> list[Document]:
    """Removed graphs as the validation sees them: replaced by nothing."""
    return [Document(g, g, [], "") for g in graphs]
