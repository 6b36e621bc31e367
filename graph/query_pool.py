"""Running SPARQL queries with a deadline that really stops them, and a result cap.

Oxigraph evaluates a query in Rust, inside the calling process, and a Python thread
cannot be stopped. So :class:`QueryPool` runs queries in worker **processes**, each
answering one query at a time; the caller waits for the answer until the deadline, and
past it kills the worker (``SIGKILL``), which really ends the work, and a fresh worker
takes its place. The server awaits the answer on its event loop (:meth:`QueryPool.arun`;
:meth:`QueryPool.run` blocks a thread instead), so other requests are served meanwhile by
the other workers. The deadline counts from the call: waiting for a free worker counts too.

Workers open the store read-only, but not the live directory, which the server keeps
writing: a read-only RocksDB view of it can refer to files a later compaction deletes
(queries then fail with "No such file"). They open a **snapshot** instead: a checkpoint
of the store (:meth:`pyoxigraph.Store.backup`, hard links to its immutable files, a few
milliseconds) in ``<store>.query-snapshots``, made again whenever the primary store's
:meth:`Store.version` has changed, so a query sees every write made before it was sent.

The **result cap**: a SELECT answers at most ``cap`` rows, a CONSTRUCT or DESCRIBE at
most ``cap`` triples. A longer result is *truncated* to the first ``cap`` (in the order
of the query), and :attr:`QueryAnswer.truncated` says so; ``ORDER BY`` with ``LIMIT``
chooses which ones. Solutions are serialised as SPARQL JSON here, then converted by
Oxigraph when another results format was asked for.

In-memory stores (tests) cannot be opened by another process: :class:`InProcessRunner`
runs the query in the calling thread, with the same cap and **no deadline**.
:func:`query_runner` picks the right one for a store.

Examples
--------
>>> from longarm.graph.store import Store
>>> import pyoxigraph as ox
>>> store = Store.in_memory()
>>> t = ox.Triple(ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.Literal("x"))
>>> store.replace_graphs({"https://e.org/g": [t, ox.Triple(t.subject, t.predicate, ox.Literal("y"))]})
>>> task = QueryTask("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", "text/csv", cap=1)
>>> answer = answer_query(store, task)
>>> answer.body, answer.truncated, answer.count
(b'o\\r\\nx\\r\\n', True, 1)
>>> relative = QueryTask("SELECT ?x WHERE { BIND(<a> AS ?x) }", "text/csv", base_iri="https://e.org/sparql")
>>> answer_query(store, relative).body
b'x\\r\\nhttps://e.org/a\\r\\n'
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import multiprocessing
import queue
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from ..ontology.namespace import PREFIXES
from .errors import InputError, LongarmError, QueryError, QueryTimeoutError, StoreError
from .sparql_guard import check_no_outbound
from .store import Store

__all__ = ["InProcessRunner", "QueryAnswer", "QueryPool", "QueryRunner", "QueryTask", "answer_query", "query_runner"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_JSON = "application/sparql-results+json"
_TURTLE = "text/turtle"


@dataclass(frozen=True, slots=True)
class QueryTask:
    """One query to answer, in the media type negotiated for it.

    `default_graphs` and `named_graphs` are the Protocol's dataset (None: not given); when
    neither is given, the query's own ``FROM`` clauses or else the union of all graphs make
    the default graph. Relative IRIs in the query are resolved against `base_iri` (the
    server gives the endpoint's own IRI), unless the query declares its own ``BASE``;
    without one, a relative IRI is a syntax error.
    """

    text: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    cap: int = 10_000
    base_iri: str | None = None


@dataclass(frozen=True, slots=True)
class QueryAnswer:
    """A serialised answer: its bytes, media type, and whether the cap truncated it."""

    body: bytes
    media_type: str
    truncated: bool = False
    count: int | None = None  # rows or triples in the body; None for ASK


def answer_query(store: Store, task: QueryTask) -> QueryAnswer:
    """Evaluate `task` on `store` and serialise the answer, truncated to ``task.cap``.

    Raises
    ------
    QueryError
        For SERVICE or LOAD, a syntax error, or an invalid graph IRI or base IRI.
    StoreError
        If the store fails while the query runs.
    """
    check_no_outbound(task.text)
    try:
        result = store.query(
            task.text, default_graphs=task.default_graphs, named_graphs=task.named_graphs, base_iri=task.base_iri
        )
    except ValueError as exc:  # an invalid IRI in the dataset, or an invalid base IRI
        raise QueryError(str(exc)) from None
    # Oxigraph's result objects must be dropped on the thread that made them: serialise
    # here and release the result before any error leaves this frame.
    try:
        if isinstance(result, ox.QueryBoolean):
            media, fmt = _results_format(task.media_type)
            return QueryAnswer(result.serialize(format=fmt) or b"", media)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, task.media_type, task.cap)
        return _triples(result, task.media_type, task.cap)
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"the query failed while it ran: {exc}") from exc
    finally:
        del result


def _results_format(media: str) -> tuple[str, ox.QueryResultsFormat]:
    fmt = ox.QueryResultsFormat.from_media_type(media)
    return (media, fmt) if fmt is not None else (_JSON, ox.QueryResultsFormat.JSON)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once: json.dumps makes one per call


def _solutions(result: ox.QuerySolutions, media: str, cap: int) -> QueryAnswer:
    names = [v.value for v in result.variables]
    rows = list(itertools.islice(result, cap + 1))
    truncated = len(rows) > cap
    bindings = []
    for row in rows[:cap]:
        binding = {}
        for n, term in zip(names, row, strict=True):
            if term is not None:
                binding[n] = _json_term(term)
        bindings.append(binding)
    document = {"head": {"vars": names}, "results": {"bindings": bindings}}
    body = _ENCODER.encode(document).encode()
    media, fmt = _results_format(media)
    if fmt != ox.QueryResultsFormat.JSON:
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt) or b""
    return QueryAnswer(body, media, truncated, len(bindings))


def _json_term(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 Query Results JSON Format (with RDF 1.2 triple terms)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
    return {"type": "triple", "value": {k: _json_term(v) for k, v in parts.items()}}


def _triples(result: ox.QueryTriples, media: str, cap: int) -> QueryAnswer:
    triples = list(itertools.islice(result, cap + 1))
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        media, fmt = _TURTLE, ox.RdfFormat.TURTLE
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    body = ox.serialize(triples[:cap], format=fmt, prefixes=prefixes) or b""
    return QueryAnswer(body, media, len(triples) > cap, min(len(triples), cap))


# ---------------------------------------------------------------------- runners


class QueryRunner(Protocol):
    """Answers queries on one store; see :class:`QueryPool` and :class:`InProcessRunner`."""

    timeout: float | None

    def run(self, task: QueryTask) -> QueryAnswer:
        """Answer `task`, blocking the calling thread."""
        ...

    async def arun(self, task: QueryTask) -> QueryAnswer:
        """Answer `task` without blocking the running event loop."""
        ...

    def close(self) -> None:
        """Release the runner's resources."""
        ...


class InProcessRunner:
    """Runs queries in the calling thread: for in-memory stores, with **no deadline**."""

    timeout: float | None = None

    def __init__(self, store: Store) -> None:
        self._store = store

    def run(self, task: QueryTask) -> QueryAnswer:
        """Answer `task` on the store, in this thread."""
        return answer_query(self._store, task)

    async def arun(self, task: QueryTask) -> QueryAnswer:
        """Answer `task` on the store, in a thread (the event loop goes on meanwhile)."""
        return await asyncio.to_thread(self.run, task)

    def close(self) -> None:
        """Nothing to release."""


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: SpawnContext) -> None:
        self.conn, child = ctx.Pipe()
        self.process: SpawnProcess = ctx.Process(target=_serve, args=(child,), name="longarm-query-worker", daemon=True)
        self.process.start()
        child.close()

    def stop(self, *, kill: bool) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.process.close()
        self.conn.close()


