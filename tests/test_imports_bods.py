"""The BODS 0.4 reader: statements read as neutral records, in the state that holds, and the problems said where.

The fixtures under ``fixtures/imports/bods`` are written from the BODS 0.4 schema (the
valid ones pass libcovebods, the standard's own validator); the published conformance
pack ``bods-v04-fixtures`` is read too.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterator
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import bods_fixtures  # the published conformance pack (PyPI: bods-v04-fixtures, a test dependency)
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libcovebods.additionalfields import AdditionalFields
from libcovebods.config import LibCoveBODSConfig
from libcovebods.data_reader import DataReader
from libcovebods.jsonschemavalidate import JSONSchemaValidator
from libcovebods.run_tasks import TASK_CLASSES, process_additional_checks
from libcovebods.schema import SchemaBODS
from libcovebods.tasks.checks import legacy_checks, record_based_checks

from longarm.graph.imports import bods
from longarm.graph.imports.bods import FORMAT, read
from longarm.graph.imports.records import Entity, Identifier, Problem, Record, Relationship, Where
from longarm.graph.store.embedded import Store
from longarm.graph.views.export import export

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports" / "bods"
CODELISTS = Path(str(files("libcovebods"))) / "data" / "schema-0-4-0" / "codelists"

REG = "REG"


def records(*names: str) -> list[Record]:
    return list(read([FIXTURES / name for name in names]))


def entities(found: list[Record]) -> dict[str, Entity]:
    return {r.key: r for r in found if isinstance(r, Entity)}


def relationships(found: list[Record]) -> dict[str, Relationship]:
    return {r.key: r for r in found if isinstance(r, Relationship)}


def problems(found: list[Record]) -> list[Problem]:
    return [r for r in found if isinstance(r, Problem)]


def bods_id(key: str) -> Identifier:
    return Identifier("BODS", key)


def statement(
    record_id: str, record_type: str, details: dict[str, Any], date: str = "2024-01-31", **envelope: Any
) -> dict[str, Any]:
    """A BODS 0.4 statement (the envelope's publication details left out: the reader does not read them)."""
    return {
        "statementId": f"{record_id}-{date}".ljust(32, "0"),
        "declarationSubject": record_id,
        "statementDate": date,
        "recordId": record_id,
        "recordType": record_type,
        "recordStatus": "new",
        "recordDetails": {"isComponent": False, **details},
        **envelope,
    }


def company(
    record_id: str = "rec-a", *, date: str = "2024-01-31", status: str = "new", **details: Any
) -> dict[str, Any]:
    details = {"entityType": {"type": "registeredEntity"}, "name": "Example SA", **details}
    return statement(record_id, "entity", details, date, recordStatus=status)


def person(record_id: str = "rec-p", *, date: str = "2024-01-31", **details: Any) -> dict[str, Any]:
    details = {"personType": "knownPerson", "names": [{"fullName": "Pat Example"}], **details}
    return statement(record_id, "person", details, date)


def relationship(record_id: str = "rec-r", *interests: dict[str, Any], **details: Any) -> dict[str, Any]:
    parties = {"subject": "rec-a", "interestedParty": "rec-p"}
    return statement(record_id, "relationship", {**parties, "interests": list(interests), **details})


def read_lines(tmp_path: Path, *statements: dict[str, Any] | str) -> list[Record]:
    """Read `statements` (a str is written as it is) as one JSON Lines file."""
    path = tmp_path / "statements.jsonl"
    lines = [s if isinstance(s, str) else json.dumps(s) for s in statements]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(read([path]))


def read_text(tmp_path: Path, text: str | bytes, name: str = "statements.json") -> list[Record]:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return list(read([path]))


def without_where(found: list[Record]) -> list[Record]:
    return [dataclasses.replace(r, where=Where("")) for r in found]


# ------------------------------------------------------------------------------ the mapping


def test_the_reader_names_its_format() -> None:
    assert (FORMAT, bods.__all__) == ("bods", ["FORMAT", "read"])


NETWORK_ENTITIES = {
    # key: (name, kind, jurisdiction, identifiers after BODS, aliases, start)
    "rec-acme": (
        "Acme Cloud SAS",
        "company",
        "FR",
        (
            Identifier(REG, "552100554", "FR-RCS"),
            Identifier("LEI", "5299000BODSFIXTURE67"),
            Identifier("WIKIDATA", "Q4115189"),
        ),
        ("Acme Cloud",),
        "2015-03-02",
    ),
    "rec-holding": ("Example Holding SA", "company", "LU", (Identifier(REG, "B000001", "LU-RCS"),), (), None),
    "rec-state": ("Republic of Examplia", "state", None, (), (), None),  # a jurisdiction by name only: not guessed
    "rec-ministry": ("Examplia Ministry of Finance", "public-body", None, (), (), None),
    "rec-trust": ("Example Family Trust", "organization", None, (), (), None),
    "rec-ada": ("Ada Example", "person", None, (), (), None),  # no passport number, alias, birth date or address
}

NETWORK_RELATIONSHIPS = {
    # key: (subject, interested, kind, share, share_min, share_max, direct, start)
    "rec-rel-holding-acme#0": ("rec-acme", "rec-holding", "shareholding", 60.0, None, None, True, "2015-03-02"),
    "rec-rel-holding-acme#1": ("rec-acme", "rec-holding", "voting-rights", None, 50.0, 75.0, True, "2015-03-02"),
    "rec-rel-ada-acme#0": ("rec-acme", "rec-ada", "shareholding", None, 25.0, 50.0, False, "2016-01-01"),  # indirect
    "rec-rel-ada-holding#0": ("rec-holding", "rec-ada", "directorship", None, None, None, True, "2016-01-01"),
    "rec-rel-ada-holding#1": ("rec-holding", "rec-ada", "directorship", None, None, None, None, None),  # manager
    "rec-rel-ministry-holding#0": ("rec-holding", "rec-ministry", "control", None, None, None, None, None),
    "rec-rel-ministry-holding#1": ("rec-holding", "rec-ministry", "board-appointment", None, None, None, None, None),
    "rec-rel-ada-trust#0": ("rec-trust", "rec-ada", "other", None, None, None, None, None),  # settlor
    "rec-rel-state-ministry#0": ("rec-ministry", "rec-state", "other", None, None, None, None, None),  # no interests
}


@pytest.mark.parametrize("name", ["network.json", "network.jsonl"])
def test_entities_and_persons(name: str) -> None:
    found = records(name)
    assert problems(found) == []
    got = {
        k: (e.name, e.kind, e.jurisdiction, e.identifiers[1:], e.aliases, e.start) for k, e in entities(found).items()
    }
    assert got == NETWORK_ENTITIES
    assert all(
        e.identifiers[0] == bods_id(k) and e.end is None and e.status is None for k, e in entities(found).items()
    )


@pytest.mark.parametrize("name", ["network.json", "network.jsonl"])
def test_one_relationship_per_interest(name: str) -> None:
    found = relationships(records(name))
    got = {
        k: (r.subject, r.interested, r.kind, r.share, r.share_min, r.share_max, r.direct, r.start)
        for k, r in found.items()
    }
    assert got == NETWORK_RELATIONSHIPS
    assert all(r.end is None and r.status is None for r in found.values())


def test_arrays_and_json_lines_read_alike_and_say_where() -> None:
    array, lines = records("network.json"), records("network.jsonl")
    assert without_where(array) == without_where(lines)
    votes = "rec-rel-holding-acme#1"
    assert relationships(array)[votes].where == Where(
        str(FIXTURES / "network.json"), path="$[6].recordDetails.interests[1]"
    )
    assert relationships(lines)[votes].where == Where(str(FIXTURES / "network.jsonl"), line=7)
    assert entities(array)["rec-ada"].where == Where(str(FIXTURES / "network.json"), path="$[5]")
    assert [type(r).__name__ for r in array] == ["Entity"] * 6 + ["Relationship"] * 9  # entities first


def test_every_code_of_the_standard_has_a_kind() -> None:
    def codes(name: str) -> set[str]:
        with (CODELISTS / name).open(encoding="utf-8") as f:
            return {row["code"] for row in csv.DictReader(f)}

    assert codes("interestType.csv") == set(bods._INTEREST_KINDS)
    assert codes("entityType.csv") == set(bods._ENTITY_KINDS)


@pytest.mark.parametrize(
    ("identifiers", "expected", "problem"),
    [
        ([{"scheme": "XI-LEI", "id": "5299000bodsfixture67"}], [Identifier("LEI", "5299000BODSFIXTURE67")], None),
        ([{"scheme": "XI-LEI", "id": "5299000BODSFIXTURE68"}], [], "LEI check digits do not verify"),
        ([{"schemeName": "Wikidata", "id": "Q4115189"}], [Identifier("WIKIDATA", "Q4115189")], None),
        ([{"scheme": "XI-WIKIDATA", "id": "Q4115189"}], [Identifier("WIKIDATA", "Q4115189")], None),
        ([{"schemeName": "Wikidata", "id": "wd:Q1"}], [], "not a Wikidata Q-id"),
        ([{"scheme": "GB-COH", "id": " 01234567 "}], [Identifier(REG, "01234567", "GB-COH")], None),
        ([{"schemeName": "Handelsregister B", "id": "HRB 1"}], [Identifier(REG, "HRB 1", "Handelsregister B")], None),
        ([{"scheme": "GB-COH", "uri": "https://example.org/1"}], [], None),  # no id: nothing to record
        ([{"id": "1234"}], [], "without a scheme or scheme name"),
        ([{"scheme": "GB-COH", "id": 1234}], [], "identifier id is not a text"),
        (["GB-COH 1234"], [], "identifier is not an object"),
        ("GB-COH 1234", [], "identifiers is not a list"),
        ([{"scheme": "GB-COH", "id": "1"}, {"scheme": "GB-COH", "id": "1"}], [Identifier(REG, "1", "GB-COH")], None),
    ],
)
def test_entity_identifiers(tmp_path: Path, identifiers: Any, expected: list[Identifier], problem: str | None) -> None:
    found = read_lines(tmp_path, company(identifiers=identifiers))
    assert list(entities(found)["rec-a"].identifiers) == [bods_id("rec-a"), *expected]
    reasons = [p.reason for p in problems(found)]
    assert reasons == [] if problem is None else (len(reasons) == 1 and problem in reasons[0])


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        # fields: name, identifiers after BODS, jurisdiction, aliases, start, end
        ({}, ("Pat Example", (), None, (), None, None)),
        (
            {
                "identifiers": [
                    {"scheme": "FRA-PASSPORT", "id": "12AB34567"},
                    {"schemeName": "Wikidata", "id": "Q13406268"},
                ],
                "birthDate": "1970-01-01",
                "deathDate": "2020-01-01",
                "nationalities": [{"name": "France", "code": "FR"}],
                "taxResidencies": [{"name": "France", "code": "FR"}],
                "addresses": [
                    {"type": "residence", "address": "1 rue de l'Exemple", "country": {"name": "France", "code": "FR"}}
                ],
                "names": [
                    {"type": "legal", "fullName": "Pat Example"},
                    {"type": "alternative", "fullName": "P. Example"},
                ],
            },
            ("Pat Example", (Identifier("WIKIDATA", "Q13406268"),), None, (), None, None),
        ),
        (
            {"names": [{"givenName": "Pat", "familyName": "Example"}, {"fullName": "P. Example"}]},
            ("P. Example", (), None, (), None, None),
        ),
        (
            {"names": [{"givenName": "Pat", "familyName": "Example"}]},
            (None, (), None, (), None, None),
        ),  # never composed
        ({"personType": "anonymousPerson", "names": []}, (None, (), None, (), None, None)),
    ],
)
def test_persons_keep_no_personal_data(tmp_path: Path, details: dict[str, Any], expected: tuple[Any, ...]) -> None:
    found = read_lines(tmp_path, person(**details))
    (p,) = entities(found).values()
    assert (p.name, p.identifiers[1:], p.jurisdiction, p.aliases, p.start, p.end) == expected
    assert p.kind == "person" and problems(found) == []


