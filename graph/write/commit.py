"""The one write path: validate, write, log the change, refresh the inferred graph.

Every write of data — ``longarm load``, an upload to ``/api/v1/data``, a Graph Store
``PUT``/``POST``/``DELETE``, a removal — goes through :func:`write_graphs`, and every
SPARQL update through :func:`write_update`:

1. **Validate, outside the lock.** The documents are already parsed (by the caller, also
   outside the lock); the store as it would be is validated on the write's scope
   (:mod:`longarm.graph.store.write_scope`), which costs what the write weighs. Readers and
   other writers are not held meanwhile.
2. **Write, under the store's write lock, in one transaction**, with the provenance
   records (:func:`~longarm.graph.store.loading.load_documents`); the store logs the subjects
   it changed, from which the projection is patched. If another write committed since
   step 1, the validation is made again under the lock first, so what is written was
   validated against what it is written on.
3. **Refresh** the materialised exposures, if the store has them, and, once the lock is
   released, the engine's projection if one is kept (a server's): the writer pays for
   the patch, and answers include the write as soon as it returns.

A write either commits whole or changes nothing, also when the process is stopped in the
middle (Oxigraph's transaction).

A SPARQL update says what it does, not what it changes. So :func:`write_update` first
**tries it on a scratch copy** of the store (:meth:`~longarm.graph.store.embedded.Store.scratch_copy`:
a checkpoint, milliseconds whatever the size), outside the lock, and compares the graphs it
can write (:func:`~longarm.graph.text.update_targets.written_graphs`) before and after: the
statements added and removed are validated on their scope
(:func:`~longarm.graph.store.loading.validate_delta`). Then, under the lock, the update is run
on the store itself — the same update on the same data (tried again first if another write
came meanwhile), so what is written is what was validated, up to the labels of new blank
nodes and the values of ``NOW()``, ``RAND()`` and ``UUID()``, which no shape constrains.
An update whose text cannot tell which graphs it writes (``GRAPH ?g``, ``DROP ALL``) is
compared on every graph: correct, at a cost that follows the store's size.

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

import pyoxigraph as ox

from ..engine.materialise import refresh_exposures
from ..projection.cache import refresh_if_kept
from ..store.embedded import Store, run_update
from ..store.loading import (
    Document,
    LoadReport,
    check_removable,
    commit_documents,
    commit_removal,
    forget_digests,
    is_data_graph,
    plan_load,
    validate_delta,
    validate_documents,
)
from ..store.validation import Shapes
from ..text.update_targets import written_graphs

__all__ = ["UpdateResult", "WriteResult", "write_graphs", "write_update"]

#: How the statements of an update are named in a validation report.
UPDATE_NAME = "SPARQL update"


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
    refresh_if_kept(store)  # outside the lock: other writers go on
    return WriteResult(report, removed, refreshed)


def _removals(graphs: Sequence[str]) -> list[Document]:
    """Removed graphs as the validation sees them: replaced by nothing."""
    return [Document(g, g, [], "") for g in graphs]


@dataclass(frozen=True)
class UpdateResult:
    """What an update changed in the data graphs, and the exposures refreshed (None: the store keeps none)."""

    added: int = 0
    removed: int = 0
    refreshed_exposures: int | None = None


def write_update(
    store: Store,
    update: str,
    *,
    base_iri: str | None = None,
    validate: bool = True,
    shapes: Shapes | None = None,
) -> UpdateResult:
    """Run a SPARQL update (already checked: no LOAD, no SERVICE) through the write path.

    Raises
    ------
    QueryError
        For a syntax error or an operation that fails; nothing is written.
    ValidationError
        If the data graphs as the update would leave them break the shapes; nothing is written.
    StoreError
        If the store cannot be copied or written.
    """
    version = store.version()
    added, removed = _tried(store, update, base_iri)  # outside the lock: readers and writers go on
    if validate:
        validate_delta(store, added, removed, name=UPDATE_NAME, shapes=shapes)
    with store.write_lock:
        if store.version() != version:  # another write came first: try and validate on what is there now
            added, removed = _tried(store, update, base_iri)
            if validate:
                validate_delta(store, added, removed, name=UPDATE_NAME, shapes=shapes)
        store.update(update, base_iri=base_iri)
        forget_digests(store)
        refreshed = refresh_exposures(store)
    refresh_if_kept(store)
    return UpdateResult(sum(map(len, added.values())), sum(map(len, removed.values())), refreshed)


def _tried(
    store: Store, update: str, base_iri: str | None
) -> tuple[dict[str, list[ox.Triple]], dict[str, set[ox.Triple]]]:
    """The statements `update` would add and remove in the data graphs, by graph: tried on a scratch copy."""
    targets = written_graphs(update, base_iri=base_iri)
    with store.scratch_copy() as copy:
        run_update(copy, update, base_iri=base_iri)
        if targets is not None:
            graphs = set(targets)
        else:  # the text cannot tell: every graph, before and after
            graphs = set(store.named_graphs()) | {g.value for g in copy.named_graphs() if isinstance(g, ox.NamedNode)}
        added: dict[str, list[ox.Triple]] = {}
        removed: dict[str, set[ox.Triple]] = {}
        for g in sorted(filter(is_data_graph, graphs)):
            before, after = _triples(store.oxigraph, g), _triples(copy, g)
            if before != after:
                added[g], removed[g] = list(after - before), before - after
        del copy
    return added, removed


def _triples(store: ox.Store, graph: str) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
