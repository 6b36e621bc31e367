"""The change log kept beside an on-disk store: which subjects each revision step changed.

Every write through :class:`~longarm.graph.store.embedded.Store` draws a new random revision
(``<store>.revision``) and appends one JSON line here (``<store>.changes``): the revision
it leaves, the one it makes, and the subjects whose statements it changed (null when the
write could not tell). A reader that saved something derived from the store at some
revision — the projection's snapshot — follows the steps from that revision to the
current one and brings what it saved up to date with their subjects, even when other
processes made the writes. A step that is missing, unreadable (a line cut short by a
crash) or unknown breaks the chain: the reader then makes everything again.

Examples
--------
>>> import pyoxigraph as ox, tempfile, pathlib
>>> log = ChangeLog(pathlib.Path(tempfile.mkdtemp()) / "store.changes")
>>> a, b = ox.NamedNode("https://e.org/a"), ox.BlankNode("b1")
>>> log.append("r0", "r1", frozenset({a}))
>>> log.append("r1", "r2", frozenset({b}))
>>> sorted(str(s) for s in log.since("r0", "r2", limit=10))
['<https://e.org/a>', '_:b1']
>>> log.since("r0", "r2", limit=1) is None  # more subjects than the reader takes
True
>>> log.append("r2", "r3", None)  # a write that could not tell
>>> log.since("r1", "r3", limit=10) is None
True
>>> log.prune("r3")  # saved at r3: older steps can no longer serve
>>> log.since("r3", "r3", limit=10)
frozenset()
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

__all__ = ["ChangeLog", "Subject"]

Subject = ox.NamedNode | ox.BlankNode


class ChangeLog:
    """The JSON-lines file at `path`; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, previous: str, revision: str, subjects: frozenset[Subject] | None) -> None:
        """Record the step from `previous` to `revision` and the subjects it changed (None: unknown).

        Raises OSError if the file cannot be written.
        """
        entry = {"from": previous, "to": revision, "subjects": _encode(subjects)}
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")

    def since(self, revision: str, current: str, *, limit: int) -> frozenset[Subject] | None:
        """The subjects changed by the steps from `revision` to `current`; None if unknown or more than `limit`."""
        steps = {entry["from"]: (entry["to"], entry["subjects"]) for entry in self._entries()}
        out: set[Subject] = set()
        at, hops = revision, 0
        while at != current:
            step = steps.get(at)
            hops += 1
            if step is None or step[1] is None or hops > len(steps):
                return None
            at = step[0]
            out.update(_decode(step[1]))
            if len(out) > limit:
                return None
        return frozenset(out)

    def prune(self, revision: str) -> None:
        """Keep only the steps that lead on from `revision` (what was derived is saved for it)."""
        with self._lock:
            steps = {entry["from"]: entry for entry in self._entries()}
            kept: list[dict[str, Any]] = []
            at = revision
            while at in steps and len(kept) < len(steps):
                kept.append(steps[at])
                at = steps[at]["to"]
            temp = self.path.with_name(self.path.name + ".tmp")
            try:
                temp.write_text("".join(json.dumps(e) + "\n" for e in kept), encoding="utf-8")
                temp.replace(self.path)
            except OSError:
                temp.unlink(missing_ok=True)  # the log only grows: the next pruning will retry

    def size(self) -> int:
        """The file's size in bytes (0 without one)."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def _entries(self) -> Iterator[dict[str, Any]]:
        try:
            with self.path.open(encoding="utf-8") as log:
                lines = log.readlines()
        except OSError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash: its step stays unknown
            if isinstance(entry, dict) and {"from", "to", "subjects"} <= entry.keys():
                yield entry


def _encode(subjects: frozenset[Subject] | None) -> list[str] | None:
    """Subjects as text: an IRI as it is, a blank node as ``_:id``."""
    if subjects is None:
        return None
    return sorted(s.value if isinstance(s, ox.NamedNode) else f"_:{s.value}" for s in subjects)


def _decode(texts: list[str]) -> Iterator[Subject]:
    for text in texts:
        yield ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)
