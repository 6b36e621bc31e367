"""A store read as rows, one two-column scan per predicate, the next scans made ahead in other threads.

:func:`store_rows` gives :class:`~.reader.ProjectionReader` the (subject, object) rows of each
predicate it asks for. Reading a million organizations means some ten million rows, and
most of the time goes to Oxigraph decoding terms (a RocksDB lookup each on disk). So:

- each scan's results are serialised by Oxigraph as SPARQL TSV, in native code that lets
  other threads run, and split into text here: the subject's key (an IRI's value, a blank
  node's text) and the object's lexical form, a :class:`Tagged` string when it has a
  language tag;
- while the reader works through one predicate's rows, the next :data:`AHEAD` scans run in
  worker threads. Which predicates come next is learnt from the previous read in the
  process (the reader asks for them in its own fixed order); when a read strays from it,
  the scans are made when asked, as before.

Examples
--------
>>> store = ox.Store()
>>> s, p = ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p")
>>> store.add(ox.Quad(s, p, ox.Literal('a "b"\\tc', language="fr"), ox.NamedNode("https://e.org/g")))
>>> store.add(ox.Quad(s, p, ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), ox.NamedNode("https://e.org/g")))
>>> rows = store_rows(store, ["https://e.org/g"])
>>> sorted((key, value, getattr(value, "language", None)) for key, value in rows("https://e.org/p"))
[('https://e.org/s', '2', None), ('https://e.org/s', 'a "b"\\tc', 'fr')]
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pyoxigraph as ox

from ..store.remote import RemoteQuads

__all__ = ["AHEAD", "PROGRESS_EVERY", "Rows", "Tagged", "store_rows", "tsv_rows"]

#: Where a reader takes its rows from: the (subject, object) of one predicate IRI. Subjects
#: and objects are Oxigraph terms (given statements) or their text (:func:`store_rows`).
Rows = Callable[[str], Iterable[tuple[object, object]]]

#: Scans made ahead of the reader.
AHEAD = 2
#: Rows between two calls of a read's progress callback.
PROGRESS_EVERY = 100_000


class Tagged(str):
    """The lexical form of a literal with a language tag (`language`)."""

    __slots__ = ("language",)
    language: str


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

_order: list[str] = []  # the predicates the last read asked for, in order
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def store_rows(inner: ox.Store, graphs: list[str], progress: Callable[[int], None] | None = None) -> Rows:
    """The rows of the chosen graphs of a store (see the module docstring).

    `progress`, if given, is called with the number of rows read so far, every
    :data:`PROGRESS_EVERY` rows.

    A SELECT of the two columns, over the graphs as the default graph, decodes only the
    subject and the object: reading quads would also decode the predicate and the graph
    of every quad. The predicate is one of the reader's own constants, serialised by
    Oxigraph, never user text.
    """
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(g) for g in graphs]

    def scan(predicate: str) -> bytes:
        query = f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"
        if isinstance(inner, RemoteQuads):  # the endpoint serialises it: the same TSV, over HTTP
            return inner.tsv(query, graphs)
        solutions = inner.query(query, default_graph=default)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions.serialize(format=ox.QueryResultsFormat.TSV) or b""

    plan, asked = list(_order), list[str]()
    ahead: dict[int, Future[bytes]] = {}

    def rows(predicate: str) -> Iterator[tuple[object, object]]:
        i = len(asked)
        asked.append(predicate)
        _order[:] = asked + plan[len(asked) :]
        if i < len(plan) and plan[i] == predicate:
            for j in range(i, min(i + 1 + AHEAD, len(plan))):
                if j not in ahead:
                    ahead[j] = _workers().submit(scan, plan[j])
            data = ahead.pop(i).result()
        else:  # off the plan: no more scans ahead
            plan.clear()
            data = scan(predicate)
        return _parsed(data) if progress is None else _counted(_parsed(data), read, progress)

    read = [0]

    return rows


def _counted(
    rows: Iterator[tuple[str, str]], read: list[int], progress: Callable[[int], None]
) -> Iterator[tuple[str, str]]:
    for row in rows:
        read[0] += 1
        if read[0] % PROGRESS_EVERY == 0:
            progress(read[0])
        yield row


def _workers() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=AHEAD, thread_name_prefix="longarm-rows")
        return _pool


def _parsed(data: bytes) -> Iterator[tuple[str, str]]:
    lines = data.decode("utf-8").split("\n")
    for line in lines[1:]:  # after the header
        if line:
            subject, obj = line.split("\t")
            yield _term(subject), _term(obj)


def tsv_rows(data: bytes) -> Iterator[list[str]]:
    """The rows of a SPARQL TSV answer, each term as :func:`store_rows` gives it (an IRI's value …).

    >>> list(tsv_rows(b'?s\\t?o\\n<https://e.org/s>\\t"a"@en\\n'))
    [['https://e.org/s', 'a']]
    """
    lines = data.decode("utf-8").split("\n")
    for line in lines[1:]:  # after the header
        if line:
            yield [_term(t) for t in line.split("\t")]


def _term(text: str) -> str:
    """The key of a TSV term: an IRI's value, a literal's lexical form (Tagged if it has a language), else the text."""
    first = text[0]
    if first == "<":
        return text[1:-1]
    if first != '"':
        return text  # a blank node, or a number or boolean written bare
    end = text.rindex('"')
    value = text[1:end]
    if "\\" in value:
        value = _ESCAPE.sub(_unescape, value)
    if end + 1 < len(text) and text[end + 1] == "@":
        tagged = Tagged(value)
        tagged.language = text[end + 2 :]
        return tagged
    return value


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)
