"""The kinds of criteria a requirement is made of, each evaluated on a projection: pass, fail or unknown.

:func:`evaluate` dispatches on the criterion's kind, one of a closed set (the shapes refuse
any other when the data is loaded); :mod:`longarm.graph.engine.assess` assesses a whole
requirement with it. What each kind tests, and how figures are read (bounds, strict caps,
the look-through method, warnings, unknowns), is said in that module's docstring and in
``docs/assessments.md``.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.projection.model import Org, Projection, RequirementCriterion, iri
>>> from longarm.ontology.namespace import LXS
>>> p = Projection()
>>> p.member_of = {iri("jur", "FR"): {iri("jur", "EU")}}
>>> fr, us = frozenset({iri("jur", "FR")}), frozenset({iri("jur", "US")})
>>> p.orgs["x"] = Org("x", label="X", incorporated=fr, headquarters=us)
>>> seat = RequirementCriterion("c", label="seat", kind=LXS.SeatInArea, area=iri("jur", "EU"))
>>> r = evaluate(p, "x", seat, dt.date(2026, 1, 1), "multiplicative", 10)
>>> r.status, r.reasons[1]
('fail', 'its head office is in US, outside the EU')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ...ontology.namespace import LXS
from ..base.errors import InputError
from ..projection.model import Interest, Projection, RequirementCriterion, valid_at
from .ownership import confers_control, controllers, direct_owners
from .reach import Answer, AssetSpec, Exposure, compel
from .rules import ESTABLISHED, LIKELY
from .third_parties import access, autonomy, dependency, outside

__all__ = [
    "ASSET_KINDS",
    "METHODS",
    "CriterionResult",
    "HolderShare",
    "Status",
    "duration_within",
    "evaluate",
    "evaluate_asset",
]

Status = Literal["pass", "fail", "unknown"]
#: The look-through methods for indirect holdings.
METHODS = ("multiplicative", "control")
_RIGHTS = {LXS.VetoRight: "a right of veto", LXS.BoardAppointment: "a right to appoint the board"}
_DECISIVE = LXS.DecisiveInfluence


@dataclass(frozen=True, slots=True)
class HolderShare:
    """A holder of the assessed organization: where it is seated, and its share, direct and indirect, as bounds."""

    holder: str
    outside: bool | None  # None: its seat is not recorded
    low: float
    high: float
    interests: tuple[str, ...]  # the interests its share goes through


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """The outcome of one criterion, with the reasons, the facts behind them and any warning."""

    criterion: RequirementCriterion
    status: Status
    reasons: tuple[str, ...]
    facts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    holders: tuple[HolderShare, ...] = ()


def evaluate(
    p: Projection, org: str, c: RequirementCriterion, as_of: dt.date, method: str, max_depth: int
) -> CriterionResult:
    """The outcome of criterion `c` for the organization `org` on `as_of`."""
    if c.kind == LXS.SeatInArea:
        return _seat(p, org, c)
    if c.kind == LXS.HoldingCaps:
        return _caps(p, org, c, as_of, method, max_depth)
    if c.kind in _THIRD_PARTIES:
        status, reasons, facts = _THIRD_PARTIES[c.kind](p, org, c, as_of, max_depth)
        return CriterionResult(c, status, tuple(reasons), tuple(facts))
    if c.kind == LXS.NoOutsideControl:
        return _control(p, org, c, as_of, max_depth)
    if c.kind == LXS.DataInArea:
        return _data(p, org, c, as_of)
    if c.kind == LXS.AreaOption:
        return _option(p, org, c, as_of)
    if c.kind == LXS.ChangeNotice:
        return _notice(p, org, c, as_of)
    if c.kind == LXS.NoOutsideCompulsion:
        return _compulsion(p, _hosted_by(p, org), c, as_of, "strict")
    if c.kind == LXS.SafeguardsAgainstOrders:
        return _safeguards(p, org, c, as_of)
    if c.kind == LXS.NotAssessable:
        return _not_assessable(c)
    if c.kind in ASSET_KINDS:
        return CriterionResult(c, "unknown", ("a criterion for a data asset: assess an asset, not an organization",))
    return CriterionResult(c, "unknown", (f"longarm does not evaluate criteria of kind <{c.kind}>.",))


_THIRD_PARTIES = {LXS.NoOutsideAccess: access, LXS.OperatingAutonomy: autonomy, LXS.NoOutsideDependency: dependency}
#: The kinds that apply only to a data asset (its hosting), not to an organization.
ASSET_KINDS = frozenset({LXS.QualifiedHosting})


def evaluate_asset(
    p: Projection, asset: str | AssetSpec, c: RequirementCriterion, as_of: dt.date, mode: str
) -> CriterionResult:
    """The outcome of criterion `c` for the data asset `asset` (stored, or described by its services) on `as_of`."""
    if c.kind == LXS.QualifiedHosting:
        return _qualified(p, asset, c, as_of)
    if c.kind == LXS.NoOutsideCompulsion:
        return _compulsion(p, asset, c, as_of, mode)
    if c.kind == LXS.NotAssessable:
        return _not_assessable(c)
    return CriterionResult(c, "unknown", ("a criterion for an organization: assess the asset's provider",))


def _hosted_by(p: Projection, org: str) -> AssetSpec:
    """Data `org` would host: what an organization-level answer to who can compel access is about."""
    return AssetSpec(providers=(org,), label=f"data hosted by {p.label(org)}")


def _not_assessable(c: RequirementCriterion) -> CriterionResult:
    why = c.caveats[0] if c.caveats else "It calls for a judgement or for facts longarm does not record."
    return CriterionResult(c, "unknown", (f"not assessed from the record. {why}",))


def _qualified(p: Projection, asset: str | AssetSpec, c: RequirementCriterion, as_of: dt.date) -> CriterionResult:
    """Each hosting service qualified under the scheme on the date: pass; only in evaluation: fail; else unknown."""
    services = sorted(p.assets[asset].services if isinstance(asset, str) else asset.services)
    scheme = p.label(c.scheme) if c.scheme else "the scheme"
    reasons: list[str] = []
    facts: list[str] = []
    statuses: list[Status] = []
    for svc in services:
        certs = [
            x for x in p.certifications.values() if svc in x.services and (c.scheme is None or x.scheme == c.scheme)
        ]
        held = [x for x in certs if valid_at(x, as_of)]
        facts += [x.iri for x in certs]
        label = p.label(svc)
        if any(x.status == LXS.Qualified for x in held):
            statuses.append("pass")
            reasons.append(f"{label} holds a {scheme} qualification on {as_of.isoformat()}")
        elif held and all(x.status == LXS.InEvaluation for x in held):
            statuses.append("fail")
            reasons.append(f"{label} is in evaluation for {scheme} on {as_of.isoformat()}: not qualified")
        else:
            statuses.append("unknown")
            reasons.append(f"no {scheme} qualification of {label} holding on {as_of.isoformat()} is on record")
    if not services:
        statuses.append("unknown")
        reasons.append("no service hosting it is on record")
    status: Status = "fail" if "fail" in statuses else "unknown" if "unknown" in statuses else "pass"
    return CriterionResult(c, status, tuple(reasons), tuple(dict.fromkeys(facts)))


def _outside_exposures(p: Projection, answer: Answer, area: str) -> list[Exposure]:
    """The answer's exposures under instruments enacted outside `area` (or by no recorded jurisdiction)."""
    out = []
    for e in answer.exposures:
        enacted = p.instruments[e.instrument].enacted_by
        if enacted is None or not p.within(enacted, area):
            out.append(e)
    return out