INTEREST_CASES = [
    # interest, then (kind, share, share_min, share_max, direct, start, end) or the problem's words
    ({"type": "shareholding", "share": {"exact": 0}}, ("shareholding", 0.0, None, None, None, None, None)),
    ({"type": "votingRights", "share": {"exact": 100}}, ("voting-rights", 100.0, None, None, None, None, None)),
    ({"type": "shareholding", "share": {"exact": 100.5}}, "share exact above 100 (100.5)"),
    ({"type": "shareholding", "share": {"exact": -0.1}}, "share exact below 0 (-0.1)"),
    ({"type": "shareholding", "share": {"maximum": 101}}, "share maximum above 100 (101)"),
    ({"type": "shareholding", "share": {"exact": "50"}}, "share exact is not a number ('50')"),
    ({"type": "shareholding", "share": {"exact": True}}, "share exact is not a number (True)"),
    ({"type": "shareholding", "share": 50}, "share is not an object (50)"),
    ({"type": "shareholding", "share": {"minimum": 60, "maximum": 40}}, "share minimum 60 above its maximum 40"),
    ({"type": "shareholding", "share": {"minimum": 25}}, ("shareholding", None, 25.0, None, None, None, None)),
    ({"type": "shareholding", "share": {"exclusiveMaximum": 25}}, ("shareholding", None, None, 25.0, None, None, None)),
    (
        {"type": "shareholding", "share": {"minimum": 10, "exclusiveMinimum": 5, "maximum": 20}},
        ("shareholding", None, 10.0, 20.0, None, None, None),
    ),
    (
        {"type": "shareholding", "share": {"exact": 30, "minimum": 25, "maximum": 50}},
        ("shareholding", 30.0, None, None, None, None, None),
    ),
    ({"type": "boardMember"}, ("directorship", None, None, None, None, None, None)),
    ({"type": "boardChair"}, ("directorship", None, None, None, None, None, None)),
    ({"type": "appointmentOfBoard"}, ("board-appointment", None, None, None, None, None, None)),
    ({"type": "otherInfluenceOrControl"}, ("control", None, None, None, None, None, None)),
    ({"type": "controlByLegalFramework"}, ("control", None, None, None, None, None, None)),
    ({"type": "seniorManagingOfficial"}, ("directorship", None, None, None, None, None, None)),  # a role
    ({"type": "trustee"}, ("other", None, None, None, None, None, None)),
    ({"type": "unknownInterest"}, ("other", None, None, None, None, None, None)),
    ({}, ("other", None, None, None, None, None, None)),
    ({"directOrIndirect": "direct"}, ("other", None, None, None, True, None, None)),
    ({"directOrIndirect": "indirect"}, ("other", None, None, None, False, None, None)),
    ({"directOrIndirect": "unknown"}, ("other", None, None, None, None, None, None)),
    # BODS gives the first day an interest no longer holds; longarm's end is the last day it holds.
    (
        {"startDate": "2021-06-30", "endDate": "2023-01-01"},
        ("other", None, None, None, None, "2021-06-30", "2022-12-31"),
    ),
    ({"endDate": "2024-03-01"}, ("other", None, None, None, None, None, "2024-02-29")),
    ({"endDate": "2024-03"}, ("other", None, None, None, None, None, "2024-03")),  # a month: kept as given
    ({"startDate": "2021-06"}, ("other", None, None, None, None, "2021-06", None)),
    ({"startDate": "2021-06-30T12:00:00Z"}, ("other", None, None, None, None, "2021-06-30", None)),
]


