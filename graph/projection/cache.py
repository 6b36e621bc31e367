"""Which projection to use: the cached one, patched, loaded from its snapshot, or built.

The cache policy on top of the projection wing: :func:`projection_for` keeps one
projection per store and brings it up to date when the store changes — patched with the
subjects a write changed (:mod:`.patch`), loaded from the snapshot saved beside an on-disk
store (:mod:`.snapshot`), or built again (:mod:`.reader`).

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> store = Store.in_memory()
>>> _ = load_bundled(store)
>>> p = projection_for(store)
>>> projection_for(store) is p  # cached until the store changes
True
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Callable

import pyoxigraph as ox

from ..store.embedded import CHANGE_LOG_SUBJECTS, Store
from .model import Projection
from .patch import patched_projection
from .reader import build_projection
from .snapshot import load_snapshot_and_changes, save_snapshot, snapshot_revision

__all__ = [
    "PATCH_LIMIT",
    "SAVE_AFTER_SUBJECTS",
    "cached_projection",
    "projection_for",
    "refresh_if_kept",
    "wait_for_snapshot_saves",
]


#: A projection built in at least this many seconds is saved as the store's snapshot.
SNAPSHOT_AFTER_S = 2.0

_LOG = logging.getLogger(__name__)
_CACHE: weakref.WeakKeyDictionary[Store, tuple[int, Projection]] = weakref.WeakKeyDictionary()


def projection_for(
    store: Store, *, snapshot_after: float = SNAPSHOT_AFTER_S, progress: Callable[[int], None] | None = None
) -> Projection:
    """The projection of `store`, made again only when the store has changed.

    Three ways, cheapest first:

    - patched: when the writes since the projection was made said which subjects they
      changed (:meth:`~longarm.graph.store.embedded.Store.changed_subjects`), at most
      :data:`PATCH_LIMIT` of them, only those are read again
      (:mod:`longarm.graph.projection.patch`);
    - loaded: an on-disk store keeps a snapshot of its projection beside it
      (:mod:`longarm.graph.projection.snapshot`); the first call after a restart loads it, patched
      with what the store's change log says was written since it was saved;
    - built from the whole store otherwise. A build that took at least `snapshot_after`
      seconds is saved as the new snapshot, in a background thread (the caller answers
      first: the save of a million organizations takes tens of seconds); a patched one is
      saved so once the snapshot lags more than :data:`SAVE_AFTER_SUBJECTS` subjects behind.
      A process waits for the saves under way before it exits (:func:`wait_for_snapshot_saves`).

    Concurrent callers wait for one projection instead of each making their own, but for
    those that have the projection from before a patch under way: they answer with it at
    once (the write being patched in has not returned yet, since the write path patches
    before it returns: :func:`refresh_if_kept`), and so readers never wait on a write.

    `progress` is called with the statements read so far when the whole store is read.
    """
    return _up_to_date(store, snapshot_after, wait=False, progress=progress)


def _up_to_date(
    store: Store, snapshot_after: float, *, wait: bool, progress: Callable[[int], None] | None = None
) -> Projection:
    current = cached_projection(store)
    if current is not None:
        return current
    lock = _building(store)
    stale = _CACHE.get(store)
    if stale is not None and not wait and not lock.acquire(blocking=False):
        return stale[1]  # another thread brings it up to date
    if stale is None or wait:
        lock.acquire()
    try:
        key = store.version()
        current = cached_projection(store)
        if current is not None:
            return current
        stale = _CACHE.get(store)
        changed = store.changed_subjects(stale[0]) if stale is not None else None
        if stale is not None and changed is not None and len(changed) <= PATCH_LIMIT:
            projection = _patched(store, stale[1], changed)
        elif (loaded := load_snapshot_and_changes(store)) is not None:
            projection = _patched(store, *loaded) if loaded[1] else loaded[0]
        else:
            start, revision = time.perf_counter(), store.revision()
            projection = build_projection(store, progress)
            took = time.perf_counter() - start
            _LOG.info("the engine's projection of %s read from the whole store in %.1f s", store.path or "memory", took)
            if revision is not None and took >= snapshot_after:
                _save_in_background(store, projection, revision)  # the caller answers meanwhile
        _CACHE[store] = (key, projection)
        return projection
    finally:
        lock.release()


def _building(store: Store) -> threading.Lock:
    """The lock under which the projection of `store` is made (one per store)."""
    with _LOCKS_LOCK:
        lock = _LOCKS.get(store)
        if lock is None:
            lock = _LOCKS[store] = threading.Lock()
        return lock


def _patched(store: Store, projection: Projection, changed: frozenset[ox.NamedNode | ox.BlankNode]) -> Projection:
    revision = store.revision()
    projection = patched_projection(store, projection, changed)
    _save_later(store, projection, revision)
    return projection


def _save_later(store: Store, projection: Projection, revision: str | None) -> None:
    """Save a patched projection as the snapshot, off the caller's thread, once the snapshot lags far behind.

    Saving is costly (41 s at a million organizations, holding the interpreter most of
    that time: answers wait), and a restart brings the snapshot up to date with the store's
    change log in a fraction of a second. So a patched projection is saved only when the
    subjects changed since the snapshot pass :data:`SAVE_AFTER_SUBJECTS` (or the log cannot
    tell them, or has grown past 1 MB), and never for a store without a snapshot (small
    enough to read again).
    """
    saved = snapshot_revision(store)
    if saved is None or revision is None:
        return
    if store.change_log_bytes() <= _LOG_BYTES_KEPT:  # else many small writes: read at every patch
        behind = store.changed_subjects_since_revision(saved)
        if behind is not None and len(behind) <= SAVE_AFTER_SUBJECTS:
            return

    _save_in_background(store, projection, revision)


def _save_in_background(store: Store, projection: Projection, revision: str | None) -> None:
    """Save `projection` as the snapshot in a thread of its own; a process that ends waits for it first."""

    def save() -> None:
        with _SAVING:
            save_snapshot(store, projection, revision)  # does nothing once the store has changed again

    saver = threading.Thread(target=save, name="longarm-snapshot", daemon=True)
    _SAVERS.add(saver)
    saver.start()


def wait_for_snapshot_saves(timeout: float | None = None) -> bool:
    """Wait until the snapshots being saved in the background are written; False if `timeout` passed first.

    Run at the process's exit (a command that answered before its snapshot was saved ends
    once it is), and by benchmarks, which measure a steady state: a save at a million
    organizations holds the interpreter for tens of seconds, slowing whatever else the
    process does meanwhile.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    for saver in list(_SAVERS):
        saver.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        if saver.is_alive():
            return False
    return True


def refresh_if_kept(store: Store) -> bool:
    """Bring the projection of `store` up to date if one is kept (a server's); False if none is (never builds).

    The write path calls it once a write is committed, so that the writer, not the next
    reader, pays for the patch (half a second at a million organizations).
    """
    if store not in _CACHE:
        return False
    _up_to_date(store, SNAPSHOT_AFTER_S, wait=True)
    return True


def cached_projection(store: Store) -> Projection | None:
    """The projection of `store` if it is already made for the store as it is now, else None (never builds)."""
    cached = _CACHE.get(store)
    if cached is not None and cached[0] == store.version():
        return cached[1]
    return None


_LOCKS: weakref.WeakKeyDictionary[Store, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_LOCK = threading.Lock()
_SAVING = threading.Lock()
_SAVERS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()  # background saves under way
atexit.register(wait_for_snapshot_saves)
#: The most subjects a write may change for the projection to be patched, not rebuilt.
PATCH_LIMIT = CHANGE_LOG_SUBJECTS
#: A patched projection is saved as the snapshot once this many subjects changed since the
#: snapshot was saved; below, a restart patches the snapshot with the change log instead.
SAVE_AFTER_SUBJECTS = 5_000
_LOG_BYTES_KEPT = 1 << 20
