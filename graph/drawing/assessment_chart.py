"""The picture of an assessment: each criterion coloured by its outcome, what it rests on, and the outcome.

Left to right: the organization assessed (or the offer, for a requirement on data), the
holders behind a caps criterion with their shares, the criteria (green passes, red
fails, grey cannot be told, with the outcome in words on each card: never colour alone),
and the requirement with its outcome, or, for a requirement graded in levels, each level
with whether it is reached. The reasons and the requirement's sources are footnotes.

Examples
--------
>>> import datetime as dt
>>> import xml.etree.ElementTree as ET
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> from longarm.graph.engine.assess import assess, find_requirement
>>> store = Store.in_memory(); _ = load_bundled(store); p = projection_for(store)
>>> a = assess(p, iri("org", "aws-european-sovereign-cloud-gmbh"), find_requirement(p, "secnumcloud-3-2-19-6"),
...            dt.date(2026, 6, 1))
>>> svg = assessment_svg(p, a)
>>> ET.fromstring(svg).get("aria-label")
'AWS European Sovereign Cloud GmbH under SecNumCloud 3.2 §19.6: protection against non-European law, 2026-06-01'
>>> "19.6.b: fails" in svg and "holds 100 %" in svg
True
"""

from __future__ import annotations

import hashlib

from ..engine.assess import Assessment
from ..engine.criteria import CriterionResult
from ..projection.model import Projection
from .chartkit import JURISDICTION_LEGEND, Card, Edge, LegendItem, draw
from .charts import org_card

__all__ = ["STATUS_STYLE", "assessment_svg"]

#: Colour, line width and word of each outcome (Okabe-Ito green, vermilion, grey).
STATUS_STYLE = {
    "pass": ("#009E73", 2.4, "passes"),
    "fail": ("#C0392B", 3.2, "fails"),
    "unknown": ("#7A7A7A", 1.6, "cannot be told"),
}
_LEVEL_WORDS = {"pass": "reached", "fail": "ruled out", "unknown": "cannot be told"}
_REQ = "requirement"


def assessment_svg(p: Projection, a: Assessment, *, link_base: str | None = None) -> str:
    """The assessment `a` as an SVG document (see the module docstring); links under `link_base` if given."""
    subject = _subject_card(p, a, link_base)
    cards: dict[str, Card] = {subject.id: subject}
    edges: list[Edge] = []
    graded = a.grade
    targets = {x.level.iri: x for x in graded.levels} if graded else {}
    lowest = graded.levels[0].level.iri if graded else _REQ
    for x in targets.values():
        color, width, _ = STATUS_STYLE[x.status]
        cards[x.level.iri] = Card(
            x.level.iri, x.level.label, caption=_LEVEL_WORDS[x.status], stroke=color, stroke_width=width, column=6
        )
    if not graded:
        color, width, _ = STATUS_STYLE[a.status]
        cards[_REQ] = Card(
            _REQ, a.requirement.label, caption=f"outcome: {a.status}", stroke=color, stroke_width=width, column=6
        )
    for k, r in enumerate(a.results):
        node = f"criterion-{k}"
        cards[node] = _criterion_card(node, r)
        color, width, word = STATUS_STYLE[r.status]
        edges.append(Edge(subject.id, node, color="#444444"))
        target = r.criterion.level if r.criterion.level in targets else lowest
        edges.append(Edge(node, target, (word,), color=color, width=width))
        for h in r.holders:
            if h.holder not in cards:
                cards[h.holder] = org_card(p, h.holder, link_base, column=2)
            share = f"{h.low:g} %" if h.low == h.high else f"{h.low:g}–{h.high:g} %"
            edges.append(Edge(h.holder, node, (f"holds {share}",), color="#444444", dash="4 3"))
    title = f"{p.label(a.subject)} under {a.requirement.label}, {a.as_of.isoformat()}"
    outcome = graded.words if graded else a.status
    legend = [
        LegendItem(f"{STATUS_STYLE[s][2]}", edge=Edge("", "", color=c, width=w))
        for s, (c, w, _) in STATUS_STYLE.items()
    ]
    return draw(
        list(cards.values()),
        edges,
        title=title,
        subtitle=f"Outcome: {outcome}. Colour, line width and the words on each card give each criterion's outcome.",
        legend=[*legend, *JURISDICTION_LEGEND],
        notes=_notes(p, a),
        desc=f"{title}: {outcome}. " + " ".join(f"{_clause(r)}: {r.status}." for r in a.results),
        direction="right",
        uid="lxa" + hashlib.sha1(f"{a.subject}\x00{a.requirement.iri}\x00{a.as_of}".encode()).hexdigest()[:8],
    )


def _subject_card(p: Projection, a: Assessment, link_base: str | None) -> Card:
    if a.subject in p.orgs:
        return org_card(p, a.subject, link_base, focus=True, column=0)
    return Card(a.subject, p.label(a.subject), caption="offer", focus=True, column=0)


def _clause(r: CriterionResult) -> str:
    return r.criterion.clause or r.criterion.label


def _criterion_card(node: str, r: CriterionResult) -> Card:
    color, width, word = STATUS_STYLE[r.status]
    caption = f"{_clause(r)}: {word}" + (" · near a threshold" if r.warnings else "")
    return Card(
        node,
        r.criterion.label,
        caption=caption,
        tooltip="; ".join(r.reasons),
        stroke=color,
        stroke_width=width,
        column=4,
    )


def _notes(p: Projection, a: Assessment) -> list[str]:
    notes = [f"{_clause(r)} ({r.status}): {'; '.join(r.reasons[:2])}" for r in a.results]
    notes += [f"Warning: {w}" for r in a.results for w in r.warnings]
    notes += list(a.caveats)
    cited = "; ".join(s.label for s in p.source_refs(a.requirement.sources))
    notes.append(f"Requirement: {a.requirement.citation or a.requirement.label}. Sources: {cited or 'none on record'}.")
    notes.append("A reading of recorded, sourced facts against the requirement, not a legal verdict.")
    return notes