def _compulsion(
    p: Projection, asset: str | AssetSpec, c: RequirementCriterion, as_of: dt.date, mode: str
) -> CriterionResult:
    """No established or likely exposure under an instrument enacted outside the area (reach engine's answer)."""
    area = c.area or ""
    answer = compel(p, asset, as_of, mode)
    reasons: list[str] = []
    status: Status = "pass"
    for e in _outside_exposures(p, answer, area):
        line = f"{p.label(e.instrument)}: {p.label(e.entity)} may be compelled ({p.label(e.tier)})"
        if e.tier in (ESTABLISHED, LIKELY):
            status = "fail"
            reasons.append(line)
        else:
            status = "unknown" if status == "pass" else status
            reasons.append(line + ": a contested exposure leaves it unknown")
    if answer.verdict.value == "incomplete" and status == "pass":
        status = "unknown"
        reasons.append("the answer is incomplete: facts it needs are missing")
    if not reasons:
        reasons.append(f"no exposure under an instrument enacted outside the {p.label(area)} is found")
    reasons.append(
        f"who can compel access to {answer.asset_label}, on {as_of.isoformat()} ({mode} mode): {answer.verdict.words}"
    )
    facts = (asset,) if isinstance(asset, str) else tuple(asset.services or asset.providers)
    return CriterionResult(c, status, tuple(reasons), facts)


