"""The Wikidata reader: longarm's query, the results it returns, and what is read from them.

``fixtures/imports/wikidata/graph.ttl`` holds fictional items in Wikidata's RDF format;
``results.json`` is what the query returns over them (checked here by running the query
with rdflib, the label service aside); ``malformed.json`` holds bindings the reader must
refuse or partly refuse. Every Q9xxxxx item is made up.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.plugins.sparql import prepareQuery

from longarm.graph.imports import wikidata
from longarm.graph.imports.records import Entity, Identifier, Problem, Record, Relationship, Where
from longarm.graph.imports.wikidata import LABEL_SERVICE, QUERY, query_for, read

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "wikidata"
RESULTS = FIXTURES / "results.json"
MALFORMED = FIXTURES / "malformed.json"
ITEMS = ("Q900001", "Q900002", "Q900004")
WD = "http://www.wikidata.org/entity/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: The label service emulated: the English label, else the bare Q-id, as the service gives it.
LOCAL_LABELS = """
  OPTIONAL { ?item <http://www.w3.org/2000/01/rdf-schema#label> ?itemEn . FILTER(LANG(?itemEn) = "en") }
  OPTIONAL { ?other <http://www.w3.org/2000/01/rdf-schema#label> ?otherEn . FILTER(LANG(?otherEn) = "en") }
  BIND(COALESCE(?itemEn, STRAFTER(STR(?item), STR(wd:))) AS ?itemLabel)
  BIND(COALESCE(?otherEn, STRAFTER(STR(?other), STR(wd:))) AS ?otherLabel)
"""


def records(*paths: Path) -> list[Record]:
    return list(read(list(paths)))


def entities(found: list[Record]) -> dict[str, Entity]:
    return {r.key: r for r in found if isinstance(r, Entity)}


def relationships(found: list[Record]) -> dict[str, Relationship]:
    return {r.key: r for r in found if isinstance(r, Relationship)}


def problems(found: list[Record]) -> list[Problem]:
    return [r for r in found if isinstance(r, Problem)]


def results_file(tmp_path: Path, bindings: list[Any], name: str = "results.json") -> Path:
    """A results file with `bindings`, the head of longarm's query."""
    head = json.loads(RESULTS.read_text(encoding="utf-8"))["head"]
    path = tmp_path / name
    path.write_text(json.dumps({"head": head, "results": {"bindings": bindings}}), encoding="utf-8")
    return path


def uri(value: str) -> dict[str, str]:
    return {"type": "uri", "value": value}


def literal(value: str, datatype: str | None = None) -> dict[str, str]:
    return {"type": "literal", "value": value} | ({"datatype": XSD + datatype} if datatype else {})


def binding(item: str, prop: str, other: str, statement: str = "1", **more: dict[str, str]) -> dict[str, Any]:
    return {
        "item": uri(WD + item),
        "statement": uri(f"{WD}statement/{item}-00000000-0000-4000-8000-{statement:0>12}"),
        "rel": uri("http://www.wikidata.org/prop/" + prop),
        "other": uri(WD + other),
        **more,
    }


# --------------------------------------------------------------------------- the query


def test_the_query_is_sparql_with_its_prefixes_declared() -> None:
    fixture_vars = json.loads(RESULTS.read_text(encoding="utf-8"))["head"]["vars"]
    for text in (QUERY, query_for(ITEMS)):
        query = prepareQuery(text)  # an undeclared prefix would not parse
        assert [str(v) for v in query.algebra["PV"]] == fixture_vars
    assert "VALUES ?item { }" in QUERY
    assert "VALUES ?item { wd:Q900001 wd:Q900002 wd:Q900004 }" in query_for([*ITEMS, "Q900001"])
    assert LABEL_SERVICE in QUERY


@pytest.mark.parametrize("items", [[], ["P127"], ["wd:Q900001"], ["Q0"], ["Q1 } } DROP ALL"], ["Q900001", "x"]])
def test_query_for_takes_only_q_ids(items: list[str]) -> None:
    with pytest.raises(ValueError):
        query_for(items)


def test_the_fixture_is_what_the_query_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The query run over graph.ttl by rdflib (labels emulated, literals kept as written) returns results.json."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    graph = rdflib.Graph()
    graph.parse(FIXTURES / "graph.ttl")
    text = query_for(ITEMS).replace(LABEL_SERVICE, LOCAL_LABELS)
    got = json.loads(graph.query(text).serialize(format="json"))
    expected = json.loads(RESULTS.read_text(encoding="utf-8"))

    def rows(doc: dict[str, Any]) -> Counter[frozenset[tuple[str, frozenset[tuple[str, str]]]]]:
        return Counter(frozenset((k, frozenset(v.items())) for k, v in b.items()) for b in doc["results"]["bindings"])

    assert got["head"] == expected["head"]
    assert rows(got) == rows(expected)
    others = {b["other"]["value"].removeprefix(WD) for b in got["results"]["bindings"]}
    assert others == {"Q900001", "Q900002", "Q900003", "Q900005"}  # not the building, deprecated or unknown owners


# --------------------------------------------------------------------------- results.json

ENTITIES = [
    # key, name, kind, headquarters
    ("wikidata:Q900001", "Examplesoft Corporation", "organization", "US"),
    ("wikidata:Q900002", "ExampleHub, Inc.", "organization", "US"),  # its P17 is IE and NL
    ("wikidata:Q900003", "Jane Example", "person", None),
    ("wikidata:Q900004", None, "organization", None),  # no label: the service gave its Q-id
    ("wikidata:Q900005", "Republic of Example", "state", None),
]

RELATIONSHIPS = [
    # key, subject, interested, kind, share, start, end, binding
    ("wikidata:Q900002|P127|Q900001|2018", "Q900002", "Q900001", "shareholding", 100.0, "2018", None, 1),
    ("wikidata:Q900002|P749|Q900001|", "Q900002", "Q900001", "control", None, None, None, 3),
    ("wikidata:Q900001|P127|Q900003|1990-06", "Q900001", "Q900003", "shareholding", 12.0, "1990-06", "2001", 0),
    ("wikidata:Q900004|P127|Q900005|2004-03-15", "Q900004", "Q900005", "shareholding", 23.5, "2004-03-15", None, 10),
    ("wikidata:Q900004|P127|Q900001|", "Q900004", "Q900001", "shareholding", None, None, None, 9),
]


@pytest.fixture(scope="module")
def read_results() -> list[Record]:
    return records(RESULTS)


@pytest.mark.parametrize(("key", "name", "kind", "headquarters"), ENTITIES)
def test_entities(read_results: list[Record], key: str, name: str | None, kind: str, headquarters: str | None) -> None:
    entity = entities(read_results)[key]
    assert (entity.name, entity.kind, entity.headquarters) == (name, kind, headquarters)
    assert entity.identifiers == (Identifier("WIKIDATA", key.removeprefix("wikidata:")),)
    assert entity.jurisdiction is None  # P17 is not where it is incorporated
    assert entity.aliases == ()
    assert entity.where.file == str(RESULTS)


@pytest.mark.parametrize(("key", "subject", "interested", "kind", "share", "start", "end", "index"), RELATIONSHIPS)
def test_relationships(
    read_results: list[Record],
    key: str,
    subject: str,
    interested: str,
    kind: str,
    share: float | None,
    start: str | None,
    end: str | None,
    index: int,
) -> None:
    found = relationships(read_results)[key]
    assert (found.subject, found.interested) == (f"wikidata:{subject}", f"wikidata:{interested}")
    assert (found.kind, found.share, found.start, found.end) == (kind, share, start, end)
    assert (found.share_min, found.share_max, found.direct, found.status) == (None, None, None, None)
    assert found.where.path == f"$.results.bindings[{index}]"


def test_exactly_these_and_nothing_else(read_results: list[Record]) -> None:
    assert list(entities(read_results)) == [
        "wikidata:Q900001",
        "wikidata:Q900003",
        "wikidata:Q900002",
        "wikidata:Q900004",
        "wikidata:Q900005",
    ]
    assert set(relationships(read_results)) == {row[0] for row in RELATIONSHIPS}
    assert problems(read_results) == []
    assert len(read_results) == len(ENTITIES) + len(RELATIONSHIPS)  # entities and relationships once each


def test_a_country_is_neither_a_jurisdiction_nor_headquarters(read_results: list[Record]) -> None:
    """Q900002's P17 (IE, NL) is in the results and nowhere in the records."""
    text = RESULTS.read_text(encoding="utf-8")
    assert '"IE"' in text and '"NL"' in text
    assert all(e.jurisdiction is None for e in entities(read_results).values())
    assert not any("IE" in repr(r) or "NL" in repr(r) for r in read_results)


def test_both_sides_of_a_statement_make_one_relationship(read_results: list[Record]) -> None:
    pairs = Counter((r.subject, r.interested, r.key.split("|")[1]) for r in relationships(read_results).values())
    assert pairs[("wikidata:Q900002", "wikidata:Q900001", "P127")] == 1  # P127 and P1830, two rows each
    assert pairs[("wikidata:Q900002", "wikidata:Q900001", "P749")] == 1  # P749 and P355
    found = relationships(read_results).values()
    assert not any(r.subject == "wikidata:Q900001" and r.interested == "wikidata:Q900002" for r in found)


def test_the_two_sides_in_two_files(tmp_path: Path, read_results: list[Record]) -> None:
    bindings = json.loads(RESULTS.read_text(encoding="utf-8"))["results"]["bindings"]
    first = results_file(tmp_path, [b for b in bindings if b["item"]["value"] != WD + "Q900001"], "a.json")
    second = results_file(tmp_path, [b for b in bindings if b["item"]["value"] == WD + "Q900001"], "b.json")
    found = records(first, second)
    assert problems(found) == []

    def facts(rs: list[Record]) -> set[tuple[Any, ...]]:
        return {(r.key, r.subject, r.interested, r.kind, r.share, r.start, r.end) for r in relationships(rs).values()}

    assert facts(found) == facts(read_results)


def test_the_sides_disagree(tmp_path: Path) -> None:
    one = binding("Q900002", "P127", "Q900001", "1", share=literal("1", "decimal"), shareUnit=uri(WD + "Q199"))
    other = binding("Q900001", "P1830", "Q900002", "2", share=literal("0.5", "decimal"), shareUnit=uri(WD + "Q199"))
    found = records(results_file(tmp_path, [one, other]))
    (relation,) = relationships(found).values()
    assert (relation.key, relation.kind, relation.share) == ("wikidata:Q900002|P127|Q900001|", "shareholding", None)
    assert [p.reason for p in problems(found)] == [
        "wikidata:Q900002|P127|Q900001| has several proportions (100%, 50%): none kept"
    ]


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("2018-01-01T00:00:00Z", "9", "2018"),  # a year, written as January 1st
        ("2018-10-26T00:00:00Z", "9", "2018"),  # a year with a day left in it
        ("2018-10-01T00:00:00Z", "10", "2018-10"),
        ("2018-10-26T00:00:00Z", "11", "2018-10-26"),
        ("2018-10-26T00:00:00Z", "14", "2018-10-26"),  # seconds: a time of day is dropped
        ("2018-01-01T00:00:00Z", "8", None),  # a decade
        ("2018-01-01T00:00:00Z", None, None),  # no precision: a year, a month or a day?
        ("2018-02-30T00:00:00Z", "11", None),
        ("-0500-01-01T00:00:00Z", "9", None),
        ("2018-01-01T00:00:00Z", "nine", None),
    ],
)
def test_dates_as_precise_as_wikidata_says(
    tmp_path: Path, value: str, precision: str | None, expected: str | None
) -> None:
    more = {"start": literal(value, "dateTime"), "end": literal(value, "dateTime")}
    if precision is not None:
        more |= {"startPrecision": literal(precision, "integer"), "endPrecision": literal(precision, "integer")}
    found = records(results_file(tmp_path, [binding("Q900001", "P127", "Q900003", **more)]))
    (relation,) = relationships(found).values()
    assert (relation.start, relation.end) == (expected, expected)
    assert relation.key == f"wikidata:Q900001|P127|Q900003|{expected or ''}"
    reasons = [p.reason for p in problems(found)]
    if expected is None:
        assert [r.split(" ")[0] for r in reasons] == ["start", "end"] and all("not kept" in r for r in reasons)
    else:
        assert reasons == []


