"""An import's statements on disk, as N-Triples lines in buckets by subject, before they are validated and written.

An import of a million entities makes some ten million statements: held as Python objects
they would take gigabytes. The importer writes each statement as one N-Triples line to a
:class:`Spool` instead: a temporary folder (beside the store, on its file system) of
buckets, each a file, where a statement goes to the bucket of its subject. So every
statement about a node is in one bucket, and a bucket can be validated on its own
(:mod:`longarm.graph.imports.staging`) with, as context, only the types of the nodes it points
to, which the spool keeps (:attr:`Spool.typed`). What stays in memory is one entry per
typed node, not one per statement.

The spool then streams all its lines, once, to the store's bulk loader
(:meth:`Spool.stream`). Lines are only ever split on ``"\\n"``: a literal may hold other
characters that :meth:`str.splitlines` would take for line ends (U+2028 …), and N-Triples
escapes ``\\n`` and ``\\r`` in literals.

Examples
--------
>>> import tempfile, pathlib
>>> spool = Spool(pathlib.Path(tempfile.mkdtemp()), buckets=2)
>>> spool.add("<https://e.org/a>", TYPE, "<https://e.org/C>")
>>> spool.add("<https://e.org/a>", "<https://e.org/p>", '"x"')
>>> spool.add("<https://e.org/a>", "<https://e.org/p>", '"x"')  # the same again: one statement
>>> spool.close()
>>> [len(lines) for lines in spool.buckets()] in ([2, 0], [0, 2])
True
>>> spool.typed["<https://e.org/a>"]
'<https://e.org/C>'
>>> sum(stream.read().count(b"\\n") for stream in spool.streams())
3
>>> spool.remove()
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

__all__ = ["TYPE", "Spool", "buckets_for"]

#: rdf:type as N-Triples.
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
#: Bytes of input per bucket: a bucket validates in a fraction of a second (the validator
#: slows down more than linearly with the focus nodes it is given at once).
_BYTES_PER_BUCKET = 1 << 20
_MAX_BUCKETS = 512
_BUFFER = 1 << 16


def buckets_for(input_bytes: int) -> int:
    """How many buckets an import of `input_bytes` of files is spooled in.

    >>> buckets_for(10_000), buckets_for(100 << 20), buckets_for(10 << 30)
    (1, 100, 512)
    """
    return max(1, min(_MAX_BUCKETS, input_bytes // _BYTES_PER_BUCKET))


class Spool:
    """N-Triples lines in `buckets` files under `directory` (its own temporary folder in it), by subject."""

    def __init__(self, directory: Path, *, buckets: int = 1) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="longarm-import-", dir=directory))
        self.count = max(1, buckets)
        #: The class of each node typed by a line (its first rdf:type), as N-Triples.
        self.typed: dict[str, str] = {}
        self.lines = 0
        self._files = [self._open(i) for i in range(self.count)]

    def _path(self, i: int) -> Path:
        return self.folder / f"bucket-{i:04d}.nt"

    def _open(self, i: int) -> IO[str]:
        return self._path(i).open("w", encoding="utf-8", newline="\n", buffering=_BUFFER)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Spool the statement ``subject predicate obj`` (each an N-Triples term)."""
        self._files[hash(subject) % self.count].write(f"{subject} {predicate} {obj} .\n")
        self.lines += 1
        if predicate == TYPE:
            self.typed.setdefault(subject, obj)

    def close(self) -> None:
        """Finish writing (the buckets can then be read)."""
        for f in self._files:
            f.close()

    def rename(self, iris: Mapping[str, str]) -> None:
        """Say every statement of the IRIs `iris` maps (``<old>`` → ``<new>``) of their new IRI, bucketed again.

        Used when an entity named by its key before it was read turns out to be one the
        store knows. One pass over the lines; the buckets are rewritten.
        """
        if not iris:
            return
        old = [self._path(i).rename(self.folder / f"old-{i:04d}.nt") for i in range(self.count)]
        self._files = [self._open(i) for i in range(self.count)]
        self.typed = {iris.get(s, s): iris.get(o, o) for s, o in self.typed.items()}
        for path in old:
            with path.open(encoding="utf-8", newline="\n") as lines:
                for line in lines:
                    s, p, rest = line.split(" ", 2)
                    o = rest[:-3]
                    self._files[hash(iris.get(s, s)) % self.count].write(
                        f"{iris.get(s, s)} {p} {iris.get(o, o) if o[0] == '<' else o} .\n"
                    )
            path.unlink()
        self.close()

    def buckets(self) -> Iterator[list[str]]:
        """The distinct lines of each bucket (without their line end), bucket after bucket."""
        for i in range(self.count):
            text = self._path(i).read_text(encoding="utf-8")
            yield list(dict.fromkeys(text.split("\n")[:-1]))

    def streams(self, lines: int = 250_000) -> Iterator[IO[bytes]]:
        """All the lines, as binary streams of consecutive buckets of about `lines` lines each (for the bulk loader)."""
        per_bucket = max(1, self.lines // self.count)
        group = max(1, lines // per_bucket)
        for start in range(0, self.count, group):
            paths = [self._path(i) for i in range(start, min(self.count, start + group))]
            yield io.BufferedReader(_Chain(paths), buffer_size=1 << 20)

    def remove(self) -> None:
        """Delete the spool's folder."""
        for f in self._files:
            f.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class _Chain(io.RawIOBase):
    """Files read one after the other as one stream."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = list(reversed(paths))
        self._current: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while True:
            if self._current is None:
                if not self._paths:
                    return 0
                self._current = self._paths.pop().open("rb")
            n = self._current.readinto(buffer)
            if n:
                return n
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()