def _safeguards(p: Projection, org: str, c: RequirementCriterion, as_of: dt.date) -> CriterionResult:
    """Passes when no instrument enacted outside the area is found to reach data `org` hosts; else unknown."""
    area = c.area or ""
    answer = compel(p, _hosted_by(p, org), as_of, "strict")
    found = _outside_exposures(p, answer, area)
    reasons = [
        f"{p.label(e.instrument)}: {p.label(e.entity)} may be compelled ({p.label(e.tier)})"
        for e in sorted(found, key=lambda e: (p.label(e.instrument), p.label(e.entity)))
    ]
    if found:
        reasons.append("whether verified safeguards make each request comply with the law of the area is not on record")
        status: Status = "unknown"
    elif answer.verdict.value == "incomplete":
        status = "unknown"
        reasons.append("the answer is incomplete: facts it needs are missing")
    else:
        status = "pass"
        reasons.append(f"no instrument enacted outside the {p.label(area)} is found to reach data it hosts")
    return CriterionResult(c, status, tuple(reasons), (org,))


# ---------------------------------------------------------------------- control, data, notice, seat


def _control(p: Projection, org: str, c: RequirementCriterion, as_of: dt.date, depth: int) -> CriterionResult:
    area = c.area or ""
    name = p.label(area)
    chains = controllers(p, org, as_of, test=_DECISIVE, max_depth=depth)
    reasons: list[str] = []
    status: Status = "pass"
    for chain in chains:
        seat = outside(p, chain.controller, area)
        who = p.label(chain.controller)
        if seat:
            status = "fail"
            reasons.append(f"{who}, seated outside the {name}, controls it ({chain.links[-1].how})")
        elif seat is None:
            status = "unknown" if status == "pass" else status
            reasons.append(f"{who} controls it; where it is seated is not on record")
        else:
            reasons.append(f"{who}, seated in the {name}, controls it ({chain.links[-1].how})")
    o = p.orgs[org]
    if not chains:
        if o.owners_recorded:
            reasons.append("no controller is on record, and its owners are recorded as complete")
        else:
            status = "unknown" if status == "pass" else status
            reasons.append("no controller is on record, and its owners may not all be recorded")
    facts = tuple(dict.fromkeys(link.interest.iri for chain in chains for link in chain.links))
    return CriterionResult(c, status, tuple(reasons), facts)


def _data(p: Projection, org: str, c: RequirementCriterion, as_of: dt.date) -> CriterionResult:
    area = c.area or ""
    name = p.label(area)
    services = sorted(s for s in p.services_by_org.get(org, set()) if valid_at(p.services[s], as_of))
    reasons: list[str] = []
    status: Status = "pass"
    for svc in services:
        service = p.services[svc]
        if not (org in service.providers or org in service.operators):
            continue
        places = {p.region_jurisdiction.get(r) for r in service.regions}
        if not service.regions or None in places:
            status = "unknown" if status == "pass" else status
            reasons.append(f"{service.label}: where its regions are is not on record")
            continue
        away = sorted(p.label(j) for j in places if j is not None and not p.within(j, area))
        if away:
            status = "fail"
            reasons.append(f"{service.label} has regions outside the {name}: {', '.join(away)}")
        else:
            reasons.append(f"{service.label}: every region is in the {name}")
    if not reasons:
        status = "unknown"
        reasons.append("it provides or operates no service on record")
    return CriterionResult(c, status, tuple(reasons), tuple(services))


