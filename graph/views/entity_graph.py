"""The graph of entities and their relations, whole or around one entity, at a date.

:func:`entity_graph` reads the projection (and the certifications, which the projection
does not hold) into a networkx ``MultiDiGraph`` keyed by IRI. Nodes are organizations,
jurisdictions, services, regions, contracts, certifications, data assets, instruments
and authorities; edges are ownership interests (owner → owned, with their shares) and
the other relations between entities, named after the ontology's properties
(``provider``, ``operatedBy``, ``party``, ``incorporatedIn``, ``wieldedBy`` …), each
edge from the subject of the property to its object. Facts outside their validity
window on the date are left out.

Attributes are plain ``str``, ``float`` and ``bool`` — never None, which networkx's
GraphML and GEXF writers refuse: a node has ``id`` (its IRI), ``label``, ``kind``, and
where known ``jurisdiction`` (ISO codes), ``lei``, ``wikidata``, ``confidence``,
``sources`` (IRIs separated by spaces), ``valid_from``, ``valid_to`` and ``caveats``
(one a line); an edge has ``id``, ``relation`` and ``label``, and an interest also
``interest`` (its IRI), ``interest_kind``, ``share``, ``share_min``, ``share_max``,
``votes…``, ``indirect``, and its confidence, sources, validity and caveats.

A neighbourhood walks up to `depth` relations from its centre, in either direction, and
keeps every edge between the nodes it reached. Jurisdictions end a walk: through one,
every company incorporated there would be a neighbour. Nodes and edges come sorted by
IRI, so that an export of the same data is the same file.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> bleu = iri("org", "bleu")
>>> g = entity_graph(store, bleu, as_of=dt.date(2026, 11, 29), depth=1)
>>> sorted((g.nodes[u]["label"], d["label"]) for u, _, d in g.in_edges(bleu, data=True) if d["relation"] == "interest")
[('Capgemini S.E.', 'joint control'), ('Orange S.A.', 'joint control')]
>>> g.nodes[bleu]["jurisdiction"], g.nodes[bleu]["kind"]
('FR', 'org')
>>> cloudwatt = iri("org", "cloudwatt")
>>> in_2013 = entity_graph(store, cloudwatt, as_of=dt.date(2013, 6, 1), depth=1)
>>> sorted(d["label"] for *_, d in in_2013.in_edges(cloudwatt, data=True) if d["relation"] == "interest")
['owns 22.2 %', 'owns 33.3 %', 'owns 44.4 %']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ...ontology.namespace import DCTERMS, LX, LXS, PREFIXES
from ..base.dates import date_window
from ..base.errors import InputError, UnknownReferenceError
from ..engine.ownership import capital_and_votes
from ..engine.resolve import resolve
from ..projection.cache import projection_for
from ..projection.model import Dated, Interest, Projection, valid_at
from ..store.embedded import Store
from ..store.loading import INFERRED_PREFIX, META_GRAPH, ONTOLOGY_GRAPH

__all__ = [
    "DEFAULT_DEPTH",
    "LEAF_KINDS",
    "MAX_DEPTH",
    "data_graphs",
    "entity_graph",
    "interest_words",
    "resolve_center",
]

DEFAULT_DEPTH = 2
MAX_DEPTH = 6
#: Kinds of node a neighbourhood walk stops at (unless the walk starts there).
LEAF_KINDS = frozenset({"jur"})

#: Relations read from the projection's tables: (table, ((property, attribute of the node) …)).
_RELATIONS = (
    (
        "orgs",
        (
            ("incorporatedIn", "incorporated"),
            ("headquarteredIn", "headquarters"),
            ("hasEstablishmentIn", "establishments"),
            ("branchOf", "branch_of"),
            ("consolidatedBy", "consolidated_by"),
        ),
    ),
    (
        "services",
        (
            ("provider", "providers"),
            ("operatedBy", "operators"),
            ("contractingEntity", "contracting"),
            ("technologyLicensor", "licensors"),
            ("hostedIn", "regions"),
        ),
    ),
    ("contracts", (("party", "parties"), ("concernsService", "services"))),
    (
        "assets",
        (
            ("dataController", "controller"),
            ("hostedOn", "services"),
            ("storedIn", "stored_in"),
            ("keysHeldBy", "keys_held_by"),
        ),
    ),
    ("instruments", (("enactedBy", "enacted_by"), ("wieldedBy", "authorities"))),
    ("certifications", (("certifies", "services"), ("holder", "holders"))),
)


def entity_graph(
    store: Store, center: str | None = None, *, as_of: dt.date, depth: int = DEFAULT_DEPTH
) -> nx.MultiDiGraph[str]:
    """The whole graph (`center` None) or the neighbourhood of `center` on `as_of`.

    The centre is kept even if it is not valid on `as_of` (a dissolved company).
    ``graph["name"]`` describes the selection.
    """
    if not 0 <= depth <= MAX_DEPTH:
        raise InputError(f"depth must be between 0 and {MAX_DEPTH}, not {depth}")
    p = projection_for(store)
    g = _Builder(p, as_of, center).build(_certifications(store))
    if center is None:
        return _ordered(g, set(g), f"longarm graph, as of {as_of.isoformat()}")
    if center not in g:
        raise UnknownReferenceError(center)
    seen, frontier = {center}, [center]
    for _ in range(depth):
        nxt = []
        for node in frontier:
            if node != center and g.nodes[node]["kind"] in LEAF_KINDS:
                continue
            for other in (*g.successors(node), *g.predecessors(node)):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return _ordered(g, seen, f"{p.label(center)}, depth {depth}, as of {as_of.isoformat()}")


def _ordered(g: nx.MultiDiGraph[str], nodes: set[str], name: str) -> nx.MultiDiGraph[str]:
    """The subgraph of `g` induced by `nodes`, nodes and edges sorted: the same data gives the same file."""
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    out.graph.update(g.graph, name=name)
    out.add_nodes_from((n, g.nodes[n]) for n in sorted(nodes))
    edges = [e for e in g.edges(keys=True, data=True) if e[0] in nodes and e[1] in nodes]
    for u, v, key, data in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        out.add_edge(u, v, key=key, **data)
    return out


def resolve_center(p: Projection, ref: str) -> str:
    """The entity `ref` names, an organization first: "Bleu" is the company, not its service.

    >>> from longarm.graph.store.embedded import Store
    >>> from longarm.graph.store.loading import load_bundled
    >>> store = Store.in_memory(); _ = load_bundled(store)
    >>> p = projection_for(store)
    >>> [p.label(resolve_center(p, ref)) for ref in ("bleu", "us-cloud-act")]
    ['Bleu', 'US CLOUD Act / Stored Communications Act']
    """
    try:
        return resolve(p, ref, "org")
    except UnknownReferenceError:
        return resolve(p, ref)


def interest_words(p: Projection, i: Interest) -> str:
    """A short label for an interest: ``owns 44.4 %``, ``sole control, at least 50 %`` …

    >>> interest_words(Projection(), Interest("x", kind=str(LX.Shareholding), capital_max=10.0))
    'owns less than 10 %'
    """
    capital, votes = capital_and_votes(i)
    share = capital or votes or ""
    if i.kind in ("", str(LX.Shareholding)):
        return f"owns {share}" if share else "owns"
    return f"{p.label(i.kind)}, {share}" if share else p.label(i.kind)


def data_graphs(store: Store) -> list[str]:
    """The named graphs holding data: all but the ontology, provenance and inferred ones."""
    return [
        g for g in store.named_graphs() if g not in (META_GRAPH, ONTOLOGY_GRAPH) and not g.startswith(INFERRED_PREFIX)
    ]


@dataclass(slots=True)
class _Certification(Dated):
    services: tuple[str, ...] = ()
    holders: tuple[str, ...] = ()


class _Builder:
    def __init__(self, p: Projection, as_of: dt.date, keep: str | None) -> None:
        self.p, self.as_of, self.keep = p, as_of, keep
        self.g: nx.MultiDiGraph[str] = nx.MultiDiGraph(as_of=as_of.isoformat())

    def build(self, certifications: dict[str, _Certification]) -> nx.MultiDiGraph[str]:
        p, node, edge = self.p, self.node, self.edge
        for j, code in p.jurisdictions.items():
            node(j, "jur", jurisdiction=code)
        for o in p.orgs.values():
            kind = p.label(o.kind) if o.kind else None
            codes = self.codes(o.incorporated | o.headquarters)
            node(o.iri, "org", o, jurisdiction=codes, lei=o.lei, wikidata=o.wikidata, organization_kind=kind)
        for r in sorted(set(p.region_jurisdiction) | set(p.region_sources)):
            node(r, "region", jurisdiction=self.codes({p.region_jurisdiction.get(r)}))
        tables: dict[str, dict[str, Any]] = {
            "orgs": p.orgs,
            "services": p.services,
            "contracts": p.contracts,
            "assets": p.assets,
            "instruments": p.instruments,
            "certifications": certifications,
        }
        for kind, table in (("service", "services"), ("contract", "contracts"), ("asset", "assets")):
            for fact in tables[table].values():
                node(fact.iri, kind, fact)
        for cert in certifications.values():
            node(cert.iri, "certification", cert)
        for a in sorted(set(p.authority_jurisdiction) | {a for ins in p.instruments.values() for a in ins.authorities}):
            node(a, "authority", jurisdiction=self.codes({p.authority_jurisdiction.get(a)}))
        for ins in p.instruments.values():
            node(ins.iri, "instrument", ins, jurisdiction=self.codes({ins.enacted_by}), notation=ins.notation)

        for j, areas in p.member_of.items():
            for area in sorted(areas):
                edge(j, area, "memberOf")
        for r, j in p.region_jurisdiction.items():
            edge(r, j, "locatedIn")
        for a, j in p.authority_jurisdiction.items():
            edge(a, j, "actsFor")
        for table, relations in _RELATIONS:
            for fact in tables[table].values():
                for relation, attribute in relations:
                    value = getattr(fact, attribute)
                    for target in [value] if isinstance(value, str) else sorted(value or ()):
                        edge(fact.iri, target, relation)
        for i in p.interests.values():
            if i.kind == LXS.consolidatedBy:
                continue  # the owned organization's lx:consolidatedBy relation, above: not an interest node
            edge(i.owner, i.owned, "interest", i, key=i.iri, label=interest_words(p, i), **self.shares(i))
        for c in p.contracts.values():
            for grant in c.grants:
                access = p.label(grant.access_kind)
                edge(
                    c.iri,
                    grant.grantee,
                    "grantsAccess",
                    key=f"{c.iri} grantsAccess {grant.grantee} {grant.access_kind}",
                    label=f"grants access ({access})",
                    access_kind=access,
                    confidence=p.label(grant.confidence) if grant.confidence else None,
                    sources=" ".join(grant.sources),
                    caveats="\n".join(grant.caveats),
                )
        return self.g

    def node(self, iri: str, kind: str, fact: Dated | None = None, **attrs: object) -> None:
        if fact is not None and iri != self.keep and not valid_at(fact, self.as_of):
            return
        data = {"id": iri, "label": self.p.label(iri), "kind": kind, **attrs, **self.facts(fact)}
        self.g.add_node(iri, **_clean(data))

    def edge(self, u: str, v: str, relation: str, fact: Dated | None = None, **attrs: object) -> None:
        if u not in self.g or v not in self.g or (fact is not None and not valid_at(fact, self.as_of)):
            return
        key = str(attrs.pop("key", None) or f"{u} {relation} {v}")
        label = attrs.pop("label", None) or self.p.label(str(LX[relation]))
        self.g.add_edge(u, v, key=key, **_clean({"id": key, "relation": relation, "label": label, **attrs}))

    def facts(self, fact: Dated | None) -> dict[str, object]:
        if fact is None:
            return {}
        return {
            "confidence": self.p.label(fact.confidence) if fact.confidence else None,
            "sources": " ".join(fact.sources),
            "valid_from": fact.valid_from.isoformat() if fact.valid_from else None,
            "valid_to": fact.valid_until.isoformat() if fact.valid_until else None,
            "caveats": "\n".join(fact.caveats),
        }

    def codes(self, jurisdictions: set[str | None] | frozenset[str]) -> str:
        return " ".join(sorted({self.p.jurisdictions.get(j, self.p.label(j)) for j in jurisdictions if j}))

    def shares(self, i: Interest) -> dict[str, object]:
        return {
            "interest": i.iri,
            "interest_kind": self.p.label(i.kind) if i.kind else None,
            "share": i.capital,
            "share_min": i.capital if i.capital is not None else i.capital_min,
            "share_max": i.capital if i.capital is not None else i.capital_max,
            "votes": i.votes,
            "votes_min": i.votes if i.votes is not None else i.votes_min,
            "votes_max": i.votes if i.votes is not None else i.votes_max,
            "indirect": i.indirect,
            **self.facts(i),
        }


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes without None or empty strings: networkx's GraphML and GEXF writers refuse None."""
    return {k: v for k, v in attrs.items() if v is not None and v != ""}


