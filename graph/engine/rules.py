"""The closed set of reach-rule kinds, and how each is evaluated against the facts.

Laws are data: an instrument's reach rules are RDF nodes of five kinds — subject
category, nexus, data location, control, conflict — and this module is the only code
that interprets them. Adding a law, or one country's version of a law, is a data change;
a new *kind* of rule is a code change here.

Each test returns :class:`Evidence` — the confidence tier it supports and the asserted
facts (:class:`Step`) that support it — or ``None`` when the test fails.

Examples
--------
>>> weakest(ESTABLISHED, CONTESTED) == CONTESTED
True
>>> downgrade(ESTABLISHED) == LIKELY
True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...ontology.namespace import LX, LXS
from ..base.errors import InputError, LongarmError
from ..base.memo import Memo
from ..projection.model import RULE_KINDS, Instrument, Interest, Projection, Rule, valid_at
from .ownership import controllers_of_any

__all__ = [
    "CONTESTED",
    "ESTABLISHED",
    "LIKELY",
    "OWNER_ONLY_KINDS",
    "RESIDUAL",
    "RULE_KINDS",
    "SUBSIDIARY_DEPTH",
    "Evidence",
    "RuleError",
    "RuleKind",
    "Step",
    "Tier",
    "bindable",
    "category_evidence",
    "category_unknown",
    "check_instrument",
    "companies_in",
    "downgrade",
    "interest_steps",
    "location_evidence",
    "nexus_evidence",
    "temporal_status",
    "weakest",
]

#: The most links from a group down to the subsidiary that gives it a presence in a jurisdiction.
SUBSIDIARY_DEPTH = 6


class Tier(enum.StrEnum):
    """The confidence tiers of an answer, strongest first; each is its concept's IRI.

    >>> Tier(str(LX.Likely)) is Tier.LIKELY, weakest(Tier.LIKELY, Tier.CONTESTED) is Tier.CONTESTED
    (True, True)
    """

    ESTABLISHED = str(LX.Established)
    LIKELY = str(LX.Likely)
    CONTESTED = str(LX.Contested)
    RESIDUAL = str(LX.Residual)


class RuleKind(enum.StrEnum):
    """The closed set of reach-rule kinds; each is its class's IRI."""

    SUBJECT = str(LX.SubjectCategoryRule)
    NEXUS = str(LX.NexusRule)
    LOCATION = str(LX.LocationRule)
    CONTROL = str(LX.ControlRule)
    CONFLICT = str(LX.ConflictRule)


assert set(RuleKind) == RULE_KINDS, "the projection reads the same rule kinds as this module interprets"
ESTABLISHED, LIKELY, CONTESTED, RESIDUAL = Tier
SUBJECT, NEXUS, LOCATION, CONTROL, CONFLICT = RuleKind
_RANK = {Tier.ESTABLISHED: 3, Tier.LIKELY: 2, Tier.CONTESTED: 1, Tier.RESIDUAL: 0}

_AGNOSTIC = str(LX.Agnostic)
_SUBSIDIARY, _BRANCH = str(LX.PresenceViaSubsidiary), str(LX.PresenceViaBranch)
#: Kinds of organization that are owners on a path, never a compelled provider, unless a
#: subject category binds them (lx:bindsOrganizationKind, e.g. a law binding every citizen).
OWNER_ONLY_KINDS = frozenset(str(getattr(LX, k)) for k in ("NaturalPerson", "Family", "State", "PublicBody"))
_NEXUS_WORDS = {
    LXS.Incorporation: "it is incorporated in {area}",
    LXS.Headquarters: "its head office is in {area}",
    LXS.Establishment: "it is established in {area}",
    LXS.SubsidiaryPresence: "it is present in {area} through a subsidiary (a contested basis)",
    LXS.ServingPersonsInJurisdiction: "it serves persons in {area}",
    LXS.OfferingServicesInUnion: "it offers services in the {area}",
}


class RuleError(LongarmError):
    """An instrument's reach rule is outside the closed set of kinds, or incomplete."""