def _own_services(p: Projection, org: str, as_of: dt.date) -> list[str]:
    """The services `org` provides or operates on `as_of`."""
    return sorted(
        s
        for s in p.services_by_org.get(org, set())
        if valid_at(p.services[s], as_of) and org in (p.services[s].providers | p.services[s].operators)
    )


def _option(p: Projection, org: str, c: RequirementCriterion, as_of: dt.date) -> CriterionResult:
    """A service with every region in the area: pass; regions partly in it or not recorded: unknown; else fail."""
    area = c.area or ""
    name = p.label(area)
    services = _own_services(p, org, as_of)
    reasons: list[str] = []
    status: Status = "fail"
    for svc in services:
        service = p.services[svc]
        places = [p.region_jurisdiction.get(r) for r in sorted(service.regions)]
        inside = [j for j in places if j is not None and p.within(j, area)]
        if places and len(inside) == len(places):
            status = "pass"
            reasons.append(f"{service.label}: every region is in the {name}")
        elif inside:
            status = "unknown" if status == "fail" else status
            reasons.append(
                f"{service.label}: some regions are in the {name}; whether a customer can keep all data there "
                "is not on record"
            )
        elif not places or None in places:
            status = "unknown" if status == "fail" else status
            reasons.append(f"{service.label}: where its regions are is not on record")
        else:
            reasons.append(f"{service.label}: no region in the {name}")
    if not services:
        status = "unknown"
        reasons.append("it provides or operates no service on record")
    return CriterionResult(c, status, tuple(reasons), tuple(services))


def _notice(p: Projection, org: str, c: RequirementCriterion, as_of: dt.date) -> CriterionResult:
    """Each service's terms commit to notice of changes within the criterion's period."""
    limit = c.notice_period or "P1M"
    services = _own_services(p, org, as_of)
    reasons: list[str] = []
    statuses: list[Status] = []
    for svc in services:
        service = p.services[svc]
        within = None if service.notice_period is None else duration_within(service.notice_period, limit)
        if service.notice_period is None:
            statuses.append("unknown")
            reasons.append(f"{service.label}: a commitment in its terms to give notice of changes is not on record")
        elif within is None:
            statuses.append("unknown")
            reasons.append(
                f"{service.label}: its terms give notice within {service.notice_period}, "
                f"which may or may not be within {limit} depending on the month"
            )
        else:
            statuses.append("pass" if within else "fail")
            verdict = "within" if within else "longer than"
            reasons.append(f"{service.label}: its terms give notice within {service.notice_period}, {verdict} {limit}")
    if not services:
        statuses.append("unknown")
        reasons.append("it provides or operates no service on record")
    status: Status = "fail" if "fail" in statuses else "unknown" if "unknown" in statuses else "pass"
    return CriterionResult(c, status, tuple(reasons), tuple(services))


def duration_within(period: str, limit: str) -> bool | None:
    """Whether the xsd:duration `period` is at most `limit`, None when it depends on the month's length.

    >>> duration_within("P30D", "P1M"), duration_within("P14D", "P1M"), duration_within("P2M", "P1M")
    (None, True, False)
    """
    (lo_p, hi_p), (lo_l, hi_l) = _days(period), _days(limit)
    if hi_p <= lo_l:
        return True
    if lo_p > hi_l:
        return False
    return None


def _days(duration: str) -> tuple[int, int]:
    """The fewest and most days an xsd:duration of years, months, weeks and days can last."""
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?", duration.strip())
    if match is None or duration.strip() == "P":
        raise InputError(f"not a duration of years, months, weeks or days: {duration!r}")
    y, m, w, d = (int(x or 0) for x in match.groups())
    days = 7 * w + d
    return 365 * y + 28 * m + days, 366 * y + 31 * m + days


