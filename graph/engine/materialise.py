"""Materialising exposures as RDF, with PROV derivation, in their own named graph.

``longarm infer`` computes the exposures of every stored data asset and writes them to
``…/graph/inferred/exposures``, replacing what was there, so SPARQL users can query
``lx:Exposure`` directly. Each asset's answer is an ``lx:Assessment`` with its verdict
(``lx:Exposed``, ``lx:NoneFound``, ``lx:Incomplete``) and its ``lx:Gap`` nodes (kind,
subject, message): unknown is not "none" in SPARQL either. Each exposure is part of
(``dcterms:isPartOf``) its assessment and carries its path (``lx:pathStep`` nodes with
the triple, the fact node and its sources) and ``prov:wasDerivedFrom`` links to every
fact it rests on. The graph is refreshed by :func:`refresh_exposures` after data changes.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> n = materialise_exposures(store, dt.date(2026, 11, 29))
>>> n > 0 and store.count_triples(EXPOSURE_GRAPH) > 0
True
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from ...ontology.namespace import DCTERMS, LX, PREFIXES, PROV, entity_iri, split_entity_iri
from ..projection.cache import projection_for
from ..projection.model import Projection
from ..store.embedded import Store
from ..store.loading import INFERRED_PREFIX
from .reach import DESCRIBED, Answer, Exposure, compel

__all__ = [
    "EXPOSURE_GRAPH",
    "assessment_as_triples",
    "exposures_as_triples",
    "materialise_exposures",
    "refresh_exposures",
]

EXPOSURE_GRAPH = INFERRED_PREFIX + "exposures"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def materialise_exposures(store: Store, as_of: dt.date, mode: str = "strict") -> int:
    """Compute the exposures of every stored asset on `as_of` and replace the inferred graph.

    Returns the number of exposures written.
    """
    p = projection_for(store)
    triples: list[ox.Triple] = []
    count = 0
    generated = ox.Literal(
        dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), datatype=ox.NamedNode(_XSD + "dateTime")
    )
    for asset in sorted(p.assets):
        answer = compel(p, asset, as_of, mode)
        assessment = assessment_as_triples(asset, as_of, answer)
        triples += assessment
        for e in [*answer.exposures, *answer.availability]:
            exposure = exposures_as_triples(p, asset, as_of, e, generated)
            triples += exposure
            triples.append(ox.Triple(exposure[0].subject, _n(DCTERMS.isPartOf), assessment[0].subject))
            count += 1
    store.replace_graphs({EXPOSURE_GRAPH: triples}, derived=True)
    return count


def refresh_exposures(store: Store, as_of: dt.date | None = None) -> int | None:
    """Recompute the inferred graph if it exists (after data changed); None if there is none."""
    if EXPOSURE_GRAPH not in store.named_graphs():
        return None
    return materialise_exposures(store, as_of or dt.date.today())


def assessment_as_triples(asset: str, as_of: dt.date, answer: Answer) -> list[ox.Triple]:
    """The RDF of one asset's answer: its verdict and its gaps (the first triple's subject is the node)."""
    node = _n(entity_iri("exposure", f"{_slug(asset)}.assessment"))
    out = [
        ox.Triple(node, _RDF_TYPE, _n(LX.Assessment)),
        ox.Triple(node, _n(LX.asset), _n(asset)),
        ox.Triple(node, _n(LX.asOf), ox.Literal(as_of.isoformat(), datatype=ox.NamedNode(_XSD + "date"))),
        ox.Triple(node, _n(LX.verdict), _n(answer.verdict.iri)),
    ]
    for i, gap in enumerate(answer.gaps):
        g = _n(entity_iri("exposure", f"{_slug(asset)}.assessment.gap-{i}"))
        out += [
            ox.Triple(node, _n(LX.gap), g),
            ox.Triple(g, _RDF_TYPE, _n(LX.Gap)),
            ox.Triple(g, _n(LX.gapKind), _n(gap.kind.iri)),
            ox.Triple(g, _n(PREFIXES["rdfs"] + "comment"), ox.Literal(gap.message, language="en")),
        ]
        if "://" in gap.subject:
            out.append(ox.Triple(g, _n(LX.gapSubject), _n(gap.subject)))
    return out


def exposures_as_triples(
    p: Projection, asset: str, as_of: dt.date, e: Exposure, generated: ox.Literal
) -> list[ox.Triple]:
    """The RDF of one exposure: the node, its path steps and its PROV derivation."""
    slug = ".".join(_slug(x) for x in (asset, e.instrument, e.entity))
    node = _n(entity_iri("exposure", slug))
    out = [
        ox.Triple(node, _RDF_TYPE, _n(LX.Exposure)),
        ox.Triple(node, _n(LX.asset), _n(asset)),
        ox.Triple(node, _n(LX.instrument), _n(e.instrument)),
        ox.Triple(node, _n(LX.compellableEntity), _n(e.entity)),
        ox.Triple(node, _n(LX.confidenceTier), _n(e.tier)),
        ox.Triple(node, _n(LX.asOf), ox.Literal(as_of.isoformat(), datatype=ox.NamedNode(_XSD + "date"))),
        ox.Triple(node, _n(LX.explanation), ox.Literal(e.explanation, language="en")),
        ox.Triple(node, _n(PROV.generatedAtTime), generated),
    ]
    out += [ox.Triple(node, _n(LX.authority), _n(a)) for a in sorted(p.instruments[e.instrument].authorities)]
    out += [ox.Triple(node, _n(LX.basis), _n(b)) for b in dict.fromkeys(e.basis)]
    out += [ox.Triple(node, _n(LX.scope), _n(s)) for s in e.scope]
    out += [ox.Triple(node, _n(LX.conflict), _n(c)) for c, _ in e.conflicts]
    out += [ox.Triple(node, _n(LX.mitigation), ox.Literal(m, language="en")) for m in e.mitigations]
    facts = set()
    for i, step in enumerate(e.path):
        s = _n(entity_iri("exposure", f"{slug}.step-{i}"))
        out += [
            ox.Triple(node, _n(LX.pathStep), s),
            ox.Triple(s, _RDF_TYPE, _n(LX.PathStep)),
            ox.Triple(s, _n(LX.stepIndex), ox.Literal(str(i), datatype=ox.NamedNode(_XSD + "integer"))),
            ox.Triple(s, _n(LX.stepPredicate), _n(step.predicate)),
            ox.Triple(s, _n(LX.stepObject), _n(step.object)),
        ]
        if not step.subject.startswith("_:"):  # a contract's access grant is a blank node
            out.append(ox.Triple(s, _n(LX.stepSubject), _n(step.subject)))
        if step.fact != DESCRIBED:
            out.append(ox.Triple(s, _n(LX.stepFact), _n(step.fact)))
            facts.add(step.fact)
            for src in p.fact_sources(step.fact):
                out.append(ox.Triple(s, _n(DCTERMS.source), _n(src)))
    out += [ox.Triple(node, _n(PROV.wasDerivedFrom), _n(f)) for f in sorted(facts)]
    return out


def _slug(iri: str) -> str:
    split = split_entity_iri(iri)
    return split[1] if split else iri.rsplit("/", 1)[-1]
