"""The criteria read from the record of who a provider relies on, and from its services' terms and regions."""

from __future__ import annotations

import datetime as dt

import pytest

from longarm.graph.base.errors import InputError
from longarm.graph.engine.assess import assess, find_requirement
from longarm.graph.engine.criteria import CriterionResult, duration_within
from longarm.graph.engine.third_parties import third_parties
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import (
    Certification,
    Contract,
    Org,
    Projection,
    Requirement,
    RequirementCriterion,
    Service,
    iri,
)
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.ontology.namespace import LXS

AS_OF = dt.date(2026, 6, 1)
EU, FR, US, DE = (iri("jur", c) for c in ("EU", "FR", "US", "DE"))


def _provider(
    *, licensor: tuple[str, str | None] | None = None, autonomy: bool | None = None, regions: tuple[str, ...] = ("fr",)
) -> Projection:
    """A provider seated in France with one service in the given regions, licensed by `licensor` (name, country)."""
    p = Projection()
    p.member_of = {FR: {EU}, DE: {EU}}
    p.region_jurisdiction = {"fr": FR, "de": DE, "us": US}
    p.orgs["prov"] = Org("prov", label="Provider", incorporated=frozenset({FR}), headquarters=frozenset({FR}))
    svc = Service("svc", label="Cloud", providers={"prov"}, operators={"prov"}, regions=set(regions))
    svc.categories.add(LXS.IaaS)
    p.services["svc"] = svc
    p.services_by_org["prov"] = {"svc"}
    if licensor is not None:
        name, country = licensor
        p.orgs[name] = Org(name, label=name, incorporated=frozenset({country}) if country else frozenset())
        svc.licensors.add(name)
        p.contracts["lic"] = Contract(
            "lic", label="licence", kind=LXS.TechnologyLicence, parties={"prov", name}, services={"svc"}
        )
        p.contracts["lic"].autonomy = autonomy
        p.contracts_by_party = {"prov": ["lic"], name: ["lic"]}
        p.contracts_by_service = {"svc": ["lic"]}
    return p


def _result(p: Projection, kind: str, **params: object) -> CriterionResult:
    c = RequirementCriterion(iri("requirement", "t-1"), label="t", clause="1", kind=kind, area=EU, **params)  # type: ignore[arg-type]
    p.requirements[iri("requirement", "t")] = Requirement(iri("requirement", "t"), label="test rule", criteria=[c])
    return assess(p, "prov", iri("requirement", "t"), AS_OF).results[0]


AUTONOMY = [
    # (case, licensor, guarantee on the contract, licensor qualified, status, must, must not)
    ("the licence says no autonomy", ("us-vendor", US), False, False, "fail", "does not guarantee", "holds"),
    ("the licence guarantees it", ("us-vendor", US), True, False, "unknown", "guarantees continuous", "not on record"),
    ("the licensor is qualified", ("fr-vendor", FR), None, True, "unknown", "holds SecNumCloud", "not on record"),
    ("nothing on record", ("us-vendor", US), None, False, "unknown", "is not on record", "does not guarantee"),
    ("no third party on record", None, None, False, "unknown", "no third party", "guarantee"),
]


@pytest.mark.parametrize(
    ("case", "licensor", "guarantee", "qualified", "status", "must", "must_not"), AUTONOMY, ids=[c[0] for c in AUTONOMY]
)
def test_operating_autonomy(
    case: str,
    licensor: tuple[str, str] | None,
    guarantee: bool | None,
    qualified: bool,
    status: str,
    must: str,
    must_not: str,
) -> None:
    p = _provider(licensor=licensor, autonomy=guarantee)
    if qualified and licensor is not None:
        p.certifications["q"] = Certification(
            "q", label="SecNumCloud", scheme=LXS.SecNumCloud, status=LXS.Qualified, holder=licensor[0]
        )
    r = _result(p, LXS.OperatingAutonomy, scheme=LXS.SecNumCloud)
    assert r.status == status and any(must in x for x in r.reasons), r.reasons
    assert not any(must_not in x for x in r.reasons), r.reasons
    assert "only the contracts on record are read" in r.reasons[-1]  # never a pass on what is not on record