def _seat(p: Projection, org: str, c: RequirementCriterion) -> CriterionResult:
    o = p.orgs[org]
    area = c.area or ""
    name = p.label(area)
    reasons, status = [], "pass"
    for what, places in (("registered office", o.incorporated), ("head office", o.headquarters)):
        if not places:
            reasons.append(f"its {what} is not recorded")
            status = "unknown" if status == "pass" else status
            continue
        away = sorted(p.label(x) for x in places if not p.within(x, area))
        if away:
            reasons.append(f"its {what} is in {', '.join(away)}, outside the {name}")
            status = "fail"
        else:
            reasons.append(f"its {what} is in {', '.join(sorted(p.label(x) for x in places))}, in the {name}")
    if status != "fail" and o.headquarters:
        reasons.append("the head office on record is taken as its central administration and principal establishment")
    return CriterionResult(c, status, tuple(reasons), (org,))  # type: ignore[arg-type]


# ---------------------------------------------------------------------- caps


def _bounds(interest: Interest) -> tuple[float, float, bool]:
    """(lowest, highest) share of capital (else votes) an interest can be, and whether any figure is recorded."""
    for exact, low, high in (
        (interest.capital, interest.capital_min, interest.capital_max),
        (interest.votes, interest.votes_min, interest.votes_max),
    ):
        if exact is not None:
            return exact, exact, True
        if low is not None or high is not None:
            return low or 0.0, 100.0 if high is None else high, True
    return 0.0, 100.0, False


def _chains(p: Projection, org: str, as_of: dt.date, max_depth: int) -> Iterator[tuple[str, tuple[Interest, ...]]]:
    """Every holder above `org` with one chain of interests from it down to `org` (a holder per chain)."""
    stack: list[tuple[str, tuple[Interest, ...], frozenset[str]]] = [(org, (), frozenset({org}))]
    while stack:
        node, chain, seen = stack.pop()
        if len(chain) >= max_depth:
            continue
        for h in direct_owners(p, node, as_of):
            if h.owner in seen or h.interest.kind == LXS.consolidatedBy:
                continue  # a cycle; consolidated accounts are not holdings
            longer = (h.interest, *chain)
            yield h.owner, longer
            stack.append((h.owner, longer, seen | {h.owner}))


def _chain_bounds(chain: tuple[Interest, ...], method: str) -> tuple[float, float]:
    low, high = 1.0, 1.0
    for i, interest in enumerate(chain):
        if method == "control" and i < len(chain) - 1 and confers_control(interest):
            continue  # a controlled intermediate: its holding counts whole
        a, b, _ = _bounds(interest)
        low, high = low * a / 100.0, high * b / 100.0
    return low * 100.0, high * 100.0


