"""Requirements as data, assessed criterion by criterion: pass, fail or unknown, with reasons, facts and warnings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.cli import main
from longarm.api.settings import Settings
from longarm.graph.base.errors import InputError, UnknownReferenceError, ValidationError
from longarm.graph.engine.assess import assess, assess_asset, assessed_organizations, assessments, find_requirement
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import (
    Contract,
    Grant,
    Interest,
    Org,
    Projection,
    Requirement,
    RequirementCriterion,
    iri,
)
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes, load_bundled, load_documents, user_graph
from longarm.ontology.namespace import LXS

AS_OF = dt.date(2026, 6, 1)
EU, FR, US, DE = (iri("jur", c) for c in ("EU", "FR", "US", "DE"))
SNC = "secnumcloud-3-2-19-6"


@pytest.fixture(scope="module")
def bundled() -> Projection:
    store = Store.in_memory()
    load_bundled(store)
    return projection_for(store)


# ---------------------------------------------------------------------- the smallest graphs


def _caps(individual: float = 24.0, collective: float = 39.0) -> Requirement:
    seat = RequirementCriterion(iri("requirement", "t-a"), label="seat", clause="a", kind=LXS.SeatInArea, area=EU)
    caps = RequirementCriterion(
        iri("requirement", "t-b"),
        label="caps",
        clause="b",
        kind=LXS.HoldingCaps,
        area=EU,
        individual_cap=individual,
        collective_cap=collective,
        margin=3.0,
    )
    return Requirement(iri("requirement", "t"), label="test rule", criteria=[seat, caps])


def _provider(*holders: tuple[str, str | None, Interest], owners_recorded: bool = True) -> Projection:
    """A provider seated in France, its holders (name, country or None, interest) and the test requirement."""
    p = Projection()
    p.member_of = {FR: {EU}, DE: {EU}}
    p.orgs["prov"] = Org("prov", label="Provider", incorporated=frozenset({FR}), headquarters=frozenset({FR}))
    p.orgs["prov"].owners_recorded = owners_recorded
    for name, country, interest in holders:
        p.orgs[name] = Org(name, label=name, incorporated=frozenset({country}) if country else frozenset())
        p.interests[interest.iri] = interest
        p.ownership.add_edge(interest.owner, interest.owned, key=interest.iri)
    p.requirements[iri("requirement", "t")] = _caps()
    return p


def _stake(owner: str, owned: str, capital: float | None = None, **more: float) -> Interest:
    return Interest(f"i-{owner}-{owned}", owner=owner, owned=owned, kind=LXS.Shareholding, capital=capital, **more)


def _caps_result(p: Projection, method: str = "multiplicative"):  # type: ignore[no-untyped-def]
    return assess(p, "prov", iri("requirement", "t"), AS_OF, method=method).results[1]


CASES = [
    # (case, holders, status, a reason that must be given, a reason that must not)
    (
        "a non-EU holder just under the cap",
        [("us-fund", US, _stake("us-fund", "prov", 23.9))],
        "pass",
        "within 24 %",
        "more than",
    ),
    (
        "a non-EU holder exactly at the cap",
        [("us-fund", US, _stake("us-fund", "prov", 24.0))],
        "pass",
        "within 24 %",
        "more than",
    ),
    (
        "a non-EU holder just over the cap",
        [("us-fund", US, _stake("us-fund", "prov", 24.1))],
        "fail",
        "more than 24 %",
        "within 24",
    ),
    (
        "an EU holder of everything",
        [("de-group", DE, _stake("de-group", "prov", 100.0))],
        "pass",
        "within 39 %",
        "more than",
    ),
    (
        "three non-EU holders, each within, together over",
        [(f"us-{n}", US, _stake(f"us-{n}", "prov", 20.0)) for n in "abc"],
        "fail",
        "more than 39 %",
        "more than 24",
    ),
    (
        "a holder whose seat is not recorded",
        [("someone", None, _stake("someone", "prov", 30.0))],
        "unknown",
        "whose seat is not recorded",
        ": more than 24",
    ),
    (
        "a non-EU stake known as a range across the cap",
        [("us-fund", US, _stake("us-fund", "prov", capital_min=20.0, capital_max=30.0))],
        "unknown",
        "perhaps more than 24 %",
        "within 24",
    ),
    (
        "a non-EU stake below a range under the cap",
        [("us-fund", US, _stake("us-fund", "prov", capital_max=10.0))],
        "pass",
        "between 0 and 10 %",
        "more than",
    ),
]


@pytest.mark.parametrize(("case", "holders", "status", "must", "must_not"), CASES, ids=[c[0] for c in CASES])
def test_holding_caps(case: str, holders: list, status: str, must: str, must_not: str) -> None:  # type: ignore[type-arg]
    result = _caps_result(_provider(*holders))
    text = " | ".join(result.reasons)
    assert result.status == status, text
    assert must in text and must_not not in text


def test_a_figure_near_a_threshold_is_flagged_on_both_sides() -> None:
    under = _caps_result(_provider(("us-fund", US, _stake("us-fund", "prov", 23.0))))
    over = _caps_result(_provider(("us-fund", US, _stake("us-fund", "prov", 25.0))))
    far = _caps_result(_provider(("us-fund", US, _stake("us-fund", "prov", 5.0))))
    assert (under.status, over.status) == ("pass", "fail")
    assert any("within 3 points of the 24 % cap" in w for w in under.warnings)
    assert any("within 3 points of the 24 % cap" in w for w in over.warnings)
    assert not far.warnings


def test_indirect_holdings_are_looked_through_by_the_chosen_method() -> None:
    # A US parent controls (60 %) an EU holding company that holds 30 % of the provider.
    parent = _stake("us-parent", "eu-holdco", 60.0)
    holdco = _stake("eu-holdco", "prov", 30.0)
    p = _provider(("us-parent", US, parent), ("eu-holdco", DE, holdco))
    multiplied, controlled = _caps_result(p, "multiplicative"), _caps_result(p, "control")
    assert multiplied.status == "pass" and "us-parent, seated outside the EU, holds 18 %" in " ".join(
        multiplied.reasons
    )
    assert controlled.status == "fail" and "holds 30 %: more than 24 %" in " ".join(controlled.reasons)
    assert "by the control method" in " ".join(controlled.reasons)


def test_a_right_of_veto_held_from_outside_fails_whatever_the_share() -> None:
    veto = Interest("i-veto", owner="us-fund", owned="prov", kind=LXS.VetoRight, capital=5.0)
    result = _caps_result(_provider(("us-fund", US, veto)))
    assert result.status == "fail" and "a right of veto" in " ".join(result.reasons)


def test_holders_not_on_record_leave_the_caps_unknown_never_passed() -> None:
    result = _caps_result(_provider(("de-group", DE, _stake("de-group", "prov", 60.0)), owners_recorded=False))
    assert result.status == "unknown"
    assert "up to 40 % of the capital is held by holders not on record" in " ".join(result.reasons)


def test_a_seat_not_on_record_is_unknown_and_one_outside_fails() -> None:
    p = _provider()
    p.orgs["prov"].headquarters = frozenset()
    assert assess(p, "prov", iri("requirement", "t"), AS_OF).results[0].status == "unknown"
    p.orgs["prov"].headquarters = frozenset({US})
    seat = assess(p, "prov", iri("requirement", "t"), AS_OF).results[0]
    assert seat.status == "fail" and "outside the" in " ".join(seat.reasons)


def test_bad_input_is_refused() -> None:
    p = _provider()
    with pytest.raises(InputError, match="look-through"):
        assess(p, "prov", iri("requirement", "t"), AS_OF, method="average")
    with pytest.raises(UnknownReferenceError):
        assess(p, "nobody", iri("requirement", "t"), AS_OF)
    with pytest.raises(UnknownReferenceError):
        find_requirement(p, "no-such-rule")


# ---------------------------------------------------------------------- the bundled data


@pytest.mark.parametrize(
    ("ref", "status", "caps", "must", "must_not"),
    [
        (
            "aws-european-sovereign-cloud-gmbh",
            "fail",
            "fail",
            "A100 ROW, Inc., seated outside the European Union, holds 100 %: more than 24 %",
            "within 24",
        ),
        (
            "s3ns",
            "unknown",
            "unknown",
            "Alphabet Inc., seated outside the European Union, holds between 0 and 10 %: within 24 %",
            "more than 24 %",
        ),
    ],
)
def test_s3ns_and_the_aws_european_sovereign_cloud_under_19_6(
    bundled: Projection, ref: str, status: str, caps: str, must: str, must_not: str
) -> None:
    a = assess(bundled, iri("org", ref), find_requirement(bundled, SNC), AS_OF)
    seat, holding, access, autonomy, rights, notice = a.results
    assert (a.status, seat.status, holding.status, access.status) == (status, "pass", caps, "unknown")
    assert (autonomy.status, rights.status, notice.status) == ("unknown", "unknown", "unknown")  # not on record
    assert must in holding.reasons and not any(must_not in r for r in holding.reasons)
    assert [r.criterion.clause for r in a.results] == ["19.6.a", "19.6.b", "19.6.c", "19.6.d", "19.6.e", "19.6.f"]
    assert a.requirement.sources and all(bundled.sources[s].label for s in a.requirement.sources)  # cited
    assert holding.facts and all(bundled.fact_sources(f) for f in holding.facts)  # each fact has its sources


def test_the_qualification_on_record_is_shown_beside_the_assessment(bundled: Projection) -> None:
    a = assess(bundled, iri("org", "s3ns"), find_requirement(bundled, SNC), AS_OF)
    assert [(q.status, q.holds) for q in a.qualifications if "PREMI3NS" in q.label] == [("qualified", True)]


def test_an_offer_is_assessed_through_its_providers(bundled: Projection) -> None:
    assert assessed_organizations(bundled, "AWS European Sovereign Cloud") == [
        iri("org", "amazon-web-services-inc"),  # its provider
        iri("org", "aws-european-sovereign-cloud-gmbh"),  # its operator
    ]


def test_a_requirement_dated_after_the_date_asked_says_so(bundled: Projection) -> None:
    a = assess(bundled, iri("org", "s3ns"), find_requirement(bundled, SNC), dt.date(2021, 1, 1))
    assert a.caveats and "not in force on 2021-01-01" in a.caveats[0]


# ---------------------------------------------------------------------- requirements are data

FICTIONAL = b"""
@prefix lx: <https://w3id.org/longarm/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix jur: <https://w3id.org/longarm/id/jur/> .
@prefix req: <https://w3id.org/longarm/id/requirement/> .
@prefix src: <https://w3id.org/longarm/id/source/> .

