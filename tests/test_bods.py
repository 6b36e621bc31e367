"""BODS 0.4 statements pass libcovebods, the standard's own validator, and say what the data says."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from libcovebods.additionalfields import AdditionalFields
from libcovebods.config import LibCoveBODSConfig
from libcovebods.data_reader import DataReader
from libcovebods.jsonschemavalidate import JSONSchemaValidator
from libcovebods.run_tasks import TASK_CLASSES, process_additional_checks
from libcovebods.schema import SchemaBODS
from libcovebods.tasks.checks import legacy_checks, record_based_checks

from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes, load_documents
from longarm.graph.views.bods import bods_statements
from longarm.graph.views.entity_graph import entity_graph
from longarm.graph.views.export import export
from longarm.ontology.namespace import graph_iri

from .conftest import VALID_TTL

TODAY = dt.date(2026, 11, 29)
Statements = list[dict[str, Any]]


def bods_problems(statements: Statements, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What libcovebods finds wrong: schema errors, failed checks, fields the schema does not define.

    The identifier-scheme checks would download the org-id.guide list; offline, they get
    the schemes we use (XI-LEI is the org-id code of the GLEIF register).
    """
    for module in (legacy_checks, record_based_checks):
        monkeypatch.setattr(module, "get_orgids_prefixes", lambda orgids_url=None: ["XI-LEI"])
    path = tmp_path / "statements.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    reader, config = DataReader(str(path)), LibCoveBODSConfig()
    schema = SchemaBODS(reader, config)
    checks = process_additional_checks(reader, config, schema, TASK_CLASSES)
    return {
        "version": schema.schema_version,
        "schema_errors": [e.json() for e in JSONSchemaValidator(schema).validate(reader)],
        "checks": checks["additional_checks"],
        "additional_fields": AdditionalFields(schema).process(reader),
    }


CLEAN = {"version": "0.4", "schema_errors": [], "checks": [], "additional_fields": {}}


