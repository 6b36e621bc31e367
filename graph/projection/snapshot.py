"""On-disk snapshots of the projection, so that a large store is not re-read at every start.

Reading a million organizations out of the on-disk store takes minutes, because Oxigraph
looks every IRI up in RocksDB as it decodes it. A snapshot is the built projection, pickled
next to the store (``<store>.projection``) together with the store's
:meth:`~longarm.graph.store.embedded.Store.revision`. Every write through
:class:`~longarm.graph.store.embedded.Store` draws a new revision and logs the subjects it changed
(``<store>.changes``): a snapshot of an older revision is used only if that log leads
from its revision to the current one, and then patched with those subjects
(:mod:`longarm.graph.projection.patch`); never taken as it is for the current content.

The file is trusted like the store directory beside it (pickle runs code when loaded):
keep both in the same protected place.

Examples
--------
>>> import tempfile, pathlib
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.projection.reader import build_projection
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

import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..base.acyclic import making_acyclic_objects

if TYPE_CHECKING:
    from ..store.embedded import Store
    from .model import Projection

__all__ = ["load_snapshot", "load_snapshot_and_changes", "save_snapshot", "snapshot_path", "snapshot_revision"]

_MAGIC = "longarm-projection"
#: Bump when the projection's classes change shape: older snapshots are then ignored.
FORMAT = (
    9  # 5: classes moved to projection.model; 6: control_epoch; 7: Org.consolidated_by; 8: requirements,
    # certifications; 9: levels, notice periods, operating autonomy
)


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
    (:meth:`~longarm.graph.projection.model.Projection.__getstate__`). Nothing is saved for a
    read-only store (one that another process holds): the snapshot is its holder's to write.
    """
    path, current = snapshot_path(store), store.revision()
    if path is None or current is None or store.read_only or (revision is not None and revision != current):
        return False
    revision = current
    _sweep_temporaries(path)
    temp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        with temp.open("wb") as out:
            pickle.dump((_MAGIC, FORMAT, revision), out, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(projection, out, protocol=pickle.HIGHEST_PROTOCOL)
        temp.replace(path)
    except OSError:
        temp.unlink(missing_ok=True)
        return False
    store.forget_changes_before(revision)
    return True


def _sweep_temporaries(path: Path) -> None:
    """Delete the temporary files of saves that processes no longer running left beside the snapshot."""
    for temp in path.parent.glob(path.name + ".*.tmp"):
        pid = temp.name[len(path.name) + 1 : -len(".tmp")]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            temp.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def snapshot_revision(store: Store) -> str | None:
    """The store revision the snapshot of `store` was saved for; None without a readable snapshot."""
    path = snapshot_path(store)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as stream:
            header = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return _saved_revision(header)


def _saved_revision(header: object) -> str | None:
    """The revision a snapshot's header names; None if it is not a header of this format."""
    if isinstance(header, tuple) and len(header) == 3 and header[:2] == (_MAGIC, FORMAT):
        return str(header[2])
    return None


def load_snapshot(store: Store) -> Projection | None:
    """The snapshot of `store` if it was saved for the store's current revision, else None."""
    loaded = load_snapshot_and_changes(store)
    return loaded[0] if loaded is not None and not loaded[1] else None


def load_snapshot_and_changes(
    store: Store,
) -> tuple[Projection, frozenset[ox.NamedNode | ox.BlankNode]] | None:
    """The snapshot of `store` and the subjects changed since it was saved; None if unusable.

    The subjects come from the store's change log
    (:meth:`~longarm.graph.store.embedded.Store.changed_subjects_since_revision`): empty when the
    snapshot is current; if the log cannot tell what changed, the snapshot is not used.
    Patch the projection with them (:mod:`longarm.graph.projection.patch`).
    """
    path, revision = snapshot_path(store), store.revision()
    if path is None or revision is None or not path.is_file():
        return None
    try:
        with making_acyclic_objects(), path.open("rb") as stream:  # millions of acyclic objects
            saved = _saved_revision(pickle.load(stream))
            if saved is None:
                return None
            changed = frozenset() if saved == revision else store.changed_subjects_since_revision(saved)
            if changed is None:
                return None
            projection: Projection = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return projection, changed
