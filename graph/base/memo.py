"""Typed, bounded caches of derived answers, one per question shape, kept per projection.

The engine asks the same questions about the same group many times (which nexus an
entity meets under an instrument at a date, who controls it, which groups have a
subsidiary in a country). Each question shape has its own :class:`Memo`, typed by its key
and value, holding one table per projection: a projection is never changed once made
(a write makes a new one), so an entry stays true for as long as its projection lives,
and is dropped with it (the tables are keyed weakly).

Examples
--------
>>> from longarm.graph.projection.model import Projection
>>> squares: Memo[int, int] = Memo("squares", limit=2)
>>> p = Projection()
>>> squares.get(p, 3, lambda: 9), squares.get(p, 3, lambda: 0)  # made once, then remembered
(9, 9)
>>> _ = squares.get(p, 4, lambda: 16); _ = squares.get(p, 5, lambda: 25)
>>> squares.size(p)  # past its limit a table starts again rather than grow without bound
1
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar
from weakref import ReferenceType, WeakKeyDictionary, ref

__all__ = ["Memo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Answers to one question shape, by key, for each owner (a projection), at most `limit` per owner."""

    def __init__(self, name: str, *, limit: int = 500_000) -> None:
        self.name = name
        self.limit = limit
        self._tables: WeakKeyDictionary[object, dict[K, V]] = WeakKeyDictionary()
        self._last: tuple[ReferenceType[object], dict[K, V]] | None = None  # the owner asked last, and its table

    def _table(self, owner: object) -> dict[K, V]:
        last = self._last
        if last is not None and last[0]() is owner:
            return last[1]
        table = self._tables.get(owner)
        if table is None:
            table = self._tables[owner] = {}
        self._last = (ref(owner), table)
        return table

    def get(self, owner: object, key: K, make: Callable[[], V]) -> V:
        """The answer for `key`, made by `make()` the first time it is asked for `owner`."""
        table = self._table(owner)
        try:
            return table[key]
        except KeyError:
            pass
        value = make()
        if len(table) >= self.limit:
            table.clear()
        table[key] = value
        return value

    def size(self, owner: object) -> int:
        """How many answers are remembered for `owner`."""
        return len(self._tables.get(owner, ()))

    def __repr__(self) -> str:
        return f"Memo({self.name!r}, limit={self.limit})"
