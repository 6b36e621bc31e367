"""Loading RDF documents into the store: parse, validate, write, all or nothing.

Each document goes to its own named graph (``…/graph/file/<stem>`` unless a graph name
is given; the bundled dataset uses ``…/graph/data/<stem>`` and the ontology
``…/graph/ontology``). A load parses every document first, validates the store as it
would be after the load against the SHACL shapes, and only then writes, in one
transaction. A syntax error or a violation leaves the store untouched. Loading a
document whose content is unchanged rewrites nothing, so reloading is idempotent.

A provenance graph (``…/graph/meta``) records, for each named graph, the document it
came from, its SHA-256 and its triple count.

Users' own documents go to ``…/graph/user/<name>`` (:func:`user_graph`);
:func:`unload_graphs` removes graphs with their provenance, again validated and in one
transaction, and refuses the ontology, the bundled data, provenance and inferences.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> store = Store.in_memory()
>>> report = load_bundled(store)
>>> report.graphs[ONTOLOGY_GRAPH].status
'loaded'
>>> load_bundled(store).changed
False
>>> user_graph("acme/inventory") == GRAPH_BASE + "user/acme/inventory"
True
>>> unload_graphs(store, [ONTOLOGY_GRAPH])
Traceback (most recent call last):
...
longarm.graph.base.errors.ProtectedGraphError: graph <...ontology> cannot be removed: ...
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ...ontology.namespace import DCTERMS, GRAPH_BASE, INFERRED_PREFIX, META_GRAPH, PROV, graph_iri
from ..base.errors import InputError, ProtectedGraphError, UnknownReferenceError, ValidationError
from ..text.rdfio import parse_document
from .embedded import Store
from .validation import Shapes, bundled_ontology_path
from .write_scope import WriteScope, delta_scope, write_scope

__all__ = [
    "INFERRED_PREFIX",
    "META_GRAPH",
    "ONTOLOGY_GRAPH",
    "USER_PREFIX",
    "Document",
    "GraphLoad",
    "LoadReport",
    "bundled_data_paths",
    "bundled_documents",
    "check_removable",
    "commit_documents",
    "commit_removal",
    "document_from_bytes",
    "document_from_path",
    "forget_digests",
    "is_data_graph",
    "is_protected_graph",
    "load_bundled",
    "load_documents",
    "named_graph",
    "plan_load",
    "provenance_record",
    "recorded_digest",
    "unload_graphs",
    "user_graph",
    "validate_delta",
    "validate_documents",
]

ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
USER_PREFIX = GRAPH_BASE + "user/"
_BUNDLED_PREFIX = GRAPH_BASE + "data/"

_SHA = DCTERMS.identifier
_ORIGIN = DCTERMS.source
_EXTENT = DCTERMS.extent


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed RDF document bound for one named graph."""

    name: str
    graph: str
    triples: Sequence[ox.Triple]
    sha256: str


@dataclass(frozen=True, slots=True)
class GraphLoad:
    """What a load did to one named graph."""

    graph: str
    document: str
    triples: int
    status: str  # "loaded", "replaced" or "unchanged"


@dataclass
class LoadReport:
    """The outcome of :func:`load_documents`, graph by graph."""

    graphs: dict[str, GraphLoad] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True if any graph was written."""
        return any(g.status != "unchanged" for g in self.graphs.values())


def document_from_bytes(data: bytes, name: str, graph: str, media_type: str | None = None) -> Document:
    """Parse a document held in memory; `name` names it in errors."""
    triples = parse_document(data, name, media_type=media_type)
    return Document(name, graph, triples, hashlib.sha256(data).hexdigest())


def document_from_path(path: str | Path, graph: str | None = None) -> Document:
    """Parse a file for the graph `graph` (default ``…/graph/file/<stem>``)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read file: {exc.strerror}") from None
    target = graph or str(graph_iri("file/" + _slug(p.stem)))
    triples = parse_document(data, str(path), base_iri=p.resolve().as_uri())
    return Document(str(path), target, triples, hashlib.sha256(data).hexdigest())


def bundled_data_paths() -> list[Path]:
    """The Turtle files of the bundled dataset, sorted by name."""
    root = resources.files("longarm.data")
    return sorted(Path(str(root.joinpath(e.name))) for e in root.iterdir() if e.name.endswith(".ttl"))


def bundled_documents() -> list[Document]:
    """The ontology and the bundled dataset, each for its own graph."""
    docs = [document_from_path(bundled_ontology_path(), ONTOLOGY_GRAPH)]
    for p in bundled_data_paths():
        docs.append(document_from_path(p, str(graph_iri("data/" + _slug(p.stem)))))
    return docs


