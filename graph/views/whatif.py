"""A what-if as JSON-ready data and as text: each assessment and answer before and after the hypothetical facts.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.write.whatif import what_if
>>> from longarm.ontology.namespace import PREFIXES
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> facts = f'''@prefix lx: <{PREFIXES["lx"]}> . @prefix lxorg: <{PREFIXES["lxorg"]}> .
... <{PREFIXES["own"]}what-if-stake> a lx:OwnershipInterest ; lx:owner lxorg:alphabet ; lx:owned lxorg:s3ns ;
...     lx:interestKind lx:Shareholding ; lx:shareOfCapital 30.0 .'''
>>> r = what_if(store, facts.encode(), "facts.ttl", assessing=["s3ns"], requirement="secnumcloud-3-2-19-6",
...             as_of=dt.date(2026, 6, 1))
>>> data = what_if_to_dict(r)
>>> [(a["subject"]["label"], a["before"], a["after"], a["changed"]) for a in data["assessments"]]
[('S3NS', 'unknown', 'fail', [{'clause': '19.6.b', 'before': 'unknown', 'after': 'fail'}])]
"""

from __future__ import annotations

from typing import Any

from ..engine.reach import Answer, Exposure
from ..projection.model import Projection
from ..write.whatif import WhatIf
from .assessment import assessment_to_dict
from .report import entity_ref

__all__ = ["what_if_to_dict", "what_if_to_text"]


def what_if_to_dict(r: WhatIf) -> dict[str, Any]:
    """The what-if in the shared JSON shape (``longarm what-if --format json``, ``POST /api/v1/what-if``)."""
    assessments = []
    for old, new in r.assessments:
        changed = [
            {"clause": b.criterion.clause, "before": a.status, "after": b.status}
            for a, b in zip(old.results, new.results, strict=True)
            if a.status != b.status
        ]
        assessments.append(
            {
                "subject": entity_ref(r.after, new.subject),
                "requirement": new.requirement.iri.rsplit("/", 1)[-1],
                "before": old.status,
                "after": new.status,
                "changed": changed,
                "assessment": assessment_to_dict(r.after, new),
            }
        )
    answers = []
    for then, later in r.answers:
        was, now = _exposures(r.before, then), _exposures(r.after, later)
        answers.append(
            {
                "asset": entity_ref(r.after, later.asset or ""),
                "before": then.verdict.value,
                "after": later.verdict.value,
                "added": [now[k] for k in sorted(now.keys() - was.keys())],
                "removed": [was[k] for k in sorted(was.keys() - now.keys())],
                "changed_tier": [
                    {**now[k], "tier_before": was[k]["tier"]}
                    for k in sorted(now.keys() & was.keys())
                    if now[k]["tier"] != was[k]["tier"]
                ],
            }
        )
    return {"facts": r.facts, "assessments": assessments, "answers": answers}


def _exposures(p: Projection, answer: Answer) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e.instrument, e.entity): _exposure(p, e) for e in answer.exposures}


def _exposure(p: Projection, e: Exposure) -> dict[str, Any]:
    return {
        "instrument": entity_ref(p, e.instrument),
        "compellable_entity": entity_ref(p, e.entity),
        "tier": p.label(e.tier),
        "explanation": e.explanation,
    }


def what_if_to_text(r: WhatIf) -> str:
    """The what-if as text: what each hypothetical fact changes, assessment by assessment, answer by answer."""
    data = what_if_to_dict(r)
    lines = [f"What if: {data['facts']} hypothetical statement(s), tried on a copy of the store (left as it was).", ""]
    for a in data["assessments"]:
        lines.append(f"{a['subject']['label']} under {a['requirement']}: {a['before']} -> {a['after']}")
        lines += [f"  {c['clause']}: {c['before']} -> {c['after']}" for c in a["changed"]] or ["  no criterion changes"]
        for c in a["assessment"]["criteria"]:
            if any(ch["clause"] == c["clause"] for ch in a["changed"]):
                lines += [f"    - {reason}" for reason in c["reasons"]]
        lines.append("")
    for x in data["answers"]:
        lines.append(f"Who can compel access to {x['asset']['label']}: {x['before']} -> {x['after']}")
        for e in x["added"]:
            lines.append(f"  + {e['instrument']['label']}: {e['compellable_entity']['label']} ({e['tier']})")
        for e in x["removed"]:
            lines.append(f"  - {e['instrument']['label']}: {e['compellable_entity']['label']} ({e['tier']})")
        for e in x["changed_tier"]:
            who = f"{e['instrument']['label']}: {e['compellable_entity']['label']}"
            lines.append(f"  ~ {who} ({e['tier_before']} -> {e['tier']})")
        if not (x["added"] or x["removed"] or x["changed_tier"]):
            lines.append("  no exposure changes")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
