"""SHACL validation: each broken rule is reported with its node, property and rule."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from longarm.graph.store.validation import Shapes, ShapesError

from .conftest import VALID_TTL


def _violations(ttl: str) -> set[tuple[str, str | None, str]]:
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    return {(v.focus_node, v.path, v.constraint) for v in Shapes.bundled().validate(g)}


def test_the_tiny_dataset_conforms() -> None:
    assert _violations(VALID_TTL) == set()


EX = "https://example.org/"

# (case, text to replace in VALID_TTL, replacement, expected (node, property, rule))
CASES = [
    (
        "missing source on an interest",
        'lx:validUntil "2023-12-31"^^xsd:date ;\n    dcterms:source ex:src ;',
        'lx:validUntil "2023-12-31"^^xsd:date ;',
        (f"<{EX}stake>", "dcterms:source", "MinCount"),
    ),
    (
        "share over 100 %",
        "lx:shareOfCapital 60.0",
        "lx:shareOfCapital 120.0",
        (f"<{EX}stake>", "lx:shareOfCapital", "MaxInclusive"),
    ),
    (
        "share as an integer",
        "lx:shareOfCapital 60.0",
        "lx:shareOfCapital 60",
        (f"<{EX}stake>", "lx:shareOfCapital", "Datatype"),
    ),
    (
        "end before start",
        '"2023-12-31"^^xsd:date',
        '"2019-12-31"^^xsd:date',
        (f"<{EX}stake>", "lx:validFrom", "DatesInOrder"),
    ),
    (
        "end in a year before the start",
        '"2023-12-31"^^xsd:date',
        '"2019"^^xsd:gYear',
        (f"<{EX}stake>", "lx:validFrom", "DatesInOrder"),
    ),
    (
        "a date as a bare string",
        '"2023-12-31"^^xsd:date',
        '"2023-12-31"',
        (f"<{EX}stake>", "lx:validUntil", "Or"),
    ),
    ("owner owns itself", "lx:owner ex:parent", "lx:owner ex:child", (f"<{EX}stake>", "lx:owner", "Disjoint")),
    ("confidence missing", "; lx:confidence lx:Primary .", ".", (f"<{EX}stake>", "lx:confidence", "MinCount")),
    (
        "source without a date",
        'dcterms:date "2024-01-15"^^xsd:date',
        'rdfs:comment "undated"',
        (f"<{EX}src>", None, "Or"),
    ),
    ("owner is not an organization", "lx:owner ex:parent", "lx:owner ex:FR", (f"<{EX}stake>", "lx:owner", "Class")),
    (
        "bad LEI",
        "lx:incorporatedIn ex:FR ; dcterms:source ex:src .\nex:child",
        'lx:incorporatedIn ex:FR ; dcterms:source ex:src ; lx:lei "NOT-AN-LEI" .\nex:child',
        (f"<{EX}parent>", "lx:lei", "Pattern"),
    ),
    (
        "unknown interest kind",
        "lx:interestKind lx:Shareholding",
        "lx:interestKind lx:Friendship",
        (f"<{EX}stake>", "lx:interestKind", "In"),
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_rule_is_reported(case: str, old: str, new: str, expected: tuple[str, str | None, str]) -> None:
    assert old in VALID_TTL, case
    assert expected in _violations(VALID_TTL.replace(old, new, 1))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ('"2025"^^xsd:gYear', '"2025-05-03"^^xsd:date'),  # the same year: a window, not an error
        ('"2025-05"^^xsd:gYearMonth', '"2025-05-03"^^xsd:date'),
        ('"2019-12-31"^^xsd:date', '"2023"^^xsd:gYear'),
    ],
)
def test_dates_of_other_precisions_in_order_conform(start: str, end: str) -> None:
    ttl = VALID_TTL.replace('"2023-12-31"^^xsd:date', end, 1)
    ttl = ttl.replace(ttl[ttl.index("lx:validFrom") :].split(";", 1)[0], f"lx:validFrom {start} ", 1)
    assert _violations(ttl) == set()


def test_violation_names_file_node_property_and_rule() -> None:
    g = rdflib.Graph().parse(data=VALID_TTL.replace("60.0", "120.0"), format="turtle")
    [v] = Shapes.bundled().validate(g, {f"{EX}stake": "tiny.ttl"})
    text = str(v)
    assert text.startswith("tiny.ttl: <https://example.org/stake> lx:shareOfCapital: MaxInclusive:")
    assert "120.0" in text


def test_invalid_shapes_are_refused_when_loaded() -> None:
    bad = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <https://example.org/S> a sh:NodeShape ; sh:property [ sh:path <https://example.org/p> ; sh:minCount "one" ] .""",
        format="turtle",
    )
    with pytest.raises(ShapesError):
        Shapes(bad, rdflib.Graph())


# A milestone is one of the plain literals "J0"…"J3" (sh:in): read from an Oxigraph store (a
# write's scope), a plain literal must match the list as it does from an rdflib graph.
MILESTONE = """
@prefix lx: <https://w3id.org/longarm/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/> .
ex:src a lx:Source ; rdfs:label "Example filing" ; dcterms:date "2024-01-15"^^xsd:date .
ex:cert a lx:Certification ; rdfs:label "An evaluation" ; lx:milestone "MILESTONE" ; dcterms:source ex:src .
"""


@pytest.mark.parametrize(("milestone", "conforms"), [("J1", True), ("J9", False)])
@pytest.mark.parametrize("reader", ["rdflib", "oxigraph"])
def test_a_plain_literal_in_a_list_is_read_alike_from_either_input(milestone: str, conforms: bool, reader: str) -> None:
    ttl = VALID_TTL + MILESTONE.replace("MILESTONE", milestone)
    data: rdflib.Graph | ox.Store
    if reader == "rdflib":
        data = rdflib.Graph().parse(data=ttl, format="turtle")
    else:
        data = ox.Store()
        data.load(ttl, ox.RdfFormat.TURTLE)
    found = {(v.focus_node, v.path, v.constraint) for v in Shapes.bundled().validate(data) if v.path == "lx:milestone"}
    assert found == (set() if conforms else {(f"<{EX}cert>", "lx:milestone", "In")})
