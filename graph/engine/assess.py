"""Does a provider meet a requirement a buyer must apply? Criterion by criterion: pass, fail or unknown.

A requirement (SecNumCloud 3.2 §19.6 …) is data (``data/requirements.ttl``): criteria of a
closed set of kinds, each with its parameters, read into the projection. This module
interprets the kinds:

- ``lx:SeatInArea`` — the registered office (``lx:incorporatedIn``), central
  administration and principal establishment (``lx:headquarteredIn``, the head office
  the data records, taken for both) are all in the trusted area;
- ``lx:HoldingCaps`` — holders seated outside the trusted area (any one of their
  registered office or head office outside it; a holder whose seat is not recorded may
  be) hold, directly or indirectly, no more than the individual cap each and the
  collective cap together, and have no right of veto, to appoint the board, or control;
- ``lx:NoOutsideAccess``, ``lx:OperatingAutonomy``, ``lx:NoOutsideDependency`` — about
  the third parties the organization relies on, by the contracts and services on record
  (:mod:`~longarm.graph.engine.third_parties`): they fail on a fact that shows a breach and
  otherwise stay unknown, since only the contracts themselves can tell;
- ``lx:NoOutsideControl`` — no controller of the organization (decisive influence, through
  any chain of controlled entities) is seated outside the area; unknown where a
  controller's seat, or the holders of the organization, are not on record;
- ``lx:DataInArea`` — every region of the services the organization provides or operates
  lies in the area; unknown for a service whose regions are not on record;
  ``lx:AreaOption`` — at least one of them lies wholly in the area;
- ``lx:ChangeNotice`` — the terms of each of its services commit it to notice of changes
  within the criterion's period (``lx:noticePeriod``);
- ``lx:NoOutsideCompulsion`` — the answer to who can compel access to data it hosts (or to
  a data asset) finds no established or likely exposure under an instrument enacted
  outside the area; ``lx:SafeguardsAgainstOrders`` passes when there is none at all, and is
  otherwise unknown (verified safeguards are not recorded facts);
- ``lx:QualifiedHosting`` — for a data asset, each service hosting it is qualified under
  the criterion's scheme on the date;
- ``lx:NotAssessable`` — a clause that calls for a judgement: always unknown, with why.

A requirement graded in levels (the SEAL levels) is assessed the same way; its
:attr:`Assessment.grade` says which levels the results reach (:mod:`~longarm.graph.engine.levels`).

Unknown is never a guess: a criterion is ``unknown`` when a fact it needs is missing (a
seat, a share, the holders of part of the capital), and says which. Shares known only as
ranges are carried as bounds: a criterion passes when the highest possible figure is
within the cap, fails when the lowest is above it (a strict "more than": 24.0 % passes a
24 % cap), and is unknown in between. Figures within the criterion's warning margin of a
cap are flagged. Indirect holdings are looked through with `method`:
``multiplicative`` (shares multiplied along each chain) or ``control`` (a link that gives
control counts as 100 %), since the texts do not say which.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store); p = projection_for(store)
>>> snc = find_requirement(p, "secnumcloud-3-2-19-6")
>>> a = assess(p, iri("org", "aws-european-sovereign-cloud-gmbh"), snc, dt.date(2026, 6, 1))
>>> [(r.criterion.clause, r.status) for r in a.results][:3], a.status
([('19.6.a', 'pass'), ('19.6.b', 'fail'), ('19.6.c', 'unknown')], 'fail')
>>> assess(p, iri("org", "s3ns"), find_requirement(p, "eu-csf-sov-2"), dt.date(2026, 6, 1)).grade.words
'SEAL-2 to SEAL-3'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..base.errors import InputError, UnknownReferenceError
from ..projection.model import Projection, Requirement, valid_at
from .criteria import METHODS, CriterionResult, HolderShare, Status, evaluate, evaluate_asset
from .levels import Grade, grade
from .ownership import DEFAULT_MAX_DEPTH
from .reach import AssetSpec
from .resolve import resolve_ref

__all__ = [
    "METHODS",
    "Assessment",
    "CriterionResult",
    "Grade",
    "HolderShare",
    "Qualification",
    "assess",
    "assess_asset",
    "assess_offer_data",
    "assessed_organizations",
    "assessed_subjects",
    "assessments",
    "find_requirement",
    "requirements_for",
]


@dataclass(frozen=True, slots=True)
class Qualification:
    """A qualification or certification of the organization or its services, and whether it holds at the date."""

    iri: str
    label: str
    status: str | None
    holds: bool


@dataclass(frozen=True)
class Assessment:
    """A provider assessed under a requirement at a date: an outcome per criterion, and overall."""

    subject: str
    requirement: Requirement
    as_of: dt.date
    method: str
    results: list[CriterionResult]
    qualifications: list[Qualification] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)

    @property
    def grade(self) -> Grade | None:
        """For a requirement graded in levels, the levels reached (:mod:`~longarm.graph.engine.levels`)."""
        return grade(self.requirement, self.results)

    @property
    def status(self) -> Status:
        """``fail`` if a criterion fails, else ``unknown`` if one is unknown, else ``pass``.

        For a requirement graded in levels: ``pass`` when the facts settle its level,
        ``fail`` when they rule out every level, else ``unknown``.
        """
        graded = self.grade
        if graded is not None:
            if graded.ceiling is None:
                return "fail"
            settled = graded.floor is not None and graded.floor.iri == graded.ceiling.iri
            return "pass" if settled else "unknown"
        statuses = {r.status for r in self.results}
        return "fail" if "fail" in statuses else "unknown" if "unknown" in statuses else "pass"


def assessed_organizations(p: Projection, ref: str) -> list[str]:
    """The organization `ref` names, or each provider and operator of the service (an offer) it names.

    Raises
    ------
    ResolutionError
        If `ref` names no organization or service, or several.
    InputError
        For a service with no provider on record.
    """
    resolved = resolve_ref(p, ref, ("org", "service"))
    if resolved.kind == "org":
        return [resolved.iri]
    service = p.services[resolved.iri]
    providers = sorted(service.providers | service.operators)
    if not providers:
        raise InputError(f"{resolved.label}: no provider or operator on record to assess")
    return providers


def find_requirement(p: Projection, ref: str) -> str:
    """The IRI of the requirement `ref` names: its IRI or the last segment of it.

    Raises
    ------
    UnknownReferenceError
        With the requirements the projection knows as suggestions.
    """
    for iri in p.requirements:
        if ref in (iri, iri.rsplit("/", 1)[-1]):
            return iri
    raise UnknownReferenceError(ref, [(r.iri, r.label) for r in p.requirements.values()], what="requirement")


def assess(
    p: Projection,
    org: str,
    requirement: str,
    as_of: dt.date,
    *,
    method: str = "multiplicative",
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Assessment:
    """Assess the organization `org` under `requirement` (IRIs) on `as_of` (see the module docstring).

    Raises
    ------
    InputError
        For an unknown method or a depth below 1.
    UnknownReferenceError
        If `org` or `requirement` is not in the projection.
    """
    if method not in METHODS:
        raise InputError(f"unknown look-through method {method!r}: use {' or '.join(METHODS)}")
    if max_depth < 1:
        raise InputError("max_depth must be at least 1")
    if org not in p.orgs:
        raise UnknownReferenceError(org, what="organization")
    req = _requirement(p, requirement)
    results = [evaluate(p, org, c, as_of, method, max_depth) for c in req.criteria]
    caveats = _in_force(req, as_of)
    held = _qualifications(p, as_of, holder=org, services=p.services_by_org.get(org, set()))
    return Assessment(org, req, as_of, method, results, list(held), caveats)


def assess_asset(p: Projection, asset: str, requirement: str, as_of: dt.date, *, mode: str = "strict") -> Assessment:
    """Assess the stored data asset `asset` under `requirement` (one with scope categories) on `as_of`.

    Whether the requirement applies is said in a caveat: the asset's data categories against
    the requirement's scope (unknown when the asset's are not on record).

    Raises
    ------
    UnknownReferenceError
        If `asset` or `requirement` is not in the projection.
    """
    if asset not in p.assets:
        raise UnknownReferenceError(asset, what="data asset")
    req = _requirement(p, requirement)
    results = [evaluate_asset(p, asset, c, as_of, mode) for c in req.criteria]
    caveats = _in_force(req, as_of)
    categories = p.assets[asset].categories
    if not categories:
        caveats.append("Its data categories are not on record: whether the requirement applies to it cannot be told.")
    elif req.scope and not categories & req.scope:
        named = ", ".join(sorted(p.label(x) for x in categories))
        caveats.append(f"Its data ({named}) is not of a category the requirement covers: applied as a test only.")
    held = list(_qualifications(p, as_of, services=p.assets[asset].services))
    return Assessment(asset, req, as_of, mode, results, held, caveats)


def assess_offer_data(
    p: Projection, service: str, requirement: str, as_of: dt.date, *, mode: str = "strict"
) -> Assessment:
    """Assess data in the scope of `requirement` (one with scope categories) hosted on the offer `service`.

    The data is taken as an asset of the requirement's categories stored where the
    service's regions are (as :func:`~longarm.graph.engine.reach.instrument_reach` takes it).

    Raises
    ------
    UnknownReferenceError
        If `service` or `requirement` is not in the projection.
    """
    if service not in p.services:
        raise UnknownReferenceError(service, what="service")
    req = _requirement(p, requirement)
    spec = AssetSpec(services=(service,), label=f"data hosted on {p.label(service)}")
    results = [evaluate_asset(p, spec, c, as_of, mode) for c in req.criteria]
    caveats = _in_force(req, as_of)
    if req.scope:
        named = ", ".join(sorted(p.label(x) for x in req.scope))
        caveats.append(f"Assessed for data of the categories it covers ({named}) hosted on this offer.")
    held = list(_qualifications(p, as_of, services={service}))
    return Assessment(service, req, as_of, mode, results, held, caveats)


def assessed_subjects(p: Projection, ref: str) -> tuple[str, list[str]]:
    """What `ref` names, for an assessment: ``("asset", [asset])`` or ``("org", organizations)``.

    An offer is assessed through its providers and operators (:func:`assessed_organizations`).
    """
    resolved = resolve_ref(p, ref, ("org", "service", "asset"))
    if resolved.kind == "asset":
        return "asset", [resolved.iri]
    return "org", assessed_organizations(p, resolved.iri)


def assessments(
    p: Projection, ref: str, requirement: str | None, as_of: dt.date, method: str = "multiplicative"
) -> list[Assessment]:
    """Every assessment `ref` asks for: under `requirement`, else each that applies to what `ref` names.

    An organization, or each provider and operator of an offer, under the requirements for
    organizations; a data asset under those with a scope of data categories; an offer also
    under those, for data of their categories hosted on it (:func:`assess_offer_data`).
    """
    resolved = resolve_ref(p, ref, ("org", "service", "asset"))
    kind = "asset" if resolved.kind == "asset" else "org"
    if requirement is not None:
        reqs = [find_requirement(p, requirement)]
    else:
        reqs = requirements_for(p, kind) + (requirements_for(p, "asset") if resolved.kind == "service" else [])
    if not reqs:
        raise InputError(f"the store knows no requirement for this kind of subject ({kind})")
    if kind == "asset":
        return [assess_asset(p, resolved.iri, r, as_of) for r in reqs]
    out = []
    for r in reqs:
        if not p.requirements[r].scope:
            out += [assess(p, o, r, as_of, method=method) for o in assessed_organizations(p, resolved.iri)]
        elif resolved.kind == "service":
            out.append(assess_offer_data(p, resolved.iri, r, as_of))
        else:
            raise InputError(f"{p.requirements[r].label} applies to data: assess a data asset or an offer")
    return out


def requirements_for(p: Projection, kind: str) -> list[str]:
    """The requirements assessed for a subject of `kind`: those with a scope for an asset, the others for an org."""
    return sorted(r for r, req in p.requirements.items() if bool(req.scope) == (kind == "asset"))


def _requirement(p: Projection, requirement: str) -> Requirement:
    if requirement not in p.requirements:
        raise UnknownReferenceError(requirement, what="requirement")
    return p.requirements[requirement]


def _in_force(req: Requirement, as_of: dt.date) -> list[str]:
    """A caveat when the requirement is not in force on the date."""
    if valid_at(req, as_of):
        return []
    return [f"{req.label} is not in force on {as_of.isoformat()}: the criteria are applied as a test only."]


def _qualifications(
    p: Projection, as_of: dt.date, *, holder: str | None = None, services: set[str] | frozenset[str] = frozenset()
) -> Iterator[Qualification]:
    """The certifications held by `holder` or of `services`, and whether each holds on `as_of`."""
    for cert in sorted(p.certifications.values(), key=lambda c: c.iri):
        if (holder is not None and cert.holder == holder) or cert.services & services:
            status = p.label(cert.status) if cert.status else None
            yield Qualification(cert.iri, cert.label, status, valid_at(cert, as_of))
