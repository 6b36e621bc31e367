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

Every write through longarm also writes a new random revision in a graph of its own
(:data:`~longarm.ontology.namespace.REVISION_GRAPH`, ``lx:storeRevision``); :meth:`RemoteStore.version` reads it at most
every `revision_ttl` seconds, so that another process's writes are seen: what the process
derived (its projection) is then made again.

Examples
--------
An endpoint is asked for its revision when the store is made: one that cannot be reached
says so at once.

>>> RemoteStore(Endpoint.parse("http://127.0.0.1:9/query"))
Traceback (most recent call last):
...
longarm.graph.base.errors.StoreError: cannot reach the SPARQL endpoint at http://127.0.0.1:9/query: ...
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any
from urllib.parse import urlencode

import pyoxigraph as ox

from ...ontology.namespace import LX, REVISION_GRAPH
from ..base.errors import StoreError
from .change_log import Subject
from .embedded import Store
from .endpoint import Endpoint
from .remote_text import bound, insert_data, parsed_here, prologue, query_form
from .skolem import Skolemizer, json_results, read_triples, tsv_results

__all__ = ["RemoteQuads", "RemoteStore"]

_JSON = "application/sparql-results+json"
_TSV = "text/tab-separated-values"
_NT = "application/n-triples"
_FORM = "application/x-www-form-urlencoded"
_INSERT_BATCH = 20_000  # statements per INSERT DATA request
_REV_GRAPH, _REVISION = ox.NamedNode(REVISION_GRAPH), ox.NamedNode(str(LX.storeRevision))


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
        """Send a query as the protocol's form POST; the answer's media type and body.

        The text is parsed here first, by Oxigraph (:func:`_parsed_here`): a syntax error, or
        a relative IRI with no base, is refused as the embedded store refuses it, not
        resolved against the engine's URL.
        """
        text = prologue(query, prefixes or {}, base_iri) + bound(query, substitutions or {})
        parsed_here(text, update=False)
        fields: list[tuple[str, str]] = [("query", text)]
        dataset = default_graph is not None or use_default_graph_as_union
        every = list(self.named_graphs()) if dataset and (default_graph is None or named_graphs is None) else []
        if default_graph is not None:
            fields += [("default-graph-uri", g.value) for g in default_graph]
        elif use_default_graph_as_union:
            fields += [("default-graph-uri", g.value) for g in every or [_REV_GRAPH]]  # none: an empty union
        if len(fields) > 1:
            # The protocol's dataset is what the request names: the named graphs are then only
            # those listed. Oxigraph's own API keeps them all: so, every one unless told.
            fields += [("named-graph-uri", g.value) for g in (named_graphs if named_graphs is not None else every)]
        else:
            fields += [("named-graph-uri", g.value) for g in named_graphs or ()]
        return self.endpoint.post(self.endpoint.query, urlencode(fields).encode("utf-8"), _FORM, accept)

    def query(self, query: str, **kwargs: Any) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Like :meth:`pyoxigraph.Store.query`: the same result objects, read from the endpoint's answer.

        Skolem IRIs come back as the blank nodes they stand for (:mod:`.skolem`); a DESCRIBE
        takes in the statements of the blank nodes it meets, as the engine would have for
        blank nodes of its own.
        """
        form = query_form(query)
        media, data = self.request(query, **kwargs)
        if media == _NT or (media != _JSON and form in ("CONSTRUCT", "DESCRIBE")):
            try:
                triples = read_triples(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            except SyntaxError as exc:
                raise StoreError(f"the SPARQL endpoint answered what is not N-Triples: {exc}") from exc
            if form == "DESCRIBE":
                triples += self._parts(triples)
            local = ox.Store()  # Oxigraph's own triples object, from the triples received
            local.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
            return local.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        try:
            return ox.parse_query_results(json_results(data), format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the SPARQL endpoint answered what is not SPARQL results ({media}): {exc}") from exc

    def _parts(self, triples: list[ox.Triple], depth: int = 8) -> list[ox.Triple]:
        """The statements of the blank nodes `triples` point to, and of theirs, `depth` levels down."""
        out: list[ox.Triple] = []
        seen = {t.subject for t in triples}
        todo = {t.object for t in triples if isinstance(t.object, ox.BlankNode)} - seen
        while todo and depth > 0:
            found = [q.triple for node in sorted(todo, key=str) for q in self.quads_for_pattern(node, None, None)]
            out += found
            seen |= todo
            todo = {t.object for t in found if isinstance(t.object, ox.BlankNode)} - seen
            depth -= 1
        return list(dict.fromkeys(out))

    def tsv(self, query: str, graphs: Sequence[str]) -> bytes:
        """A SELECT's answer as SPARQL TSV, over `graphs` as the default graph (the projection's scans)."""
        default = [ox.NamedNode(g) for g in graphs]
        return tsv_results(self.request(query, accept=_TSV, default_graph=default, named_graphs=[])[1])

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The named graphs, but the store's revision (bookkeeping, not data)."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            g = row["g"]
            if isinstance(g, ox.NamedNode) and g != _REV_GRAPH:
                yield g

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def quads_for_pattern(
        self, subject: object, predicate: object, obj: object, graph: object = None
    ) -> Iterator[ox.Quad]:
        """The quads of the named graphs that match; None matches anything (the default graph is not read)."""
        terms = {"s": subject, "p": predicate, "o": obj, "g": graph}
        bound = {ox.Variable(k): v for k, v in terms.items() if v is not None and not isinstance(v, ox.DefaultGraph)}
        if any(isinstance(v, ox.DefaultGraph) for v in terms.values()):
            return iter(())  # longarm keeps every statement in a named graph
        where = "GRAPH ?g { ?s ?p ?o }" + (f" FILTER(?g != {_REV_GRAPH})" if graph is None else "")
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ {where} }}", substitutions=bound)
        assert isinstance(rows, ox.QuerySolutions)
        return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)

    def __len__(self) -> int:
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_REV_GRAPH}) }}")
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
        text = prologue(update, kwargs.get("prefixes") or {}, kwargs.get("base_iri")) + update
        if "prefixes" in kwargs:  # a user's update (Store.update), not one this package wrote
            parsed_here(text, update=True)
        self.endpoint.post(target, urlencode([("update", text)]).encode("utf-8"), _FORM, "*/*")

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads, in requests of :data:`_INSERT_BATCH` statements (each atomic, not the whole).

        Blank nodes are written as skolem IRIs (:mod:`.skolem`), the same node as the same
        IRI within the call.
        """
        names = Skolemizer()
        batch: list[ox.Quad] = []
        for q in quads:
            batch.append(ox.Quad(names.term(q.subject), q.predicate, names.term(q.object), q.graph_name))
            if len(batch) >= _INSERT_BATCH:
                self.update(insert_data(batch))
                batch.clear()
        if batch:
            self.update(insert_data(batch))

    def remove_graph(self, graph: ox.NamedNode) -> None:
        self.update(f"DROP SILENT GRAPH {graph}")

    def flush(self) -> None:
        """Nothing to do: the engine writes what it is sent."""

    def backup(self, target: str) -> None:
        raise StoreError("a checkpoint of a remote store cannot be made here: the engine's own backup does it")

    def bulk_load(
        self, input: IO[bytes], format: ox.RdfFormat, *, to_graph: ox.NamedNode, names: Skolemizer | None = None
    ) -> None:
        """What the bulk loader does for an embedded store: the statements of `input` added to `to_graph`.

        Sent in updates of :data:`_INSERT_BATCH` statements; `names` keeps blank nodes the
        same across the calls of one write.
        """
        names = names or Skolemizer()
        batch: list[ox.Quad] = []
        for q in ox.parse(input, format=format):  # a SyntaxError as the bulk loader raises it
            batch.append(ox.Quad(names.term(q.subject), q.predicate, names.term(q.object), to_graph))
            if len(batch) >= _INSERT_BATCH:
                self.update(insert_data(batch))
                batch.clear()
        if batch:
            self.update(insert_data(batch))


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
            f"DELETE WHERE {{ GRAPH {_REV_GRAPH} {{ {_REV_GRAPH} {_REVISION} ?r }} }} ;\n"
            f"INSERT DATA {{ GRAPH {_REV_GRAPH} {{ {_REV_GRAPH} {_REVISION} {ox.Literal(revision)} }} }}"
        )
        with self._lock:
            self._seen, self._checked = revision, time.monotonic()

    def _read_revision(self) -> str | None:
        rows = self.remote.query(f"SELECT ?r WHERE {{ GRAPH {_REV_GRAPH} {{ {_REV_GRAPH} {_REVISION} ?r }} }}")
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
        """As the embedded store does, with every blank node written as a skolem IRI (:mod:`.skolem`)."""
        names = Skolemizer()
        super().replace_graphs(
            {g: names.triples(ts) for g, ts in graphs.items()},
            derived=derived,
            removals=removals,
            additions={g: names.triples(ts) for g, ts in (additions or {}).items()},
        )

    def _bulk_load(self, sources: Iterable[IO[bytes]], graph: ox.NamedNode, failed: list[BaseException]) -> None:
        """The statements of a bulk write, sent in updates (see :meth:`Store.bulk_add_graph`).

        As on the embedded store, they are in the store before the provenance statement that
        commits them, and a failure drops them again; but no journal is kept beside a remote
        store, so a process killed during the write leaves its statements uncommitted in the
        engine (an import without provenance, which ``longarm import --remove`` cannot name).
        """
        names = Skolemizer()
        try:
            for source in sources:
                with source:
                    self.remote.bulk_load(source, ox.RdfFormat.N_TRIPLES, to_graph=graph, names=names)
        except BaseException as exc:  # raised again in the writer's thread
            failed.append(exc)

    def changed_subjects_since_revision(self, revision: str) -> frozenset[Subject] | None:
        return None  # no change log kept for a remote store

    def change_log_bytes(self) -> int:
        return 0

    def forget_changes_before(self, revision: str) -> None:
        return None
