"""The one store abstraction: an Oxigraph store on disk, or in memory for tests.

Named graphs separate sources: each loaded document has its own graph, inferred facts
have theirs. :meth:`Store.replace_graphs` swaps the content of several graphs in one
transaction, so a failed load leaves the store as it was. Queries see the union of all
graphs as their default graph unless told otherwise, and take their parameters as bound
values, never as text spliced into the query.

Examples
--------
>>> import pyoxigraph as ox
>>> store = Store.in_memory()
>>> t = ox.Triple(ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.Literal("x"))
>>> store.replace_graphs({"https://e.org/g": [t]})
>>> store.count_triples()
1
>>> rows = store.select("SELECT ?s ?o WHERE { ?s ?p ?o }", {"s": ox.NamedNode("https://e.org/a")})
>>> [row["o"].value for row in rows]
['x']
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
import rdflib

from ...ontology.namespace import INFERRED_PREFIX, META_GRAPH, PREFIXES, REVISION_GRAPH
from ..base.errors import QueryError, StoreError, StoreInUseError
from ..text.sparql_guard import check_no_outbound, declares_dataset
from ..text.update_targets import written_graphs
from .change_log import ChangeLog, Subject

__all__ = ["CHANGE_LOG_SUBJECTS", "Store", "Term", "fact_graphs", "run_update"]

Term = Subject | ox.Literal
#: A write that touches more subjects than this is logged as "unknown" (see
#: :meth:`Store.changed_subjects`): its readers re-read everything.
CHANGE_LOG_SUBJECTS = 20_000
_CHANGE_LOG_LENGTH = 64
#: How long :meth:`Store.open_beside` keeps trying to checkpoint a store its holder keeps writing, in seconds.
_CHECKPOINT_PATIENCE = 10.0
#: Statements removed per transaction when a bulk-written graph is dropped again.
_DROP_BATCH = 100_000


class Store:
    """A quad store with named graphs per source; see the module docstring."""

    def __init__(
        self, inner: ox.Store, path: Path | None = None, *, read_only: bool = False, revision: str | None = None
    ) -> None:
        self._inner = inner
        self.path = path
        #: True for a store opened to read only (:meth:`open_read_only`, :meth:`open_beside`):
        #: every write is refused, and nothing is written beside it (revision, change log,
        #: projection snapshot).
        self.read_only = read_only
        self._pinned_revision = revision
        self._generation = 0
        # One entry per generation: the subjects whose statements that step changed
        # (None: unknown). Contiguous; the oldest entries are dropped.
        self._changes: deque[tuple[int, frozenset[Subject] | None]] = deque(maxlen=_CHANGE_LOG_LENGTH)
        #: Held by writers whose change reads the store first (validation, provenance),
        #: so that two such writes never interleave.
        self.write_lock = threading.RLock()
        self._change_log: ChangeLog | None = None

    def version(self) -> int:
        """A value that changes whenever the store's content changes: the writes made through this object.

        Cheap enough to ask at every request. No other process can write an on-disk store
        this object holds open (RocksDB locks it), and every write method counts itself
        before and after it writes (:meth:`touch`).
        """
        return self._generation

    def touch(self, *, revise: bool = True, subjects: frozenset[Subject] | None = None) -> None:
        """Record that the content changes or changed (done by every write method).

        `subjects` are the subjects whose statements changed, for readers that bring what
        they derived up to date instead of re-reading everything
        (:meth:`changed_subjects`); None (the default) means "unknown", which is always
        safe. A writer that touches before and after it writes says the empty set before
        and the whole change after.

        Besides the in-process counter, an on-disk store draws a new random
        :meth:`revision`, so that a projection snapshot saved for older content is never
        taken for the current one, even by another process. Writers call this before and
        after they write: a snapshot built while a write is under way is saved under a
        revision that no longer holds once it is done.
        """
        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only: it cannot be written")
        self._generation += 1
        self._changes.append((self._generation, subjects))
        if self.path is None or not revise:
            return
        target, previous, revision = self._revision_path(), self.revision(), uuid.uuid4().hex
        temp = target.with_name(target.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            if previous is not None:  # the step from the previous revision, for readers in later processes
                self._log().append(previous, revision, subjects)
            temp.write_text(revision + "\n", encoding="ascii")
            temp.replace(target)
        except OSError as exc:
            raise StoreError(f"cannot record the store's revision in {target}: {exc}") from exc

    def changed_subjects_since_revision(self, revision: str) -> frozenset[Subject] | None:
        """The subjects whose statements changed since the store was at `revision`; None if unknown.

        Read from the change log kept beside an on-disk store
        (:class:`~longarm.graph.store.change_log.ChangeLog`, written by :meth:`touch`), so it
        answers for writes made by earlier processes too: a snapshot of derived data saved
        at `revision` can be brought up to date instead of made again. Unknown in memory,
        when a step did not say what it changed, or when the log does not lead from
        `revision` to the current one.
        """
        current = self.revision()
        if self.path is None or current is None:
            return None
        return self._log().since(revision, current, limit=CHANGE_LOG_SUBJECTS)

    def change_log_bytes(self) -> int:
        """The size of the on-disk change log (0 in memory or without one)."""
        return 0 if self.path is None else self._log().size()

    def forget_changes_before(self, revision: str) -> None:
        """Drop the change log's steps that do not lead on from `revision`.

        Called once what is derived from the store is saved for `revision`: older steps
        can no longer serve. Nothing is dropped from a read-only store: its log is not its own.
        """
        if self.path is not None and not self.read_only:
            self._log().prune(revision)

    def _log(self) -> ChangeLog:
        assert self.path is not None
        if self._change_log is None:
            self._change_log = ChangeLog(self.path.with_name(self.path.name + ".changes"))
        return self._change_log

    def changed_subjects(self, since: int) -> frozenset[Subject] | None:
        """The subjects whose statements changed after :meth:`version` was `since`; None if unknown.

        Unknown when a write did not say what it changed (a SPARQL update whose text does
        not name the graphs it writes, a write of more than :data:`CHANGE_LOG_SUBJECTS`
        subjects, a bulk load by other code) or when `since` is older than the log kept
        here. Writes to derived graphs change nothing here.

        >>> import pyoxigraph as ox
        >>> store = Store.in_memory()
        >>> before = store.version()
        >>> a = ox.NamedNode("https://e.org/a")
        >>> store.replace_graphs({"https://e.org/g": [ox.Triple(a, a, ox.Literal("x"))]})
        >>> store.changed_subjects(before) == {a}
        True
        >>> store.update("INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/b> <https://e.org/p> 1 } }")
        >>> sorted(s.value for s in store.changed_subjects(before))
        ['https://e.org/a', 'https://e.org/b']
        >>> store.touch()  # a write that does not say what it changed
        >>> store.changed_subjects(before) is None
        True
        """
        entries = list(self._changes)
        if since >= self._generation:
            return frozenset()
        if not entries or entries[0][0] > since + 1:
            return None  # older than the log
        out: set[Subject] = set()
        for generation, subjects in entries:
            if generation > since:
                if subjects is None:
                    return None
                out |= subjects
        return frozenset(out)

    def revision(self) -> str | None:
        """A random token that changes with every write made through :class:`Store`.

        Kept beside an on-disk store (``<store>.revision``), so it survives restarts and
        keys on-disk snapshots of derived data (:mod:`longarm.graph.projection.snapshot`). None in
        memory, and before the first write through this class (e.g. a store another tool
        filled: such writes are not seen). A read-only store answers the revision read just
        before it was opened: its content is at least that recent.
        """
        if self.read_only:
            return self._pinned_revision
        return None if self.path is None else _read_revision(self.path)

    def _revision_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + ".revision")

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating if needed) an on-disk store at `path`, to read and write it.

        Raises
        ------
        StoreInUseError
            If another process holds the store (a running ``longarm serve``): RocksDB lets
            one process at a time open it so. :meth:`open_beside` reads it meanwhile.
        StoreError
            If it cannot be opened for another reason.
        """
        p = Path(path)
        try:
            p.mkdir(parents=True, exist_ok=True)
            store = cls(ox.Store(str(p)), p)
        except OSError as exc:
            if _locked_by_another_process(exc):
                raise StoreInUseError(str(p)) from exc
            raise StoreError(f"cannot open the store at {p}: {exc}") from exc
        store._finish_interrupted_bulk_write()
        return store

    @classmethod
    def open_read_only(cls, path: str | Path) -> Store:
        """Open an on-disk store read-only, as it is now, for a store no other process writes.

        The store is a snapshot of the moment it was opened: reopen it to see later writes.
        Used on checkpoints (:meth:`open_beside`, :mod:`~longarm.graph.sparql.pool`):
        reading the live directory of a store another process writes can fail once that
        process compacts away a file this one has not opened yet.
        """
        p = Path(path)
        revision = _read_revision(p)  # before opening: the content is at least this recent
        try:
            return cls(ox.Store.read_only(str(p)), p, read_only=True, revision=revision)
        except OSError as exc:
            raise StoreError(f"cannot open the store at {p} read-only: {exc}") from exc

    @classmethod
    def open_beside(cls, path: str | Path) -> Store:
        """Open, read-only, a store that another process holds and may be writing (a running server).

        Reads a private checkpoint of it (:meth:`pyoxigraph.Store.backup` of a read-only
        view: hard links to its immutable files, a few milliseconds), so that files the
        other process compacts away meanwhile are still there to read. Opening a view of a
        store that another process writes can meet a file that process has just removed
        (a flushed log, a compacted table): that fails with an error, and the checkpoint is
        made again, after a short random pause, for up to :data:`_CHECKPOINT_PATIENCE`
        seconds (a server written several times a second). The checkpoint goes to a temporary
        directory on the store's file system (the system's if it is the same, else beside
        the store; elsewhere RocksDB would copy the files), and is removed when the store
        object is collected or the process exits.

        The store is the holder's as of the moment it was opened (a write under way may or
        may not be in it); :attr:`path` is still the store's own, so the projection
        snapshot and change log kept beside it are read, but nothing is written there.

        Raises
        ------
        StoreError
            If there is no store at `path`, or no checkpoint could be made in time.
        """
        p = Path(path)
        if not (p / "CURRENT").is_file():
            raise StoreError(f"there is no store at {p}")
        scratch = _scratch_dir(p)
        deadline, attempt = time.monotonic() + _CHECKPOINT_PATIENCE, 0
        while True:
            target = scratch / f"checkpoint-{attempt}"
            revision = _read_revision(p)  # before the view: its content is at least this recent
            try:
                ox.Store.read_only(str(p)).backup(str(target))  # the view is closed at once
                inner = ox.Store.read_only(str(target))
                break
            except (OSError, RuntimeError) as exc:  # a file removed under the view: again
                shutil.rmtree(target, ignore_errors=True)
                attempt += 1
                if time.monotonic() >= deadline:
                    shutil.rmtree(scratch, ignore_errors=True)
                    raise StoreError(
                        f"cannot read the store at {p} beside the process that holds it, which kept "
                        f"changing it for {_CHECKPOINT_PATIENCE:.0f} s ({attempt} tries; the last: {exc})"
                    ) from exc
                time.sleep(random.uniform(0.0, min(0.2, 0.005 * 2**attempt)))  # out of step with the writes
        store = cls(inner, p, read_only=True, revision=revision)
        # Removed when the store is collected, or at exit (Linux keeps open files readable).
        weakref.finalize(store, shutil.rmtree, str(scratch), ignore_errors=True)
        return store

    @classmethod
    def in_memory(cls) -> Store:
        """A fresh store in memory."""
        return cls(ox.Store())

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for code that needs its full API."""
        return self._inner

    def flush(self) -> None:
        """Write buffered data to disk (a no-op in memory or read-only)."""
        if self.path is not None and not self.read_only:
            self._inner.flush()

    # ------------------------------------------------------------------ reading

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._inner.named_graphs() if isinstance(g, ox.NamedNode))

    def count_triples(self, graph: str | None = None) -> int:
        """Number of quads in `graph`, or in the whole store."""
        if graph is None:
            return len(self._inner)
        return sum(1 for _ in self._inner.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """The triples of one named graph."""
        for q in self._inner.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield q.triple

    def select(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        union: bool = True,
    ) -> list[dict[str, Term]]:
        """Run a prepared SELECT with bound variables; return rows as dicts.

        Oxigraph substitutes only variables of the projection, so a bound variable must
        appear in the SELECT clause. Unbound variables are left out of a row.
        """
        result = self.query(query, bindings, union=union)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select() takes a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def query(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        union: bool = True,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> Any:
        """Run a SPARQL query; variables in `bindings` are substituted as values.

        The prefixes of :data:`~longarm.ontology.namespace.PREFIXES` are declared.
        Relative IRIs are resolved against `base_iri` (the query's own ``BASE`` wins);
        without it, a relative IRI is a syntax error.
        The default graph is `default_graphs` if given, else the dataset the query
        declares (``FROM``, ``FROM NAMED``), else the union of all graphs if `union`.
        Returns Oxigraph's result object (solutions, boolean or triples).
        """
        kwargs: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": base_iri}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            # Oxigraph's union flag overrides FROM: a query's own dataset must win.
            kwargs["use_default_graph_as_union"] = union and not declares_dataset(query)
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in bindings.items()}
        try:
            return self._inner.query(query, **kwargs)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None

    def to_rdflib(self, graphs: Iterable[str] | None = None) -> rdflib.Graph:
        """Copy the union of `graphs` (default: all named graphs) into an rdflib graph."""
        chosen = list(graphs) if graphs is not None else self.named_graphs()
        out = rdflib.Graph()
        for g in chosen:
            data = ox.serialize(self.triples(g), format=ox.RdfFormat.N_TRIPLES)
            if data:
                out.parse(data=data, format="nt")
        return out

    @contextlib.contextmanager
    def scratch_copy(self) -> Iterator[ox.Store]:
        """A writable copy of the store as it is now, to try a change on before making it; deleted after.

        On disk, a checkpoint (:meth:`pyoxigraph.Store.backup`: hard links to the store's
        immutable files, milliseconds whatever the size) made under the write lock (a
        checkpoint taken during a write can fail) and opened for writing: what is written
        to it goes to files of its own, never the store's. In memory, a copy of every quad
        (stores in memory are small: tests, the bundled dataset).

        Raises
        ------
        StoreError
            If the checkpoint cannot be made or opened.
        """
        if self.path is None:
            copy = ox.Store()
            copy.extend(self._inner)
            yield copy
            return
        scratch = _scratch_dir(self.path)
        try:
            target = scratch / "copy"
            try:
                with self.write_lock:
                    self._inner.backup(str(target))
                copy = ox.Store(str(target))
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"cannot make a scratch copy of the store at {self.path}: {exc}") from exc
            yield copy
            del copy  # closes it before its files go
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    # ------------------------------------------------------------------ writing

    def update(self, update: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction, with the prefixes and `base_iri` as in :meth:`query`.

        ``LOAD`` (which would fetch a URL) and ``SERVICE`` are refused with a
        :class:`QueryError`, see :func:`~longarm.graph.text.sparql_guard.check_no_outbound`.
        The subjects of the named graphs the update can write
        (:func:`~longarm.graph.text.update_targets.written_graphs`) are compared before and
        after it, for :meth:`changed_subjects`; "unknown" when its text cannot tell.
        """
        check_no_outbound(update)
        graphs = written_graphs(update, base_iri=base_iri)
        observed = None if graphs is None else fact_graphs(graphs)
        before = None if observed is None else self._subjects_of(observed)
        self.touch(subjects=frozenset())
        changed: frozenset[Subject] | None = None
        try:
            run_update(self._inner, update, base_iri=base_iri)
            after = None if observed is None or before is None else self._subjects_of(observed)
            changed = _union(before, after)
        finally:
            self.touch(subjects=changed)
        self.flush()

    def replace_graphs(
        self,
        graphs: Mapping[str, Sequence[ox.Triple]],
        *,
        derived: bool = False,
        removals: Mapping[str, Sequence[ox.Triple]] | None = None,
        additions: Mapping[str, Sequence[ox.Triple]] | None = None,
    ) -> None:
        """Replace the content of each named graph with the given triples, in one transaction.

        In the same transaction, `removals` and `additions` (triples by graph IRI, without
        blank nodes) edit other graphs in place: the provenance records of a load.

        When none of the replaced graphs exists yet and nothing is removed (an upload, a
        first load), all the triples are added in one :meth:`pyoxigraph.Store.extend`,
        atomic, with nothing to parse. Otherwise the whole change is one SPARQL update
        (``DROP`` then ``INSERT DATA`` per replaced graph, ``DELETE DATA`` and ``INSERT DATA``
        for the edits), which Oxigraph applies atomically too. Either way readers see the old graphs or the
        new ones, never a mix, and a failure changes nothing. The update text holds only
        terms serialised by Oxigraph itself (N-Triples escaping) and graph IRIs checked by
        :class:`pyoxigraph.NamedNode`; no user string is spliced into it.

        `derived` graphs hold facts computed from the others (the inferred exposures):
        writing them keeps the store's :meth:`revision`, which keys snapshots of what is
        derived from the asserted facts.
        """
        removals = {g: ts for g, ts in (removals or {}).items() if ts}
        additions = {g: ts for g, ts in (additions or {}).items() if ts}
        observed = fact_graphs({*graphs, *removals, *additions})
        before = frozenset() if derived else self._subjects_of(observed)
        names = {target: ox.NamedNode(target) for target in (*graphs, *removals, *additions)}
        self.touch(revise=not derived, subjects=frozenset())
        changed: frozenset[Subject] | None = None
        try:
            if not removals and not any(self._inner.contains_named_graph(names[g]) for g in graphs):
                self._inner.extend(
                    ox.Quad(t.subject, t.predicate, t.object, names[target])
                    for part in (graphs, additions)
                    for target, triples in part.items()
                    for t in triples
                )
            else:
                operations = [_replacement(names[g], triples) for g, triples in graphs.items()]
                operations += [_data("DELETE", names[g], triples) for g, triples in removals.items()]
                operations += [_data("INSERT", names[g], triples) for g, triples in additions.items()]
                self._inner.update(" ;\n".join(operations))
            changed = _union(before, frozenset() if derived else self._subjects_of(observed))
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"cannot replace graphs: {exc}") from exc
        finally:
            self.touch(revise=not derived, subjects=changed)
        self.flush()

    def bulk_add_graph(
        self,
        graph: str,
        sources: Iterable[IO[bytes]],
        *,
        marker: ox.Quad,
        check: Callable[[], tuple[Mapping[str, Sequence[ox.Triple]], frozenset[Subject] | None]],
    ) -> None:
        """Write the N-Triples of `sources` as a new graph with Oxigraph's bulk loader, checked meanwhile by `check`.

        For imports of millions of statements. The bulk loader writes sorted files straight
        into the store: several times faster than a transaction, and it holds nothing in
        memory, but it is not atomic. So the write is made atomic here:

        1. the graph and `marker`, a statement of the provenance graph that will commit it,
           are written to a journal beside an on-disk store (``<store>.bulk-write``);
        2. the graph is bulk loaded, in a thread, one source after the other (the loader's
           memory follows what it is given at once: a few hundred thousand statements a
           source keep it to a few hundred megabytes), while `check` runs (the validation:
           both are native code and run side by side). `check` returns the statements that commit
           the graph (triples by graph IRI, `marker` among them) and the subjects the graph
           states (for :meth:`touch`; None: too many to list);
        3. those statements are added in one transaction: from then on the graph is part of
           the store;
        4. the journal is removed.

        If `check` or the load fails, the graph is dropped again before the error is raised.
        If the process dies (a crash, SIGKILL), the next :meth:`open` finds the journal and,
        unless `marker` is in the store, drops the graph: after a restart the store holds
        the whole graph or none of it. While the load runs, the graph's statements are in the
        store before its provenance is; readers of this process answer from the projection
        of the store before the write until the write returns, and new query checkpoints
        wait for the write (:mod:`longarm.graph.sparql.checkpoints`).

        Raises
        ------
        StoreError
            If the graph exists already, or it cannot be written (nothing is then left of it).
        """
        name = ox.NamedNode(graph)
        if self._inner.contains_named_graph(name):
            raise StoreError(f"graph <{graph}> exists already: a bulk write makes a new graph")
        journal = self._journal_path()
        self.touch(subjects=frozenset())
        changed: frozenset[Subject] | None = None
        try:
            if journal is not None:
                _write_durably(journal, f"{name}\n{marker} .\n")
            failed: list[BaseException] = []
            loader = threading.Thread(target=self._bulk_load, args=(sources, name, failed), name="longarm-bulk-load")
            loader.start()
            try:
                commit, subjects = check()
            except BaseException:
                loader.join()
                self._drop_graph(name)
                raise
            loader.join()
            try:
                if failed:
                    raise failed[0]
                self._inner.extend(
                    ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, ts in commit.items() for t in ts
                )
            except BaseException as exc:
                self._drop_graph(name)
                if isinstance(exc, OSError | SyntaxError):
                    raise StoreError(f"cannot write graph <{graph}>: {exc}") from exc
                raise
            changed = subjects
        finally:
            self.touch(subjects=changed)
            if journal is not None:
                journal.unlink(missing_ok=True)
        self.flush()

    def _bulk_load(self, sources: Iterable[IO[bytes]], graph: ox.NamedNode, failed: list[BaseException]) -> None:
        try:
            for source in sources:
                with source:
                    self._inner.bulk_load(input=source, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        except BaseException as exc:  # raised again in the writer's thread
            failed.append(exc)

    def _drop_graph(self, graph: ox.NamedNode) -> None:
        """Remove `graph`, a batch of statements per transaction (one transaction for millions would take gigabytes)."""
        batch = f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {_DROP_BATCH}"
        while self._inner.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"):
            self._inner.update(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ {{ {batch} }} }}")
        self._inner.remove_graph(graph)

    def _journal_path(self) -> Path | None:
        return None if self.path is None else self.path.with_name(self.path.name + ".bulk-write")

    def _finish_interrupted_bulk_write(self) -> None:
        """Drop the graph of a bulk write a dead process left unfinished (see :meth:`bulk_add_graph`)."""
        journal = self._journal_path()
        if journal is None or not journal.is_file():
            return
        graph_line, marker_line, *_ = (journal.read_text(encoding="utf-8") + "\n\n").split("\n")
        marker = list(ox.parse(marker_line.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) if marker_line else []
        if not (marker and marker[0] in self._inner) and graph_line.startswith("<") and graph_line.endswith(">"):
            self._drop_graph(ox.NamedNode(graph_line[1:-1]))
            self.touch()
            self.flush()
        journal.unlink()

    def _subjects_of(self, graphs: Iterable[str]) -> frozenset[Subject] | None:
        """The subjects of the named graphs, or None if there are more than :data:`CHANGE_LOG_SUBJECTS`."""
        out: set[Subject] = set()
        for target in graphs:
            # The graph IRI is checked and serialised by Oxigraph, never user text spliced in.
            graph, limit = ox.NamedNode(target), CHANGE_LOG_SUBJECTS + 1
            query = f"SELECT DISTINCT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {limit}"
            solutions = self._inner.query(query)
            assert isinstance(solutions, ox.QuerySolutions)
            for row in solutions:
                subject = row[0]
                if isinstance(subject, Subject):
                    out.add(subject)
            if len(out) > CHANGE_LOG_SUBJECTS:
                return None
        return frozenset(out)


def _replacement(graph: ox.NamedNode, triples: Sequence[ox.Triple]) -> str:
    """The SPARQL update text replacing `graph` with `triples`: terms serialised by Oxigraph only."""
    if not triples:
        return f"DROP SILENT GRAPH {graph}"
    return f"DROP SILENT GRAPH {graph} ;\n" + _data("INSERT", graph, triples)


def _data(operation: str, graph: ox.NamedNode, triples: Sequence[ox.Triple]) -> str:
    """``INSERT DATA`` or ``DELETE DATA`` of `triples` in `graph`: terms serialised by Oxigraph only."""
    body = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return f"{operation} DATA {{ GRAPH {graph} {{\n{body}}} }}"


def run_update(inner: ox.Store, update: str, *, base_iri: str | None = None) -> None:
    """Run `update` on an Oxigraph store with longarm's prefixes, its errors as longarm's.

    For :meth:`Store.update` and for trying an update on a scratch copy
    (:meth:`Store.scratch_copy`) first: both fail alike.

    Raises
    ------
    QueryError
        For a syntax error, or an operation that fails (``DROP GRAPH`` of a graph that
        does not exist, an invalid base IRI).
    StoreError
        If the store cannot be written.
    """
    try:
        inner.update(update, prefixes=PREFIXES, base_iri=base_iri)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except (ValueError, RuntimeError) as exc:  # e.g. DROP GRAPH of a graph that does not exist
        raise QueryError(f"SPARQL update failed: {exc}") from None
    except OSError as exc:
        raise StoreError(f"SPARQL update failed: {exc}") from exc


def _write_durably(path: Path, text: str) -> None:
    """Write `text` to `path` and make sure it is on disk before going on."""
    with path.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


def _read_revision(path: Path) -> str | None:
    """The revision recorded beside the on-disk store at `path` (see :meth:`Store.revision`)."""
    try:
        return path.with_name(path.name + ".revision").read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def _locked_by_another_process(exc: OSError) -> bool:
    """Whether opening a store failed on its lock, held by another process.

    RocksDB says "While lock file: <store>/LOCK: <reason>" when its lock call fails (the
    file is locked by another process), and "lock hold by current process" when this
    process has the store open already: that one is a bug here, not a server.
    """
    message = str(exc)
    return "While lock file" in message and "current process" not in message


def _scratch_dir(path: Path) -> Path:
    """A new temporary directory on the file system of the store at `path`, for a checkpoint of it.

    The system's temporary directory if it is on the same device, else one beside the store
    (hard links need the same file system); the system's as a last resort (RocksDB then
    copies the files).
    """
    system = Path(tempfile.gettempdir())
    prefix = path.name + ".reader-"
    try:
        if system.stat().st_dev != path.stat().st_dev:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=path.parent))
    except OSError:
        pass
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=system))
    except OSError as exc:
        raise StoreError(f"cannot make a temporary directory to read the store at {path}: {exc}") from exc


def fact_graphs(graphs: Iterable[str]) -> list[str]:
    """The graphs among `graphs` that hold facts: not the provenance graph, not the derived ones, not the revision.

    The projection is read from these (:func:`~longarm.graph.projection.reader.build_projection`).
    """
    return [g for g in graphs if g not in (META_GRAPH, REVISION_GRAPH) and not g.startswith(INFERRED_PREFIX)]


def _union(before: frozenset[Subject] | None, after: frozenset[Subject] | None) -> frozenset[Subject] | None:
    """The subjects a write changed: those of its graphs before and after; None if unknown or too many."""
    if before is None or after is None or len(before | after) > CHANGE_LOG_SUBJECTS:
        return None
    return before | after