def _certifications(store: Store) -> dict[str, _Certification]:
    """Certifications (not part of the projection), with their services, holders and validity."""
    graphs = [ox.NamedNode(g) for g in data_graphs(store)]

    def values(predicate: object) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for g in graphs:
            for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, g):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode | ox.Literal):
                    out.setdefault(q.subject.value, []).append(q.object.value)
        return out

    types = values(PREFIXES["rdf"] + "type")
    certifies, holder = values(LX.certifies), values(LX.holder)
    vfrom, vuntil = values(LX.validFrom), values(LX.validUntil)
    confidence, sources, caveats = values(LX.confidence), values(DCTERMS.source), values(LX.caveat)
    return {
        s: _Certification(
            s,
            valid_from=_day(vfrom.get(s), 0),
            valid_until=_day(vuntil.get(s), 1),
            sources=sorted(sources.get(s, [])),
            confidence=next(iter(confidence.get(s, [])), None),
            caveats=caveats.get(s, []),
            services=tuple(sorted(certifies.get(s, []))),
            holders=tuple(sorted(holder.get(s, []))),
        )
        for s, kinds in types.items()
        if str(LX.Certification) in kinds
    }


def _day(values: list[str] | None, end: int) -> dt.date | None:
    """The first (`end` 0) or last (`end` 1) day a date of the data can name (a year is a window)."""
    window = date_window(values[0]) if values else None
    return window[end] if window else None