@pytest.mark.parametrize(
    ("amount", "unit", "share", "reason"),
    [
        ("1", "Q199", 100.0, None),
        ("0.51", "Q199", 51.0, None),
        ("0", "Q199", 0.0, None),
        ("0.12", None, 12.0, None),  # no unit asked for: a proportion
        ("23.5", "Q11229", 23.5, None),  # per cent
        ("1.5", "Q199", None, "proportion (P1107) 1.5 is not between 0 and 1: not kept"),
        ("-0.1", "Q199", None, "proportion (P1107) -0.1 is not between 0 and 1: not kept"),
        ("150", "Q11229", None, "proportion (P1107) 150% is not between 0 and 100: not kept"),
        ("0.4", "Q900999", None, f"proportion (P1107) 0.4 has a unit that is not a proportion ({WD}Q900999): not kept"),
        ("half", "Q199", None, "proportion (P1107) 'half' is not a number: not kept"),
        ("NaN", "Q199", None, "proportion (P1107) 'NaN' is not a number: not kept"),
    ],
)
def test_shares(tmp_path: Path, amount: str, unit: str | None, share: float | None, reason: str | None) -> None:
    more = {"share": literal(amount, "decimal")} | ({"shareUnit": uri(WD + unit)} if unit else {})
    found = records(results_file(tmp_path, [binding("Q900001", "P749", "Q900002", **more)]))
    (relation,) = relationships(found).values()
    assert (relation.kind, relation.share) == ("shareholding", share)  # a proportion is there, read or not
    assert [p.reason for p in problems(found)] == ([reason] if reason else [])