@dataclass(frozen=True, slots=True)
class Step:
    """One asserted fact on a path: a triple of the store and the node that carries its sources."""

    subject: str
    predicate: str
    object: str
    fact: str


@dataclass
class Evidence:
    """What a test supports: a tier, the facts behind it, notes for the explanation, and
    the basis it rests on when that is more than the entity's own place (presence through
    a subsidiary or a branch: lx:PresenceViaSubsidiary, lx:PresenceViaBranch)."""

    tier: str
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)


def weakest(*tiers: str) -> Tier:
    """The weakest of confidence tiers (residual < contested < likely < established).

    A value that is not a tier (a typo in data or code) raises ``ValueError``.
    """
    return min((Tier(t) for t in tiers), key=_RANK.__getitem__)


def stronger(a: str, b: str) -> bool:
    """True if tier `a` is strictly stronger than tier `b`."""
    return _RANK[Tier(a)] > _RANK[Tier(b)]


def downgrade(tier: str) -> Tier:
    """One tier weaker (established → likely → contested); contested and residual stay."""
    t = Tier(tier)
    return {Tier.ESTABLISHED: Tier.LIKELY, Tier.LIKELY: Tier.CONTESTED}.get(t, t)


def check_instrument(instrument: Instrument) -> None:
    """Raise :class:`RuleError` if a rule is of an unknown kind or lacks its parameters."""
    for rule in instrument.rules:
        if rule.kind not in RULE_KINDS:
            raise RuleError(f"{instrument.notation}: unknown reach-rule kind <{rule.kind}>")
        missing = (
            (rule.kind == SUBJECT and not rule.categories)
            or (rule.kind == NEXUS and not rule.nexus)
            or (rule.kind == LOCATION and rule.location is None)
            or (rule.kind == CONTROL and rule.control_test is None)
            or (rule.kind == CONFLICT and rule.protects is None)
        )
        if missing:
            raise RuleError(f"{instrument.notation}: reach rule {rule.node} lacks its parameters")


def temporal_status(instrument: Instrument, as_of: dt.date) -> str | None:
    """``"in force"``, ``"residual"`` (lapsed but orders keep effect) or ``None``.

    An instrument whose entry into force is known only to the year or month is "in
    force" from the first day it can have been (the answer then says the date is uncertain).
    """
    if instrument.in_force_from is None or as_of < instrument.in_force_from:
        return None
    if instrument.in_force_until is None or as_of <= instrument.in_force_until:
        return "in force"
    if instrument.residual_until is not None and as_of <= instrument.residual_until:
        return "residual"
    return None


# ---------------------------------------------------------------------- jurisdictions


def _in_area(p: Projection, jurisdiction: str, area: str) -> list[Step] | None:
    """Steps showing `jurisdiction` is `area` or one of its members, or None."""
    if jurisdiction == area:
        return []
    if area in p.member_of.get(jurisdiction, set()):
        return [Step(jurisdiction, LXS.memberOf, area, jurisdiction)]
    return None


def _org_in(p: Projection, org: str, prop: str, values: Iterable[str], area: str) -> list[Step] | None:
    for j in sorted(values):
        extra = _in_area(p, j, area)
        if extra is not None:
            return [Step(org, getattr(LXS, prop), j, org), *extra]
    return None


# ---------------------------------------------------------------------- subject categories


def bindable(p: Projection, rules: list[Rule], org: str) -> bool:
    """Whether `org` can be the compelled entity under subject-category `rules`.

    Natural persons, families, states and public bodies are owners on a path, never the
    compelled entity, unless a category of every rule binds their kind as data
    (``lx:bindsOrganizationKind``).
    """
    entity = p.orgs.get(org)
    if entity is None or entity.kind not in OWNER_ONLY_KINDS:
        return True
    if not rules:
        return False
    return all(any(entity.kind in p.binds_kinds.get(c, ()) for c in rule.categories) for rule in rules)