@pytest.mark.parametrize(
    ("ref", "as_of"),
    [
        (None, TODAY),
        (None, dt.date(2013, 6, 1)),  # Numergy and Cloudwatt with their founders, interests that later ended
        (iri("org", "bleu"), TODAY),
        (iri("org", "numergy"), dt.date(2013, 6, 1)),
        (iri("org", "s3ns"), TODAY),
    ],
)
def test_libcovebods_finds_nothing_wrong(
    bundled_store: Store, ref: str | None, as_of: dt.date, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements = json.loads(export(bundled_store, "bods", ref, as_of=as_of, published=TODAY))
    assert statements and bods_problems(statements, tmp_path, monkeypatch) == CLEAN


def test_the_validator_can_fail(bundled_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statements = json.loads(export(bundled_store, "bods", iri("org", "bleu"), as_of=TODAY, published=TODAY))
    statements[-1]["recordDetails"]["interests"][0]["share"] = {"exact": 150}
    statements[0]["colour"] = "blue"
    statements.insert(0, statements.pop())  # a relationship before the entities it names
    problems = bods_problems(statements, tmp_path, monkeypatch)
    assert problems["schema_errors"] and problems["checks"] and problems["additional_fields"]


def _statements(store: Store, ref: str | None, as_of: dt.date) -> Statements:
    g = entity_graph(store, ref, as_of=as_of)
    return bods_statements(projection_for(store), g, ref, published=TODAY)


def _relationship(statements: Statements, interest: str) -> dict[str, Any]:
    (found,) = [s for s in statements if s["recordId"] == iri("interest", interest)]
    details: dict[str, Any] = found["recordDetails"]
    return details


def test_shares_dates_and_interest_types(bundled_store: Store) -> None:
    old = _statements(bundled_store, iri("org", "cloudwatt"), dt.date(2013, 6, 1))
    orange = _relationship(old, "orange-cloudwatt-2012")
    assert (orange["subject"], orange["interestedParty"]) == (iri("org", "cloudwatt"), iri("org", "orange"))
    assert orange["interests"] == [
        {
            "type": "shareholding",
            "share": {"exact": 44.4},
            "directOrIndirect": "unknown",
            "beneficialOwnershipOrControl": False,
            "startDate": "2012-09-01",
            "endDate": "2015-04-01",  # ended in March 2015 (validUntil "2015-03"): the day after the window
        }
    ]
    now = _statements(bundled_store, iri("org", "s3ns"), TODAY)
    google = _relationship(now, "alphabet-s3ns-2022")["interests"]
    assert [(i["type"], i["share"], i["directOrIndirect"]) for i in google] == [
        ("shareholding", {"maximum": 10.0}, "indirect")
    ]
    thales = _relationship(now, "thales-s3ns-2022")["interests"]
    assert [(i["type"], i.get("details"), i.get("share")) for i in thales] == [
        ("otherInfluenceOrControl", "sole control", None),
        ("shareholding", None, {"minimum": 50.0}),
    ]
    state = _relationship(_statements(bundled_store, None, TODAY), "french-state-thales-2023")["interests"]
    assert [(i["type"], i["share"]) for i in state] == [
        ("shareholding", {"exact": 26.06}),
        ("votingRights", {"exact": 35.54}),
    ]


def test_entities_persons_identifiers_and_order(bundled_store: Store) -> None:
    statements = _statements(bundled_store, None, TODAY)
    types = [s["recordType"] for s in statements]
    assert types == sorted(types, key=lambda t: t == "relationship")  # parties before relationships
    by_id = {s["recordId"]: s for s in statements}
    microsoft = by_id[iri("org", "microsoft-corporation")]["recordDetails"]
    assert microsoft["entityType"] == {"type": "registeredEntity", "details": "company"}
    assert microsoft["jurisdiction"] == {"name": "United States", "code": "US"}
    assert {"id": "INR2EJN1ERAN0W5ZP974", "scheme": "XI-LEI", "schemeName": "Global Legal Entity Identifier Index"} in (
        microsoft["identifiers"]
    )
    assert any(i["schemeName"] == "Wikidata" and i["id"] == "Q2283" for i in microsoft["identifiers"])
    assert by_id[iri("org", "french-state")]["recordDetails"]["entityType"]["type"] == "state"
    persons = [s for s in statements if s["recordType"] == "person"]
    assert persons and all(s["recordDetails"]["personType"] == "knownPerson" for s in persons)
    ids = [s["statementId"] for s in statements]
    assert len(set(ids)) == len(ids) and all(32 <= len(i) <= 64 for i in ids)
    assert ids == [s["statementId"] for s in _statements(bundled_store, None, TODAY)]  # deterministic


def test_sources_caveats_and_publication(bundled_store: Store) -> None:
    statements = _statements(bundled_store, iri("org", "bleu"), TODAY)
    joint = next(s for s in statements if s["recordId"] == iri("interest", "orange-bleu-2024"))
    assert joint["source"]["type"] == ["primaryResearch"]  # lx:Primary
    assert "M.10855" in joint["source"]["description"]
    assert any("joint control" in a["description"].lower() for a in joint["annotations"])
    assert joint["statementDate"] <= TODAY.isoformat()
    publication = {"publicationDate": "2026-11-29", "bodsVersion": "0.4", "publisher": {"name": "longarm"}}
    assert joint["publicationDetails"] == publication


def test_declaration_subject_is_the_centre_for_its_owners(bundled_store: Store) -> None:
    bleu = iri("org", "bleu")
    statements = _statements(bundled_store, bleu, TODAY)
    declared = {s["recordId"]: s["declarationSubject"] for s in statements}
    assert declared[bleu] == declared[iri("org", "orange")] == declared[iri("interest", "french-state-orange")] == bleu
    # Orange's own subsidiaries are not owners of Bleu: their statements are about themselves.
    assert declared[iri("interest", "orange-orange-business-services")] == iri("org", "orange-business-services")


def test_tiny_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.in_memory()
    load_documents(store, [document_from_bytes(VALID_TTL.encode(), "tiny.ttl", str(graph_iri("user/tiny")))])
    statements = _statements(store, None, dt.date(2021, 6, 1))
    assert [s["recordType"] for s in statements] == ["entity", "entity", "relationship"]
    assert statements[0]["recordDetails"]["entityType"] == {"type": "registeredEntity", "details": "Company"}
    assert bods_problems(statements, tmp_path, monkeypatch) == CLEAN
    assert _statements(store, None, dt.date(2024, 1, 1))[-1]["recordType"] == "entity"
