"""Reading RDF documents: format detection and parsing with exact error positions.

Parsing uses Oxigraph's parsers, which report the line and column of a syntax error;
:func:`parse_document` turns that into :class:`~longarm.graph.base.errors.RdfSyntaxError`
naming the file. Blank nodes are renamed on parse so that two documents never share one
by accident. Triples in named graphs of a quad document (TriG, N-Quads) are flattened
into the document's own graph: one named graph per source.

Examples
--------
>>> triples = parse_document(b'<http://e.org/a> <http://e.org/p> "1" .', "x.nt")
>>> len(triples)
1
>>> parse_document(b'<http://e.org/a> <http://e.org/p> "1', "bad.nt")
Traceback (most recent call last):
...
longarm.graph.base.errors.RdfSyntaxError: bad.nt:1:35: Unexpected end of file
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pyoxigraph as ox

from ..base.errors import RdfSyntaxError, UnsupportedFormatError

__all__ = ["FORMATS_BY_EXTENSION", "FORMATS_BY_MEDIA_TYPE", "format_for", "parse_document", "parse_file"]

FORMATS_BY_EXTENSION: Final[dict[str, ox.RdfFormat]] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}

FORMATS_BY_MEDIA_TYPE: Final[dict[str, ox.RdfFormat]] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/n3": ox.RdfFormat.N3,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def format_for(name: str, media_type: str | None = None) -> ox.RdfFormat:
    """Return the RDF format of a document from its media type, else its file name.

    >>> format_for("data/organizations.ttl").name
    'Turtle'
    >>> format_for("upload", "application/n-triples; charset=utf-8").name
    'N-Triples'
    """
    if media_type:
        key = media_type.split(";", 1)[0].strip().lower()
        if key in FORMATS_BY_MEDIA_TYPE:
            return FORMATS_BY_MEDIA_TYPE[key]
        raise UnsupportedFormatError(f"no RDF parser for media type {key!r}")
    suffix = Path(name).suffix.lower()
    if suffix in FORMATS_BY_EXTENSION:
        return FORMATS_BY_EXTENSION[suffix]
    known = ", ".join(sorted(FORMATS_BY_EXTENSION))
    raise UnsupportedFormatError(f"{name}: unknown RDF file extension {suffix!r} (known: {known})")


def parse_document(
    data: bytes | str,
    name: str,
    media_type: str | None = None,
    base_iri: str | None = None,
) -> list[ox.Triple]:
    """Parse one RDF document into triples; `name` is used for the format and in errors.

    Raises
    ------
    RdfSyntaxError
        With the file name, line and column of the first error.
    UnsupportedFormatError
        If neither `media_type` nor the extension of `name` is an RDF format.
    """
    fmt = format_for(name, media_type)
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_declarations(data, name)
    try:
        quads = list(ox.parse(data, fmt, base_iri=base_iri, rename_blank_nodes=True))
    except SyntaxError as exc:
        line, column = _position(exc)
        reason = str(exc.msg) if exc.msg else str(exc)
        # Oxigraph prefixes the message with the span; keep only the reason.
        if reason.startswith("Parser error") and ": " in reason:
            reason = reason.split(": ", 1)[1]
        raise RdfSyntaxError(name, line, column, reason) from None
    except ValueError as exc:
        raise RdfSyntaxError(name, None, None, str(exc)) from None
    return [q.triple for q in quads]


def parse_file(path: str | Path, base_iri: str | None = None) -> list[ox.Triple]:
    """Parse an RDF file; see :func:`parse_document`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UnsupportedFormatError(f"{p}: cannot read file: {exc.strerror}") from None
    return parse_document(data, str(path), base_iri=base_iri or p.resolve().as_uri())


#: A document type or entity declaration in XML: "<!DOCTYPE" or "<!ENTITY", in any case.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _refuse_declarations(data: bytes | str, name: str) -> None:
    """Refuse RDF/XML that declares a document type or entities, before any parsing.

    RDF/XML never needs them, and nested internal entities ("billion laughs") make a
    document of under a kilobyte expand without bound: the parser would hold the server's
    CPU for minutes. Without declarations, parsing is linear in the document's size, which
    the callers bound (the HTTP body limit; files are read whole).

    >>> _refuse_declarations(b"<?xml version='1.0'?>" + bytes([10]) + b"<!DOCTYPE r [<!ENTITY a 'x'>]><r/>", "x.rdf")
    Traceback (most recent call last):
    ...
    longarm.graph.base.errors.RdfSyntaxError: x.rdf:2:1: document type and entity declarations are refused in RDF/XML
    """
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    found = _DECLARATION.search(raw)
    if found is None:
        return
    before = raw[: found.start()]
    line = before.count(b"\n") + 1
    column = found.start() - (before.rfind(b"\n") + 1) + 1
    raise RdfSyntaxError(name, line, column, "document type and entity declarations are refused in RDF/XML")


def _position(exc: SyntaxError) -> tuple[int | None, int | None]:
    line = exc.lineno if isinstance(exc.lineno, int) else None
    column = exc.offset if isinstance(exc.offset, int) else None
    return line, column
