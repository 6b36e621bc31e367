"""Content negotiation for the SPARQL endpoints: which media type answers an Accept header.

Each offer is ``(media type sent, canonical media type)``: aliases such as
``application/json`` are answered in the canonical format under the name asked for.
The chosen offer has the highest quality (``q``) that the most specific matching range
gives it; ties go to the range the client listed first, then to the server's order
(the canonical types first). No acceptable offer is a 406.

Examples
--------
>>> negotiate("text/csv, */*;q=0.5", RESULTS)
('text/csv', 'text/csv')
>>> negotiate(None, GRAPHS)
('text/turtle', 'text/turtle')
>>> negotiate("application/json", RESULTS)
('application/json', 'application/sparql-results+json')
>>> negotiate("text/*;q=0.1, application/sparql-results+xml", RESULTS)
('application/sparql-results+xml', 'application/sparql-results+xml')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import pyoxigraph as ox
from fastapi import HTTPException

__all__ = ["GRAPHS", "RESULTS", "negotiate", "rdf_body"]

Offer = tuple[str, str]

#: SELECT and ASK results.
RESULTS: Final[Sequence[Offer]] = (
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("application/xml", "application/sparql-results+xml"),
)
#: Graphs: CONSTRUCT and DESCRIBE results, the Service Description, the Graph Store.
GRAPHS: Final[Sequence[Offer]] = (
    ("text/turtle", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/ld+json", "application/ld+json"),
    ("application/x-turtle", "text/turtle"),
    ("application/json", "application/ld+json"),
    ("application/xml", "application/rdf+xml"),
)


def negotiate(accept: str | None, offers: Sequence[Offer]) -> Offer:
    """The offer that best answers `accept` (the first offer when there is no header)."""
    ranges = list(_ranges(accept or ""))
    if not ranges:
        return offers[0]
    best: tuple[float, int, int] | None = None
    chosen = offers[0]
    for order, offer in enumerate(offers):
        match = _match(offer[0], ranges)
        if match is None or match[0] <= 0:
            continue
        key = (-match[0], match[1], order)
        if best is None or key < best:
            best, chosen = key, offer
    if best is None:
        names = ", ".join(dict.fromkeys(o[0] for o in offers))
        raise HTTPException(406, f"none of the accepted media types can carry this answer; offered: {names}")
    return chosen


def rdf_body(triples: Iterable[ox.Triple], media_type: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise triples in a canonical media type of :data:`GRAPHS` (`prefixes` for Turtle)."""
    fmt = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    return ox.serialize(triples, format=fmt, prefixes=prefixes if fmt == ox.RdfFormat.TURTLE else None) or b""


def _ranges(accept: str) -> Iterable[tuple[str, float, int]]:
    """``(range, q, position)`` for each media range of an Accept header."""
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        yield fields[0].lower(), q, position


def _match(media: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int] | None:
    """``(q, position)`` of the most specific range matching `media`, if any."""
    kind = media.split("/", 1)[0] + "/*"
    for wanted in (media, kind, "*/*"):
        found = [(q, position) for r, q, position in ranges if r == wanted]
        if found:
            return found[0]
    return None