def validate_documents(store: Store, documents: Sequence[Document], shapes: Shapes | None = None) -> None:
    """Validate the store as it would be after loading `documents` (an empty one removes its graph).

    Only the write's scope is validated (:mod:`longarm.graph.store.write_scope`): the subjects
    it touches, those that point to them, and, as context, what they point to. The cost
    follows the size of the write, not of the store.

    Raises
    ------
    ValidationError
        Listing every violation, each with the file that states its node.
    """
    replacements = {d.graph: d.triples for d in documents if is_data_graph(d.graph)}
    scope = write_scope(store, replacements, _data_graphs(store) | set(replacements))
    files: dict[str, str] = {}
    for doc in documents:
        for t in doc.triples:
            files.setdefault(_term_key(t.subject), doc.name)
    _check(scope, files, shapes)


def validate_delta(
    store: Store,
    added: Mapping[str, Sequence[ox.Triple]],
    removed: Mapping[str, Collection[ox.Triple]],
    *,
    name: str,
    shapes: Shapes | None = None,
) -> None:
    """Validate the store as it would be after adding `added` and removing `removed` (triples by graph).

    As :func:`validate_documents`, on the subjects of those statements and those that point
    to them (:func:`~longarm.graph.store.write_scope.delta_scope`); violations on the
    statements added or removed are said to come from `name` (a SPARQL update). Statements outside the
    data graphs (the default graph, the ontology, provenance, inferences) are not validated.

    Raises
    ------
    ValidationError
        Listing every violation.
    """
    added = {g: ts for g, ts in added.items() if is_data_graph(g)}
    removed = {g: ts for g, ts in removed.items() if is_data_graph(g)}
    if not added and not removed:
        return
    scope = delta_scope(store, added, removed, _data_graphs(store) | set(added))
    files = {_term_key(t.subject): name for ts in (*added.values(), *removed.values()) for t in ts}
    _check(scope, files, shapes)


def _check(scope: WriteScope, files: dict[str, str], shapes: Shapes | None) -> None:
    shapes = shapes or Shapes.bundled()
    violations = [v for v in shapes.validate(scope.data, files) if v.focus_node in scope.focus]
    if violations:
        raise ValidationError(violations)


def is_data_graph(graph: str) -> bool:
    """True for a graph the shapes apply to: not the ontology, provenance or inferences (nor the default graph)."""
    return graph not in ("", META_GRAPH, ONTOLOGY_GRAPH) and not graph.startswith(INFERRED_PREFIX)


def _data_graphs(store: Store) -> set[str]:
    return {g for g in store.named_graphs() if is_data_graph(g)}


def load_documents(
    store: Store,
    documents: Sequence[Document],
    *,
    validate: bool = True,
    shapes: Shapes | None = None,
) -> LoadReport:
    """Validate and write `documents`, each into its own graph, in one transaction.

    Raises
    ------
    InputError
        If two documents target the same graph.
    ValidationError
        If the result would break the shapes; the store is then unchanged.
    """
    report, changed = plan_load(store, documents)
    if not changed:
        return report
    if validate:
        validate_documents(store, changed, shapes)
    commit_documents(store, changed)
    return report


def commit_documents(store: Store, changed: Sequence[Document]) -> None:
    """Write `changed` (as :func:`plan_load` found them) with their provenance, in one transaction, unvalidated."""
    meta = ox.NamedNode(META_GRAPH)
    old, new = [], []
    for doc in changed:
        g = ox.NamedNode(doc.graph)
        old += [q.triple for q in store.oxigraph.quads_for_pattern(g, None, None, meta)]
        new += provenance_record(doc.graph, doc.name, doc.sha256, len(doc.triples))
    store.replace_graphs({d.graph: d.triples for d in changed}, removals={META_GRAPH: old}, additions={META_GRAPH: new})


def provenance_record(graph: str, name: str, sha256: str, triples: int) -> list[ox.Triple]:
    """The statements of the provenance graph about `graph`: its document's `name`, digest and size.

    The digest comes first: a bulk write journals it as the statement that commits the graph
    (:meth:`~longarm.graph.store.embedded.Store.bulk_add_graph`).
    """
    g = ox.NamedNode(graph)
    return [
        ox.Triple(g, _nn(_SHA), ox.Literal(sha256)),
        ox.Triple(g, _nn(rdflib.RDF.type), _nn(PROV.Entity)),
        ox.Triple(g, _nn(_ORIGIN), ox.Literal(Path(name).name)),
        ox.Triple(g, _nn(_EXTENT), ox.Literal(str(triples))),
    ]