@pytest.mark.parametrize(("interest", "expected"), INTEREST_CASES)
def test_interests(tmp_path: Path, interest: dict[str, Any], expected: tuple[Any, ...] | str) -> None:
    found = read_lines(tmp_path, company(), person(), relationship("rec-r", interest))
    if isinstance(expected, str):
        assert relationships(found) == {}
        assert [p.reason for p in problems(found)] == [
            f"relationship 'rec-r': interest 0: {expected}: interest not taken"
        ]
    else:
        r = relationships(found)["rec-r#0"]
        assert (r.kind, r.share, r.share_min, r.share_max, r.direct, r.start, r.end) == expected
        assert (r.subject, r.interested) == ("rec-a", "rec-p") and problems(found) == []


@pytest.mark.parametrize(
    ("interest", "taken", "reason"),
    [
        ({"type": "ownership"}, ("other", None, None), "interest 0: unknown interest type 'ownership': taken as other"),
        (
            {"directOrIndirect": "sideways"},
            ("other", None, None),
            "interest 0: unknown directOrIndirect 'sideways': taken as not said",
        ),
        ({"startDate": "30/06/2021"}, ("other", None, None), "interests[0].startDate is not a date: '30/06/2021'"),
        ({"endDate": "2021-02-30"}, ("other", None, None), "interests[0].endDate is not a date: '2021-02-30'"),
    ],
)
def test_values_not_allowed_are_left_out(
    tmp_path: Path, interest: dict[str, Any], taken: tuple[Any, ...], reason: str
) -> None:
    found = read_lines(tmp_path, company(), person(), relationship("rec-r", interest))
    r = relationships(found)["rec-r#0"]
    assert (r.kind, r.direct, r.start) == taken
    assert [p.reason for p in problems(found)] == [f"relationship 'rec-r': {reason}"]


