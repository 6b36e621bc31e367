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
- ``lx:NoOutsideAccess`` — no third party seated outside the area, or controlled from
  outside it (at the criterion's control threshold), has an access that reaches the data,
  by the access grants of the contracts on record for the organization and its services.
  It fails on such a grant; otherwise it stays unknown, since only the contracts
  themselves can tell that no third party has access;
- ``lx:NoOutsideControl`` — no controller of the organization (decisive influence, through
  any chain of controlled entities) is seated outside the area; unknown where a
  controller's seat, or the holders of the organization, are not on record;
- ``lx:DataInArea`` — every region of the services the organization provides or operates
  lies in the area; unknown for a service whose regions are not on record.

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
>>> [(r.criterion.clause, r.status) for r in a.results], a.status
([('19.6.a', 'pass'), ('19.6.b', 'fail'), ('19.6.c', 'unknown')], 'fail')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..base.errors import InputError, UnknownReferenceError
from ..projection.model import Projection, Requirement, valid_at
from .criteria import METHODS, CriterionResult, HolderShare, Status, evaluate, evaluate_asset
from .ownership import DEFAULT_MAX_DEPTH
from .resolve import resolve_ref

__all__ = [
    "METHODS",
    "Assessment",
    "CriterionResult",
    "HolderShare",
    "Qualification",
    "assess",
    "assess_asset",
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
    def status(self) -> Status:
        """``fail`` if a criterion fails, else ``unknown`` if one is unknown, else ``pass``."""
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
    if requirement not in p.requirements:
        raise UnknownReferenceError(requirement, what="requirement")
    req = p.requirements[requirement]
    results = [evaluate(p, org, c, as_of, method, max_depth) for c in req.criteria]
    caveats = []
    if not valid_at(req, as_of):
        caveats.append(f"{req.label} is not in force on {as_of.isoformat()}: the criteria are applied as a test only.")
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
    if requirement not in p.requirements:
        raise UnknownReferenceError(requirement, what="requirement")
    req = p.requirements[requirement]
    results = [evaluate_asset(p, asset, c, as_of, mode) for c in req.criteria]
    caveats = []
    if not valid_at(req, as_of):
        caveats.append(f"{req.label} is not in force on {as_of.isoformat()}: the criteria are applied as a test only.")
    categories = p.assets[asset].categories
    if not categories:
        caveats.append("Its data categories are not on record: whether the requirement applies to it cannot be told.")
    elif req.scope and not categories & req.scope:
        named = ", ".join(sorted(p.label(x) for x in categories))
        caveats.append(f"Its data ({named}) is not of a category the requirement covers: applied as a test only.")
    held = list(_qualifications(p, as_of, services=p.assets[asset].services))
    return Assessment(asset, req, as_of, mode, results, held, caveats)


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
    organizations; a data asset under those with a scope of data categories.
    """
    kind, subjects = assessed_subjects(p, ref)
    reqs = [find_requirement(p, requirement)] if requirement is not None else requirements_for(p, kind)
    if not reqs:
        raise InputError(f"the store knows no requirement for this kind of subject ({kind})")
    if kind == "asset":
        return [assess_asset(p, a, r, as_of) for r in reqs for a in subjects]
    return [assess(p, o, r, as_of, method=method) for r in reqs for o in subjects]


def requirements_for(p: Projection, kind: str) -> list[str]:
    """The requirements assessed for a subject of `kind`: those with a scope for an asset, the others for an org."""
    return sorted(r for r, req in p.requirements.items() if bool(req.scope) == (kind == "asset"))


def _qualifications(
    p: Projection, as_of: dt.date, *, holder: str | None = None, services: set[str] | frozenset[str] = frozenset()
) -> Iterator[Qualification]:
    """The certifications held by `holder` or of `services`, and whether each holds on `as_of`."""
    for cert in sorted(p.certifications.values(), key=lambda c: c.iri):
        if (holder is not None and cert.holder == holder) or cert.services & services:
            status = p.label(cert.status) if cert.status else None
            yield Qualification(cert.iri, cert.label, status, valid_at(cert, as_of))
