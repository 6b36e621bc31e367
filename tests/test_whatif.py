"""What-if: hypothetical facts tried on a copy of the store change assessments and exposures; the store stays as it was."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.cli import main
from longarm.api.settings import Settings
from longarm.graph.base.errors import InputError, ValidationError
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes, load_bundled, load_documents, user_graph
from longarm.graph.views.whatif import what_if_to_dict
from longarm.graph.write.whatif import what_if
from longarm.ontology.namespace import PREFIXES

AS_OF = dt.date(2026, 6, 1)
HEAD = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in ("lx", "lxorg", "own", "jur", "rdfs", "dcterms", "xsd"))
HEAD += f"@prefix svc: <{PREFIXES['lxorg'].replace('/org/', '/service/')}> .\n"
HEAD += f"@prefix asset: <{PREFIXES['lxorg'].replace('/org/', '/asset/')}> .\n"
HEAD += f"@prefix src: <{PREFIXES['lxorg'].replace('/org/', '/source/')}> .\n"
# The smallest store that shows it: the bundled data and one asset hosted on S3NS's qualified offer.
ASSET = (
    HEAD
    + """
asset:what-if-records a lx:DataAsset ; rdfs:label "Records hosted on PREMI3NS" ;
    lx:hostedOn svc:s3ns-premi3ns ; lx:storedIn jur:FR ;
    dcterms:source src:reuters-2022-06-30-s3ns ; lx:confidence lx:Assumed .
"""
)
MAJORITY = (
    HEAD
    + """
own:what-if-alphabet-majority a lx:OwnershipInterest ;
    lx:owner lxorg:alphabet ; lx:owned lxorg:s3ns ; lx:interestKind lx:Shareholding ; lx:shareOfCapital 51.0 .
"""
)
CLOSED = HEAD + 'own:alphabet-s3ns-2022 lx:validUntil "2023-01-01"^^xsd:date .\n'
BROKEN = (
    HEAD
    + """
own:what-if-broken a lx:OwnershipInterest ;
    lx:owner lxorg:alphabet ; lx:owned lxorg:s3ns ; lx:interestKind lx:Shareholding ; lx:shareOfCapital 150.0 .
"""
)


@pytest.fixture
def store() -> Store:
    s = Store.in_memory()
    load_bundled(s)
    load_documents(s, [document_from_bytes(ASSET.encode(), "asset.ttl", user_graph("asset"))])
    return s


def _quads(store: Store) -> set[ox.Quad]:
    return set(store.oxigraph.quads_for_pattern(None, None, None, None))


def test_a_stake_pushed_over_the_threshold_changes_the_assessment_and_the_exposures(store: Store) -> None:
    before = _quads(store)
    r = what_if(
        store,
        MAJORITY.encode(),
        "majority.ttl",
        assessing=["s3ns"],
        answering=["what-if-records"],
        requirement="secnumcloud-3-2-19-6",
        as_of=AS_OF,
    )
    data = what_if_to_dict(r)
    [a] = data["assessments"]
    assert (a["before"], a["after"], a["changed"]) == (
        "unknown",
        "fail",
        [{"clause": "19.6.b", "before": "unknown", "after": "fail"}],
    )
    [x] = data["answers"]
    added = {(e["instrument"]["label"], e["compellable_entity"]["label"]) for e in x["added"]}
    assert any(who in ("S3NS", "Alphabet Inc.") for _, who in added), added  # reached through Alphabet's control
    assert not x["removed"]  # what was there stays
    assert _quads(store) == before  # the store is as it was


def test_a_stored_fact_closed_by_an_end_date_no_longer_counts(store: Store) -> None:
    r = what_if(
        store, CLOSED.encode(), "closed.ttl", assessing=["s3ns"], requirement="secnumcloud-3-2-19-6", as_of=AS_OF
    )
    old, new = r.assessments[0]
    assert any("Alphabet" in reason for reason in old.results[1].reasons)
    assert not any("Alphabet" in reason for reason in new.results[1].reasons)


NO_AUTONOMY = HEAD.replace("@prefix src:", "@prefix ctr: <https://w3id.org/longarm/id/contract/> .\n@prefix src:")
NO_AUTONOMY += "ctr:bleu-microsoft-technology-licence lx:guaranteesOperatingAutonomy false .\n"


def test_a_licence_without_operating_autonomy_fails_19_6_d_and_the_seal_level_does_not_move(store: Store) -> None:
    before = _quads(store)
    r = what_if(store, NO_AUTONOMY.encode(), "autonomy.ttl", assessing=["bleu"], as_of=AS_OF)
    data = what_if_to_dict(r)
    changed = {a["requirement"]: a["changed"] for a in data["assessments"]}
    assert changed["secnumcloud-3-2-19-6"] == [{"clause": "19.6.d", "before": "unknown", "after": "fail"}]
    assert changed["gaia-x-label-3"] == [{"clause": "P5.1.7", "before": "unknown", "after": "fail"}]
    assert changed["eu-csf-sov-2"] == []  # not a criterion of any SEAL level
    assert _quads(store) == before


def test_facts_that_break_the_shapes_are_refused_and_nothing_is_tried(store: Store) -> None:
    before = _quads(store)
    with pytest.raises(ValidationError, match="shareOfCapital"):
        what_if(store, BROKEN.encode(), "broken.ttl", assessing=["s3ns"], as_of=AS_OF)
    with pytest.raises(InputError, match="say what to answer"):
        what_if(store, MAJORITY.encode(), "majority.ttl", as_of=AS_OF)
    assert _quads(store) == before


def test_what_if_on_the_command_line_and_over_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = tmp_path / "majority.ttl"
    facts.write_text(MAJORITY, encoding="utf-8")
    where = ["--store", str(tmp_path / "s")]
    assert main([*where, "load", "--bundled"]) == 0
    capsys.readouterr()
    assert main([*where, "what-if", str(facts), "--assess", "s3ns", "--as-of", "2026-06-01"]) == 0
    text = capsys.readouterr().out
    assert "S3NS under secnumcloud-3-2-19-6: unknown -> fail" in text and "19.6.b: unknown -> fail" in text
    app = create_app(Settings(store_path=tmp_path / "unused", write_token="t"), store=Store.in_memory())
    with TestClient(app) as client:
        r = client.post(
            "/api/v1/what-if",
            params={"assess": "s3ns", "as_of": "2026-06-01", "requirement": "secnumcloud-3-2-19-6"},
            content=MAJORITY.encode(),
            headers={"content-type": "text/turtle"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["assessments"][0]["after"] == "fail"
        bad = client.post(
            "/api/v1/what-if",
            params={"assess": "s3ns"},
            content=BROKEN.encode(),
            headers={"content-type": "text/turtle"},
        )
        assert bad.status_code == 422
        assert client.post("/api/v1/what-if", params={"assess": "s3ns"}, content=b"x").status_code == 415
    assert json.loads(json.dumps(r.json()))  # plain JSON