src:ruritania-cloud-act a lx:Source ; rdfs:label "Ruritanian Cloud Act (fictional)" ; dcterms:date "2030"^^xsd:gYear .
req:ruritania-cloud a lx:Requirement ;
    rdfs:label "Ruritanian cloud rule (fictional)" ;
    lx:validFrom "2030"^^xsd:gYear ;
    lx:criterion req:ruritania-cloud-1 ;
    dcterms:source src:ruritania-cloud-act .
req:ruritania-cloud-1 a lx:Criterion ;
    rdfs:label "No holder outside Germany above 10 %" ;
    lx:clause "1" ;
    lx:criterionKind lx:HoldingCaps ;
    lx:trustedArea jur:DE ;
    lx:individualCap 10.0 ;
    dcterms:source src:ruritania-cloud-act .
"""


def test_a_new_requirement_is_a_data_file_and_a_kind_outside_the_closed_set_is_refused() -> None:
    store = Store.in_memory()
    load_bundled(store)
    load_documents(store, [document_from_bytes(FICTIONAL, "ruritania.ttl", user_graph("ruritania"))])
    p = projection_for(store)
    a = assess(p, iri("org", "s3ns"), find_requirement(p, "ruritania-cloud"), dt.date(2031, 1, 1))
    [holding] = a.results
    assert holding.status == "fail" and any("Thales" in r and "more than 10 %" in r for r in holding.reasons)
    wrong = FICTIONAL.replace(b"lx:HoldingCaps", b"lx:SeatInArea , lx:HoldingCaps")
    with pytest.raises(ValidationError, match="criterionKind"):
        load_documents(store, [document_from_bytes(wrong, "wrong.ttl", user_graph("wrong"))])


# ---------------------------------------------------------------------- command line and REST


def test_the_command_line_lists_requirements_and_assesses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "s")]
    assert main([*store, "load", "--bundled"]) == 0
    capsys.readouterr()
    assert main([*store, "assess", "--list"]) == 0
    assert SNC in capsys.readouterr().out
    assert main([*store, "assess", "AWS European Sovereign Cloud GmbH", "--as-of", "2026-06-01"]) == 0
    text = capsys.readouterr().out  # under each requirement the store knows
    assert "under Gaia-X Label Level 3: European control (P5.1), as of 2026-06-01: FAIL" in text
    assert "under SecNumCloud 3.2 §19.6: protection against non-European law, as of 2026-06-01: FAIL" in text
    assert "19.6.b" in text and "P5.1.5" in text and "source: ANSSI" in text
    argv = ["assess", "s3ns", "--requirement", SNC, "--as-of", "2026-06-01", "--format", "json", "--method", "control"]
    assert main([*store, *argv]) == 0
    [data] = json.loads(capsys.readouterr().out)
    assert (data["status"], data["method"], [c["status"] for c in data["criteria"]]) == (
        "unknown",
        "control",
        ["pass", "unknown", "unknown", "unknown", "unknown", "unknown"],
    )


def test_rest_assessments(tmp_path: Path) -> None:
    app = create_app(Settings(store_path=tmp_path / "unused", write_token="t"), store=Store.in_memory())
    with TestClient(app) as client:
        r = client.get("/api/v1/assessments/s3ns", params={"as_of": "2026-06-01", "requirement": SNC})
        assert r.status_code == 200, r.text
        [a] = r.json()["assessments"]
        every = client.get("/api/v1/assessments/s3ns", params={"as_of": "2026-06-01"}).json()["assessments"]
        assert [x["requirement"]["id"] for x in every] == ["eu-csf-sov-2", "gaia-x-label-3", SNC]
        assert a["requirement"]["id"] == SNC and a["status"] == "unknown"
        assert a["criteria"][1]["facts"] and a["criteria"][1]["source"][0]["label"].startswith("ANSSI")
        assert client.get("/api/v1/assessments/s3ns", params={"requirement": "nope"}).status_code == 404
        assert client.get("/api/v1/assessments/s3ns", params={"method": "average"}).status_code == 422
        assert client.get("/api/v1/assessments/no-such-provider").status_code == 404


@pytest.mark.parametrize(
    ("day", "holds"),
    [
        (dt.date(2025, 6, 1), False),  # before its evaluation strategy was accepted (17 Nov 2025)
        (dt.date(2026, 6, 1), True),  # in evaluation: which is no qualification
    ],
)
def test_bleu_before_and_after_its_evaluation_began(bundled: Projection, day: dt.date, holds: bool) -> None:
    a = assess(bundled, iri("org", "bleu"), find_requirement(bundled, SNC), day)
    [evaluation] = [q for q in a.qualifications if "Bleu" in q.label]
    assert (evaluation.status, evaluation.holds) == ("in evaluation", holds)
    assert not any(q.status == "qualified" and q.holds for q in a.qualifications)


# ---------------------------------------------------------------------- technical access (19.6.c)

ADMIN, UPDATES = "admin-access", "software-updates"


def _access_result(grantee: str, country: str | None, kind: str, *, parent: str | None = None):  # type: ignore[no-untyped-def]
    p = _provider()
    p.reaches_data = {ADMIN: True, UPDATES: False}
    p.orgs[grantee] = Org(grantee, label=grantee, incorporated=frozenset({country}) if country else frozenset())
    if parent is not None:
        p.orgs[parent] = Org(parent, label=parent, incorporated=frozenset({US}))
        link = _stake(parent, grantee, 60.0)
        p.interests[link.iri] = link
        p.ownership.add_edge(parent, grantee, key=link.iri)
    grant = Grant("_:g", grantee, kind, None, [], [])
    p.contracts["c"] = Contract("c", label="the operating agreement", parties={"prov", grantee}, grants=[grant])
    p.contracts_by_party = {"prov": ["c"], grantee: ["c"]}
    access = RequirementCriterion(
        iri("requirement", "t-c"), label="access", clause="c", kind=LXS.NoOutsideAccess, area=EU, control_threshold=40.0
    )
    p.requirements[iri("requirement", "t")].criteria = [access]
    return assess(p, "prov", iri("requirement", "t"), AS_OF).results[0]


@pytest.mark.parametrize(
    ("case", "grantee", "country", "kind", "parent", "status", "must"),
    [
        ("admin access for a US company", "us-ops", US, ADMIN, None, "fail", "us-ops, seated outside the EU"),
        (
            "admin access for an EU company a US parent controls",
            "de-ops",
            DE,
            ADMIN,
            "us-parent",
            "fail",
            "controlled by us-parent",
        ),
        (
            "updates only, from a US licensor",
            "us-vendor",
            US,
            UPDATES,
            None,
            "unknown",
            "no access to the data is on record",
        ),
        ("admin access for an EU company", "de-ops", DE, ADMIN, None, "unknown", "not controlled from outside"),
        (
            "admin access for a company whose seat is not on record",
            "someone",
            None,
            ADMIN,
            None,
            "unknown",
            "its seat and who controls it are not on record",
        ),
    ],
)
def test_technical_access_from_outside(
    case: str, grantee: str, country: str | None, kind: str, parent: str | None, status: str, must: str
) -> None:
    result = _access_result(grantee, country, kind, parent=parent)
    assert result.status == status and any(must in r for r in result.reasons), result.reasons
    assert result.facts == ("c",)  # the contract behind it
    assert "only the contracts on record are read" in result.reasons[-1]  # never a pass on what is not on record


def test_offers_compared_as_json_csv_and_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(Settings(store_path=tmp_path / "unused", write_token="t"), store=Store.in_memory())
    with TestClient(app) as client:
        table = client.get("/api/v1/comparison", params={"as_of": "2026-06-01"}).json()
        rows = {r["offer"]["id"]: r for r in table["rows"]}
        assert rows["aws-european-sovereign-cloud"]["requirements"][SNC]["status"] == "fail"
        assert rows["s3ns-premi3ns"]["requirements"][SNC]["status"] == "unknown"
        cell = rows["s3ns-premi3ns"]["requirements"][SNC]
        assert client.get(cell["api"]).json()["assessments"][0]["status"] == "unknown"  # each cell explained
        assert cell["explanation"].startswith("/explore/assessment?ref=s3ns-premi3ns&requirement=")
        assert client.get(cell["explanation"]).status_code == 200
        assert any(cell["tier"] for r in table["rows"] for cell in r["instruments"].values())
        # a requirement graded in levels: the level reached, the lowest of the offer's providers
        assert rows["s3ns-premi3ns"]["requirements"]["eu-csf-sov-2"]["level"] == "SEAL-2 to SEAL-3"
        assert rows["aws-european-sovereign-cloud"]["requirements"]["eu-csf-sov-2"]["level"] == "SEAL-0"  # AWS Inc.
        # a requirement on data: for data of its categories hosted on the offer, explained like the others
        doctrine = rows["bleu-cloud-de-confiance"]["requirements"]["fr-cloud-doctrine-2023"]
        assert doctrine["status"] == "fail"  # in evaluation on that date: not qualified
        [explained] = client.get(doctrine["api"]).json()["assessments"]
        assert explained["subject"]["label"] == "Cloud de Confiance Bleu (Azure technology; IaaS, PaaS, CaaS)"
        assert any("in evaluation" in r for c in explained["criteria"] for r in c["reasons"])
        assert {r["applies_to"] for r in table["requirements"]} == {"data", "provider"}
        csv_text = client.get("/api/v1/comparison", params={"as_of": "2026-06-01", "format": "csv"}).text
        header = f"offer,provider,eu-csf-sov-2,gaia-x-label-3,{SNC},fr-cloud-doctrine-2021,fr-cloud-doctrine-2023,"
        assert csv_text.splitlines()[0].startswith(header)
    store = ["--store", str(tmp_path / "s")]
    assert main([*store, "load", "--bundled"]) == 0
    capsys.readouterr()
    assert main([*store, "compare", "--as-of", "2026-06-01"]) == 0
    assert capsys.readouterr().out == csv_text


@pytest.mark.parametrize(
    ("ref", "status", "clauses"),
    [
        # AWS's EU company: seated and hosting in the EU/EEA, but controlled from the US
        ("aws-european-sovereign-cloud-gmbh", "fail", {"P5.1.2": "pass", "P5.1.4": "pass", "P5.1.5": "fail"}),
        # S3NS: EU-controlled (Thales), PREMI3NS in France; third-party access cannot be told from the record
        ("s3ns", "unknown", {"P5.1.2": "pass", "P5.1.4": "pass", "P5.1.5": "pass", "P5.1.6": "unknown"}),
    ],
)
def test_gaia_x_label_3(bundled: Projection, ref: str, status: str, clauses: dict[str, str]) -> None:
    a = assess(bundled, iri("org", ref), find_requirement(bundled, "gaia-x-label-3"), AS_OF)
    got = {r.criterion.clause: r.status for r in a.results}
    assert a.status == status and {k: got[k] for k in clauses} == clauses
    control = next(r for r in a.results if r.criterion.clause == "P5.1.5")
    assert control.facts  # the controlling interests, each with its sources
    assert all(
        "European Economic Area" in reason
        for reason in next(r for r in a.results if r.criterion.clause == "P5.1.2").reasons
    )


def test_a_controller_seated_outside_fails_a_control_test_and_an_unknown_seat_is_unknown() -> None:
    p = _provider(("us-parent", US, _stake("us-parent", "prov", 60.0)))
    control = RequirementCriterion(
        iri("requirement", "t-k"), label="control", clause="k", kind=LXS.NoOutsideControl, area=EU
    )
    p.requirements[iri("requirement", "t")].criteria = [control]
    result = assess(p, "prov", iri("requirement", "t"), AS_OF).results[0]
    assert result.status == "fail" and "us-parent, seated outside the EU, controls it (majority)" in result.reasons
    p.orgs["us-parent"] = Org("us-parent", label="us-parent")  # its seat not on record
    assert assess(p, "prov", iri("requirement", "t"), AS_OF).results[0].status == "unknown"


def test_the_help_of_assess_lists_the_requirements_the_store_knows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "s")]
    assert main([*store, "load", "--bundled"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main([*store, "assess", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "usage:" in out and f"  {SNC}  SecNumCloud 3.2" in out and "  gaia-x-label-3  Gaia-X Label Level 3" in out
    with pytest.raises(SystemExit):
        main(["--store", str(tmp_path / "none"), "assess", "-h"])
    assert "none read: there is no store at" in capsys.readouterr().out


# ---------------------------------------------------------------------- the French doctrine and SREN Art. 31

SENSITIVE = """
@prefix lx: <https://w3id.org/longarm/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix jur: <https://w3id.org/longarm/id/jur/> .
@prefix svc: <https://w3id.org/longarm/id/service/> .
@prefix asset: <https://w3id.org/longarm/id/asset/> .
@prefix src: <https://w3id.org/longarm/id/source/> .
asset:t-on-premi3ns a lx:DataAsset ; rdfs:label "Case files on PREMI3NS" ; lx:hostedOn svc:s3ns-premi3ns ;
    lx:storedIn jur:FR ; lx:dataCategory lx:LegallyProtectedSecrets ;
    dcterms:source src:reuters-2022-06-30-s3ns ; lx:confidence lx:Assumed .