def plan_load(store: Store, documents: Sequence[Document]) -> tuple[LoadReport, list[Document]]:
    """What loading `documents` would do (loaded, replaced, unchanged), and the documents that change a graph.

    Raises
    ------
    InputError
        If two documents target the same graph.
    """
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.graph in seen:
            raise InputError(f"{seen[doc.graph]} and {doc.name} would both be loaded into graph <{doc.graph}>")
        seen[doc.graph] = doc.name
    previous = _meta(store)
    report = LoadReport()
    changed = []
    for doc in documents:
        old = previous.get(doc.graph)
        if old is not None and old == doc.sha256:
            report.graphs[doc.graph] = GraphLoad(doc.graph, doc.name, len(doc.triples), "unchanged")
        else:
            status = "replaced" if doc.graph in previous else "loaded"
            report.graphs[doc.graph] = GraphLoad(doc.graph, doc.name, len(doc.triples), status)
            changed.append(doc)
    return report, changed


def check_removable(store: Store, graphs: Sequence[str]) -> None:
    """Refuse to remove graphs longarm manages itself, or graphs the store does not hold.

    Raises
    ------
    ProtectedGraphError
        For the ontology, the bundled data, the provenance graph and inferred graphs.
    UnknownReferenceError
        For a graph the store does not hold, with the closest graph names as suggestions.
    """
    present = store.named_graphs()
    for g in graphs:
        if is_protected_graph(g):
            raise ProtectedGraphError(
                f"graph <{g}> cannot be removed: the ontology, the bundled data, provenance and inferences are "
                "managed by longarm itself"
            )
        if g not in present:
            close = difflib.get_close_matches(g, [x for x in present if x.startswith(USER_PREFIX)], n=5, cutoff=0.6)
            raise UnknownReferenceError(g, [(x, x) for x in close], what="named graph")


def load_bundled(store: Store, *, validate: bool = True) -> LoadReport:
    """Load (or refresh) the ontology and the bundled dataset."""
    return load_documents(store, bundled_documents(), validate=validate)


def user_graph(name: str) -> str:
    """The IRI of the user graph called `name`: slugs separated by ``/``, as ``acme/inventory``."""
    try:
        return str(graph_iri("user/" + name))
    except ValueError:
        raise InputError(
            f"invalid graph name {name!r}: use slugs (letters, digits, '.', '_', '-') separated by '/'"
        ) from None


def named_graph(ref: str) -> str:
    """A named graph given by its full IRI, or a user graph by its name (see :func:`user_graph`)."""
    return ref if "://" in ref else user_graph(ref)


def unload_graphs(
    store: Store, graphs: Sequence[str], *, validate: bool = True, shapes: Shapes | None = None
) -> dict[str, int]:
    """Remove named graphs and their provenance records in one transaction; return the triples removed per graph.

    Raises
    ------
    ProtectedGraphError
        For the ontology, the bundled data, the provenance graph and inferred graphs.
    UnknownReferenceError
        For a graph the store does not hold, with the closest graph names as suggestions.
    ValidationError
        If the data left would break the shapes; the store is then unchanged.
    """
    check_removable(store, graphs)
    if validate:
        validate_documents(store, [Document(g, g, [], "") for g in graphs], shapes)
    return commit_removal(store, graphs)


def commit_removal(store: Store, graphs: Sequence[str]) -> dict[str, int]:
    """Remove `graphs` (checked by :func:`check_removable`) and their provenance, in one transaction, unvalidated."""
    removed = {g: store.count_triples(g) for g in graphs}
    meta = [t for t in store.triples(META_GRAPH) if _term_key(t.subject) not in removed]
    store.replace_graphs({**{g: [] for g in graphs}, META_GRAPH: meta})
    return removed


def is_protected_graph(graph: str) -> bool:
    """True for the graphs longarm manages itself: the ontology, the bundled data, provenance, inferences."""
    return graph in (ONTOLOGY_GRAPH, META_GRAPH) or graph.startswith((_BUNDLED_PREFIX, INFERRED_PREFIX))


def forget_digests(store: Store) -> None:
    """Drop the recorded SHA-256 of every graph, after a change made outside a load.

    A SPARQL update may change any graph, so a digest no longer vouches for a graph's
    content: the next load of a document then rewrites its graph rather than skip it as
    unchanged (``longarm load --bundled`` restores the bundled graphs after an update).
    """
    sha = str(_SHA)
    meta = [t for t in store.triples(META_GRAPH) if t.predicate.value != sha]
    store.replace_graphs({META_GRAPH: meta})


def recorded_digest(store: Store, graph: str) -> str | None:
    """The SHA-256 the provenance graph records for `graph`, None if the store does not hold it."""
    quads = store.oxigraph.quads_for_pattern(ox.NamedNode(graph), _nn(_SHA), None, ox.NamedNode(META_GRAPH))
    return next((q.object.value for q in quads if isinstance(q.object, ox.Literal)), None)


def _meta(store: Store) -> dict[str, str]:
    sha = str(_SHA)
    out = {}
    for t in store.triples(META_GRAPH):
        if t.predicate.value == sha and isinstance(t.object, ox.Literal):
            out[_term_key(t.subject)] = t.object.value
    return out


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _term_key(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _slug(stem: str) -> str:
    out = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem).strip("-.")
    return out or "document"
