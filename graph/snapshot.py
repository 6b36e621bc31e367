"""On-disk snapshots of the projection, so that a large store is not re-read at every start.

Reading a million organizations out of the on-disk store takes minutes, because Oxigraph
looks every IRI up in RocksDB as it decodes it. A snapshot is the built projection, pickled
next to the store (``<store>.projection``) together with the store's
:meth:`~longarm.graph.store.Store.revision`. It is used only while that revision is the
store's current one: every write through :class:`~longarm.graph.store.Store` draws a new
revision, so a snapshot of older content is never taken for the current one.

The file is trusted like the store directory beside it (pickle runs code when loaded):
keep both in the same protected place.

Examples
--------
>>> import tempfile, pathlib
>>> from longarm.graph.store import Store
>>> from longarm.graph.projection import build_projection
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> store = Store.open(folder / "store")
>>> store.touch()  # any write draws a revision
>>> projection = build_projection(store)
>>> save_snapshot(store, projection)
True
>>> load_snapshot(store) is not None
True
>>> store.touch()  # the content changed: the snapshot is stale
>>> load_snapshot(store) is None
True
"""

from __future__ import annotations

import gc
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .projection import Projection
    from .store import Store

__all__ = ["load_snapshot", "save_snapshot", "snapshot_path"]

_MAGIC = "longarm-projection"
#: Bump when the projection's classes change shape: older snapshots are then ignored.
FORMAT = 3


def snapshot_path(store: Store) -> Path | None:
    """Where the snapshot of an on-disk store goes; None for a store in memory."""
    if store.path is None:
        return None
    return store.path.with_name(store.path.name + ".projection")


def save_snapshot(store: Store, projection: Projection, revision: str | None = None) -> bool:
    """Write `projection` as the snapshot of `store`'s current revision; False if it was not saved.

    `revision` is the store's revision read before the projection was built: if the
    store has been written since, the projection may mix old and new facts and is not
    saved. The file is written under a temporary name and renamed, so a reader never
    sees half of it. The projection's memo and indexes are not saved
    (:meth:`~longarm.graph.projection.Projection.__getstate__`).
    """
    path, current = snapshot_path(store), store.revision()
    if path is None or current is None or (revision is not None and revision != current):
        return False
    revision = current
    temp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with temp.open("wb") as out:
            pickle.dump((_MAGIC, FORMAT, revision), out, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(projection, out, protocol=pickle.HIGHEST_PROTOCOL)
        temp.replace(path)
    except OSError:
        temp.unlink(missing_ok=True)
        return False
    return True


def load_snapshot(store: Store) -> Projection | None:
    """The snapshot of `store` if it was saved for the store's current revision, else None."""
    path, revision = snapshot_path(store), store.revision()
    if path is None or revision is None or not path.is_file():
        return None
    enabled = gc.isenabled()
    gc.disable()  # millions of acyclic objects: the cyclic collector would only slow this down
    try:
        with path.open("rb") as stream:
            header = pickle.load(stream)
            if header != (_MAGIC, FORMAT, revision):
                return None
            projection: Projection = pickle.load(stream)
        gc.freeze()  # out of the cyclic collector's reach, as build_projection does
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    finally:
        if enabled:
            gc.enable()
    return projection