# ------------------------------------------------------------------------ updates and closures


def test_updates_and_closures() -> None:
    found = records("history.jsonl")
    assert problems(found) == []
    got = {k: (e.name, e.aliases, e.status, e.end) for k, e in entities(found).items()}
    assert got == {
        "rec-acme": (
            "Acme Sovereign Cloud SAS",
            ("Acme Cloud SAS",),
            None,
            None,
        ),  # renamed; an older statement after it does not undo it
        "rec-ada": ("Ada Example", (), None, None),
        "rec-old": ("Old Example SARL", (), "closed", "2024-01-14"),  # closed on 2024-01-15: held until the day before
        "rec-gone": ("Gone Example SA", (), "closed", "2023-12-30"),  # dissolved on 2023-12-31, before it was closed
        "rec-tz": ("Said last", (), None, None),  # 23:30 at UTC-5 is after 01:00 UTC the next day
    }
    rels = {k: (r.share, r.start, r.end, r.status) for k, r in relationships(found).items()}
    assert rels == {
        "rec-stake#0": (45.0, "2020-01-01", None, None),  # two statements of one date: the later in the file holds
        "rec-votes#0": (10.0, "2019-01-01", "2023-06-29", "closed"),  # no end date: closed on 2023-06-30
        "rec-votes#1": (45.0, "2019-01-01", "2023-03-30", "closed"),  # its own end date, 2023-03-31, is kept
    }
    assert entities(found)["rec-acme"].where.line == 4 and relationships(found)["rec-stake#0"].where.line == 7


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        # A date-time is later than a date alone on the same day.
        ([company(name="A", date="2024-01-31T00:00:00Z"), company(name="B", date="2024-01-31")], "A"),
        ([company(name="A", date="2024-01-31"), company(name="B", date="2024-01-31T00:00:00Z")], "B"),
        # A statement whose date cannot be read does not undo the one held.
        ([company(name="A"), company(name="B", date="31/01/2024")], "A"),
        ([company(name="A", date="2024-02-01"), company(name="B", date="20240301")], "A"),
        # Closed, then an older update published after: still closed.
        (
            [company(name="A", date="2024-03-01", status="closed"), company(name="B", date="2024-02-01")],
            "A closed 2024-02-29",  # closed on 2024-03-01: held until the day before
        ),
        ([company(name="A", date="2024-03-01T10:00:00+02:00", status="closed")], "A closed 2024-02-29"),
        ([company(name="A", dissolutionDate="2024-01", date="2024-03-01", status="closed")], "A closed 2024-01"),
    ],
)
def test_the_latest_statement_holds(tmp_path: Path, statements: list[dict[str, Any]], expected: str) -> None:
    (e,) = entities(read_lines(tmp_path, *statements)).values()
    assert " ".join(x for x in (e.name, e.status, e.end) if x) == expected


