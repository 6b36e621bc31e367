"""Checkpoints of the store that the query workers open read-only.

RocksDB allows a read-only opening of a store that another process writes, but its view
can then refer to files the writer has since compacted away (Oxigraph calls it undefined
behaviour; in practice a query fails with "No such file"). So each worker reads a
*checkpoint* made by :meth:`pyoxigraph.Store.backup`: hard links to the store's immutable
files, made in milliseconds, in a directory beside the store
(``<store>.query-checkpoints``). A new one is made when
:meth:`~longarm.graph.store.embedded.Store.version` has changed since the last, so a query
sees every write made before it was sent; one no reader holds any more is deleted.

(Not to be confused with the projection's *snapshot*, :mod:`longarm.graph.projection.snapshot`:
a saved copy of the engine's in-memory view, not of the store.)

Examples
--------
>>> import tempfile, pathlib
>>> from longarm.graph.store.embedded import Store
>>> with tempfile.TemporaryDirectory() as d:
...     store = Store.open(pathlib.Path(d) / "store")
...     checkpoints = Checkpoints(store)
...     first = checkpoints.lend("reader")
...     same = checkpoints.lend_at_once("reader")
...     checkpoints.close()
...     (first == same, first.parent.name, first.is_dir())
(True, 'store.query-checkpoints', False)
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Hashable
from pathlib import Path

from ..base.errors import StoreError
from ..store.embedded import Store

__all__ = ["Checkpoints"]


class Checkpoints:
    """Point-in-time copies of the store, each lent to readers (query readers) that open it read-only.

    See the module docstring.
    """

    def __init__(self, store: Store) -> None:
        assert store.path is not None
        self._store = store
        self._root = store.path.with_name(store.path.name + ".query-checkpoints")
        shutil.rmtree(self._root, ignore_errors=True)  # left by a server that was killed
        self._root.mkdir(parents=True)
        self._count = itertools.count()
        self._current: tuple[object, Path] | None = None
        self._lent: dict[Hashable, Path] = {}
        self._lock = threading.Lock()

    def lend(self, reader: Hashable) -> Path:
        """The checkpoint of the store as it is now, for `reader` to open.

        A new checkpoint is made under the store's write lock: RocksDB copies the log file
        a write is appending to, and a checkpoint made during a write can fail ("File
        smaller than expected for copy"); so it waits for the write under way, which the
        query then sees.
        """
        with self._lock:
            fresh = self._current is not None and self._current[0] == self._store.version()
        if fresh:
            return self._lend(reader)
        with self._store.write_lock:
            return self._lend(reader)

    def _lend(self, reader: Hashable) -> Path:
        version = self._store.version()
        with self._lock:
            if self._current is None or self._current[0] != version:
                target = self._root / str(next(self._count))
                try:
                    self._store.oxigraph.backup(str(target))
                except (OSError, RuntimeError) as exc:
                    shutil.rmtree(target, ignore_errors=True)
                    raise StoreError(f"cannot checkpoint the store for a query: {exc}") from exc
                self._current = (version, target)
            previous, self._lent[reader] = self._lent.get(reader), self._current[1]
            if previous is not None and previous != self._current[1]:  # only then may one lose its last reader
                self._prune()
            return self._current[1]

    def lend_at_once(self, reader: Hashable) -> Path | None:
        """As :meth:`lend` if that needs no file work, else None.

        The checkpoint of the store as it is now must exist already, and `reader` must
        read it already or read none yet (a fresh reader): then no checkpoint is made and
        none loses its last reader (nothing to delete). Cheap enough for the event loop.
        """
        version = self._store.version()
        with self._lock:
            current = self._current
            if current is None or current[0] != version:
                return None
            previous = self._lent.get(reader)
            if previous is not None and previous != current[1]:
                return None
            self._lent[reader] = current[1]
            return current[1]

    def release(self, reader: Hashable) -> None:
        """`reader` is gone: its checkpoint may be deleted."""
        with self._lock:
            self._lent.pop(reader, None)
            self._prune()

    def close(self) -> None:
        """Delete every checkpoint."""
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