DEPENDENCY = [
    ("a US licensor", ("us-vendor", US), "fail", "seated outside the EU", "not controlled"),
    (
        "a German licensor",
        ("de-vendor", DE),
        "unknown",
        "seated in the EU, not controlled from outside",
        "seated outside",
    ),
    ("a licensor whose seat is not on record", ("someone", None), "unknown", "are not on record", "outside the EU"),
]


@pytest.mark.parametrize(("case", "licensor", "status", "must", "must_not"), DEPENDENCY, ids=[c[0] for c in DEPENDENCY])
def test_no_dependency_outside(case: str, licensor: tuple[str, str], status: str, must: str, must_not: str) -> None:
    r = _result(_provider(licensor=licensor), LXS.NoOutsideDependency)
    assert r.status == status and any(must in x for x in r.reasons), r.reasons
    assert not any(must_not in x for x in r.reasons[:-1]), r.reasons
    assert r.facts == ("svc", "lic")  # the service and the contract that say so


def test_a_customer_of_a_licence_is_not_a_party_its_licensor_relies_on() -> None:
    p = _provider(licensor=("us-vendor", US))
    assert [t.party for t in third_parties(p, "prov", AS_OF)] == ["us-vendor"]
    assert third_parties(p, "us-vendor", AS_OF) == []  # it licenses the service: the provider is its customer


NOTICE = [
    ("two weeks", "P14D", "pass", "within P1M"),
    ("two months", "P2M", "fail", "longer than P1M"),
    ("thirty days", "P30D", "unknown", "depending on the month"),
    ("not on record", None, "unknown", "is not on record"),
]


@pytest.mark.parametrize(("case", "period", "status", "must"), NOTICE, ids=[c[0] for c in NOTICE])
def test_notice_of_changes(case: str, period: str | None, status: str, must: str) -> None:
    p = _provider()
    p.services["svc"].notice_period = period
    r = _result(p, LXS.ChangeNotice, notice_period="P1M")
    assert r.status == status and any(must in x for x in r.reasons), r.reasons


def test_durations_are_compared_by_their_fewest_and_most_days() -> None:
    assert duration_within("P4W", "P1M") is True and duration_within("P1Y", "P12M") is None
    assert duration_within("P32D", "P1M") is False
    with pytest.raises(InputError, match="not a duration"):
        duration_within("one month", "P1M")


@pytest.mark.parametrize(
    ("regions", "status", "must"),
    [
        (("fr", "de"), "pass", "every region is in the EU"),
        (("fr", "us"), "unknown", "some regions are in the EU"),
        (("us",), "fail", "no region in the EU"),
    ],
)
def test_the_option_of_data_in_the_area(regions: tuple[str, ...], status: str, must: str) -> None:
    r = _result(_provider(regions=regions), LXS.AreaOption)
    assert r.status == status and any(must in x for x in r.reasons), r.reasons


def test_safeguards_pass_only_where_no_outside_instrument_reaches() -> None:
    r = _result(_provider(), LXS.SafeguardsAgainstOrders)
    assert r.status == "pass" and "no instrument enacted outside the EU" in r.reasons[-1]
    store = Store.in_memory()
    load_bundled(store)
    p = projection_for(store)
    gaia = assess(p, iri("org", "aws-european-sovereign-cloud-gmbh"), find_requirement(p, "gaia-x-label-3"), AS_OF)
    [safeguards] = [x for x in gaia.results if x.criterion.clause == "P5.1.3"]
    assert safeguards.status == "unknown" and any("CLOUD Act" in x for x in safeguards.reasons)
    assert "verified safeguards" in safeguards.reasons[-1]


def test_a_clause_left_to_judgement_is_unknown_and_says_why() -> None:
    p = _provider()
    c = RequirementCriterion("t-e", label="e", clause="e", kind=LXS.NotAssessable, area=EU, caveats=["Left to X."])
    p.requirements["t"] = Requirement("t", label="t", criteria=[c])
    [r] = assess(p, "prov", "t", AS_OF).results
    assert (r.status, r.reasons) == ("unknown", ("not assessed from the record. Left to X.",))