class QueryPool:
    """Worker processes answering queries on an on-disk store, each within a deadline.

    `workers` processes are started at once. A query past `timeout` seconds gets
    :class:`QueryTimeoutError` and its worker is killed and replaced. Workers read
    snapshots of the store (see :class:`_Snapshots`). Call :meth:`close` when done.
    """

    def __init__(self, store: Store, *, workers: int = 2, timeout: float = 30.0) -> None:
        if store.path is None:
            raise ValueError("a query pool needs an on-disk store")
        if workers < 1 or timeout <= 0:
            raise ValueError("a query pool needs at least one worker and a positive timeout")
        self.timeout: float | None = timeout
        self._snapshots = _Snapshots(store)
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        # Callers of arun waiting for a worker, first come first served (under _lock).
        self._waiters: collections.deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[_Worker | None]]]
        self._waiters = collections.deque()
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            self._idle.put(self._spawn())

    def run(self, task: QueryTask) -> QueryAnswer:
        """Answer `task` in a worker, or raise :class:`QueryTimeoutError` past the deadline."""
        timeout = self.timeout or 0.0
        deadline = time.monotonic() + timeout
        try:
            slot = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeoutError(_no_worker(timeout)) from None
        worker: _Worker | None = slot
        try:
            if worker is not None and not worker.process.is_alive():  # died while idle (e.g. killed)
                self._retire(worker)
                worker = None
            worker = worker or self._spawn()
            snapshot = self._snapshots.lend(worker)
            reply = self._ask(worker, (str(snapshot), task), deadline)
            if reply is None:
                self._retire(worker)
                worker = None
                raise _past_deadline(timeout)
        except (OSError, EOFError) as exc:
            if worker is not None:
                self._retire(worker)
                worker = None
            raise StoreError(f"a query worker failed: {exc}") from None
        finally:
            self._release(worker)  # None: a fresh worker is started by the next caller
        return _unpack(reply)

    async def arun(self, task: QueryTask) -> QueryAnswer:
        """As :meth:`run`, but waiting on the running event loop, not in a thread.

        The caller waits for a free worker, then for its reply, on the loop: a light
        query's answer takes 0.2-0.5 ms in the worker, and two thread switches cost as
        much again on a VM. Only starting a worker or making a snapshot (after a write) is done
        in a thread. A worker whose caller is cancelled (the client went away) before its
        reply came is killed: the reply would otherwise reach the next query.
        """
        timeout = self.timeout or 0.0
        deadline = time.monotonic() + timeout
        worker = await self._acquire(deadline)
        if worker is not None and not worker.process.is_alive():  # died while idle (e.g. killed)
            self._retire(worker)
            worker = None
        snapshot = self._snapshots.lend_at_once(worker) if worker is not None else None
        if worker is None or snapshot is None:
            worker, snapshot = await self._prepare(worker)
        sent = replied = False
        try:
            if time.monotonic() >= deadline:  # the wait for a worker (or its start) took it all
                raise QueryTimeoutError(_no_worker(timeout))
            sent = True  # from here, a worker without its reply is killed
            worker.conn.send((str(snapshot), task))
            if not await _readable(worker.conn, deadline):
                raise _past_deadline(timeout)
            reply: tuple[Any, ...] = worker.conn.recv()
            replied = True
        except (OSError, EOFError) as exc:
            raise StoreError(f"a query worker failed: {exc}") from None
        finally:
            if sent and not replied:  # past the deadline, broken, or cancelled while it worked
                self._retire(worker)
                self._release(None)  # a fresh worker is started by the next caller
            else:
                self._release(worker)
        return _unpack(reply)

    async def _prepare(self, worker: _Worker | None) -> tuple[_Worker, Path]:
        """Start a worker if `worker` is None and lend it the snapshot, in a thread (each may take a while).

        If the caller goes away meanwhile, the worker is given back once ready; if it
        cannot be made ready, its slot is given back.
        """

        def prepare() -> tuple[_Worker, Path]:
            ready = worker
            try:
                if ready is None:
                    ready = self._spawn()
                return ready, self._snapshots.lend(ready)
            except BaseException:
                self._release(ready)  # None if it could not start: the next caller tries again
                raise

        job = asyncio.ensure_future(asyncio.to_thread(prepare))
        try:
            return await asyncio.shield(job)
        except asyncio.CancelledError:
            job.add_done_callback(self._give_back)
            raise

    def _give_back(self, job: asyncio.Future[tuple[_Worker, Path]]) -> None:
        """A worker made ready for a caller that went away meanwhile goes back to the pool."""
        if not job.cancelled() and job.exception() is None:
            self._release(job.result()[0])

    async def _acquire(self, deadline: float) -> _Worker | None:
        """An idle worker (None: one to start), waited for on the loop until `deadline`."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[_Worker | None] = loop.create_future()
        with self._lock:
            if self._closed:
                raise StoreError("the query pool is closed")
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                self._waiters.append((loop, waiter))

        def expire() -> None:
            if not waiter.done():
                waiter.set_exception(QueryTimeoutError(_no_worker(self.timeout or 0.0)))

        timer = loop.call_later(max(0.0, deadline - time.monotonic()), expire)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # handed over just as the caller went away
            raise
        finally:
            timer.cancel()

    def _release(self, worker: _Worker | None) -> None:
        """Give `worker` back (None: a fresh one is to be started): to the first caller
        waiting on an event loop, else to the idle queue."""
        while True:
            with self._lock:
                if not self._waiters:
                    self._idle.put(worker)
                    return
                loop, waiter = self._waiters.popleft()
            if waiter.done():  # past its deadline, or cancelled
                continue
            if _running_loop() is loop:  # on the waiter's loop already (arun): no wake-up to send
                waiter.set_result(worker)
                return
            try:
                loop.call_soon_threadsafe(self._hand, waiter, worker)
                return
            except RuntimeError:  # its loop is closed
                continue

    def _hand(self, waiter: asyncio.Future[_Worker | None], worker: _Worker | None) -> None:
        """On the waiter's loop: give it `worker`, or pass it on if it stopped waiting meanwhile."""
        if waiter.done():
            self._release(worker)
        else:
            waiter.set_result(worker)

    def _ask(self, worker: _Worker, message: tuple[str, QueryTask], deadline: float) -> tuple[Any, ...] | None:
        worker.conn.send(message)
        if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
            return None
        reply: tuple[Any, ...] = worker.conn.recv()
        return reply

    def _spawn(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise StoreError("the query pool is closed")
            try:
                worker = _Worker(self._ctx)
            except OSError as exc:
                raise StoreError(f"cannot start a query worker: {exc}") from exc
            self._live.add(worker)
            return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker (past its deadline, or broken) and forget its snapshot."""
        with self._lock:
            self._live.discard(worker)
        worker.stop(kill=True)
        self._snapshots.release(worker)

    def close(self) -> None:
        """Stop every worker (idle ones cleanly, busy ones by killing them) and remove the snapshots."""
        with self._lock:
            self._closed = True
            live, self._live = self._live, set()
            waiting, self._waiters = list(self._waiters), collections.deque()
        for loop, waiter in waiting:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits there any more
                loop.call_soon_threadsafe(_fail, waiter, StoreError("the query pool is closed"))
        idle = set()
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            if w is not None:
                idle.add(w)
        for w in live:
            w.stop(kill=w not in idle)
        self._snapshots.close()


class _Snapshots:
    """Point-in-time copies of the store that the workers open read-only.

    RocksDB allows a read-only opening of a store that another process writes, but its
    view can then refer to files the writer has since compacted away (Oxigraph calls it
    undefined behaviour; in practice a query fails with "No such file"). So each worker
    reads a *checkpoint* made by :meth:`pyoxigraph.Store.backup`: hard links to the
    store's immutable files, made in milliseconds, in a directory beside the store
    (``<store>.query-snapshots``). A new one is made when :meth:`Store.version` has
    changed since the last, so a query sees every write made before it was sent; one no
    worker reads any more is deleted.
    """

    def __init__(self, store: Store) -> None:
        assert store.path is not None
        self._store = store
        self._root = store.path.with_name(store.path.name + ".query-snapshots")
        shutil.rmtree(self._root, ignore_errors=True)  # left by a server that was killed
        self._root.mkdir(parents=True)
        self._count = itertools.count()
        self._current: tuple[object, Path] | None = None
        self._lent: dict[_Worker, Path] = {}
        self._lock = threading.Lock()

    def lend(self, worker: _Worker) -> Path:
        """The snapshot of the store as it is now, for `worker` to open.

        A new snapshot is made under the store's write lock: RocksDB copies the log file
        a write is appending to, and a checkpoint made during a write can fail ("File
        smaller than expected for copy"); so it waits for the write under way, which the
        query then sees.
        """
        with self._lock:
            fresh = self._current is not None and self._current[0] == self._store.version()
        if fresh:
            return self._lend(worker)
        with self._store.write_lock:
            return self._lend(worker)

    def _lend(self, worker: _Worker) -> Path:
        version = self._store.version()
        with self._lock:
            if self._current is None or self._current[0] != version:
                target = self._root / str(next(self._count))
                try:
                    self._store.oxigraph.backup(str(target))
                except (OSError, RuntimeError) as exc:
                    shutil.rmtree(target, ignore_errors=True)
                    raise StoreError(f"cannot snapshot the store for a query: {exc}") from exc
                self._current = (version, target)
            previous, self._lent[worker] = self._lent.get(worker), self._current[1]
            if previous is not None and previous != self._current[1]:  # only then may one lose its last reader
                self._prune()
            return self._current[1]

    def lend_at_once(self, worker: _Worker) -> Path | None:
        """As :meth:`lend` if that needs no file work, else None.

        The snapshot of the store as it is now must exist already, and `worker` must
        read it already or read none yet (a fresh worker): then no snapshot is made and
        none loses its last reader (nothing to delete). Cheap enough for the event loop.
        """
        version = self._store.version()
        with self._lock:
            current = self._current
            if current is None or current[0] != version:
                return None
            previous = self._lent.get(worker)
            if previous is not None and previous != current[1]:
                return None
            self._lent[worker] = current[1]
            return current[1]

    def release(self, worker: _Worker) -> None:
        """`worker` is gone: its snapshot may be deleted."""
        with self._lock:
            self._lent.pop(worker, None)
            self._prune()

    def close(self) -> None:
        """Delete every snapshot."""
        with self._lock:
            self._lent.clear()
            self._current = None
            shutil.rmtree(self._root, ignore_errors=True)

    def _prune(self) -> None:
        keep = set(self._lent.values())
        if self._current is not None:
            keep.add(self._current[1])
        for d in self._root.iterdir():
            if d not in keep:
                shutil.rmtree(d, ignore_errors=True)


def query_runner(store: Store, *, workers: int = 2, timeout: float = 30.0) -> QueryRunner:
    """A :class:`QueryPool` for an on-disk store, an :class:`InProcessRunner` for one in memory."""
    if store.path is None:
        return InProcessRunner(store)
    return QueryPool(store, workers=workers, timeout=timeout)


_ERRORS: dict[str, type[LongarmError]] = {c.__name__: c for c in (QueryError, InputError, StoreError)}


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _no_worker(timeout: float) -> str:
    return f"no query worker became free within the {timeout:g} s deadline"


def _past_deadline(timeout: float) -> QueryTimeoutError:
    return QueryTimeoutError(f"the query ran past the {timeout:g} s deadline and was stopped; add a LIMIT or narrow it")


async def _readable(conn: Connection, deadline: float) -> bool:
    """Wait on the event loop until `conn` has data; False if `deadline` (monotonic) passes first."""
    if conn.poll(0):
        return True
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    fd = conn.fileno()

    def settle(value: bool) -> None:
        if not ready.done():
            ready.set_result(value)

    # A timer, not asyncio.wait_for: that wraps the wait in a task of its own at each query.
    loop.add_reader(fd, settle, True)
    timer = loop.call_later(max(0.0, deadline - time.monotonic()), settle, False)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)


def _fail(waiter: asyncio.Future[Any], error: Exception) -> None:
    if not waiter.done():
        waiter.set_exception(error)


def _unpack(reply: tuple[Any, ...]) -> QueryAnswer:
    if reply[0] == "ok":
        answer: QueryAnswer = reply[1]
        return answer
    raise _ERRORS.get(reply[1], StoreError)(reply[2])


def _serve(conn: Connection) -> None:
    """A worker's loop: answer each ``(snapshot, task)`` until told to stop (None or EOF)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    store: Store | None = None
    opened: str | None = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        snapshot, task = message
        reply: tuple[Any, ...]
        try:
            if store is None or snapshot != opened:
                store = None  # release the old snapshot before opening the new one
                store = Store.open_read_only(snapshot)
                opened = snapshot
            reply = ("ok", answer_query(store, task))
        except LongarmError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # a bug or a broken snapshot: report it, reopen next time, keep serving
            store = None
            reply = ("error", "StoreError", f"the query failed: {exc!r}")
        try:
            conn.send(reply)
        except OSError:
            break
    conn.close()
