"""Describing one entity as JSON-ready data: what it is, what names it, what the sources say.

:func:`entity_details` gives, for an organization, service, data asset, instrument or
jurisdiction: its kind, label, aliases, identifiers, jurisdictions, validity, confidence,
caveats and sources, the nodes it links to, and for an organization its direct owners
and holdings at a date (as links of :func:`~longarm.graph.views.report.chain_to_dict`). For an
instrument it adds its status at that date and its reach rules, which are data.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> d = entity_details(p, iri("org", "cloudwatt"), dt.date(2014, 6, 1))
>>> d["kind"], [o["owner"]["label"] for o in d["owners"]]
('org', ['Caisse des Dépôts', 'Orange S.A.', 'Thales S.A.'])
>>> all(s["label"] for s in d["sources"])
True
>>> ins = instrument_summary(p, iri("instrument", "us-fisa-702"), dt.date(2026, 9, 1))
>>> ins["id"], ins["status"]
('us-fisa-702', 'residual')
>>> rules = entity_details(p, iri("instrument", "us-cloud-act"), dt.date(2026, 9, 1))["instrument"]["rules"]
>>> sorted({r["kind"] for r in rules})
['Control rule', 'Data-location rule', 'Nexus rule', 'Subject-category rule']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from ..base.errors import UnknownReferenceError
from ..engine.ownership import ownership_chain
from ..engine.resolve import kind_of
from ..engine.rules import temporal_status
from ..projection.model import Instrument, Projection, Rule
from .report import chain_to_dict, entity_ref

__all__ = ["entity_details", "instrument_list", "instrument_summary"]


def entity_details(p: Projection, iri: str, as_of: dt.date) -> dict[str, Any]:
    """Everything recorded about the node at `iri`; owners and holdings are those on `as_of`."""
    kind = kind_of(p, iri)
    if kind is None:
        raise UnknownReferenceError(iri)
    node = p.fact_node(iri)
    out: dict[str, Any] = {
        **entity_ref(p, iri),
        "kind": kind,
        "aliases": sorted(getattr(node, "aliases", [])),
        "identifiers": _identifiers(p, iri),
        "jurisdictions": {},
        "valid_from": _iso(node.valid_from) if node else None,
        "valid_until": _iso(node.valid_until) if node else None,
        "confidence": p.label(node.confidence) if node and node.confidence else None,
        "caveats": list(node.caveats) if node else [],
        "sources": [
            {"id": s.iri, "label": s.label, "date": s.date, "url": s.url} for s in p.source_refs(p.fact_sources(iri))
        ],
        "links": _links(p, iri),
        "owners": None,
        "holdings": None,
        "instrument": None,
    }
    org = p.orgs.get(iri)
    if org is not None:
        out["jurisdictions"] = {
            name: _refs(p, values)
            for name, values in (
                ("incorporated_in", org.incorporated),
                ("headquartered_in", org.headquarters),
                ("established_in", org.establishments),
            )
            if values
        }
        owners = ownership_chain(p, iri, as_of, direction="up", max_depth=1)
        holdings = ownership_chain(p, iri, as_of, direction="down", max_depth=1)
        out["owners"] = chain_to_dict(p, iri, as_of, "up", owners)["links"]
        out["holdings"] = chain_to_dict(p, iri, as_of, "down", holdings)["links"]
    ins = p.instruments.get(iri)
    if ins is not None:
        out["instrument"] = _instrument(p, ins, as_of)
    return out


def instrument_summary(p: Projection, iri: str, as_of: dt.date) -> dict[str, Any]:
    """An instrument in a list: reference, status on `as_of`, kinds and enacting jurisdiction."""
    ins = p.instruments[iri]
    return {
        **entity_ref(p, iri),
        "status": temporal_status(ins, as_of) or "not in force",
        "kinds": sorted(p.label(k) for k in ins.kinds),
        "enacted_by": entity_ref(p, ins.enacted_by) if ins.enacted_by else None,
    }


def instrument_list(p: Projection, as_of: dt.date) -> list[dict[str, Any]]:
    """Every recorded instrument, by notation, with its status on `as_of`."""
    return [instrument_summary(p, i, as_of) for i in sorted(p.instruments, key=lambda i: p.instruments[i].notation)]


def _instrument(p: Projection, ins: Instrument, as_of: dt.date) -> dict[str, Any]:
    return {
        "status": temporal_status(ins, as_of) or "not in force",
        "kinds": sorted(p.label(k) for k in ins.kinds),
        "in_force_from": _iso(ins.in_force_from),
        "in_force_until": _iso(ins.in_force_until),
        "residual_until": _iso(ins.residual_until),
        "compels": sorted(p.label(c) for c in ins.compels),
        "challenge_routes": ins.challenge_routes,
        "secrecy": ins.secrecy,
        "has_gag": ins.has_gag,
        "rules": sorted((_rule(p, r) for r in ins.rules), key=lambda d: (d["kind"], repr(d))),
    }


def _rule(p: Projection, r: Rule) -> dict[str, Any]:
    params: dict[str, Any] = {
        "categories": sorted(p.label(c) for c in r.categories),
        "nexus": sorted(p.label(n) for n in r.nexus),
        "nexus_jurisdiction": entity_ref(p, r.nexus_jurisdiction) if r.nexus_jurisdiction else None,
        "location": p.label(r.location) if r.location else None,
        "location_jurisdiction": entity_ref(p, r.location_jurisdiction) if r.location_jurisdiction else None,
        "control_test": p.label(r.control_test) if r.control_test else None,
        "threshold": r.threshold,
        "confidence_if_only": p.label(r.tier_if_only) if r.tier_if_only else None,
        "protects": entity_ref(p, r.protects) if r.protects else None,
        "caveats": r.caveats,
        "sources": [{"id": s.iri, "label": s.label, "date": s.date, "url": s.url} for s in p.source_refs(r.sources)],
    }
    return {"kind": p.label(r.kind), **{k: v for k, v in params.items() if v not in (None, [])}}


def _identifiers(p: Projection, iri: str) -> dict[str, str]:
    org, ins = p.orgs.get(iri), p.instruments.get(iri)
    found = {
        "lei": org.lei if org else None,
        "wikidata": org.wikidata if org else None,
        "notation": ins.notation if ins else None,
        "iso_code": p.jurisdictions.get(iri),
    }
    return {k: v for k, v in found.items() if v}


def _links(p: Projection, iri: str) -> dict[str, list[dict[str, Any]]]:
    """The nodes `iri` points to, by relation (organizations, services, assets, instruments)."""
    org, svc, asset, ins = p.orgs.get(iri), p.services.get(iri), p.assets.get(iri), p.instruments.get(iri)
    found: dict[str, Collection[str]] = {}
    if org is not None:
        found = {
            "branch_of": {org.branch_of} if org.branch_of else set(),
            "branches": p.branches.get(iri, set()),
            "services": p.services_by_org.get(iri, set()),
        }
    elif svc is not None:
        found = {
            "provider": svc.providers,
            "operated_by": svc.operators,
            "contracting_entity": svc.contracting,
            "technology_licensor": svc.licensors,
            "hosted_in": {p.region_jurisdiction[r] for r in svc.regions if r in p.region_jurisdiction},
        }
    elif asset is not None:
        found = {
            "data_controller": {asset.controller} if asset.controller else set(),
            "hosted_on": asset.services,
            "stored_in": asset.stored_in,
            "keys_held_by": asset.keys_held_by,
        }
    elif ins is not None:
        found = {"enacted_by": {ins.enacted_by} if ins.enacted_by else set(), "wielded_by": ins.authorities}
    else:
        found = {"member_of": p.member_of.get(iri, set())}
    return {name: _refs(p, values) for name, values in found.items() if values}


def _refs(p: Projection, iris: Iterable[str]) -> list[dict[str, Any]]:
    return [entity_ref(p, i) for i in sorted(iris, key=p.label)]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