def test_without_a_proportion(tmp_path: Path) -> None:
    """Owned by: a share of unknown size, not control; parent organization: control."""
    rows = [binding("Q900001", "P127", "Q900003", "1"), binding("Q900001", "P749", "Q900002", "2")]
    found = relationships(records(results_file(tmp_path, rows)))
    assert {k: (r.kind, r.share) for k, r in found.items()} == {
        "wikidata:Q900001|P127|Q900003|": ("shareholding", None),
        "wikidata:Q900001|P749|Q900002|": ("control", None),
    }


def test_two_headquarters_countries_give_none(tmp_path: Path) -> None:
    rows = [
        binding("Q900001", "P127", "Q900003", "1", hqCountryCode=literal("US")),
        binding("Q900001", "P127", "Q900003", "1", hqCountryCode=literal("NL")),
    ]
    found = records(results_file(tmp_path, rows))
    assert entities(found)["wikidata:Q900001"].headquarters is None
    assert [(p.where.path, p.reason) for p in problems(found)] == [
        ("$.results.bindings[0]", "Q900001 has headquarters in several countries (US, NL): none kept")
    ]


def test_labels_seen_differently_are_aliases(tmp_path: Path) -> None:
    rows = [
        binding("Q900001", "P127", "Q900003", "1", itemLabel=literal("Examplesoft")),
        binding("Q900001", "P127", "Q900003", "1", itemLabel=literal("Examplesoft Corp.")),
        binding("Q900001", "P127", "Q900003", "1", itemLabel=literal("Q900001")),
    ]
    entity = entities(records(results_file(tmp_path, rows)))["wikidata:Q900001"]
    assert (entity.name, entity.aliases) == ("Examplesoft", ("Examplesoft Corp.",))


