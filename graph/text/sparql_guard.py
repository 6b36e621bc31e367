"""Lexical checks and edits of SPARQL text, done before the text reaches the store.

Oxigraph evaluates ``SERVICE`` by sending an HTTP request, and ``LOAD`` by fetching a
document. The server never fetches a URL a user gives it, so both are refused before a
query or update reaches the store (``FROM`` and ``FROM NAMED`` are safe: Oxigraph reads
them as names of graphs in the store and fetches nothing).

The checks are lexical: strings, IRIs and comments are blanked out first, so a keyword
inside a literal or an IRI is not mistaken for one, and prefixed names, variables and
prefix declarations are told apart from keywords by the characters around them. The same
blanked text tells the form of a query (for content negotiation before it runs), whether
it declares its own dataset, and where the ``USING`` clauses of the Protocol's
``using-graph-uri`` parameters go in an update.

Examples
--------
>>> check_no_outbound("SELECT * WHERE { ?s ?p 'SERVICE' }")
>>> check_no_outbound("SELECT * WHERE { ?s <http://e.org/service> ?o }")
>>> check_no_outbound("SELECT * WHERE { SERVICE <http://e.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
longarm.graph.base.errors.QueryError: SERVICE is refused: this server never fetches a URL given in a query
>>> check_no_outbound("LOAD <file:///etc/passwd>")
Traceback (most recent call last):
...
longarm.graph.base.errors.QueryError: LOAD is refused: this server never fetches a URL given in a query
>>> query_form("PREFIX ask: <http://e.org/> # SELECT\\nconstruct { ?s ?p ?o } WHERE { ?s ask:p ?o }")
'construct'
>>> declares_dataset("SELECT * FROM <http://e.org/g> WHERE { ?s ?p ?o }")
True
>>> declares_dataset("SELECT * WHERE { ?s <http://e.org/from> ?from }")
False
>>> print(add_using("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://e.org/g"], []))
DELETE { ?s ?p ?o } USING <http://e.org/g> WHERE { ?s ?p ?o }
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import pyoxigraph as ox

from ..base.errors import QueryError

__all__ = ["add_using", "check_no_outbound", "declares_dataset", "query_form"]

_BLANK = re.compile(
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""'''  # long double-quoted strings
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""  # long single-quoted strings
    r'''|"(?:[^"\\\n]|\\.)*"'''  # double-quoted strings
    r"""|'(?:[^'\\\n]|\\.)*'"""  # single-quoted strings
    r"""|<[^<>"{}|^`\\\s]*>"""  # IRI references
    r"""|\#[^\n]*""",  # comments
    re.DOTALL,
)


def _keyword(*words: str) -> re.Pattern[str]:
    # Not part of a prefixed name, a variable or a longer word: a keyword.
    return re.compile(r"(?<![\w:?$-])(" + "|".join(words) + r")(?![\w:-])", re.IGNORECASE)


_OUTBOUND = _keyword("SERVICE", "LOAD")
_FORM = _keyword("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_FROM = _keyword("FROM")
_DATASET_IN_UPDATE = _keyword("USING", "WITH")
_MODIFY = _keyword("DELETE", "INSERT", "WHERE", "DATA")


@functools.lru_cache(maxsize=16)
def _bare(text: str) -> str:
    """`text` with strings, IRIs and comments replaced by spaces (same length).

    Kept for the last texts: a query is checked several times on its way (its form, its
    dataset, SERVICE or LOAD).
    """
    return _BLANK.sub(lambda m: " " * len(m.group(0)), text)


def _find(keyword: re.Pattern[str], word: str, text: str) -> re.Match[str] | None:
    """`keyword` in the bare `text`; first the cheaper test that `word` (lower case) is there at all."""
    bare = _bare(text)
    return keyword.search(bare) if word in bare.lower() else None


def check_no_outbound(text: str) -> None:
    """Raise :class:`QueryError` if `text` uses SERVICE or LOAD."""
    match = _find(_OUTBOUND, "service", text) or _find(_OUTBOUND, "load", text)
    if match:
        raise QueryError(f"{match.group(1).upper()} is refused: this server never fetches a URL given in a query")


def query_form(text: str) -> str | None:
    """The form of a query: ``select``, ``ask``, ``construct`` or ``describe`` (None if none is found)."""
    match = _FORM.search(_bare(text))
    return match.group(1).lower() if match else None


def declares_dataset(text: str) -> bool:
    """True if a query has a dataset clause (``FROM`` or ``FROM NAMED``)."""
    return _find(_FROM, "from", text) is not None


def add_using(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Give each ``DELETE``/``INSERT … WHERE`` operation of `update` the Protocol's dataset.

    The SPARQL 1.1 Protocol's ``using-graph-uri`` and ``using-named-graph-uri`` act as
    ``USING`` and ``USING NAMED`` clauses on every operation that takes them; the clauses
    are inserted before each such operation's ``WHERE``. ``DELETE WHERE``, ``INSERT DATA``,
    ``DELETE DATA`` and graph management operations take none and are left alone.

    Raises
    ------
    QueryError
        If the update names its own dataset (``USING``, ``USING NAMED`` or ``WITH``), which
        the Protocol forbids together with the parameters, or a graph IRI is invalid.
    """
    if not using and not using_named:
        return update
    bare = _bare(update)
    if _DATASET_IN_UPDATE.search(bare):
        raise QueryError(
            "the update names its dataset with USING or WITH: it cannot be given using-graph-uri or "
            "using-named-graph-uri as well (SPARQL 1.1 Protocol, section 2.2.3)"
        )
    try:
        clauses = [f"USING {ox.NamedNode(g)}" for g in using] + [f"USING NAMED {ox.NamedNode(g)}" for g in using_named]
    except ValueError as exc:
        raise QueryError(f"invalid graph IRI: {exc}") from None
    inserts, depth, previous, position = [], 0, "", 0
    for match in re.finditer(r"[{}]|" + _MODIFY.pattern, bare, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            word = token.upper()
            # The WHERE of DELETE/INSERT templates, not of DELETE WHERE (nothing in between).
            if word == "WHERE" and not (previous == "DELETE" and not bare[position : match.start()].strip()):
                inserts.append(match.start())
            previous, position = word, match.end()
    out = update
    for at in reversed(inserts):
        out = out[:at] + " ".join(clauses) + " " + out[at:]
    return out
