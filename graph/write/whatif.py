"""What if? Hypothetical facts tried on a copy of the store: the assessments and exposures they would change.

:func:`what_if` takes facts written in the ontology's terms (Turtle or JSON-LD: a stake
added or changed, a contract or access grant, a location, a key holder; a stored fact
is closed by giving it an end date) and tries them on a scratch copy of the store
(:meth:`~longarm.graph.store.embedded.Store.scratch_copy`): validated against the shapes
like any write, in a graph of their own, then read into a projection of the copy. The
requested assessments and "who can compel" answers are made on the store as it is and
on the copy, side by side. The store itself is never written.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.ontology.namespace import PREFIXES
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> before = len(store.oxigraph)
>>> facts = f'''@prefix lx: <{PREFIXES["lx"]}> . @prefix lxorg: <{PREFIXES["lxorg"]}> .
... <{PREFIXES["own"]}what-if-stake> a lx:OwnershipInterest ; lx:owner lxorg:alphabet ; lx:owned lxorg:s3ns ;
...     lx:interestKind lx:Shareholding ; lx:shareOfCapital 30.0 .'''
>>> r = what_if(store, facts.encode(), "facts.ttl", assessing=["s3ns"], requirement="secnumcloud-3-2-19-6",
...             as_of=dt.date(2026, 6, 1))
>>> before_after = zip(r.assessments[0][0].results, r.assessments[0][1].results)
>>> [(a.criterion.clause, a.status, b.status) for a, b in before_after][:3]
[('19.6.a', 'pass', 'pass'), ('19.6.b', 'unknown', 'fail'), ('19.6.c', 'unknown', 'unknown')]
>>> len(store.oxigraph) == before  # the store is as it was
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...ontology.namespace import DCTERMS, LX, entity_iri, graph_iri
from ..base.errors import InputError
from ..engine.assess import Assessment, assess, assess_asset, assessments
from ..engine.reach import Answer, compel
from ..engine.resolve import resolve
from ..projection.cache import projection_for
from ..projection.model import Projection
from ..projection.reader import build_projection
from ..store.embedded import Store
from ..store.loading import Document, load_documents
from ..text.rdfio import parse_document

__all__ = ["WHAT_IF_GRAPH", "WhatIf", "what_if"]

#: The graph the hypothetical facts are written to, in the scratch copy only.
WHAT_IF_GRAPH = str(graph_iri("what-if"))
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_SOURCE, _CONFIDENCE = ox.NamedNode(str(DCTERMS.source)), ox.NamedNode(str(LX.confidence))
_CAVEAT, _ASSUMED = ox.NamedNode(str(LX.caveat)), ox.NamedNode(str(LX.Assumed))


@dataclass
class WhatIf:
    """The facts tried, and each requested answer before and after them."""

    facts: int
    before: Projection
    after: Projection
    assessments: list[tuple[Assessment, Assessment]] = field(default_factory=list)
    answers: list[tuple[Answer, Answer]] = field(default_factory=list)


def what_if(
    store: Store,
    data: bytes,
    name: str,
    *,
    media_type: str | None = None,
    assessing: Sequence[str] = (),
    answering: Sequence[str] = (),
    requirement: str | None = None,
    as_of: dt.date,
    method: str = "multiplicative",
    mode: str = "strict",
) -> WhatIf:
    """Try the facts `data` (a document called `name`) on a copy of `store` (see the module docstring).

    `assessing` are organizations or offers to assess under `requirement` (each the store
    knows, if None), `answering` data assets to answer "who can compel" for.

    Raises
    ------
    InputError
        For facts that cannot be parsed, or nothing to answer.
    ValidationError
        If the facts, added to the store, would break the shapes.
    ResolutionError
        For a reference that names nothing, or several things.
    """
    if not assessing and not answering:
        raise InputError("say what to answer: organizations or offers to assess, data assets to answer for")
    digest = hashlib.sha256(data).hexdigest()
    triples = _sourced(parse_document(data, name, media_type), name, digest[:16])
    before = projection_for(store)
    with store.scratch_copy() as inner:
        scratch = Store(inner)
        load_documents(scratch, [Document(name, WHAT_IF_GRAPH, triples, digest)])
        after = build_projection(scratch)
    result = WhatIf(len(triples), before, after)
    _answer(result, assessing, answering, requirement, as_of, method, mode)
    return result


def _sourced(triples: list[ox.Triple], name: str, digest: str) -> list[ox.Triple]:
    """The facts, each new node (one the facts type) cited to a source made for the hypothesis and marked assumed.

    A fact no source states is an assumption: a what-if's facts are, unless they cite
    sources and a confidence of their own.
    """
    source = ox.NamedNode(str(entity_iri("source", f"what-if-{digest}")))
    typed = {t.subject for t in triples if t.predicate == _TYPE}
    cited = {t.subject for t in triples if t.predicate == _SOURCE}
    rated = {t.subject for t in triples if t.predicate == _CONFIDENCE}
    out = list(triples)
    for node in typed:
        if node not in cited:
            out.append(ox.Triple(node, _SOURCE, source))
        if node not in rated:
            out.append(ox.Triple(node, _CONFIDENCE, _ASSUMED))
    if typed - cited:
        out += [
            ox.Triple(source, _TYPE, ox.NamedNode(str(LX.Source))),
            ox.Triple(source, _LABEL, ox.Literal(f"What-if hypothesis ({name})")),
            ox.Triple(
                source, _CAVEAT, ox.Literal("A hypothesis given to a what-if: its date is not known.", language="en")
            ),
        ]
    return out


def _answer(
    r: WhatIf,
    refs: Sequence[str],
    assets: Sequence[str],
    requirement: str | None,
    as_of: dt.date,
    method: str,
    mode: str,
) -> None:
    for ref in refs:
        for new in assessments(r.after, ref, requirement, as_of, method):
            known = new.subject in r.before.orgs or new.subject in r.before.assets
            old = _again(r.before, new, method) if known else new
            r.assessments.append((old, new))
    for ref in assets:
        asset = resolve(r.after, ref, "asset")
        r.answers.append((compel(r.before, asset, as_of, mode), compel(r.after, asset, as_of, mode)))


def _again(p: Projection, new: Assessment, method: str) -> Assessment:
    """The same assessment made on the store as it is (before the facts)."""
    if new.subject in p.assets:
        return assess_asset(p, new.subject, new.requirement.iri, new.as_of)
    return assess(p, new.subject, new.requirement.iri, new.as_of, method=method)
