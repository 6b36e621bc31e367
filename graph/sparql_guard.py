"""Refusing SPARQL that would make the server fetch a URL.

Oxigraph evaluates ``SERVICE`` by sending an HTTP request, and ``LOAD`` by fetching a
document. The server never fetches a URL a user gives it, so both are refused before a
query or update reaches the store. The check is lexical: strings, IRIs and comments are
blanked out first, so a keyword inside a literal or an IRI is not mistaken for one.

Examples
--------
>>> check_no_outbound("SELECT * WHERE { ?s ?p 'SERVICE' }")
>>> check_no_outbound("SELECT * WHERE { ?s <http://e.org/service> ?o }")
>>> check_no_outbound("SELECT * WHERE { SERVICE <http://e.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
...
longarm.graph.errors.QueryError: SERVICE is refused: this server never fetches a URL given in a query
>>> check_no_outbound("LOAD <file:///etc/passwd>")
Traceback (most recent call last):
...
longarm.graph.errors.QueryError: LOAD is refused: this server never fetches a URL given in a query
"""

from __future__ import annotations

import re

from .errors import QueryError

__all__ = ["check_no_outbound"]

_BLANK = re.compile(
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""'''  # long double-quoted strings
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""  # long single-quoted strings
    r'''|"(?:[^"\\\n]|\\.)*"'''  # double-quoted strings
    r"""|'(?:[^'\\\n]|\\.)*'"""  # single-quoted strings
    r"""|<[^<>"{}|^`\\\s]*>"""  # IRI references
    r"""|\#[^\n]*""",  # comments
    re.DOTALL,
)
_KEYWORD = re.compile(r"(?<![\w:?$])(SERVICE|LOAD)(?![\w:])", re.IGNORECASE)


def check_no_outbound(text: str) -> None:
    """Raise :class:`QueryError` if `text` uses SERVICE or LOAD."""
    bare = _BLANK.sub(" ", text)
    match = _KEYWORD.search(bare)
    if match:
        raise QueryError(f"{match.group(1).upper()} is refused: this server never fetches a URL given in a query")
