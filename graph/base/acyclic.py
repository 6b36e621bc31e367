"""Making millions of acyclic objects without the cyclic garbage collector in the way.

A projection is millions of small objects with no cycles among them. The cyclic collector
would only walk them again and again while they are made and, once made, at every full
collection (tens of milliseconds at a million organizations, in the middle of an answer).
So it is off while they are made, and what was made is then frozen out of its reach
(``gc.freeze``; reference counting still frees a projection when it is replaced).
Building, patching and loading a projection all go through :func:`making_acyclic_objects`.

Examples
--------
>>> import gc
>>> with making_acyclic_objects():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["making_acyclic_objects"]


@contextmanager
def making_acyclic_objects() -> Iterator[None]:
    """The cyclic collector off inside; what was made frozen at the end unless the block raised."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