asset:t-on-bleu a lx:DataAsset ; rdfs:label "Case files on Bleu" ; lx:hostedOn svc:bleu-cloud-de-confiance ;
    lx:storedIn jur:FR ; lx:dataCategory lx:EssentialMissionData ;
    dcterms:source src:reuters-2022-06-30-s3ns ; lx:confidence lx:Assumed .
"""


@pytest.fixture(scope="module")
def sensitive() -> Projection:
    store = Store.in_memory()
    load_bundled(store)
    load_documents(store, [document_from_bytes(SENSITIVE.encode(), "sensitive.ttl", user_graph("sensitive"))])
    return projection_for(store)


@pytest.mark.parametrize(
    ("asset", "requirement", "statuses", "must"),
    [
        # Qualified, and no exposure from outside the EU established or likely: the rule is met as far as the record goes
        (
            "t-on-premi3ns",
            "fr-cloud-doctrine-2023",
            {"R9 (qualification)": "pass"},
            "holds a SecNumCloud qualification",
        ),
        # In evaluation is not qualified
        ("t-on-bleu", "fr-cloud-doctrine-2023", {"R9 (qualification)": "fail"}, "in evaluation for SecNumCloud"),
        # Health data on Azure: the US CLOUD Act reaches it; the circulaire's categories do not cover it
        ("health-data-hub", "fr-sren-article-31", {"Art. 31": "fail"}, "US CLOUD Act / Stored Communications Act"),
        # The 2021 texts: the same tests, read with the 2023 categories
        ("t-on-bleu", "fr-cloud-doctrine-2021", {"doctrine 2021 (qualification)": "fail"}, "in evaluation for"),
        ("t-on-premi3ns", "fr-cloud-strategy-2021", {"label (SecNumCloud)": "pass"}, "holds a SecNumCloud"),
    ],
)
def test_the_doctrine_and_sren_for_a_data_asset(
    sensitive: Projection, asset: str, requirement: str, statuses: dict[str, str], must: str
) -> None:
    a = assess_asset(sensitive, iri("asset", asset), find_requirement(sensitive, requirement), AS_OF)
    got = {r.criterion.clause: r for r in a.results}
    assert {k: got[k].status for k in statuses} == statuses
    assert any(must in reason for k in statuses for reason in got[k].reasons)
    in_scope = asset != "health-data-hub"
    assert any("not of a category the requirement covers" in c for c in a.caveats) is not in_scope


def test_premi3ns_is_not_reached_from_outside_and_azure_is(sensitive: Projection) -> None:
    doctrine = find_requirement(sensitive, "fr-cloud-doctrine-2023")
    premi3ns = assess_asset(sensitive, iri("asset", "t-on-premi3ns"), doctrine, AS_OF)
    immune = next(r for r in premi3ns.results if r.criterion.clause == "R9 (immunity)")
    assert immune.status in ("pass", "unknown") and not any("(established)" in r for r in immune.reasons)
    hdh = assess_asset(sensitive, iri("asset", "health-data-hub"), doctrine, AS_OF)
    assert next(r for r in hdh.results if r.criterion.clause == "R9 (immunity)").status == "fail"


def test_an_asset_is_assessed_under_the_requirements_for_assets(sensitive: Projection) -> None:
    found = assessments(sensitive, "Case files on Bleu", None, AS_OF)
    assert [a.requirement.iri.rsplit("/", 1)[-1] for a in found] == [
        "fr-cloud-doctrine-2021",
        "fr-cloud-doctrine-2023",
        "fr-cloud-strategy-2021",
        "fr-sren-article-31",
    ]
    assert [a.requirement.iri.rsplit("/", 1)[-1] for a in assessments(sensitive, "s3ns", None, AS_OF)] == [
        "eu-csf-sov-2",
        "gaia-x-label-3",
        SNC,
    ]