# --------------------------------------------------------------------------- malformed.json

MALFORMED_PROBLEMS = [
    (0, "a binding that is not a JSON object but a str: binding skipped"),
    (1, "no ?item: binding skipped"),
    (2, "?rel 'http://www.wikidata.org/prop/P31' is not one of the properties read"),
    (3, "?rel 'http://www.wikidata.org/prop/direct/P127' is not one of the properties read"),
    (4, "?other is not a Wikidata item: 'Example Q900012': binding skipped"),
    (5, "?item is not a Wikidata item: 'http://example.org/Q900011': binding skipped"),
    (6, "proportion (P1107) 1.5 is not between 0 and 1: not kept"),
    (7, "proportion (P1107) 0.4 has a unit that is not a proportion"),
    (8, "start time (P580) 2017-01-01T00:00:00Z without its precision (?startPrecision): not kept"),
    (9, "start time (P580) 2010-01-01T00:00:00Z is less precise than a year (precision 8): not kept"),
    (10, "?hqCountryCode 'usa' is not an ISO 3166-1 alpha-2 code: headquarters not kept"),
    (11, "end time (P582) is not a date but a uri"),
    (14, "has another item, property or value here: binding skipped"),
    (17, "start time (P580) '2018-02-30T00:00:00Z' is not a date: not kept"),
    (15, "Q900028-00000000-0000-4000-8000-000000000112 has several proportions (30%, 50%): none kept"),
]


@pytest.fixture(scope="module")
def read_malformed() -> list[Record]:
    return records(MALFORMED)


def test_malformed_bindings_are_problems_and_reading_goes_on(read_malformed: list[Record]) -> None:
    found = problems(read_malformed)
    assert len(found) == len(MALFORMED_PROBLEMS)  # binding 13 repeats 6: its problem is said once
    for problem, (index, reason) in zip(found, MALFORMED_PROBLEMS, strict=True):
        assert (problem.where.file, problem.where.path) == (str(MALFORMED), f"$.results.bindings[{index}]")
        assert reason in problem.reason


