"""Ownership as Beneficial Ownership Data Standard (BODS) 0.4 statements.

:func:`bods_statements` turns the organizations and ownership interests of an exported
subgraph (:func:`~longarm.graph.views.export.entity_graph`) into a list of BODS 0.4
statements: one entity statement per organization (a person statement for a natural
person), with its name, aliases, jurisdiction of incorporation and identifiers (LEI under
the org-id scheme ``XI-LEI``, Wikidata Q-id), then one relationship statement per
interest, owner as interested party and owned as subject, with its interests
(shareholding, voting rights, control), exact share or bounds, start and end dates.

The record of each statement is the IRI of its node; its ``statementId`` is a UUID
derived from the IRI, the declaration subject and the statement date, so the same data
gives the same ids. The
statement date is that of the newest source, the source is described from our sources
(``primaryResearch`` for facts with a primary source, else ``thirdParty``), and every
caveat becomes a ``commenting`` annotation. ``beneficialOwnershipOrControl`` is always
false: longarm records ownership and control between organizations, not who the
beneficial owners are. BODS ``endDate`` is the first day an interest no longer holds,
the day after longarm's ``validUntil``.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> from longarm.graph.views.export import entity_graph
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> g = entity_graph(store, iri("org", "cloudwatt"), as_of=dt.date(2013, 6, 1), depth=1)
>>> statements = bods_statements(projection_for(store), g, iri("org", "cloudwatt"), published=dt.date(2026, 11, 29))
>>> [s["recordType"] for s in statements].count("relationship")
3
>>> rel = next(s for s in statements if s["recordType"] == "relationship")
>>> rel["recordDetails"]["interests"][0]["share"], rel["recordDetails"]["interests"][0]["endDate"]
({'exact': 33.3}, '2015-04-01')
>>> statements[0]["publicationDetails"]["bodsVersion"]
'0.4'
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import networkx as nx

from ...ontology.namespace import LX, WIKIDATA
from ..projection.model import Dated, Interest, Org, Projection

__all__ = ["BODS_VERSION", "bods_statements"]

BODS_VERSION = "0.4"

#: BODS entity type (and local details) of each organization kind; natural persons are persons.
_ENTITY_TYPES = {
    str(LX.Company): "registeredEntity",
    str(LX.Branch): "registeredEntity",
    str(LX.State): "state",
    str(LX.PublicBody): "stateBody",
    str(LX.Family): "arrangement",
    str(LX.EmployeeUnion): "arrangement",
    str(LX.InvestmentFund): "legalEntity",
}
_CONTROL = {
    str(LX.SoleControl): "otherInfluenceOrControl",
    str(LX.JointControl): "otherInfluenceOrControl",
    str(LX.VetoRight): "otherInfluenceOrControl",
    str(LX.BoardAppointment): "appointmentOfBoard",
}


def bods_statements(
    p: Projection, g: nx.MultiDiGraph[str], center: str | None = None, *, published: dt.date
) -> list[dict[str, Any]]:
    """BODS 0.4 statements for the organizations and interests of `g`: entities first.

    Statements about `center` and its owners (direct or indirect, as far as `g` goes) are
    declared about `center`; any other statement about its own subject.
    """
    orgs = [p.orgs[n] for n in sorted(g.nodes) if n in p.orgs]
    keys = {str(d["interest"]) for *_, d in g.edges(data=True) if d.get("relation") == "interest"}
    interests = sorted((p.interests[k] for k in keys), key=lambda i: (p.label(i.owned), p.label(i.owner), i.iri))
    network = _network(g, center) if center is not None and center in p.orgs and center in g else set()
    out = []
    for o in orgs:
        declared = center if center is not None and o.iri in network else o.iri
        out.append(_statement(p, o.iri, _party_type(o), _party(p, o), o, declared, published))
    for i in interests:
        declared = center if center is not None and i.owned in network else i.owned
        out.append(_statement(p, i.iri, "relationship", _relationship(p, i), i, declared, published))
    return out


def _network(g: nx.MultiDiGraph[str], center: str) -> set[str]:
    """`center` and its direct and indirect owners in `g`: its beneficial ownership network."""
    owners: nx.DiGraph[str] = nx.DiGraph()
    owners.add_node(center)
    owners.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d["relation"] == "interest")
    return {center, *nx.ancestors(owners, center)}


def _party_type(o: Org) -> str:
    return "person" if o.kind == str(LX.NaturalPerson) else "entity"


def _statement(
    p: Projection, iri: str, record_type: str, details: dict[str, Any], fact: Dated, declared: str, published: dt.date
) -> dict[str, Any]:
    refs = p.source_refs(fact.sources)
    dates = [d for d in (_partial_date(r.date) for r in refs) if d is not None]
    statement_date = min(max(dates, default=published), published)
    primary = fact.confidence == str(LX.Primary)
    source: dict[str, Any] = {"type": ["primaryResearch" if primary else "thirdParty"]}
    if refs:
        source["description"] = "; ".join(f"{r.label} ({r.date})" if r.date else r.label for r in refs)
        url = next((r.url for r in refs if r.url), None)
        if url:
            source["url"] = url
    notes = [*fact.caveats, *([f"Confidence: {p.label(fact.confidence)}."] if fact.confidence else [])]
    annotations = [{"statementPointerTarget": "", "motivation": "commenting", "description": n} for n in notes]
    out: dict[str, Any] = {
        "statementId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{iri} {declared} {statement_date.isoformat()}")),
        "statementDate": statement_date.isoformat(),
        "publicationDetails": {
            "publicationDate": published.isoformat(),
            "bodsVersion": BODS_VERSION,
            "publisher": {"name": "longarm"},
        },
        "source": source,
        "declarationSubject": declared,
        "recordId": iri,
        "recordType": record_type,
        "recordDetails": details,
    }
    if annotations:
        out["annotations"] = annotations
    return out


def _party(p: Projection, o: Org) -> dict[str, Any]:
    identifiers: list[dict[str, Any]] = []
    if o.lei:
        identifiers.append({"id": o.lei, "scheme": "XI-LEI", "schemeName": "Global Legal Entity Identifier Index"})
    if o.wikidata:
        identifiers.append({"id": o.wikidata, "schemeName": "Wikidata", "uri": str(WIKIDATA[o.wikidata])})
    if _party_type(o) == "person":
        names = [{"type": "legal", "fullName": o.label}] + [{"type": "alternative", "fullName": a} for a in o.aliases]
        person: dict[str, Any] = {"isComponent": False, "personType": "knownPerson", "names": names}
        if identifiers:
            person["identifiers"] = identifiers
        return person
    entity_type: dict[str, Any] = {"type": _ENTITY_TYPES.get(o.kind or "", "legalEntity")}
    if o.kind:
        entity_type["details"] = p.label(o.kind)
    out: dict[str, Any] = {"isComponent": False, "entityType": entity_type, "name": o.label}
    if o.aliases:
        out["alternateNames"] = sorted(o.aliases)
    jurisdictions = sorted(o.incorporated) or sorted(o.headquarters)
    if jurisdictions:
        code = p.jurisdictions.get(jurisdictions[0], "")
        out["jurisdiction"] = {"name": p.labels.get(jurisdictions[0], code)}
        if 2 <= len(code) <= 6:
            out["jurisdiction"]["code"] = code
    if identifiers:
        out["identifiers"] = identifiers
    if o.valid_from:
        out["foundingDate"] = o.valid_from.isoformat()
    if o.valid_until:
        out["dissolutionDate"] = (o.valid_until + dt.timedelta(days=1)).isoformat()
    out["uri"] = o.iri
    return out


def _relationship(p: Projection, i: Interest) -> dict[str, Any]:
    common: dict[str, Any] = {
        "directOrIndirect": "indirect" if i.indirect else "unknown",
        "beneficialOwnershipOrControl": False,
    }
    if i.valid_from:
        common["startDate"] = i.valid_from.isoformat()
    if i.valid_until:  # BODS needs full dates: a window's earliest start and the day after its latest end
        common["endDate"] = (i.valid_until + dt.timedelta(days=1)).isoformat()
    interests = []
    capital = _share(i.capital, i.capital_min, i.capital_max)
    votes = _share(i.votes, i.votes_min, i.votes_max)
    if i.kind in _CONTROL:
        interests.append({"type": _CONTROL[i.kind], "details": p.label(i.kind), **common})
    if capital or (i.kind not in _CONTROL and not votes):
        interests.append({"type": "shareholding", **({"share": capital} if capital else {}), **common})
    if votes:
        interests.append({"type": "votingRights", "share": votes, **common})
    return {"isComponent": False, "subject": i.owned, "interestedParty": i.owner, "interests": interests}


def _share(exact: float | None, low: float | None, high: float | None) -> dict[str, float]:
    if exact is not None:
        return {"exact": exact}
    bounds = {"minimum": low, "maximum": high}
    return {k: v for k, v in bounds.items() if v is not None}


def _partial_date(text: str | None) -> dt.date | None:
    """A source date, which may give only the year or the month (first day by convention)."""
    if not text:
        return None
    parts = [*text[:10].split("-"), "01", "01"][:3]
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