def category_unknown(p: Projection, org: str, as_of: dt.date) -> bool:
    """True if nothing recorded says what `org` provides: no subject category of its own and
    no service it operates, provides or contracts on `as_of` whose category is recorded (so no
    rule can place it). A service of unknown category (a register's "ICT service") says nothing."""
    entity = p.orgs.get(org)
    if entity is not None and entity.categories:
        return False
    services = (p.services[s] for s in p.services_by_org.get(org, ()))
    return not any(valid_at(svc, as_of) and svc.categories for svc in services)


def category_evidence(p: Projection, rules: list[Rule], org: str, as_of: dt.date) -> Evidence | None:
    """Whether `org` falls in every subject-category rule's categories (any of each)."""
    evidence = Evidence(ESTABLISHED)
    for rule in rules:
        found = _one_category(p, rule.categories, org, as_of)
        if found is None:
            return None
        evidence.tier = weakest(evidence.tier, found.tier)
        evidence.steps += found.steps
        evidence.notes += found.notes
    return evidence


def _one_category(p: Projection, wanted: set[str], org: str, as_of: dt.date) -> Evidence | None:
    entity = p.orgs.get(org)
    if entity is not None and entity.categories & wanted:
        cat = sorted(entity.categories & wanted)[0]
        return Evidence(ESTABLISHED, [Step(org, str(LX.subjectCategory), cat, org)])
    if wanted & p.universal_categories:
        return Evidence(ESTABLISHED, notes=["the instrument binds any organization"])
    best: Evidence | None = None
    for svc_iri in sorted(p.services_by_org.get(org, set())):
        svc = p.services[svc_iri]
        if not valid_at(svc, as_of):
            continue
        role = _role(svc, org)
        for scat in sorted(svc.categories):
            if p.implies.get(scat, set()) & wanted:
                steps = [Step(svc_iri, role, org, svc_iri), Step(svc_iri, LXS.serviceCategory, scat, svc_iri)]
                return Evidence(ESTABLISHED, steps)
            if best is None and p.may_imply.get(scat, set()) & wanted:
                steps = [Step(svc_iri, role, org, svc_iri), Step(svc_iri, LXS.serviceCategory, scat, svc_iri)]
                cat = p.label(sorted(p.may_imply[scat] & wanted)[0])
                best = Evidence(
                    CONTESTED, steps, [f"whether an {scat.rsplit('#', 1)[-1]} provider counts as a {cat} is arguable"]
                )
    return best


def _role(svc: object, org: str) -> str:
    from ..projection.model import Service

    assert isinstance(svc, Service)
    if org in svc.operators:
        return LXS.operatedBy
    if org in svc.contracting:
        return LXS.contractingEntity
    return LXS.provider


# ---------------------------------------------------------------------- nexus


def nexus_evidence(
    p: Projection, instrument: Instrument, rules: list[Rule], org: str, as_of: dt.date
) -> Evidence | None:
    """The strongest nexus rule `org` meets, with its facts; None if it meets none."""
    best: Evidence | None = None
    footprint = _footprint(p, org, as_of)
    for rule in rules:
        area = rule.nexus_jurisdiction or instrument.enacted_by
        if area is None:
            continue
        tier = rule.tier_if_only or ESTABLISHED
        if best is not None and not stronger(tier, best.tier):
            continue
        for nexus in _ordered(rule.nexus):
            if nexus != LXS.SubsidiaryPresence and area not in footprint:
                continue  # no fact places the entity in that jurisdiction: skip the search
            steps = _nexus_steps(p, nexus, org, area, as_of)
            if steps is not None:
                note = _NEXUS_WORDS.get(nexus, p.label(nexus)).format(area=p.label(area))
                if nexus == LXS.SubsidiaryPresence:
                    basis = [_SUBSIDIARY]
                elif any(s.predicate == LXS.branchOf for s in steps):
                    basis = [_BRANCH]
                else:
                    basis = []
                best = Evidence(tier, steps, [note], basis)
                break
    return best