def test_what_malformed_bindings_leave(read_malformed: list[Record]) -> None:
    kept = relationships(read_malformed)
    assert set(kept) == {
        "wikidata:Q900013|P127|Q900014|",  # without its share
        "wikidata:Q900015|P127|Q900016|",
        "wikidata:Q900017|P127|Q900018|",  # without its start
        "wikidata:Q900019|P127|Q900020|",
        "wikidata:Q900021|P127|Q900022|",
        "wikidata:Q900023|P127|Q900024|",  # without its end
        "wikidata:Q900025|P749|Q900026|",
        "wikidata:Q900028|P127|Q900029|",  # without either share
        "wikidata:Q900030|P127|Q900029|",
    }
    assert all(r.share is None and r.start is None and r.end is None for r in kept.values())
    assert kept["wikidata:Q900013|P127|Q900014|"].kind == "shareholding"
    assert kept["wikidata:Q900025|P749|Q900026|"].kind == "control"
    keys = set(entities(read_malformed))
    assert {"wikidata:Q900011", "wikidata:Q900012", "wikidata:Q900027"}.isdisjoint(keys)  # skipped bindings only
    assert entities(read_malformed)["wikidata:Q900021"].headquarters is None


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        ("<html>Query timeout limit reached</html>", "$", "not SPARQL JSON results from here on (not a JSON object)"),
        ("", "$", "not SPARQL JSON results from here on (not a JSON object)"),
        (
            '{"head": {"vars": ["item"]}, "results": {"bindings": []}}',
            "$.head.vars",
            "no ?rel, ?other: not the results",
        ),
        ('{"head": {"vars": []}, "boolean": true}', "$.head.vars", "no ?item, ?rel, ?other"),
        ('{"boolean": true}', "$", "no results.bindings: not the results of a SPARQL SELECT query"),
        ('{"results": {"bindings": {}}}', "$.results.bindings", "expected '['"),
        ('{"results": {"bindings": []}} {}', "$", "more text after the results"),
        ('{"results": {"bindings": [{"item": }]}}', "$.results.bindings[0]", "Expecting value"),
        ('{"results": {"bindings": [{}, ', "$.results.bindings[1]", "Expecting value"),
        ('{"results": {"bindings": [{} {}]}}', "$.results.bindings[0]", "expected ',' or ']'"),
        ('{"results" {"bindings": []}}', "$", "expected ':'"),
    ],
)
def test_files_that_are_not_results(tmp_path: Path, text: str, path: str, reason: str) -> None:
    file = tmp_path / "broken.json"
    file.write_text(text, encoding="utf-8")
    found = records(file)
    assert found and all(isinstance(r, Problem) for r in found)  # an empty binding before is a problem too
    assert found[-1].where.path == path
    assert reason in found[-1].reason


def test_a_file_cut_short_keeps_what_came_before(tmp_path: Path) -> None:
    """The query service cuts its answer when the query runs out of time."""
    text = RESULTS.read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index("Q900002-00000000-0000-4000-8000-000000000003")], encoding="utf-8")
    found = records(cut)
    (problem,) = problems(found)
    assert problem.where.path == "$.results.bindings[7]"
    assert "the rest is not read" in problem.reason
    assert "wikidata:Q900002|P127|Q900001|2018" in relationships(found)
    assert "wikidata:Q900002|P749|Q900001|" in relationships(found)  # P355, from Q900001's side
    assert "wikidata:Q900004" not in entities(found)


def test_a_missing_file_is_a_problem(tmp_path: Path, read_results: list[Record]) -> None:
    found = records(tmp_path / "nothing.json", RESULTS)
    assert [(p.where, p.reason) for p in problems(found)] == [
        (Where(str(tmp_path / "nothing.json")), "cannot open the file: No such file or directory")
    ]
    assert relationships(found) == relationships(read_results)


def test_gzip(tmp_path: Path, read_results: list[Record]) -> None:
    path = tmp_path / "results.json.gz"
    path.write_bytes(gzip.compress(RESULTS.read_bytes()))
    found = records(path)
    assert [r.key for r in found if not isinstance(r, Problem)] == [
        r.key for r in read_results if not isinstance(r, Problem)
    ]


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1000])
def test_the_same_records_whatever_the_size_of_a_read(
    monkeypatch: pytest.MonkeyPatch, chunk: int, read_results: list[Record], read_malformed: list[Record]
) -> None:
    monkeypatch.setattr(wikidata, "_CHUNK", chunk)
    assert records(RESULTS) == read_results
    assert records(MALFORMED) == read_malformed