def test_records_span_files_and_are_yielded_once(tmp_path: Path) -> None:
    first, second = tmp_path / "1.jsonl", tmp_path / "2.json"
    first.write_text("\n".join(json.dumps(s) for s in (company(name="Old"), person())), encoding="utf-8")
    second.write_text(json.dumps([company(name="New", date="2024-02-01"), relationship("rec-r", {})]), encoding="utf-8")
    found = list(read([first, second]))
    assert [r.key for r in found if not isinstance(r, Problem)] == ["rec-a", "rec-p", "rec-r#0"]
    assert entities(found)["rec-a"].name == "New" and entities(found)["rec-a"].where == Where(str(second), path="$[0]")


def test_a_record_that_changes_type_is_a_problem(tmp_path: Path) -> None:
    found = read_lines(tmp_path, company("rec-x"), person("rec-x", date="2024-02-01"))
    assert [(r.key, r.kind) for r in entities(found).values()] == [("rec-x", "person")]
    assert [(p.where.line, p.reason) for p in problems(found)] == [
        (2, "person 'rec-x': its earlier statements are of recordType 'entity'")
    ]


# ---------------------------------------------------------------------------------- problems

MALFORMED = [
    # (line, reason): problems of statements that are left out come as they are met, then
    # each record is followed by its own (entities and persons first, then relationships).
    (2, "malformed JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (3, "not a statement: a JSON array"),
    (4, "statement without a recordId"),
    (5, "a BODS 0.3 statement (statementType): only BODS 0.4 is read"),
    (6, "statement of unknown recordType 'company' (record 'rec-x6')"),
    (11, "not UTF-8: invalid continuation byte at byte 36"),
    (12, "entity 'rec-x12': statementDate is not a date: 'yesterday'"),
    (19, "malformed JSON: NaN is not a JSON number"),
    (22, "entity 'rec-x22': no recordDetails object"),
    (15, "entity 'rec-e15': unknown entityType.type 'company': taken as an organization whose kind is not said"),
    (15, "entity 'rec-e15': LEI check digits do not verify: '5299000BODSFIXTURE68'"),
    (15, "entity 'rec-e15': not an ISO 3166 country or subdivision code: 'France'"),
    (15, "entity 'rec-e15': foundingDate is not a date: '2015-13-45'"),
    (7, "relationship 'rec-r7': no subject: not taken"),
    (8, "relationship 'rec-r8': no interestedParty: not taken"),
    (9, "relationship 'rec-r9': interest 0: share exact above 100 (150): interest not taken"),
    (10, "relationship 'rec-r10': interest 0: share minimum below 0 (-5): interest not taken"),
    (
        13,
        "relationship 'rec-r13': interestedParty 'rec-nowhere' is described by no entity or person statement of the input: not taken",
    ),
    (
        14,
        "relationship 'rec-r14': interestedParty not disclosed (informationUnknownToPublisher): not taken, longarm records no party it does not know",
    ),
    (17, "relationship 'rec-r17': subject 'rec-b' is a person, not an entity: not taken"),
    (20, "relationship 'rec-r20': interest 0: share minimum 60 above its maximum 40: interest not taken"),
    (21, "relationship 'rec-r21': interest 0: unknown interest type 'ownership': taken as other"),
    (21, "relationship 'rec-r21': interest 0: unknown directOrIndirect 'sideways': taken as not said"),
]


def test_malformed_lines_are_problems_and_reading_goes_on() -> None:
    found = records("malformed.jsonl")
    assert [(p.where, p.reason) for p in problems(found)] == [
        (Where(str(FIXTURES / "malformed.jsonl"), line=line), reason) for line, reason in MALFORMED
    ]
    taken = [(r.key, r.where.line) for r in found if not isinstance(r, Problem)]
    assert taken == [("rec-a", 1), ("rec-e15", 15), ("rec-b", 16), ("rec-r9#1", 9), ("rec-r21#0", 21)]
    assert entities(found)["rec-e15"].kind == "organization" and entities(found)["rec-e15"].identifiers == (
        bods_id("rec-e15"),
    )
    assert relationships(found)["rec-r9#1"].share == 40.0


def test_a_truncated_array_keeps_what_came_before() -> None:
    found = records("truncated.json")
    file = str(FIXTURES / "truncated.json")
    reason = (
        "malformed JSON at line 61: Expecting property name enclosed in double quotes; the rest of the file is not read"
    )
    assert found[0] == Problem(Where(file, path="$[2]"), reason)
    assert [(r.key, r.where) for r in found[1:]] == [
        ("rec-a", Where(file, path="$[0]")),
        ("rec-b", Where(file, path="$[1]")),
    ]


ONE = json.dumps(company())
TWO = json.dumps(company("rec-b"))


@pytest.mark.parametrize(
    ("text", "keys", "expected"),
    [
        ("[]", [], []),
        (" \r\n[ \n ]\n", [], []),
        ("\ufeff[" + ONE + "]", ["rec-a"], []),
        ("[" + ONE + ",\n" + TWO + "]", ["rec-a", "rec-b"], []),
        (
            "[" + ONE + ",]",
            ["rec-a"],
            [("$[1]", "malformed JSON at line 1: Expecting value; the rest of the file is not read")],
        ),
        (
            "[" + ONE + "] []",
            ["rec-a"],
            [("$[1]", "malformed JSON at line 1: text after the end of the array; the rest of the file is not read")],
        ),
        (
            "[" + ONE + " " + TWO + "]",
            ["rec-a"],
            [("$[1]", "malformed JSON at line 1: expected ',' or ']', not '{'; the rest of the file is not read")],
        ),
        (
            "[" + ONE + ",\n" + TWO,
            ["rec-a", "rec-b"],
            [("$[2]", "malformed JSON at line 2: the array is not closed; the rest of the file is not read")],
        ),
        (
            "[" + ONE + ", NaN]",
            ["rec-a"],
            [("$[1]", "malformed JSON at line 1: NaN is not a JSON number; the rest of the file is not read")],
        ),
        (
            '[12345, null, "x", true]',
            [],
            [
                (f"$[{i}]", f"not a statement: a JSON {t}")
                for i, t in enumerate(["number", "null", "string", "boolean"])
            ],
        ),
        (
            "[" + "[" * 100_000 + "]" * 100_000 + "]",
            [],
            [("$[0]", "malformed JSON at line 1: maximum recursion depth exceeded while ")],
        ),
    ],
)
def test_json_arrays(tmp_path: Path, text: str, keys: list[str], expected: list[tuple[str, str]]) -> None:
    found = read_text(tmp_path, text)
    assert [r.key for r in found if not isinstance(r, Problem)] == keys
    got = [(p.where.path, p.reason) for p in problems(found)]
    assert len(got) == len(expected)
    for (path, reason), (want_path, want) in zip(got, expected, strict=True):
        assert path == want_path and reason.startswith(want.removesuffix("; the rest of the file is not read"))
        assert reason.endswith("; the rest of the file is not read") or want.startswith("not a statement")


@pytest.mark.parametrize(
    ("text", "keys", "expected"),
    [
        ("\ufeff" + ONE + "\r\n\r\n" + TWO + "\r\n", ["rec-a", "rec-b"], []),
        (ONE + "\n" + TWO, ["rec-a", "rec-b"], []),  # no newline at the end
        ('"rec-a"\n' + ONE, ["rec-a"], [(1, "not a statement: a JSON string")]),
        (
            ONE + "\n" + "[" * 100_000 + "]" * 100_000 + "\n" + TWO,  # not the first line: that would make an array
            ["rec-a", "rec-b"],
            [(2, "malformed JSON: maximum recursion depth exceeded")],
        ),
        (
            '{"recordId": "rec-a", "recordType": "entity", "share": Infinity}\n' + TWO,
            ["rec-b"],
            [(1, "malformed JSON: Infinity is not a JSON number")],
        ),
        (
            json.dumps(company(status="gone")),
            ["rec-a"],
            [(1, "entity 'rec-a': unknown recordStatus 'gone': taken as not closed")],
        ),
    ],
)
def test_json_lines(tmp_path: Path, text: str, keys: list[str], expected: list[tuple[int, str]]) -> None:
    found = read_text(tmp_path, text, "statements.jsonl")
    assert [r.key for r in found if not isinstance(r, Problem)] == keys
    assert [(p.where.line, p.reason.split(" while ")[0]) for p in problems(found)] == expected


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        (
            {"subject": {"reason": "subjectExemptFromDisclosure"}},
            "subject not disclosed (subjectExemptFromDisclosure): not taken, longarm records no party it does not know",
        ),
        (
            {"interestedParty": {"reason": "noBeneficialOwners", "description": "Listed on a regulated market"}},
            "interestedParty not disclosed (noBeneficialOwners: Listed on a regulated market): not taken, longarm records no party it does not know",
        ),
        ({"interestedParty": ["rec-p"]}, "interestedParty is not a recordId (['rec-p']): not taken"),
        ({"interestedParty": ""}, "interestedParty is not a recordId (''): not taken"),
        ({"subject": None}, "no subject: not taken"),
        ({"interests": {"type": "shareholding"}}, "interests is not a list: relationship not taken"),
        ({"interests": ["shareholding"]}, "interest 0 is not an object: not taken"),
        (
            {"interestedParty": "rec-r2"},
            "interestedParty 'rec-r2' is a relationship, not an entity or a person: not taken",
        ),
        (
            {"subject": "rec-a", "interestedParty": "rec-a2"},
            "interestedParty 'rec-a2' is described by no entity or person statement of the input: not taken",
        ),
    ],
)
def test_relationships_that_cannot_be_taken(tmp_path: Path, details: dict[str, Any], reason: str) -> None:
    found = read_lines(
        tmp_path,
        company(),
        person(),
        relationship("rec-r2", {}),
        relationship("rec-r", {"type": "shareholding"}, **details),
    )
    assert set(relationships(found)) == {"rec-r2#0"}
    assert [(p.where.line, p.reason) for p in problems(found)] == [(4, f"relationship 'rec-r': {reason}")]