def _caps(p: Projection, org: str, c: RequirementCriterion, as_of: dt.date, method: str, depth: int) -> CriterionResult:
    area = c.area or ""
    name = p.label(area)
    chains = list(_chains(p, org, as_of, depth))
    seat = {h: outside(p, h, area) for h, _ in chains}
    reasons: list[str] = []
    warnings: list[str] = []
    failed = unknown = False
    # Each holder, its chains summed.
    per_holder: dict[str, list[tuple[Interest, ...]]] = {}
    for holder, chain in chains:
        per_holder.setdefault(holder, []).append(chain)
    holders = []
    for holder, its in sorted(per_holder.items()):
        bounds = [_chain_bounds(ch, method) for ch in its]
        low, high = min(100.0, sum(b[0] for b in bounds)), min(100.0, sum(b[1] for b in bounds))
        holders.append(HolderShare(holder, seat[holder], low, high, tuple(i.iri for ch in its for i in ch)))
    for h in holders:
        if h.outside is False:
            continue
        where = "seated outside the " + name if h.outside else "whose seat is not recorded"
        figure = _figure(h.low, h.high)
        if c.individual_cap is not None:
            if h.low > c.individual_cap and h.outside:
                failed = True
                reasons.append(f"{p.label(h.holder)}, {where}, holds {figure}: more than {c.individual_cap:g} %")
            elif h.high > c.individual_cap:
                unknown = True
                reasons.append(
                    f"{p.label(h.holder)}, {where}, holds {figure}: perhaps more than {c.individual_cap:g} %"
                )
            else:
                reasons.append(f"{p.label(h.holder)}, {where}, holds {figure}: within {c.individual_cap:g} %")
            warnings += _near(p.label(h.holder), h.low, h.high, c.individual_cap, c.margin)
        for chain in per_holder[h.holder]:
            if not h.outside or not all(confers_control(i) for i in chain[:-1]):
                continue  # a right in the provider counts when held directly or through companies the holder controls
            last = chain[-1]
            right, control = _RIGHTS.get(last.kind), confers_control(last)
            if right is not None or (control is not None and control.how != "consolidation"):
                failed = True
                what = right or "control (and with it the board)"
                reasons.append(f"{p.label(h.holder)}, {where}, has {what} through <{last.iri}>")
    collective = _collective(p, org, chains, seat, method)
    unrecorded = _unrecorded(p, org, as_of)
    if c.collective_cap is not None:
        low, high = collective
        high = min(100.0, high + unrecorded)
        figure = _figure(low, high)
        if low > c.collective_cap:
            failed = True
            reasons.append(f"holders outside the {name} hold {figure} together: more than {c.collective_cap:g} %")
        elif high > c.collective_cap:
            unknown = True
            reasons.append(
                f"holders outside the {name} hold {figure} together: perhaps more than {c.collective_cap:g} %"
            )
        else:
            reasons.append(f"holders outside the {name} hold {figure} together: within {c.collective_cap:g} %")
        warnings += _near(f"holders outside the {name} together", low, high, c.collective_cap, c.margin)
    if unrecorded > 0:
        reasons.append(f"up to {unrecorded:g} % of the capital is held by holders not on record, or whose share is not")
        if c.individual_cap is not None and unrecorded > c.individual_cap:
            unknown = True
    if not chains and unrecorded == 0:
        reasons.append("no holder is recorded")
    if any(not _bounds(i)[2] for _, ch in chains for i in ch):
        reasons.append("some interests have no recorded share: they are counted from 0 to 100 %")
    reasons.append(
        f"indirect holdings looked through by the {method} method; voting rights taken as the capital if not on record"
    )
    status: Status = "fail" if failed else "unknown" if unknown else "pass"
    facts = tuple(dict.fromkeys(i.iri for _, ch in chains for i in ch))
    return CriterionResult(c, status, tuple(reasons), facts, tuple(dict.fromkeys(warnings)), tuple(holders))


def _collective(
    p: Projection, org: str, chains: list[tuple[str, tuple[Interest, ...]]], seat: dict[str, bool | None], method: str
) -> tuple[float, float]:
    """The share held together by holders outside the area, a chain counted at its first such holder from `org` up."""
    low = high = 0.0
    for holder, chain in chains:
        # chain runs from `holder` down to `org`: the holders between are the owners of chain[1:]
        nearer = [i.owner for i in chain[1:]]
        if any(seat.get(h) for h in nearer):
            continue  # counted at a holder nearer to the organization
        a, b = _chain_bounds(chain, method)
        if seat[holder]:
            low, high = low + a, high + b
        elif seat[holder] is None and not any(seat.get(h) is None for h in nearer):
            high += b  # may be outside: only the highest figure counts it
    return min(100.0, low), min(100.0, high)


def _unrecorded(p: Projection, org: str, as_of: dt.date) -> float:
    """The share of the capital no recorded direct holder can hold (0 when the owners are recorded as complete)."""
    o = p.orgs.get(org)
    if o is not None and o.owners_recorded:
        return 0.0
    held = sum(_bounds(h.interest)[0] for h in direct_owners(p, org, as_of) if h.interest.kind != LXS.consolidatedBy)
    return max(0.0, round(100.0 - held, 4))


def _figure(low: float, high: float) -> str:
    return f"{low:g} %" if abs(high - low) < 1e-9 else f"between {low:g} and {high:g} %"


def _near(who: str, low: float, high: float, cap: float, margin: float) -> list[str]:
    close = [v for v in {low, high} if v not in (0.0, 100.0) and abs(v - cap) <= margin]
    return [f"{who}: {v:g} % is within {margin:g} points of the {cap:g} % cap" for v in sorted(close)]
