"""Parsing: formats by extension and media type; syntax errors name file, line, column."""

from __future__ import annotations

from pathlib import Path

import pytest

from longarm.graph.base.errors import RdfSyntaxError, UnsupportedFormatError
from longarm.graph.text.rdfio import format_for, parse_document, parse_file

TRIPLE_TTL = '@prefix e: <https://e.org/> .\ne:a e:p "x" .\n'

SAME_TRIPLE = [
    ("a.ttl", TRIPLE_TTL),
    ("a.nt", '<https://e.org/a> <https://e.org/p> "x" .\n'),
    ("a.nq", '<https://e.org/a> <https://e.org/p> "x" <https://e.org/g> .\n'),
    ("a.trig", '<https://e.org/g> { <https://e.org/a> <https://e.org/p> "x" }\n'),
    ("a.jsonld", '{"@id": "https://e.org/a", "https://e.org/p": "x"}'),
    (
        "a.rdf",
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:e="https://e.org/"><rdf:Description rdf:about="https://e.org/a"><e:p>x</e:p>'
        "</rdf:Description></rdf:RDF>",
    ),
]


@pytest.mark.parametrize(("name", "text"), SAME_TRIPLE, ids=[n for n, _ in SAME_TRIPLE])
def test_each_format_gives_the_triple(name: str, text: str) -> None:
    [t] = parse_document(text.encode(), name)
    assert (t.subject.value, t.predicate.value, t.object.value) == ("https://e.org/a", "https://e.org/p", "x")


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "broken.ttl"
    p.write_text(TRIPLE_TTL + 'e:b e:p "unterminated ;\n', encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as info:
        parse_file(p)
    err = info.value
    assert (err.file, err.line) == (str(p), 3)
    assert err.column is not None and err.column >= 1
    assert str(err).startswith(f"{p}:3:")


def test_syntax_error_on_a_later_line(tmp_path: Path) -> None:
    p = tmp_path / "late.ttl"
    p.write_text(TRIPLE_TTL + "\n\ne:c e:p e:d e:e .\n", encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as info:
        parse_file(p)
    assert info.value.line == 5


def test_unknown_extension_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError):
        format_for("notes.docx")


def test_unknown_media_type_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError):
        format_for("x.ttl", "application/pdf")


def test_blank_nodes_of_two_documents_never_collide() -> None:
    text = b'_:b <https://e.org/p> "x" .'
    [a] = parse_document(text, "a.nt")
    [b] = parse_document(text, "b.nt")
    assert a.subject != b.subject


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%s;" % (b"" if i == 1 else str(i - 1).encode())) * 10)
        for i in range(1, 10)
    )
    + b']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="http://e.org/a"><rdf:value>&lol9;</rdf:value></rdf:Description></rdf:RDF>'
)


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (LAUGHS, 2),  # nested internal entities ("billion laughs"), under 1 KB
        (b'<?xml version="1.0"?>\n\n<!doctype r SYSTEM "file:///etc/passwd"><r/>', 3),  # an external entity
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<!ENTITY x "y"></rdf:RDF>', 2),
    ],
)
def test_rdf_xml_declarations_are_refused_before_parsing(doc: bytes, line: int) -> None:
    assert len(doc) < 1024
    with pytest.raises(RdfSyntaxError) as caught:
        parse_document(doc, "upload.rdf")
    assert caught.value.line == line and "declarations are refused" in str(caught.value)


def test_rdf_xml_without_declarations_still_parses() -> None:
    doc = (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="http://e.org/a"><rdf:value>&lt;!DOCTYPE is text here</rdf:value>'
        b"</rdf:Description></rdf:RDF>"
    )
    [triple] = parse_document(doc, "ok.rdf")
    assert triple.object.value == "<!DOCTYPE is text here"


def test_a_remote_json_ld_context_is_refused_not_fetched() -> None:
    doc = b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://e.org/a", "http://e.org/p": "x"}'
    with pytest.raises(RdfSyntaxError, match="remote contexts"):
        parse_document(doc, "x.jsonld")
