"""The FollowTheMoney reader: OpenSanctions-shaped entity streams read as neutral records.

Fixtures (tests/fixtures/imports/ftm/) are fictional: ``entities.ftm.json`` in the shape of an
OpenSanctions export (companies, a person, ownerships, a directorship, a GLEIF consolidation
written as an Ownership, and entities of schemata that are not read), ``malformed.ftm.json``
one bad line after another.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from longarm.graph.imports import ftm
from longarm.graph.imports.records import Entity, Identifier, Problem, Record, Relationship, Where

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports" / "ftm"
GOOD = FIXTURES / "entities.ftm.json"
MALFORMED = FIXTURES / "malformed.ftm.json"

ACME = "lei-969500ACMECLOUD0FR57"
PARENT = "lei-5493PARENTHOLDING095"
JEANNE = "NK-jeanne"


def by_key(records: list[Record]) -> dict[str, Entity | Relationship]:
    """The entities and relationships read, by key (each key once)."""
    found = [r for r in records if isinstance(r, Entity | Relationship)]
    keyed = {r.key: r for r in found}
    assert len(keyed) == len(found)
    return keyed


def problems(records: list[Record]) -> list[Problem]:
    return [r for r in records if isinstance(r, Problem)]


@pytest.fixture(scope="module")
def good() -> list[Record]:
    return list(ftm.read([GOOD]))


@pytest.fixture(scope="module")
def malformed() -> list[Record]:
    return list(ftm.read([MALFORMED]))


def write_lines(path: Path, *entities: dict[str, Any] | str) -> Path:
    path.write_text("\n".join(e if isinstance(e, str) else json.dumps(e) for e in entities) + "\n", encoding="utf-8")
    return path


def test_public_api() -> None:
    assert ftm.FORMAT == "ftm"
    assert ftm.__all__ == ["FORMAT", "read"]


def test_a_clean_stream_has_no_problems(good: list[Record]) -> None:
    assert problems(good) == []


@pytest.mark.parametrize(
    ("key", "field", "expected"),
    [
        # A company as OpenSanctions' GLEIF dataset writes it.
        (ACME, "kind", "company"),
        (ACME, "name", "Acme Cloud SAS"),
        (ACME, "aliases", ("ACME CLOUD", "Acme", "Acme Hébergement SARL")),  # other names, alias, previousName
        (ACME, "jurisdiction", "FR"),  # jurisdiction, upper case; not `country` ("us")
        (ACME, "headquarters", "FR"),  # mainCountry
        (ACME, "status", "ACTIVE"),
        (ACME, "start", "2009-03-02"),  # "2009" and "2009-03-02": the more precise
        (ACME, "end", None),
        (
            ACME,
            "identifiers",
            (
                Identifier("FTM", ACME),
                Identifier("WIKIDATA", "Q99999001"),
                Identifier("LEI", "969500ACMECLOUD0FR57"),
                Identifier("REG", "552 100 554", register="FR"),
            ),
        ),
        (ACME, "where", Where(str(GOOD), line=1)),
        (PARENT, "jurisdiction", "US-DE"),  # a subdivision
        (PARENT, "headquarters", "US"),
        (PARENT, "status", "INACTIVE"),
        (PARENT, "end", "2024-06-30"),  # dissolutionDate, the time of day dropped
        (PARENT, "aliases", ()),
        # A person: a name and identifiers, nothing else.
        (JEANNE, "kind", "person"),
        (JEANNE, "name", "Jeanne Exemple"),
        (JEANNE, "identifiers", (Identifier("FTM", JEANNE), Identifier("WIKIDATA", "Q99999002"))),
        (JEANNE, "jurisdiction", None),  # though the line has jurisdiction, country and nationality
        (JEANNE, "headquarters", None),
        (JEANNE, "aliases", ()),
        (JEANNE, "start", None),  # not the birth date
        (JEANNE, "status", None),
        # Other parties.
        ("org-foundation", "kind", "organization"),
        ("org-foundation", "jurisdiction", None),  # `country` is not incorporation
        ("org-foundation", "headquarters", None),  # nor headquarters
        ("le-unknown", "kind", "organization"),
        ("le-unknown", "headquarters", "CY"),
        ("le-unknown", "jurisdiction", None),
        ("pb-ministry", "kind", "public-body"),
        ("pb-ministry", "jurisdiction", "FR"),
    ],
)
def test_entities(good: list[Record], key: str, field: str, expected: object) -> None:
    entity = by_key(good)[key]
    assert isinstance(entity, Entity)
    assert getattr(entity, field) == expected


def test_weak_aliases_are_not_aliases(good: list[Record]) -> None:
    entity = by_key(good)[ACME]
    assert isinstance(entity, Entity)
    assert "AC" not in entity.aliases
    assert entity.name not in entity.aliases


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "own-parent-acme",
            {
                "kind": "shareholding",
                "interested": PARENT,
                "subject": ACME,
                "share": 60.0,
                "share_min": None,
                "share_max": None,
                "start": "2015-04",
                "end": "2023-12-31",
                "direct": True,  # ownershipType "direct"
            },
        ),
        (
            "own-jeanne-acme",
            {"kind": "voting-rights", "interested": JEANNE, "share": None, "share_min": 25.0, "share_max": 50.0},
        ),
        (
            "dir-jeanne-acme",
            {"kind": "directorship", "interested": JEANNE, "subject": ACME, "start": "2019-07-01", "share": None},
        ),
        # GLEIF consolidation, written by OpenSanctions as an Ownership: not a shareholding.
        (
            "lei-969500ACMECLOUD0FR57-is-directly-consolidated-by-5493PARENTHOLDING095",
            {"kind": "consolidation-direct", "interested": PARENT, "subject": ACME, "status": "ACTIVE"},
        ),
        # The owner is not an entity of this stream: the importer resolves keys.
        ("own-elsewhere", {"kind": "shareholding", "interested": "lei-OUTSIDE-THE-STREAM", "share_max": 25.0}),
    ],
)
def test_relationships(good: list[Record], key: str, expected: dict[str, object]) -> None:
    link = by_key(good)[key]
    assert isinstance(link, Relationship)
    assert {field: getattr(link, field) for field in expected} == expected


@pytest.mark.parametrize("key", ["ofac-sanction-1", "addr-1", "fam-1"])
def test_other_schemata_yield_nothing(good: list[Record], key: str) -> None:
    assert key not in by_key(good)
    assert all(key not in p.reason for p in problems(good))


def test_what_a_clean_stream_yields(good: list[Record]) -> None:
    """Fourteen lines: eight parties and links read, three of other schemata yielding nothing."""
    assert len(good) == 11
    assert sorted(r.where.line or 0 for r in good) == [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (1, "not valid JSON: Expecting property name enclosed in double quotes (column 2)"),
        (2, "not an FtM entity: a JSON list, not an object"),
        (3, "an entity without an id"),
        (4, "entity 'no-schema' has no schema"),
        (5, "Ownership 'own-no-owner': no owner"),
        (6, "Ownership 'own-over-100': percentage '150' is above 100; no share taken"),
        (7, "Company 'co-bad-lei': leiCode '969500ACMECLOUD0FR58' is not an LEI whose check digits verify; left out"),
        (9, "Company 'co-global': jurisdiction 'zz' is not an ISO 3166 country or subdivision; left out"),
        (10, "Company 'co-props': its properties are not a JSON object"),
        (11, "Company 'co-name-str': name is not a list of strings; left out"),
        (12, "Company 'co-two-jurisdictions': several jurisdictions (CY, RU); none taken"),
        (13, "Company 'co-bad-date': incorporationDate '2021-02-30' is not a date; left out"),
        (14, "Directorship 'dir-no-parties': no director and no organization"),
        (15, "Ownership 'own-two-owners': several owners ('a', 'c'); link not taken"),
    ],
)
def test_problems(malformed: list[Record], line: int, reason: str) -> None:
    assert [p.reason for p in problems(malformed) if p.where.line == line] == [reason]
    assert all(p.where.file == str(MALFORMED) for p in problems(malformed))


def test_every_bad_line_is_a_problem_and_a_blank_line_is_not(malformed: list[Record]) -> None:
    assert sorted(p.where.line or 0 for p in problems(malformed)) == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]


@pytest.mark.parametrize(
    ("key", "field", "expected"),
    [
        # What was wrong is left out; the rest of the line is still taken.
        ("own-over-100", "share", None),
        ("own-over-100", "interested", "a"),
        ("co-bad-lei", "identifiers", (Identifier("FTM", "co-bad-lei"),)),
        ("co-bad-lei", "name", "Bad Lei SA"),
        ("co-global", "jurisdiction", None),
        ("co-name-str", "name", None),
        ("co-two-jurisdictions", "jurisdiction", None),
        (
            "co-two-jurisdictions",
            "identifiers",
            (Identifier("FTM", "co-two-jurisdictions"), Identifier("REG", "HE 123")),
        ),
        ("co-bad-date", "start", None),
    ],
)
def test_what_is_kept_of_a_bad_line(malformed: list[Record], key: str, field: str, expected: object) -> None:
    assert getattr(by_key(malformed)[key], field) == expected


@pytest.mark.parametrize("key", ["no-schema", "own-no-owner", "co-props", "dir-no-parties", "own-two-owners"])
def test_what_is_not_kept_of_a_bad_line(malformed: list[Record], key: str) -> None:
    assert key not in by_key(malformed)


@pytest.mark.parametrize(
    ("percentage", "share", "problem"),
    [
        ("60", (60.0, None, None), None),
        ("100", (100.0, None, None), None),
        ("0", (0.0, None, None), None),
        ("33.33%", (33.33, None, None), None),
        ("12,5 %", (12.5, None, None), None),
        ("25-50", (None, 25.0, 50.0), None),
        ("25% - 50%", (None, 25.0, 50.0), None),
        ("75 to 100", (None, 75.0, 100.0), None),
        ("<25", (None, None, 25.0), None),
        ("<= 25%", (None, None, 25.0), None),
        (">75", (None, 75.0, None), None),
        ("≥50", (None, 50.0, None), None),
        ("150", (None, None, None), "percentage '150' is above 100; no share taken"),
        ("50-120", (None, None, None), "percentage '50-120' is above 100; no share taken"),
        ("50-25", (None, None, None), "percentage '50-25' is a range whose bounds are reversed; no share taken"),
        ("-5", (None, None, None), "percentage '-5' is not a number, a range or a bound; no share taken"),
        ("majority", (None, None, None), "percentage 'majority' is not a number, a range or a bound; no share taken"),
    ],
)
def test_percentages(tmp_path: Path, percentage: str, share: tuple[float | None, ...], problem: str | None) -> None:
    line = {
        "id": "o",
        "schema": "Ownership",
        "properties": {"owner": ["a"], "asset": ["b"], "percentage": [percentage]},
    }
    link, *rest = ftm.read([write_lines(tmp_path / "p.ftm.json", line)])
    assert isinstance(link, Relationship)
    assert (link.share, link.share_min, link.share_max) == share
    assert [p.reason for p in rest if isinstance(p, Problem)] == ([f"Ownership 'o': {problem}"] if problem else [])


@pytest.mark.parametrize(
    ("schema", "properties", "kind", "direct"),
    [
        ("Ownership", {}, "shareholding", None),
        ("Ownership", {"ownershipType": ["indirect"]}, "shareholding", False),
        ("Ownership", {"ownershipType": ["Indirect ownership"]}, "shareholding", None),  # only the plain words
        ("Ownership", {"ownershipType": ["voting-rights-25-to-50-percent"]}, "voting-rights", None),
        ("Ownership", {"role": ["Shares and voting rights"]}, "shareholding", None),
        ("Ownership", {"role": ["IS ULTIMATELY CONSOLIDATED BY"]}, "consolidation-ultimate", None),
        ("Ownership", {"role": ["IS_INTERNATIONAL_BRANCH_OF"]}, "branch", None),
        ("Directorship", {"role": ["IS FUND-MANAGED BY"]}, "directorship", None),
        ("Directorship", {"role": ["IS SUBFUND OF"]}, "other", None),
    ],
)
def test_relationship_kinds(
    tmp_path: Path, schema: str, properties: dict[str, list[str]], kind: str, direct: bool | None
) -> None:
    parties = {"owner": ["a"], "asset": ["b"]} if schema == "Ownership" else {"director": ["a"], "organization": ["b"]}
    line = {"id": "r", "schema": schema, "properties": {**parties, **properties}}
    (link,) = ftm.read([write_lines(tmp_path / "k.ftm.json", line)])
    assert isinstance(link, Relationship)
    assert (link.kind, link.direct, link.interested, link.subject) == (kind, direct, "a", "b")


def test_gleif_types_that_disagree_are_not_a_shareholding(tmp_path: Path) -> None:
    roles = ["IS DIRECTLY CONSOLIDATED BY", "IS INTERNATIONAL BRANCH OF"]
    line = {"id": "r", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "role": roles}}
    link, problem = ftm.read([write_lines(tmp_path / "g.ftm.json", line)])
    assert isinstance(link, Relationship) and link.kind == "other"
    assert isinstance(problem, Problem) and "disagree" in problem.reason


@pytest.mark.parametrize(
    ("values", "start", "problem"),
    [
        (["2021"], "2021", None),
        (["2021-06"], "2021-06", None),
        (["2021-06-30T08:00:00"], "2021-06-30", None),
        (["2021", "2021-06-30"], "2021-06-30", None),
        (["2020", "2021-06-30"], None, "incorporationDate values disagree (2020, 2021-06-30); none taken"),
        (["30/06/2021"], None, "incorporationDate '30/06/2021' is not a date; left out"),
        (["2021-13"], None, "incorporationDate '2021-13' is not a date; left out"),
    ],
)
def test_dates(tmp_path: Path, values: list[str], start: str | None, problem: str | None) -> None:
    line = {"id": "c", "schema": "Company", "properties": {"name": ["C"], "incorporationDate": values}}
    entity, *rest = ftm.read([write_lines(tmp_path / "d.ftm.json", line)])
    assert isinstance(entity, Entity) and entity.start == start
    assert [p.reason for p in rest if isinstance(p, Problem)] == ([f"Company 'c': {problem}"] if problem else [])


@pytest.mark.parametrize(
    ("prop", "values", "expected", "problem"),
    [
        ("wikidataId", ["Q42"], (Identifier("WIKIDATA", "Q42"),), None),
        ("wikidataId", ["42"], (), "wikidataId '42' is not a Wikidata Q-id; left out"),
        ("leiCode", ["5493001kjtiigc8y1r12"], (Identifier("LEI", "5493001KJTIIGC8Y1R12"),), None),
        (
            "leiCode",
            ["5493001KJTIIGC8Y1R1"],
            (),
            "leiCode '5493001KJTIIGC8Y1R1' is not an LEI whose check digits verify; left out",
        ),
        ("registrationNumber", ["B 123", "B 123"], (Identifier("REG", "B 123"),), None),
    ],
)
def test_identifiers(
    tmp_path: Path, prop: str, values: list[str], expected: tuple[Identifier, ...], problem: str | None
) -> None:
    line = {"id": "c", "schema": "Company", "properties": {"name": ["C"], prop: values}}
    entity, *rest = ftm.read([write_lines(tmp_path / "i.ftm.json", line)])
    assert isinstance(entity, Entity)
    assert entity.identifiers == (Identifier("FTM", "c"), *expected)
    assert [p.reason for p in rest if isinstance(p, Problem)] == ([f"Company 'c': {problem}"] if problem else [])


def test_a_person_is_never_given_personal_data(tmp_path: Path) -> None:
    person = {
        "id": "p",
        "schema": "Person",
        "properties": {
            "name": ["P"],
            "alias": ["Q"],
            "birthDate": ["1970"],
            "nationality": ["fr"],
            "mainCountry": ["fr"],
            "jurisdiction": ["fr"],
            "incorporationDate": ["1970"],
            "registrationNumber": ["123"],
            "leiCode": ["5493001KJTIIGC8Y1R12"],
            "status": ["alive"],
        },
    }
    (entity,) = ftm.read([write_lines(tmp_path / "person.ftm.json", person)])
    assert entity == Entity(
        "p", Where(str(tmp_path / "person.ftm.json"), line=1), "P", "person", (Identifier("FTM", "p"),)
    )


def test_several_files_in_turn_each_with_its_lines(tmp_path: Path) -> None:
    first = write_lines(tmp_path / "a.ftm.json", {"id": "a", "schema": "Company", "properties": {"name": ["A"]}})
    second = write_lines(tmp_path / "b.ftm.json", "", {"id": "b", "schema": "Company", "properties": {"name": ["B"]}})
    assert [(r.where.file, r.where.line) for r in ftm.read([first, second])] == [(str(first), 1), (str(second), 2)]


def test_gzip_input(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "a", "schema": "Company", "properties": {"name": ["A"]}}) + "\n")
    (entity,) = ftm.read([path])
    assert isinstance(entity, Entity) and entity.name == "A"


def test_a_truncated_gzip_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json.gz"
    lines = "".join(json.dumps({"id": f"e{i}", "schema": "Sanction", "properties": {}}) + "\n" for i in range(2000))
    path.write_bytes(gzip.compress(lines.encode())[:-40])
    (problem,) = ftm.read([path])
    assert isinstance(problem, Problem) and problem.reason.startswith("cannot read the file beyond this line")


def test_a_missing_file_is_a_problem_and_the_next_is_read(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ftm.json"
    present = write_lines(tmp_path / "a.ftm.json", {"id": "a", "schema": "Company", "properties": {"name": ["A"]}})
    problem, entity = ftm.read([missing, present])
    assert isinstance(problem, Problem) and problem.where == Where(str(missing))
    assert problem.reason.startswith("cannot open the file")
    assert isinstance(entity, Entity) and entity.key == "a"


def test_bytes_that_are_not_utf8_and_a_byte_order_mark(tmp_path: Path) -> None:
    good_line = json.dumps({"id": "a", "schema": "Company", "properties": {"name": ["A"]}}).encode()
    path = tmp_path / "bytes.ftm.json"
    path.write_bytes(
        b"\xef\xbb\xbf" + good_line + b"\n" + b'{"id": "\xff"}\n' + good_line.replace(b'"a"', b'"b"') + b"\n"
    )
    first, problem, second = ftm.read([path])
    assert isinstance(first, Entity) and first.key == "a"
    assert isinstance(problem, Problem) and problem.where.line == 2 and problem.reason.startswith("not UTF-8 text")
    assert isinstance(second, Entity) and second.key == "b"


def test_reading_is_a_stream(tmp_path: Path) -> None:
    """Nothing is opened before the first record is asked for; records come one at a time."""
    path = tmp_path / "later.ftm.json"
    records = ftm.read([path])  # the file does not exist yet
    assert iter(records) is records
    write_lines(path, *({"id": f"c{i}", "schema": "Company", "properties": {"name": [f"C{i}"]}} for i in range(3)))
    assert [r.key for r in records if isinstance(r, Entity)] == ["c0", "c1", "c2"]