def _footprint(p: Projection, org: str, as_of: dt.date) -> set[str]:
    """Every jurisdiction (and union) a fact places `org` in: a cheap filter before the search."""
    return _FOOTPRINTS.get(p, (org, as_of), lambda: _places(p, org, as_of))


def _places(p: Projection, org: str, as_of: dt.date) -> set[str]:
    entity = p.orgs.get(org)
    places: set[str] = set()
    if entity is not None:
        places |= entity.incorporated | entity.headquarters | entity.establishments
        for branch in p.branches.get(org, set()):
            places |= p.orgs[branch].incorporated | p.orgs[branch].establishments
    for svc in p.services_by_org.get(org, set()):
        if valid_at(p.services[svc], as_of):
            places |= {j for r in p.services[svc].regions if (j := p.region_jurisdiction.get(r)) is not None}
    return places | {area for j in places for area in p.member_of.get(j, set())}


_FOOTPRINTS: Memo[tuple[str, dt.date], set[str]] = Memo("footprint")
#: Which groups control a company incorporated in an area, by (area, date): see _presence_index.
_PRESENCE: Memo[tuple[str, dt.date], dict[str, tuple[str, Interest, int]]] = Memo("subsidiary presence")


_ORDER = [
    getattr(LXS, n)
    for n in (
        "Incorporation",
        "Headquarters",
        "Establishment",
        "SubsidiaryPresence",
        "ServingPersonsInJurisdiction",
        "OfferingServicesInUnion",
    )
]


def _nexus_order(nexus: str) -> int:
    return _ORDER.index(nexus) if nexus in _ORDER else len(_ORDER)


_ORDERED: dict[frozenset[str], tuple[str, ...]] = {}


def _ordered(nexus: set[str]) -> tuple[str, ...]:
    """A rule's nexus kinds, strongest first (sorted once per distinct set)."""
    key = frozenset(nexus)
    found = _ORDERED.get(key)
    if found is None:
        found = _ORDERED[key] = tuple(sorted(nexus, key=_nexus_order))
    return found


def _nexus_steps(p: Projection, nexus: str, org: str, area: str, as_of: dt.date) -> list[Step] | None:
    entity = p.orgs.get(org)
    if entity is None:
        return None
    if nexus == LXS.Incorporation:
        return _org_in(p, org, "incorporatedIn", entity.incorporated, area)
    if nexus == LXS.Headquarters:
        return _org_in(p, org, "headquarteredIn", entity.headquarters, area)
    if nexus == LXS.Establishment:
        found = _established_in(p, org, area)
        if found is not None:
            return found
        for branch in sorted(p.branches.get(org, set())):
            b = p.orgs[branch]
            where = _org_in(p, branch, "incorporatedIn", b.incorporated, area)
            if where is None:
                where = _org_in(p, branch, "hasEstablishmentIn", b.establishments, area)
            if where is not None:
                return [Step(branch, LXS.branchOf, org, branch), *where]
        return None
    if nexus == LXS.SubsidiaryPresence:
        return _subsidiary_in(p, org, area, as_of)
    if nexus in (LXS.ServingPersonsInJurisdiction, LXS.OfferingServicesInUnion):
        # An establishment there is the substantial connection these rules look for, even
        # where no hosting region is recorded.
        found = _established_in(p, org, area)
        if found is not None:
            return found
        for svc_iri in sorted(p.services_by_org.get(org, set())):
            svc = p.services[svc_iri]
            if not valid_at(svc, as_of):
                continue
            for region in sorted(svc.regions):
                j = p.region_jurisdiction.get(region)
                extra = None if j is None else _in_area(p, j, area)
                if extra is not None:
                    return [
                        Step(svc_iri, _role(svc, org), org, svc_iri),
                        Step(svc_iri, LXS.hostedIn, region, svc_iri),
                        Step(region, LXS.locatedIn, j or "", region),
                        *extra,
                    ]
        return None
    return None


