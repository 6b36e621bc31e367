"""Criteria about the third parties a provider relies on: access to the data, operating autonomy, dependency.

Who a provider relies on is read from the record only: the licensors and other operators
of the services it provides or operates, and the other parties of its contracts that
license, provide or operate a service the contract concerns (unless the provider licenses
it: they are then its customers). Its controllers are not third parties. Since only
the contracts themselves can tell that no other third party exists, these criteria fail
on a fact that shows a breach and otherwise stay ``unknown``, with the parties they read.

- ``lx:NoOutsideAccess`` — no third party seated outside the area, or controlled from
  outside it (at the criterion's control threshold), holds an access grant that reaches
  the data (SecNumCloud 3.2 §19.6.c, Gaia-X P5.1.6);
- ``lx:OperatingAutonomy`` — each party guarantees the provider continuous operating
  autonomy (``lx:guaranteesOperatingAutonomy`` on the contract), or holds a qualification
  of the criterion's scheme on the date (SecNumCloud 3.2 §19.6.d, Gaia-X P5.1.7);
- ``lx:NoOutsideDependency`` — no party is seated outside the area or controlled from
  outside it (the "no critical non-EU dependencies" of SEAL-4).

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store); p = projection_for(store)
>>> [(p.label(t.party), len(t.roles), [p.label(c) for c in t.contracts])
...  for t in third_parties(p, iri("org", "bleu"), dt.date(2026, 6, 1))]
[('Microsoft Corporation', 3, ['Bleu - Microsoft technology licence (Azure and Microsoft 365)'])]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ...ontology.namespace import LXS
from ..projection.model import Projection, RequirementCriterion, valid_at
from .ownership import controllers

__all__ = ["Outcome", "ThirdParty", "access", "autonomy", "dependency", "linked", "outside", "third_parties"]


#: What these criteria can find from the record: a breach, or not enough to tell.
Outcome = Literal["fail", "unknown"]


@dataclass(frozen=True, slots=True)
class ThirdParty:
    """A party the organization relies on, how (its roles), and the facts (services, contracts) that say so."""

    party: str
    roles: tuple[str, ...]
    facts: tuple[str, ...]
    contracts: tuple[str, ...] = ()

    @property
    def role(self) -> str:
        """Its roles in words."""
        return "; ".join(self.roles)


def third_parties(p: Projection, org: str, as_of: dt.date, max_depth: int = 10) -> list[ThirdParty]:
    """The third parties `org` relies on to supply its services on `as_of`, by the record (module docstring)."""
    above = {c.controller for c in controllers(p, org, as_of, max_depth=max_depth)}
    found: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for party, role, fact, contract in _parties(p, org, as_of):
        if party == org or party in above:
            continue
        roles, facts, contracts = found.setdefault(party, ([], [], []))
        roles.append(role)
        facts.append(fact)
        contracts += [contract] if contract else []
    return [ThirdParty(k, *(tuple(dict.fromkeys(x)) for x in v)) for k, v in sorted(found.items())]


def _parties(p: Projection, org: str, as_of: dt.date) -> Iterator[tuple[str, str, str, str | None]]:
    """(party, role, fact, contract) for each way `org` relies on a party."""
    for svc in sorted(p.services_by_org.get(org, ())):
        service = p.services[svc]
        if not valid_at(service, as_of) or org not in (service.providers | service.operators):
            continue
        for lic in sorted(service.licensors):
            yield lic, f"technology licensor of {service.label}", svc, None
        for op in sorted(service.operators):
            yield op, f"operator of {service.label}", svc, None
    for iri in sorted(set(p.contracts_by_party.get(org, ()))):
        contract = p.contracts[iri]
        if not valid_at(contract, as_of):
            continue
        for s in sorted(contract.services & p.services.keys()):
            service = p.services[s]
            if org in service.licensors:
                continue  # it supplies the technology: the other parties are its customers
            for party in sorted(contract.parties & (service.licensors | service.operators | service.providers)):
                yield party, f"party to {contract.label}", iri, iri


def outside(p: Projection, org: str, area: str | None) -> bool | None:
    """True if any recorded seat of `org` (registered or head office) is outside `area`; None if none is recorded."""
    o = p.orgs.get(org)
    places = (o.incorporated | o.headquarters) if o is not None else frozenset()
    if not places or area is None:
        return None
    return any(not p.within(place, area) for place in places)


def linked(p: Projection, org: str, area: str, as_of: dt.date, threshold: float, depth: int) -> str | None:
    """How `org` is tied to outside the area: a phrase, "" if it is not, None if its seat is not on record."""
    seat = outside(p, org, area)
    if seat:
        return f"seated outside the {p.label(area)}"
    for chain in controllers(p, org, as_of, threshold=threshold, max_depth=depth):
        if outside(p, chain.controller, area):
            return f"controlled by {p.label(chain.controller)}, seated outside the {p.label(area)}"
    return None if seat is None else ""


def _qualified(p: Projection, party: str, scheme: str | None, as_of: dt.date) -> str | None:
    """The label of a qualification of `scheme` that `party` (or a service of it) holds on `as_of`, if any."""
    services = p.services_by_org.get(party, set())
    for cert in sorted(p.certifications.values(), key=lambda c: c.iri):
        if scheme is not None and cert.scheme != scheme:
            continue
        held = (cert.holder == party or cert.services & services) and cert.status == LXS.Qualified
        if held and valid_at(cert, as_of):
            return cert.label
    return None


_ONLY_RECORD = "only the contracts on record are read: whether another third party is relied on cannot be told"


def _closing(reasons: list[str], parties: list[ThirdParty]) -> tuple[list[str], list[str]]:
    """The reasons with what they cannot tell, and the facts read."""
    if not reasons:
        reasons.append("no third party it relies on to supply its services is on record")
    reasons.append(_ONLY_RECORD)
    return reasons, list(dict.fromkeys(f for t in parties for f in t.facts))


def autonomy(
    p: Projection, org: str, c: RequirementCriterion, as_of: dt.date, depth: int
) -> tuple[Outcome, list[str], list[str]]:
    """``lx:OperatingAutonomy``: (status, reasons, facts read: the parties' contracts and services)."""
    scheme = p.label(c.scheme) if c.scheme else None
    reasons: list[str] = []
    status: Outcome = "unknown"
    parties = third_parties(p, org, as_of, depth)
    for t in parties:
        who = p.label(t.party)
        held = _qualified(p, t.party, c.scheme, as_of) if c.scheme else None
        guarantees = {p.contracts[x].autonomy for x in t.contracts}
        guarantee = True if True in guarantees else False if False in guarantees else None
        if held:
            reasons.append(f"{who}, {t.role}: holds {held} on {as_of.isoformat()}")
        elif guarantee:
            reasons.append(f"{who}, {t.role}: the contract guarantees continuous operating autonomy")
        elif guarantee is False:
            status = "fail"
            reasons.append(f"{who}, {t.role}: the contract does not guarantee continuous operating autonomy")
        else:
            alt = f" nor does it hold a {scheme} qualification on record" if scheme else ""
            reasons.append(f"{who}, {t.role}: a guarantee of continuous operating autonomy is not on record,{alt}")
    return status, *_closing(reasons, parties)


def dependency(
    p: Projection, org: str, c: RequirementCriterion, as_of: dt.date, depth: int
) -> tuple[Outcome, list[str], list[str]]:
    """``lx:NoOutsideDependency``: (status, reasons, facts read)."""
    area = c.area or ""
    threshold = c.control_threshold if c.control_threshold is not None else 50.0
    reasons: list[str] = []
    status: Outcome = "unknown"
    parties = third_parties(p, org, as_of, depth)
    for t in parties:
        link = linked(p, t.party, area, as_of, threshold, depth)
        who = p.label(t.party)
        if link:
            status = "fail"
            reasons.append(f"{who}, {t.role}: {link}")
        elif link == "":
            reasons.append(f"{who}, {t.role}: seated in the {p.label(area)}, not controlled from outside")
        else:
            reasons.append(f"{who}, {t.role}: its seat and who controls it are not on record")
    return status, *_closing(reasons, parties)


def access(
    p: Projection, org: str, c: RequirementCriterion, as_of: dt.date, depth: int
) -> tuple[Outcome, list[str], list[str]]:
    """``lx:NoOutsideAccess``: (status, reasons, contracts read) from the grants of the contracts on record."""
    area = c.area or ""
    name = p.label(area)
    threshold = c.control_threshold if c.control_threshold is not None else 50.0
    contracts = set(p.contracts_by_party.get(org, ()))
    for service in p.services_by_org.get(org, set()):
        contracts.update(p.contracts_by_service.get(service, ()))
    reasons: list[str] = []
    facts: list[str] = []
    status: Outcome = "unknown"
    for iri in sorted(contracts):
        contract = p.contracts[iri]
        if not valid_at(contract, as_of):
            continue
        for grant in contract.grants:
            if grant.grantee == org:
                continue
            who, kind = p.label(grant.grantee), p.label(grant.access_kind)
            link = linked(p, grant.grantee, area, as_of, threshold, depth)
            if link is None:
                reasons.append(f"{who}: {kind} under {contract.label}; its seat and who controls it are not on record")
            elif link == "":
                reasons.append(
                    f"{who}: {kind} under {contract.label}; seated in the {name}, not controlled from outside"
                )
            elif p.reaches_data.get(grant.access_kind, False):
                status = "fail"
                reasons.append(f"{who}, {link}: {kind} under {contract.label}, which reaches the data")
            else:
                reasons.append(f"{who}, {link}: {kind} under {contract.label}; no access to the data is on record")
            facts.append(iri)
    if not contracts:
        reasons.append("no contract of the organization or its services is on record")
    reasons.append("only the contracts on record are read: whether another third party has access cannot be told")
    return status, reasons, list(dict.fromkeys(facts))
