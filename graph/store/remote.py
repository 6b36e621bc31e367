"""The store on a remote SPARQL engine (Oxigraph server, Fuseki, GraphDB …), spoken to over the SPARQL 1.1 Protocol.

:class:`RemoteStore` is a :class:`~longarm.graph.store.embedded.Store` whose quads live
behind an :class:`~longarm.graph.store.endpoint.Endpoint`: its reads are SPARQL queries and
its writes SPARQL updates, each one HTTP request (an update request is applied atomically by
the engine). :class:`RemoteQuads` gives the store's methods, and the code that reads quads
by pattern, the part of :class:`pyoxigraph.Store`'s API they use, in queries:

- bound values are sent as a ``VALUES`` block at the head of the query's ``WHERE`` group,
  each term serialised by Oxigraph (N-Triples escaping), never user text;
- "the union of the named graphs" as the default graph is sent as the list of graphs
  (``default-graph-uri``), which every engine understands;
- what it cannot do remotely (a checkpoint, the bulk loader) says so with a
  :class:`~longarm.graph.base.errors.StoreError`.

Every write through longarm also writes a new random revision in the meta graph
(``lx:storeRevision``), in the same request; :meth:`RemoteStore.version` reads it at most
every `revision_ttl` seconds, so that another process's writes are seen: what the process
derived (its projection) is then made again.

Examples
--------
A write is sent as text made of terms Oxigraph serialised:

>>> q = ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"), ox.Literal('a "b"'),
...             ox.NamedNode("https://e.org/g"))
>>> print(insert_data([q]))
INSERT DATA {
GRAPH <https://e.org/g> {
<https://e.org/s> <https://e.org/p> "a \\"b\\"" .
}
}
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from ...ontology.namespace import GENID_BASE, LX, META_GRAPH
from ..base.errors import QueryError, StoreError
from .change_log import Subject
from .embedded import Store
from .endpoint import Endpoint

__all__ = ["RemoteQuads", "RemoteStore"]

_JSON = "application/sparql-results+json"
_TSV = "text/tab-separated-values"
_NT = "application/n-triples"
_FORM = "application/x-www-form-urlencoded"
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_FORM_KEYWORD = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_INSERT_BATCH = 20_000  # statements per INSERT DATA request
_META, _REVISION = ox.NamedNode(META_GRAPH), ox.NamedNode(str(LX.storeRevision))


class RemoteQuads:
    """The part of :class:`pyoxigraph.Store`'s API the store uses, answered by a remote endpoint."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    # ---------------------------------------------------------------- queries

    def request(
        self,
        query: str,
        *,
        accept: str = f"{_JSON}, {_NT};q=0.9",
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal] | None = None,
        default_graph: Sequence[ox.NamedNode] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        use_default_graph_as_union: bool = False,
    ) -> tuple[str, bytes]:
        """Send a query as the protocol's form POST; the answer's media type and body."""
        text = _prologue(query, prefixes or {}, base_iri) + _bound(query, substitutions or {})
        fields: list[tuple[str, str]] = [("query", text)]
        if default_graph is not None:
            fields += [("default-graph-uri", g.value) for g in default_graph]
        elif use_default_graph_as_union:
            fields += [("default-graph-uri", g.value) for g in self.named_graphs()]
            fields += [] if len(fields) > 1 else [("default-graph-uri", _META.value)]  # an empty union
        fields += [("named-graph-uri", g.value) for g in named_graphs or ()]
        return self.endpoint.post(self.endpoint.query, urlencode(fields).encode("utf-8"), _FORM, accept)

    def query(self, query: str, **kwargs: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Like :meth:`pyoxigraph.Store.query`: the same result objects, read from the endpoint's answer."""
        media, data = self.request(query, **kwargs)
        if media == _NT or (media != _JSON and _form(query) in ("CONSTRUCT", "DESCRIBE")):
            local = ox.Store()  # Oxigraph's own triples object, from the triples received
            local.load(data, format=ox.RdfFormat.N_TRIPLES)
            return local.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        try:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the SPARQL endpoint answered what is not SPARQL results ({media}): {exc}") from exc

    def tsv(self, query: str, graphs: Sequence[str]) -> bytes:
        """A SELECT's answer as SPARQL TSV, over `graphs` as the default graph (the projection's scans)."""
        return self.request(query, accept=_TSV, default_graph=[ox.NamedNode(g) for g in graphs])[1]

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            g = row["g"]
            if isinstance(g, ox.NamedNode):
                yield g

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def quads_for_pattern(
        self, subject: object, predicate: object, obj: object, graph: object = None
    ) -> Iterator[ox.Quad]:
        """The quads of the named graphs that match; None matches anything (the default graph is not read)."""
        terms = {"s": subject, "p": predicate, "o": obj, "g": graph}
        bound = {ox.Variable(k): v for k, v in terms.items() if v is not None and not isinstance(v, ox.DefaultGraph)}
        if any(isinstance(v, ox.DefaultGraph | ox.BlankNode) for v in terms.values()):
            # longarm keeps every statement in a named graph, and names blank nodes when it
            # writes a remote store (RemoteStore.replace_graphs): a blank node is not in it.
            return iter(())
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions=bound)
        assert isinstance(rows, ox.QuerySolutions)
        return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, ox.QuerySolutions)
        return int(next(iter(rows))["n"].value)

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern(None, None, None, None)

    # ---------------------------------------------------------------- writes

    def update(self, update: str, **kwargs: Any) -> None:
        """Like :meth:`pyoxigraph.Store.update`, sent to the endpoint's update URL."""
        target = self.endpoint.update
        if target is None:
            raise StoreError(f"the SPARQL endpoint at {self.endpoint.query.text} has no update URL: it is read-only")
        text = _prologue(update, kwargs.get("prefixes") or {}, kwargs.get("base_iri")) + update
        self.endpoint.post(target, urlencode([("update", text)]).encode("utf-8"), _FORM, "*/*")

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads, in requests of :data:`_INSERT_BATCH` statements (each atomic, not the whole)."""
        batch: list[ox.Quad] = []
        for q in quads:
            batch.append(q)
            if len(batch) >= _INSERT_BATCH:
                self.update(insert_data(batch))
                batch.clear()
        if batch:
            self.update(insert_data(batch))

    def flush(self) -> None:
        """Nothing to do: the engine writes what it is sent."""

    def backup(self, target: str) -> None:
        raise StoreError("a checkpoint of a remote store cannot be made here: the engine's own backup does it")

    def bulk_load(self, *args: Any, **kwargs: Any) -> None:
        raise StoreError("the bulk loader writes an embedded store; a remote store is written by SPARQL updates")


def insert_data(quads: Sequence[ox.Quad]) -> str:
    """An ``INSERT DATA`` of `quads` grouped by graph, every term serialised by Oxigraph."""
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    blocks = "\n".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())
    return f"INSERT DATA {{\n{blocks}\n}}"


def _prologue(text: str, prefixes: Mapping[str, str], base_iri: str | None) -> str:
    """The prefixes the text does not declare, and its base, before it."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(text)}
    head = [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items() if name not in declared]
    if base_iri is not None and not re.search(r"\bBASE\s*<", text, re.IGNORECASE):
        head.insert(0, f"BASE {ox.NamedNode(base_iri)}")
    return "\n".join(head) + ("\n" if head else "")


