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
(queries then fail with "No such file"). They open a **checkpoint** instead
(:mod:`.checkpoints`: hard links to the store's immutable files, a few milliseconds),
made again whenever the primary store's :meth:`Store.version` has changed, so a query
sees every write made before it was sent.

Answers are serialised, and capped, by :mod:`.results` (:func:`~.results.answer_query`).

In-memory stores (tests) cannot be opened by another process: :class:`InProcessRunner`
runs the query in the calling thread, with the same cap and **no deadline**.
:func:`query_runner` picks the right one for a store.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> import pyoxigraph as ox
>>> store = Store.in_memory()
>>> t = ox.Triple(ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.Literal("x"))
>>> store.replace_graphs({"https://e.org/g": [t]})
>>> runner = query_runner(store)  # in memory: answered in this thread
>>> runner.run(QueryTask("SELECT ?o WHERE { ?s ?p ?o }", "text/csv")).body
b'o\\r\\nx\\r\\n'
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import multiprocessing
import queue
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import Any, Protocol

from ..base.errors import InputError, LongarmError, QueryError, QueryTimeoutError, StoreError
from ..store.embedded import Store
from .checkpoints import Checkpoints
from .results import QueryAnswer, QueryTask, answer_query

__all__ = ["InProcessRunner", "QueryPool", "QueryRunner", "query_runner"]

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
    checkpoints of the store (:class:`~.checkpoints.Checkpoints`). Call :meth:`close` when done.
    """

    def __init__(self, store: Store, *, workers: int = 2, timeout: float = 30.0) -> None:
        if store.path is None:
            raise ValueError("a query pool needs an on-disk store")
        if workers < 1 or timeout <= 0:
            raise ValueError("a query pool needs at least one worker and a positive timeout")
        self.timeout: float | None = timeout
        self._checkpoints = Checkpoints(store)
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
            checkpoint = self._checkpoints.lend(worker)
            reply = self._ask(worker, (str(checkpoint), task), deadline)
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
        much again on a VM. Only starting a worker or making a checkpoint (after a write) is done
        in a thread. A worker whose caller is cancelled (the client went away) before its
        reply came is killed: the reply would otherwise reach the next query.
        """
        timeout = self.timeout or 0.0
        deadline = time.monotonic() + timeout
        worker = await self._acquire(deadline)
        if worker is not None and not worker.process.is_alive():  # died while idle (e.g. killed)
            self._retire(worker)
            worker = None
        checkpoint = self._checkpoints.lend_at_once(worker) if worker is not None else None
        if worker is None or checkpoint is None:
            worker, checkpoint = await self._prepare(worker)
        sent = replied = False
        try:
            if time.monotonic() >= deadline:  # the wait for a worker (or its start) took it all
                raise QueryTimeoutError(_no_worker(timeout))
            sent = True  # from here, a worker without its reply is killed
            worker.conn.send((str(checkpoint), task))
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
        """Start a worker if `worker` is None and lend it the checkpoint, in a thread (each may take a while).

        If the caller goes away meanwhile, the worker is given back once ready; if it
        cannot be made ready, its slot is given back.
        """

        def prepare() -> tuple[_Worker, Path]:
            ready = worker
            try:
                if ready is None:
                    ready = self._spawn()
                return ready, self._checkpoints.lend(ready)
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
        """Kill a worker (past its deadline, or broken) and forget its checkpoint."""
        with self._lock:
            self._live.discard(worker)
        worker.stop(kill=True)
        self._checkpoints.release(worker)

    def close(self) -> None:
        """Stop every worker (idle ones cleanly, busy ones by killing them) and remove the checkpoints."""
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
        self._checkpoints.close()


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
    """A worker's loop: answer each ``(checkpoint, task)`` until told to stop (None or EOF)."""
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
        checkpoint, task = message
        reply: tuple[Any, ...]
        try:
            if store is None or checkpoint != opened:
                store = None  # release the old checkpoint before opening the new one
                store = Store.open_read_only(checkpoint)
                opened = checkpoint
            reply = ("ok", answer_query(store, task))
        except LongarmError as exc:
            reply = ("error", type(exc).__name__, str(exc))
        except Exception as exc:  # a bug or a broken checkpoint: report it, reopen next time, keep serving
            store = None
            reply = ("error", "StoreError", f"the query failed: {exc!r}")
        try:
            conn.send(reply)
        except OSError:
            break
    conn.close()
