"""A spooled import, validated bucket by bucket, then written as a new graph in one bulk write.

:func:`validate_spool` validates the statements of a :class:`~.spool.Spool` against the
shapes, one bucket at a time, so memory follows a bucket's size, not the import's. The
shapes of longarm constrain a node through its own statements and the types of the nodes
it points to (the premise of :mod:`longarm.graph.store.write_scope`); an import only adds
statements, about its own subjects. So a bucket is validated with, as context:

- the types of the nodes its statements point to: from the import (:attr:`Spool.typed`)
  or, for nodes the store knows, from the store;
- for its subjects that the store knows already (merged entities), their statements in
  the store and the types of what those point to.

Only the bucket's subjects are focus nodes. Nothing the store holds can be broken by
statements added about other subjects, so the store's other nodes are not validated again.

:func:`write_spool` then writes the spool as the import's graph with the store's bulk
write (:meth:`~longarm.graph.store.embedded.Store.bulk_add_graph`: all or nothing, also across a
crash), with its provenance record.

Examples
--------
>>> import tempfile, pathlib
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> spool = Spool(pathlib.Path(tempfile.mkdtemp()), buckets=4)
>>> from longarm.ontology.namespace import LX, entity_iri
>>> spool.add(f"<{entity_iri('org', 'imp-x')}>", TYPE, f"<{LX.Organization}>")  # a bare organization
>>> spool.close()
>>> try:
...     validate_spool(store, spool, name="an import")
... except ValidationError as exc:
...     sorted({(v.path, v.file) for v in exc.violations})
[('dcterms:source', 'an import'), ('lx:organizationKind', 'an import'), ('rdfs:label', 'an import')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ...ontology.namespace import META_GRAPH
from ..base.errors import ValidationError, Violation
from ..store.embedded import CHANGE_LOG_SUBJECTS, Store
from ..store.loading import is_data_graph, provenance_record
from ..store.validation import Shapes
from ..store.write_scope import quads_about
from .spool import TYPE, Spool

__all__ = ["SpoolCheck", "validate_spool", "write_spool"]

#: Violations listed at most (an import that breaks the shapes usually breaks them everywhere).
_MAX_VIOLATIONS = 1_000


@dataclass
class SpoolCheck:
    """What validating a spool found: its distinct statements, its subjects (None past the change log's size)."""

    triples: int
    subjects: frozenset[ox.NamedNode] | None


def validate_spool(
    store: Store,
    spool: Spool,
    *,
    name: str,
    merged: Iterable[str] = (),
    shapes: Shapes | None = None,
    progress: Callable[[int], None] | None = None,
) -> SpoolCheck:
    """Validate `spool` bucket by bucket (see the module docstring); `merged` are the store's IRIs it says things of.

    `progress` is called with the number of buckets validated so far.

    Raises
    ------
    ValidationError
        Listing the violations (at most a thousand), each naming `name`.
    """
    shapes = shapes or Shapes.bundled()
    known = {f"<{iri}>" for iri in merged}
    store_types: dict[str, list[str]] = {}  # the store's nodes: their type lines
    triples, subjects, violations = 0, set[str](), list[Violation]()
    for done, lines in enumerate(spool.buckets(), 1):
        triples += len(lines)
        focus: set[str] = set()
        pointed: set[str] = set()
        for line in lines:
            s, _, rest = line.split(" ", 2)
            focus.add(s)
            if rest[0] == "<":
                pointed.add(rest[:-2])
        context: list[str] = []
        own = focus & known
        if own:  # merged entities: what the store says of them too
            for q in quads_about(store.oxigraph, [ox.NamedNode(s[1:-1]) for s in own], "s"):
                if isinstance(q.graph_name, ox.NamedNode) and is_data_graph(q.graph_name.value):
                    context.append(f"{q.subject} {q.predicate} {q.object} .")
                    if isinstance(q.object, ox.NamedNode):
                        pointed.add(str(q.object))
        pointed -= focus
        context += _types(store, spool, pointed, store_types)
        violations += shapes.validate_lines(lines + context, [s[1:-1] for s in focus], name)
        if len(violations) >= _MAX_VIOLATIONS:
            break
        if len(subjects) <= CHANGE_LOG_SUBJECTS:
            subjects |= focus
        if progress is not None:
            progress(done)
    if violations:
        raise ValidationError(violations[:_MAX_VIOLATIONS])
    listed = None if len(subjects) > CHANGE_LOG_SUBJECTS else frozenset(ox.NamedNode(s[1:-1]) for s in subjects)
    return SpoolCheck(triples, listed)


def _types(store: Store, spool: Spool, nodes: set[str], cache: dict[str, list[str]]) -> list[str]:
    """``node rdf:type class`` lines for `nodes`: from the spool, else from the store (remembered in `cache`)."""
    out: list[str] = []
    unknown: list[ox.NamedNode] = []
    for node in nodes:
        typed = spool.typed.get(node)
        if typed is not None:
            out.append(f"{node} {TYPE} {typed} .")
        elif node in cache:
            out += cache[node]
        else:
            unknown.append(ox.NamedNode(node[1:-1]))
    for missing in unknown:
        cache[str(missing)] = []
    for q in quads_about(store.oxigraph, unknown, "s"):
        if str(q.predicate) == TYPE:
            line = f"{q.subject} {TYPE} {q.object} ."
            cache[str(q.subject)].append(line)
            out.append(line)
    return out


def write_spool(
    store: Store,
    spool: Spool,
    graph: str,
    *,
    name: str,
    digest: str,
    merged: Iterable[str] = (),
    shapes: Shapes | None = None,
    progress: Callable[[int], None] | None = None,
) -> SpoolCheck:
    """Write `spool` as the new graph `graph`, validated, with its provenance record (`name`, `digest`): all or nothing.

    The validation (:func:`validate_spool`) runs while the store's bulk loader writes; a
    violation drops what was written.

    Raises
    ------
    ValidationError
        If the statements break the shapes; nothing is written.
    StoreError
        If they cannot be written; nothing is written.
    """
    checked: list[SpoolCheck] = []

    def check() -> tuple[dict[str, list[ox.Triple]], frozenset[ox.NamedNode] | None]:
        checked.append(validate_spool(store, spool, name=name, merged=merged, shapes=shapes, progress=progress))
        return {META_GRAPH: provenance_record(graph, name, digest, checked[0].triples)}, checked[0].subjects

    marker = provenance_record(graph, name, digest, 0)[0]  # the digest: the statement that commits the graph
    commit = ox.Quad(marker.subject, marker.predicate, marker.object, ox.NamedNode(META_GRAPH))
    store.bulk_add_graph(graph, spool.streams(), marker=commit, check=check)
    return checked[0]