def _bound(query: str, substitutions: Mapping[ox.Variable, object]) -> str:
    """The query with the bound values as a ``VALUES`` block at the head of its ``WHERE`` group."""
    if not substitutions:
        return query
    names, values = [], []
    for var, term in substitutions.items():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError("only IRIs and literals can be bound in a query sent to a remote store")
        names.append(str(var))
        values.append(str(term))
    where = _WHERE.search(query)
    at = where.end() if where else query.find("{") + 1
    if at <= 0:
        raise QueryError("a query with bound values needs a WHERE group")
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    return query[:at] + block + query[at:]


def _form(query: str) -> str:
    match = _FORM_KEYWORD.search(query)
    return match.group(1).upper() if match else "SELECT"


class _Skolem:
    """Skolem IRIs for the blank nodes of one write: the same node, the same IRI; another write, others."""

    def __init__(self) -> None:
        self.prefix = f"{GENID_BASE}{uuid.uuid4().hex}-"
        self.names: dict[str, ox.NamedNode] = {}

    def term(self, term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        name = self.names.get(term.value)
        if name is None:
            name = self.names[term.value] = ox.NamedNode(self.prefix + term.value)
        return name

    def triples(self, triples: Sequence[ox.Triple]) -> list[ox.Triple]:
        return [ox.Triple(self.term(t.subject), t.predicate, self.term(t.object)) for t in triples]


class RemoteStore(Store):
    """The store on a remote SPARQL endpoint (see the module docstring)."""

    def __init__(self, endpoint: Endpoint, *, revision_ttl: float = 0.5) -> None:
        super().__init__(RemoteQuads(endpoint), None, read_only=endpoint.update is None)  # type: ignore[arg-type]
        self.endpoint = endpoint
        self.revision_ttl = revision_ttl
        self._seen: str | None = None  # the remote revision this object's content matches
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._seen = self._read_revision()

    @property
    def remote(self) -> RemoteQuads:
        """The endpoint as a quad source."""
        inner = self._inner
        assert isinstance(inner, RemoteQuads)
        return inner

    @property
    def oxigraph(self) -> ox.Store:
        """The quads as far as the pattern API goes (:class:`RemoteQuads`); no checkpoint, no bulk loader."""
        return self._inner

    def describe(self) -> str:
        """Where the store is, for messages."""
        return f"the SPARQL endpoint at {self.endpoint.query.text}"

    # ---------------------------------------------------------------- revision

    def version(self) -> int:
        """Changes with every write through this object, and when the remote revision changed (checked every TTL)."""
        now = time.monotonic()
        if now - self._checked >= self.revision_ttl:
            with self._lock:
                if now - self._checked >= self.revision_ttl:
                    current = self._read_revision()
                    self._checked = time.monotonic()
                    if current != self._seen:
                        self._seen = current
                        self._generation += 1
                        self._changes.append((self._generation, None))  # written elsewhere: what changed is unknown
        return self._generation

    def revision(self) -> str | None:
        """The revision the remote store holds now (None before the first write through longarm)."""
        return self._read_revision()

    def touch(self, *, revise: bool = True, subjects: frozenset[Subject] | None = None) -> None:
        """Record a write, and write a new revision to the remote store (unless only derived facts change)."""
        if self.read_only:
            raise StoreError(f"{self.describe()} has no update URL: it cannot be written")
        self._generation += 1
        self._changes.append((self._generation, subjects))
        if not revise:
            return
        revision = uuid.uuid4().hex
        self.remote.update(
            f"DELETE WHERE {{ GRAPH {_META} {{ {_META} {_REVISION} ?r }} }} ;\n"
            f"INSERT DATA {{ GRAPH {_META} {{ {_META} {_REVISION} {ox.Literal(revision)} }} }}"
        )
        with self._lock:
            self._seen, self._checked = revision, time.monotonic()

    def _read_revision(self) -> str | None:
        rows = self.remote.query(f"SELECT ?r WHERE {{ GRAPH {_META} {{ {_META} {_REVISION} ?r }} }}")
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            return str(row["r"].value)
        return None

    def replace_graphs(
        self,
        graphs: Mapping[str, Sequence[ox.Triple]],
        *,
        derived: bool = False,
        removals: Mapping[str, Sequence[ox.Triple]] | None = None,
        additions: Mapping[str, Sequence[ox.Triple]] | None = None,
    ) -> None:
        """As the embedded store does, with every blank node named by a skolem IRI (:data:`GENID_BASE`).

        A query cannot name a blank node, so a remote store keeps none that longarm writes:
        the parts of a record (an access grant, a reach rule) can then be read again by name.
        """
        names = _Skolem()
        super().replace_graphs(
            {g: names.triples(ts) for g, ts in graphs.items()},
            derived=derived,
            removals=removals,
            additions={g: names.triples(ts) for g, ts in (additions or {}).items()},
        )

    def changed_subjects_since_revision(self, revision: str) -> frozenset[Subject] | None:
        return None  # no change log kept for a remote store

    def change_log_bytes(self) -> int:
        return 0

    def forget_changes_before(self, revision: str) -> None:
        return None
