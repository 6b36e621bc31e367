"""An assessment under a requirement as JSON-ready data and as text: each criterion with its reasons, facts and sources.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> from longarm.graph.engine.assess import assess, find_requirement
>>> store = Store.in_memory(); _ = load_bundled(store); p = projection_for(store)
>>> a = assess(p, iri("org", "s3ns"), find_requirement(p, "secnumcloud-3-2-19-6"), dt.date(2026, 6, 1))
>>> data = assessment_to_dict(p, a)
>>> data["status"], [(c["clause"], c["status"]) for c in data["criteria"]][:3]
('unknown', [('19.6.a', 'pass'), ('19.6.b', 'unknown'), ('19.6.c', 'unknown')])
>>> esc = iri("org", "aws-european-sovereign-cloud-gmbh")
>>> sov = assess(p, esc, find_requirement(p, "eu-csf-sov-2"), dt.date(2026, 6, 1))
>>> assessment_to_dict(p, sov)["level"]["words"]
'SEAL-1'
>>> print(assessment_to_text(p, a).splitlines()[0])
S3NS under SecNumCloud 3.2 §19.6: protection against non-European law, as of 2026-06-01: UNKNOWN
"""

from __future__ import annotations

from typing import Any

from ..engine.assess import Assessment, CriterionResult
from ..projection.model import Projection
from .report import entity_ref

__all__ = ["assessment_to_dict", "assessment_to_text"]

_WORDS = {"pass": "passes", "fail": "fails", "unknown": "cannot be told from the facts on record"}


def assessment_to_dict(p: Projection, a: Assessment) -> dict[str, Any]:
    """The assessment in the shared JSON shape (``longarm assess --format json``, ``GET /api/v1/assessments``)."""
    req = a.requirement
    return {
        "subject": entity_ref(p, a.subject),
        "requirement": {
            "id": req.iri.rsplit("/", 1)[-1],
            "iri": req.iri,
            "label": req.label,
            "citation": req.citation,
            "in_force_from": req.from_text or (req.valid_from.isoformat() if req.valid_from else None),
            "source": _sources(p, req.sources),
            "caveats": list(req.caveats),
        },
        "as_of": a.as_of.isoformat(),
        "method": a.method,
        "status": a.status,
        "level": _level(a),
        "criteria": [_criterion(p, r) for r in a.results],
        "qualifications": [
            {"iri": q.iri, "label": q.label, "status": q.status, "holds_on_date": q.holds} for q in a.qualifications
        ],
        "caveats": list(a.caveats),
    }


def _level(a: Assessment) -> dict[str, Any] | None:
    """For a requirement graded in levels: the range reached and each level with what keeps it open."""
    graded = a.grade
    if graded is None:
        return None
    return {
        "words": graded.words,
        "reached": graded.floor.label if graded.floor else None,
        "at_most": graded.ceiling.label if graded.ceiling else None,
        "levels": [
            {
                "label": x.level.label,
                "rank": x.level.rank,
                "definition": x.level.definition,
                "status": x.status,
                "failed": list(x.failed),
                "unknown": list(x.unknown),
            }
            for x in graded.levels
        ],
    }


def _criterion(p: Projection, r: CriterionResult) -> dict[str, Any]:
    c = r.criterion
    return {
        "clause": c.clause,
        "required_for": p.label(c.level) if c.level else None,
        "label": c.label,
        "kind": p.label(c.kind),
        "status": r.status,
        "reasons": list(r.reasons),
        "warnings": list(r.warnings),
        "holders": [
            {
                "holder": entity_ref(p, h.holder),
                "outside_area": h.outside,
                "share_low": h.low,
                "share_high": h.high,
                "through": list(h.interests),
            }
            for h in r.holders
        ],
        "facts": [{"iri": f, "label": p.label(f), "source": _sources(p, p.fact_sources(f))} for f in r.facts],
        "source": _sources(p, c.sources),
        "caveats": list(c.caveats),
    }


def _sources(p: Projection, iris: list[str]) -> list[dict[str, Any]]:
    return [{"id": s.iri, "label": s.label, "date": s.date, "url": s.url} for s in p.source_refs(iris)]


def _level_lines(level: dict[str, Any]) -> list[str]:
    words = {"pass": "reached", "fail": "ruled out", "unknown": "cannot be told from the facts on record"}
    lines = []
    for x in level["levels"]:
        lines.append(f"{x['label']}: {words[x['status']]}" + (f" ({x['definition']})" if x["definition"] else ""))
        lines += [f"  fails: {c}" for c in x["failed"]] if x["status"] == "fail" else []
        lines += [f"  unknown: {c}" for c in x["unknown"]] if x["status"] == "unknown" else []
    return [*lines, ""]


def assessment_to_text(p: Projection, a: Assessment) -> str:
    """The assessment as text for a terminal: the outcome, then each criterion with its reasons and sources."""
    data = assessment_to_dict(p, a)
    req = data["requirement"]
    level = data["level"]
    outcome = level["words"] if level else data["status"].upper()
    lines = [f"{data['subject']['label']} under {req['label']}, as of {data['as_of']}: {outcome}", ""]
    lines += [f"  - {c}" for c in data["caveats"]]
    if level:
        lines += _level_lines(level)
    for c in data["criteria"]:
        needed = f" [required for {c['required_for']} and above]" if c["required_for"] else ""
        lines.append(f"{c['clause'] or ''} {c['label']}{needed}")
        lines.append(f"  {c['status'].upper()}: it {_WORDS[c['status']]}.")
        lines += [f"  - {reason}" for reason in c["reasons"]]
        lines += [f"  ! {warning}" for warning in c["warnings"]]
        for f in c["facts"]:
            cited = "; ".join(s["label"] for s in f["source"]) or "no source"
            lines.append(f"    fact: {f['label']} ({cited})")
        lines.append("")
    if data["qualifications"]:
        lines.append("Qualifications and certifications on record:")
        for q in data["qualifications"]:
            holds = "holds" if q["holds_on_date"] else "does not hold"
            lines.append(f"  - {q['label']}: {q['status'] or 'status not recorded'}; {holds} on {data['as_of']}")
        lines.append("")
    lines.append(
        f"Requirement: {req['citation'] or req['label']}, in force from {req['in_force_from'] or 'no date on record'}"
    )
    lines += [f"  source: {s['label']}" + (f" <{s['url']}>" if s["url"] else "") for s in req["source"]]
    lines += [f"  - {c}" for c in req["caveats"]]
    if data["method"] in ("strict", "practical"):
        lines.append(f"Who can compel access answered in {data['method']} mode.")
    else:
        lines.append(f"Indirect holdings looked through by the {data['method']} method.")
    return "\n".join(lines)
