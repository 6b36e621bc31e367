"""Known, unknown, none: every verdict and every gap kind, on the smallest graphs that show them.

A fictional "Luxembourg access act" reaches remote-computing providers incorporated in
Luxembourg, wherever the data is, and the companies controlling them (legal-right test);
a fictional territorial act reaches only data stored in Luxembourg. Each case asserts what
the answer must find and what it must not.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from longarm.graph.engine.gaps import GapKind, Verdict
from longarm.graph.engine.reach import Answer, AssetSpec, compel
from longarm.graph.engine.rules import CONFLICT, CONTROL, LOCATION, NEXUS, SUBJECT
from longarm.graph.projection.model import Contract, Grant, Instrument, Interest, Org, Projection, Rule, Service
from longarm.ontology.namespace import LX

D = dt.date
LU, FR, EU, US = "jur:LU", "jur:FR", "jur:EU", "jur:US"


def _org(iri: str, kind: str = "Company", *, where: str | None = LU, **kw: object) -> Org:
    return Org(iri, label=iri, kind=str(getattr(LX, kind)), incorporated=frozenset({where} if where else ()), **kw)  # type: ignore[arg-type]


def _service(p: Projection, iri: str, operator: str | None, region: str | None = "region:lu", **kw: object) -> None:
    svc = Service(
        iri,
        label=iri,
        operators={operator} if operator else set(),
        regions={region} if region else set(),
        categories={str(LX.IaaS)},
        **kw,  # type: ignore[arg-type]
    )
    p.services[iri] = svc
    if operator:
        p.services_by_org.setdefault(operator, set()).add(iri)


def _own(p: Projection, owner: str, owned: str, **kw: object) -> None:
    key = f"interest:{owner}-{owned}"
    p.interests[key] = Interest(key, owner=owner, owned=owned, capital=100.0, **kw)  # type: ignore[arg-type]
    p.ownership.add_edge(owner, owned, key=key)


def _act(iri: str, *, territorial: bool = False) -> Instrument:
    location = (
        Rule(f"{iri}#loc", LOCATION, location=str(LX.Territorial), location_jurisdiction=LU)
        if territorial
        else Rule(f"{iri}#loc", LOCATION, location=str(LX.Agnostic))
    )
    return Instrument(
        iri,
        label=iri,
        notation=iri.split(":")[-1],
        enacted_by=LU,
        kinds={str(LX.AccessInstrument)},
        in_force_from=D(2020, 1, 1),
        compels={str(LX.StoredContent)},
        rules=[
            Rule(f"{iri}#cat", SUBJECT, categories={str(LX.RemoteComputingService)}),
            Rule(f"{iri}#nexus", NEXUS, nexus={str(LX.Incorporation)}),
            location,
            Rule(f"{iri}#control", CONTROL, control_test=str(LX.LegalRight), threshold=50.0),
        ],
    )


@pytest.fixture
def p() -> Projection:
    """A family owns a Luxembourg holding, which owns a Luxembourg cloud operator; a French one beside."""
    p = Projection()
    for j in (LU, FR, EU, US):
        p.jurisdictions[j] = j
    p.member_of = {LU: {EU}, FR: {EU}}
    p.region_jurisdiction = {"region:lu": LU, "region:fr": FR}
    p.implies = {str(LX.IaaS): {str(LX.RemoteComputingService)}}
    for org in (
        _org("org:family", "Family", where=None),
        _org("org:holding"),
        _org("org:operator"),
        _org("org:french", where=FR),
        _org("org:shell"),  # a company with no service and no subsidiary
    ):
        p.orgs[org.iri] = org
        p.ownership.add_node(org.iri)
    _own(p, "org:family", "org:holding")
    _own(p, "org:holding", "org:operator")
    _service(p, "svc:lu-cloud", "org:operator")
    _service(p, "svc:fr-cloud", "org:french", "region:fr")
    _service(p, "svc:shell-cloud", "org:shell")
    p.instruments["ins:lu-act"] = _act("ins:lu-act")
    return p


def on(*services: str, **kw: object) -> AssetSpec:
    return AssetSpec(services=services, **kw)  # type: ignore[arg-type]


def found(answer: Answer) -> set[tuple[str, str]]:
    return {(e.entity, e.tier.rsplit("#", 1)[-1]) for e in answer.exposures}


def kinds(answer: Answer) -> set[GapKind]:
    return {g.kind for g in answer.gaps}


# ---------------------------------------------------------------------- verdicts


def test_exposed_names_the_operator_and_its_controller_never_the_family(p: Projection) -> None:
    answer = compel(p, on("svc:lu-cloud"), D(2021, 6, 1))
    assert answer.verdict is Verdict.EXPOSED
    assert ("org:operator", "Established") in found(answer)
    # The holding runs no service: compellable only through its control, contested, and a gap says why.
    assert ("org:holding", "Contested") in found(answer)
    assert GapKind.CATEGORY_UNKNOWN in kinds(answer)
    assert not any(e.entity == "org:family" for e in answer.exposures)
    [holding] = [e for e in answer.exposures if e.entity == "org:holding"]
    assert str(LX.ControlViaOwnership) in holding.basis
    assert any(s.subject == "interest:org:family-org:holding" for s in holding.path) is False


def test_none_found_only_when_every_rule_could_be_evaluated(p: Projection) -> None:
    answer = compel(p, on("svc:fr-cloud"), D(2021, 6, 1))
    assert answer.verdict is Verdict.NONE_FOUND
    assert answer.exposures == [] and answer.gaps == []


def test_incomplete_when_nothing_is_found_but_a_fact_is_missing(p: Projection) -> None:
    _service(p, "svc:orphan", None)
    answer = compel(p, on("svc:orphan"), D(2021, 6, 1))
    assert answer.verdict is Verdict.INCOMPLETE
    assert kinds(answer) == {GapKind.NO_OPERATOR}
    assert answer.exposures == []


# ---------------------------------------------------------------------- gap kinds

GAP_CASES = [
    # (case, how to change the graph, the question, gap kinds that must be there, verdict)
    (
        "a service before it existed",
        lambda p: setattr(p.services["svc:lu-cloud"], "valid_from", D(2022, 1, 1)),
        lambda: on("svc:lu-cloud"),
        {GapKind.NOT_IN_EXISTENCE},
        Verdict.INCOMPLETE,
    ),
    (
        "a company named as host that operates nothing, nor do its subsidiaries",
        lambda p: p.services_by_org.pop("org:shell"),
        lambda: AssetSpec(providers=("org:shell",)),
        {GapKind.NO_SERVICE, GapKind.CATEGORY_UNKNOWN},
        Verdict.EXPOSED,
    ),
    (
        "no location for a territorial instrument",
        lambda p: (
            p.instruments.update({"ins:lu-act": _act("ins:lu-act", territorial=True)})
            or p.services["svc:lu-cloud"].regions.clear()
        ),
        lambda: on("svc:lu-cloud"),
        {GapKind.NO_LOCATION},
        Verdict.INCOMPLETE,
    ),
    (
        "a holding whose date is known only to the year",
        lambda p: (
            p.interests["interest:org:holding-org:operator"].__setattr__("from_latest", D(2021, 12, 31))
            or setattr(p.interests["interest:org:holding-org:operator"], "valid_from", D(2021, 1, 1))
        ),
        lambda: on("svc:lu-cloud"),
        {GapKind.UNCERTAIN_FACT},
        Verdict.EXPOSED,
    ),
    (
        "an operator whose owners were not found",
        lambda p: setattr(p.orgs["org:operator"], "owners_recorded", False),
        lambda: on("svc:lu-cloud"),
        {GapKind.OWNERS_NOT_RECORDED},
        Verdict.EXPOSED,
    ),
    (
        "a French operator whose subsidiaries are not all recorded",
        lambda p: setattr(p.orgs["org:french"], "subsidiaries_recorded", False),
        lambda: on("svc:fr-cloud"),
        {GapKind.SUBSIDIARIES_NOT_RECORDED},
        Verdict.INCOMPLETE,
    ),
    (
        "an operator with no recorded place",
        lambda p: setattr(p.orgs["org:french"], "incorporated", frozenset()),
        lambda: on("svc:fr-cloud"),
        {GapKind.JURISDICTION_UNKNOWN},
        Verdict.INCOMPLETE,
    ),
]


@pytest.mark.parametrize(
    ("case", "change", "question", "expected", "verdict"), GAP_CASES, ids=[c[0] for c in GAP_CASES]
)
def test_gap_kind(p: Projection, case: str, change, question, expected: set[GapKind], verdict: Verdict) -> None:  # type: ignore[no-untyped-def]
    before = compel(p, question(), D(2021, 6, 1))
    assert not (expected & kinds(before)), case
    p = copy.deepcopy(p)  # a projection is never changed in place: the engine remembers answers per projection
    change(p)
    after = compel(p, question(), D(2021, 6, 1))
    assert expected <= kinds(after), case
    assert after.verdict is verdict, case
    assert all(g.message for g in after.gaps)


def test_a_year_window_caps_the_tier_inside_it_and_not_after(p: Projection) -> None:
    interest = p.interests["interest:org:holding-org:operator"]
    interest.valid_from, interest.from_latest, interest.from_text = D(2025, 7, 7), D(2025, 12, 31), "2025"
    assert not any(e.entity == "org:holding" for e in compel(p, on("svc:lu-cloud"), D(2025, 7, 1)).exposures)
    inside = compel(p, on("svc:lu-cloud"), D(2025, 8, 1))
    assert ("org:holding", "Contested") in found(inside)  # contested by category; the window is a gap
    after = compel(p, on("svc:lu-cloud"), D(2026, 1, 1))
    assert GapKind.UNCERTAIN_FACT in kinds(inside) and GapKind.UNCERTAIN_FACT not in kinds(after)


def test_an_assumed_grant_is_at_most_contested(p: Projection) -> None:
    p.orgs["org:helper"] = _org("org:helper")
    _service(p, "svc:helper-cloud", "org:helper")  # a provider in its own right: established on its own facts
    grant = Grant("grant:1", "org:helper", str(LX.AdministrativeAccess), str(LX.Assumed), [], ["assumed for the test"])
    p.contracts["contract:1"] = Contract("contract:1", label="c", services={"svc:lu-cloud"}, grants=[grant])
    p.contracts_by_service["svc:lu-cloud"] = ["contract:1"]
    p.reaches_data[str(LX.AdministrativeAccess)] = True
    answer = compel(p, on("svc:lu-cloud"), D(2021, 6, 1))
    assert ("org:helper", "Contested") in found(answer)
    assert ("org:helper", "Established") not in found(answer)
    assert any(g.kind is GapKind.UNCERTAIN_FACT and g.subject == "contract:1" for g in answer.gaps)


def test_an_interest_limited_by_a_security_agreement_is_not_control(p: Projection) -> None:
    p.interests["interest:org:holding-org:operator"].control_limited_by = "contract:ssa"
    answer = compel(p, on("svc:lu-cloud"), D(2021, 6, 1))
    assert ("org:operator", "Established") in found(answer)
    assert not any(e.entity == "org:holding" for e in answer.exposures)


def test_a_family_is_compelled_only_where_a_category_binds_its_kind(p: Projection) -> None:
    ins = p.instruments["ins:lu-act"]
    ins.rules[0] = Rule("ins:lu-act#cat", SUBJECT, categories={str(LX.OrganizationOrCitizen)})
    p.universal_categories = {str(LX.OrganizationOrCitizen)}
    p.orgs["org:family"].incorporated = frozenset({LU})
    assert not any(e.entity == "org:family" for e in compel(p, on("svc:lu-cloud"), D(2021, 6, 1)).exposures)
    p = copy.deepcopy(p)
    p.binds_kinds[str(LX.OrganizationOrCitizen)] = {str(LX.Family)}
    assert any(e.entity == "org:family" for e in compel(p, on("svc:lu-cloud"), D(2021, 6, 1)).exposures)


# ---------------------------------------------------------------------- conflicts where they apply


def _counter(p: Projection, **conditions: str) -> None:
    rule = Rule("ins:shield#r", CONFLICT, protects=EU, nexus={str(LX.Incorporation)}, **conditions)  # type: ignore[arg-type]
    p.instruments["ins:shield"] = Instrument(
        "ins:shield",
        label="shield",
        notation="shield",
        enacted_by=EU,
        kinds={str(LX.CounterInstrument)},
        in_force_from=D(2018, 1, 1),
        rules=[rule],
    )


CONFLICT_CASES = [
    # (case, conditions, the ordering instrument's jurisdiction, stored in, conflict expected)
    ("a foreign order, no condition", {}, US, "region:lu", True),
    ("an order from inside the area the rule excludes", {"issuer_outside": EU}, LU, "region:lu", False),
    ("an order from outside that area", {"issuer_outside": EU}, US, "region:lu", True),
    ("data stored where the rule protects", {"data_stored_in": LU}, US, "region:lu", True),
    ("data stored elsewhere", {"data_stored_in": LU}, US, "region:fr", False),
]


@pytest.mark.parametrize(
    ("case", "conditions", "issuer", "region", "expected"), CONFLICT_CASES, ids=[c[0] for c in CONFLICT_CASES]
)
def test_conflict_only_where_its_conditions_hold(
    p: Projection, case: str, conditions: dict[str, str], issuer: str, region: str, expected: bool
) -> None:
    _counter(p, **conditions)
    p.instruments["ins:lu-act"].enacted_by = issuer
    p.instruments["ins:lu-act"].rules[1] = Rule(
        "ins:lu-act#nexus", NEXUS, nexus={str(LX.Incorporation)}, nexus_jurisdiction=LU
    )
    p.services["svc:lu-cloud"].regions = {region}
    answer = compel(p, on("svc:lu-cloud"), D(2021, 6, 1))
    [operator] = [e for e in answer.exposures if e.entity == "org:operator"]
    assert ("ins:shield" in {c for c, _ in operator.conflicts}) is expected, case