def _established_in(p: Projection, org: str, area: str) -> list[Step] | None:
    """A company is established where it has an establishment, and where it is incorporated or has its head office."""
    entity = p.orgs[org]
    for prop, values in (
        ("hasEstablishmentIn", entity.establishments),
        ("incorporatedIn", entity.incorporated),
        ("headquarteredIn", entity.headquarters),
    ):
        found = _org_in(p, org, prop, values, area)
        if found is not None:
            return found
    return None


def _subsidiary_in(p: Projection, org: str, area: str, as_of: dt.date) -> list[Step] | None:
    """The chain down to a subsidiary of `org` incorporated in `area` (controlled, ≤ 6 links)."""
    index = _presence_index(p, area, as_of)
    found = index.get(org)
    if found is None:
        return None
    steps: list[Step] = []
    node, depth = org, found[2]
    for _ in range(depth):  # follow the index down: exactly `depth` links to the subsidiary
        child, interest, _d = index[node]
        steps += interest_steps(interest)
        node = child
    where = _org_in(p, node, "incorporatedIn", p.orgs[node].incorporated, area)
    return None if where is None else [*steps, *where]


def _presence_index(p: Projection, area: str, as_of: dt.date) -> dict[str, tuple[str, Interest, int]]:
    """Every organization that controls one incorporated in `area`, with the way down.

    Built once per (area, date) by one walk up from all the organizations incorporated
    there (:func:`~longarm.graph.engine.ownership.controllers_of_any`) and kept on the
    projection: asking whether a 20 000-entity group has a subsidiary in the United
    States is then a lookup, not a walk down the group. It is kept by control epoch, so a
    write that changes no control fact does not make the next answer walk a million
    organizations again.
    """
    if p.presence is not None:  # a neighbourhood: read with its subsidiaries (graph/engine/neighbourhood.py)
        found = p.presence.get((area, as_of))
        if found is None:
            raise InputError(f"this neighbourhood was not read for {p.label(area)} on {as_of.isoformat()}")
        return found
    return _PRESENCE.get(p.control_epoch, (area, as_of), lambda: companies_in(p, area, as_of))


def companies_in(p: Projection, area: str, as_of: dt.date) -> dict[str, tuple[str, Interest, int]]:
    """Every organization of `p` that controls one incorporated in `area`, with the way down (uncached).

    The targets are taken in IRI order, so that of two ways down of the same length the
    same one is found however the projection was read.
    """
    incorporations: set[str] = set().union(*(o.incorporated for o in p.orgs.values()))
    places = {j for j in incorporations if p.within(j, area)}
    targets = sorted(o.iri for o in p.orgs.values() if not places.isdisjoint(o.incorporated))
    return controllers_of_any(p, targets, as_of, max_depth=SUBSIDIARY_DEPTH)


def interest_steps(interest: Interest) -> list[Step]:
    """The steps an interest adds to a path: owner and owned of an interest node, or, for accounting
    consolidation (not a node of its own), the owned organization's ``lx:consolidatedBy``."""
    if interest.kind == LXS.consolidatedBy:
        return [Step(interest.owned, LXS.consolidatedBy, interest.owner, interest.owned)]
    i = interest.iri
    return [Step(i, LXS.owner, interest.owner, i), Step(i, LXS.owned, interest.owned, i)]


# ---------------------------------------------------------------------- data location


def location_evidence(
    p: Projection, instrument: Instrument, rules: list[Rule], locations: dict[str, list[Step]]
) -> Evidence | None:
    """Whether the data's locations meet every location rule (agnostic rules always do)."""
    evidence = Evidence(ESTABLISHED)
    for rule in rules:
        if rule.location == _AGNOSTIC:
            evidence.notes.append("the instrument reaches data wherever it is stored")
            continue
        area = rule.location_jurisdiction or instrument.enacted_by
        hit = None
        for j, steps in sorted(locations.items()):
            extra = None if area is None else _in_area(p, j, area)
            if extra is not None:
                hit = [*steps, *extra]
                break
        if hit is None:
            return None
        evidence.steps += hit
        evidence.notes.append(f"the data is stored in {p.label(area or '')}")
    return evidence