def test_an_unreadable_file_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(read([tmp_path / "missing.json"]))


# --------------------------------------------------------------------------------- streaming


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_arrays_read_alike_whatever_the_chunk(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    expected = records("network.json") + records("truncated.json")
    monkeypatch.setattr(bods, "_CHUNK", chunk)
    assert records("network.json") + records("truncated.json") == expected


def test_a_number_cut_by_a_chunk_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bods, "_CHUNK", 4)
    found = read_text(tmp_path, '[  12345678, {"recordId": 123456789}]')
    assert [(p.where.path, p.reason) for p in problems(found)] == [
        ("$[0]", "not a statement: a JSON number"),
        ("$[1].recordId", "statement without a recordId"),
    ]


def test_arrays_are_streamed_in_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.json"
    count = 3000
    with path.open("w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(company(f"rec-{i}", alternateNames=["x" * 200]), indent=2) for i in range(count)))
        f.write("\n]\n")
    assert path.stat().st_size > 8 * bods._CHUNK
    longest = 0
    more = bods._Text.more

    def spy(self: Any) -> bool:
        nonlocal longest
        result: bool = more(self)
        longest = max(longest, len(self.text))
        return result

    monkeypatch.setattr(bods._Text, "more", spy)
    found = list(read([path]))
    assert len(entities(found)) == count and problems(found) == []
    assert longest < 2 * bods._CHUNK


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
DETAIL_KEYS = st.sampled_from(
    [
        "entityType",
        "name",
        "identifiers",
        "jurisdiction",
        "foundingDate",
        "names",
        "subject",
        "interestedParty",
        "interests",
        "alternateNames",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    record_type=st.sampled_from(["entity", "person", "relationship", "other"]),
    details=st.dictionaries(DETAIL_KEYS, JSON_VALUES, max_size=5),
    date=st.sampled_from(["2024-01-31", "2024-01-31T10:00:00Z", "soon", None]),
    status=st.sampled_from(["new", "updated", "closed", None, 3]),
    junk=st.binary(max_size=40),
)
def test_bad_data_never_raises(
    record_type: str, details: dict[str, Any], date: str | None, status: Any, junk: bytes
) -> None:
    item = statement("rec-x", record_type, details, date or "", recordStatus=status)
    with tempfile.TemporaryDirectory() as tmp:
        lines, array = Path(tmp) / "s.jsonl", Path(tmp) / "s.json"
        lines.write_bytes(json.dumps(company()).encode() + b"\n" + json.dumps(item).encode() + b"\n" + junk + b"\n")
        array.write_bytes(b"[" + json.dumps(item).encode() + b"," + junk + b"]")
        found = list(read([lines, array]))
    assert all(isinstance(r, Entity | Relationship | Problem) for r in found)
    assert "rec-a" in entities(found)


# ---------------------------------------------------------------------------- the standard


def _libcovebods_problems(
    statements: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """What libcovebods finds wrong (the org-id scheme list, which it would download, given)."""
    for module in (legacy_checks, record_based_checks):
        monkeypatch.setattr(module, "get_orgids_prefixes", lambda orgids_url=None: ["XI-LEI", "FR-RCS", "LU-RCS"])
    path = tmp_path / "validate.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    reader, config = DataReader(str(path)), LibCoveBODSConfig()
    schema = SchemaBODS(reader, config)
    return {
        "version": schema.schema_version,
        "schema_errors": [e.json() for e in JSONSchemaValidator(schema).validate(reader)],
        "checks": process_additional_checks(reader, config, schema, TASK_CLASSES)["additional_checks"],
        "additional_fields": AdditionalFields(schema).process(reader),
    }


@pytest.mark.parametrize("name", ["network.json", "network.jsonl", "history.jsonl"])
def test_the_valid_fixtures_follow_the_standard(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    statements = json.loads(text) if name.endswith(".json") else [json.loads(line) for line in text.splitlines()]
    clean = {"version": "0.4", "schema_errors": [], "checks": [], "additional_fields": {}}
    assert _libcovebods_problems(statements, tmp_path, monkeypatch) == clean


def test_reads_longarms_own_bods_export(bundled_store: Store, tmp_path: Path) -> None:
    data = export(bundled_store, "bods", None, as_of=dt.date(2026, 11, 29), published=dt.date(2026, 11, 29))
    statements = json.loads(data)
    found = read_text(tmp_path, data)
    assert problems(found) == []
    parties = {s["recordId"]: s for s in statements if s["recordType"] != "relationship"}
    assert set(entities(found)) == set(parties)
    assert sum(e.kind == "person" for e in entities(found).values()) == sum(
        s["recordType"] == "person" for s in parties.values()
    )

    def day_before(date: str | None) -> str | None:
        return None if date is None else (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()

    interests = {
        f"{s['recordId']}#{i}": (interest.get("share"), interest.get("startDate"), day_before(interest.get("endDate")))
        for s in statements
        if s["recordType"] == "relationship"
        for i, interest in enumerate(s["recordDetails"]["interests"])
    }
    got = {}
    for key, r in relationships(found).items():
        share = (
            {"exact": r.share}
            if r.share is not None
            else {k: v for k, v in (("minimum", r.share_min), ("maximum", r.share_max)) if v is not None}
        )
        got[key] = (share or None, r.start, r.end)
    assert got == interests
    lei = {
        i["id"]
        for s in parties.values()
        for i in s["recordDetails"].get("identifiers", [])
        if i.get("scheme") == "XI-LEI"
    }
    assert lei and lei == {i.value for e in entities(found).values() for i in e.identifiers if i.scheme == "LEI"}


# -------------------------------------------------------------- the published conformance pack

#: What each case of the pack states in its ``.expected.md`` ("1 `recordType: entity`", "**Zero `person` records**").
_STATED = re.compile(r"^- (\d+) `recordType: (entity|person|relationship)`", re.MULTILINE)
_STATED_NONE = re.compile(r"\*\*Zero `(entity|person|relationship)` records\*\*")
PACK_STATES = {
    "core/01-direct-ownership": {"entity": 1, "person": 1, "relationship": 1},
    "edge-cases/10-circular-ownership": {"entity": 2, "relationship": 2, "person": 0},
    "edge-cases/11-anonymous-person": {"entity": 1, "relationship": 1, "person": 0},
}
PACK_RECORDS = {
    "core/01-direct-ownership": [
        ("rec-acme-holdings-ltd", "Acme Holdings Ltd", "company", "GB", "2005-03-15"),
        ("rec-jane-smith-1975", "Jane Smith", "person", None, None),  # no birth date, no nationality
        (
            "rec-rel-jane-acme#0",
            "rec-acme-holdings-ltd",
            "rec-jane-smith-1975",
            "shareholding",
            75.0,
            True,
            "2010-01-01",
        ),
        (
            "rec-rel-jane-acme#1",
            "rec-acme-holdings-ltd",
            "rec-jane-smith-1975",
            "voting-rights",
            75.0,
            True,
            "2010-01-01",
        ),
    ],
    "edge-cases/10-circular-ownership": [
        ("rec-alpha-corp", "Alpha Corp Ltd", "company", "GB", None),
        ("rec-beta-corp", "Beta Corp Ltd", "company", "GB", None),
        ("rec-rel-alpha-owns-beta#0", "rec-beta-corp", "rec-alpha-corp", "shareholding", 100.0, True, None),
        ("rec-rel-beta-owns-alpha#0", "rec-alpha-corp", "rec-beta-corp", "shareholding", 100.0, True, None),
    ],
    "edge-cases/11-anonymous-person": [
        ("rec-opaque-holdings-sa", "Opaque Holdings SA", "company", "PA", None),
        # The declared-unknown owner: no placeholder party is made up; the reason code and its
        # description are said, verbatim.
        "relationship 'rec-rel-opaque-no-ubo': interestedParty not disclosed (subjectUnableToConfirmOrIdentifyBeneficialOwner: "
        "The subject entity has reported that it is unable to identify any beneficial owner meeting the reporting threshold.): "
        "not taken, longarm records no party it does not know",
    ],
}


def _pack_cases() -> list[Any]:
    return [name for name in bods_fixtures.list_cases() if not name.startswith("invalid/")]


def _stated(description: str) -> dict[str, int]:
    shape = description.split("## Shape", 1)[-1].split("\n## ", 1)[0]
    counts = {kind: int(n) for n, kind in _STATED.findall(shape)}
    return counts | dict.fromkeys(_STATED_NONE.findall(shape), 0)


def _summary(found: list[Record]) -> Iterator[tuple[Any, ...] | str]:
    for r in found:
        if isinstance(r, Entity):
            yield r.key, r.name, r.kind, r.jurisdiction, r.start
        elif isinstance(r, Relationship):
            yield r.key, r.subject, r.interested, r.kind, r.share, r.direct, r.start
        elif isinstance(r, Problem):
            yield r.reason


@pytest.mark.parametrize("name", _pack_cases())
def test_the_published_conformance_pack(name: str) -> None:
    """Each valid case reads without problem, with the counts its ``.expected.md`` states.

    The one exception is a relationship whose party BODS declares undisclosed (an
    "unspecified record" with a reason): the records have no form for it and a party is
    never made up, so it is a problem that says the reason, and counts as read.
    """
    fixture = bods_fixtures.load(name)
    with as_file(files("bods_fixtures") / "data" / f"{name}.json") as path:
        found = list(read([path]))
    undisclosed = {
        s["recordId"]
        for s in fixture.by_record_type("relationship")
        if any(isinstance(s["recordDetails"].get(k), dict) for k in ("subject", "interestedParty"))
    }
    assert sorted(p.reason.split("'")[1] for p in problems(found)) == sorted(undisclosed)
    assert all(" not disclosed (" in p.reason for p in problems(found))
    kinds = [e.kind for e in entities(found).values()]
    counts = {
        "entity": len(kinds) - kinds.count("person"),
        "person": kinds.count("person"),
        "relationship": len({k.rsplit("#", 1)[0] for k in relationships(found)}) + len(undisclosed),
    }
    stated = _stated(fixture.description or "")
    if name in PACK_STATES:
        assert stated == PACK_STATES[name]
        assert list(_summary(found)) == PACK_RECORDS[name]
    assert {kind: counts[kind] for kind in stated} == stated
