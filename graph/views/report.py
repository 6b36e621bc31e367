"""Turning an :class:`~longarm.graph.engine.reach.Answer` into JSON-ready data and readable text.

The JSON shape is the contract the CLI and the REST API share::

    {"asset": …, "as_of": …, "mode": …,
     "verdict": "exposed" | "none_found" | "incomplete",
     "gaps": [{"kind", "subject", "subject_label", "message", "caveats"}…],
     "exposures": [{"instrument": {"id", "label"}, "authority": […], "compellable_entity": {"id", "label",
                    "jurisdiction"}, "basis", "confidence", "scope": […], "mitigations": […],
                    "conflicts": […], "path": [{"subject", "predicate", "object", "source"}…],
                    "explanation"}…],
     "availability": […], "custodians": […], "dependencies": […], "notes": […], "caveats": […]}

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> from longarm.graph.engine.reach import compel
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> data = answer_to_dict(p, compel(p, iri("asset", "doctolib-vaccination"), dt.date(2021, 3, 12)))
>>> first = data["exposures"][0]
>>> first["instrument"]["id"], first["compellable_entity"]["label"], first["confidence"]
('us-cloud-act', 'Amazon Web Services, Inc.', 'established')
>>> all(step["source"] for step in first["path"])
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...ontology.namespace import LXS, split_entity_iri
from ..engine.gaps import Gap
from ..engine.ownership import ChainLink, share_phrase
from ..engine.reach import DESCRIBED, Answer, Exposure
from ..engine.rules import Step
from ..projection.model import Interest, Projection

__all__ = [
    "answer_to_dict",
    "answer_to_table",
    "answer_to_text",
    "chain_to_dict",
    "chain_to_text",
    "entity_ref",
    "exposure_to_dict",
    "gap_to_dict",
    "reach_to_dict",
    "step_to_dict",
]


def entity_ref(p: Projection, iri: str) -> dict[str, Any]:
    """``{"id", "iri", "label"}`` for a node, plus its jurisdictions for an organization."""
    split = split_entity_iri(iri)
    out: dict[str, Any] = {"id": split[1] if split else iri, "iri": iri, "label": p.label(iri)}
    org = p.orgs.get(iri)
    if org is not None:
        out["jurisdiction"] = sorted(p.jurisdictions.get(j, p.label(j)) for j in org.incorporated | org.headquarters)
    ins = p.instruments.get(iri)
    if ins is not None:
        out["id"] = ins.notation
        out["citation"] = ins.citation
    return out


def step_to_dict(p: Projection, step: Step) -> dict[str, Any]:
    """One asserted fact of a path, with its sources and a readable statement."""
    sources = [] if step.fact == DESCRIBED else _sources(p, step.fact)
    statement = f"{_name(p, step.subject)} — {p.label(step.predicate)} — {_name(p, step.object)}"
    return {
        "subject": step.subject,
        "predicate": step.predicate,
        "object": step.object,
        "fact": step.fact or None,
        "statement": statement + (" (as described in the request)" if step.fact == DESCRIBED else ""),
        "source": sources,
    }


def _sources(p: Projection, fact: str) -> list[dict[str, Any]]:
    return [{"id": s.iri, "label": s.label, "date": s.date, "url": s.url} for s in p.source_refs(p.fact_sources(fact))]


def _name(p: Projection, term: str) -> str:
    return "a contract's access grant" if term.startswith("_:") else p.label(term)


def exposure_to_dict(p: Projection, e: Exposure) -> dict[str, Any]:
    """One exposure in the shared JSON shape."""
    ins = p.instruments[e.instrument]
    return {
        "instrument": entity_ref(p, e.instrument),
        "status": e.status,
        "authority": [entity_ref(p, a) for a in sorted(ins.authorities)],
        "compellable_entity": entity_ref(p, e.entity),
        "custodian": entity_ref(p, e.custodian) if e.custodian else None,
        "basis": p.label(e.basis[-1]),
        "bases": [p.label(b) for b in e.basis],
        "confidence": p.label(e.tier),
        "scope": [p.label(s) for s in sorted(e.scope, key=p.label)],
        "mitigations": e.mitigations,
        "conflicts": [{"instrument": entity_ref(p, c), "note": note} for c, note in e.conflicts],
        "challenge_routes": ins.challenge_routes,
        "secrecy": ins.secrecy,
        "path": [step_to_dict(p, s) for s in e.path],
        "explanation": e.explanation,
        "caveats": ins.caveats,
    }


def answer_to_dict(p: Projection, answer: Answer) -> dict[str, Any]:
    """The whole answer in the shared JSON shape."""
    asset: dict[str, Any] = entity_ref(p, answer.asset) if answer.asset else {"id": None, "label": answer.asset_label}
    return {
        "asset": asset,
        "as_of": answer.as_of.isoformat(),
        "mode": answer.mode,
        "verdict": answer.verdict.value,
        "gaps": [gap_to_dict(p, g) for g in answer.gaps],
        "exposures": [exposure_to_dict(p, e) for e in answer.exposures],
        "availability": [exposure_to_dict(p, e) for e in answer.availability],
        "custodians": [
            {
                "entity": entity_ref(p, c.entity),
                "basis": p.label(c.basis),
                "confidence": p.label(c.tier),
                "path": [step_to_dict(p, s) for s in c.steps],
            }
            for c in answer.custodians
        ],
        "dependencies": [
            {"entity": entity_ref(p, d.entity), "reason": d.reason, "path": [step_to_dict(p, s) for s in d.steps]}
            for d in answer.dependencies
        ],
        "notes": answer.notes,
        "caveats": answer.caveats,
        "disclaimer": "A reading of recorded, sourced facts: who may be compelled, with confidence tiers. "
        "Not legal advice.",
    }


def gap_to_dict(p: Projection, gap: Gap) -> dict[str, Any]:
    """One gap: its kind, the node it is about (IRI, or the described asset's label), a sentence, caveats."""
    return {
        "kind": gap.kind.value,
        "subject": gap.subject,
        "subject_label": p.label(gap.subject),
        "message": gap.message,
        "caveats": list(gap.caveats),
    }


def reach_to_dict(
    p: Projection, instrument: str, as_of: dt.date, mode: str, found: list[tuple[str, Exposure]]
) -> dict[str, Any]:
    """What an instrument reaches (see :func:`~longarm.graph.engine.reach.instrument_reach`) as JSON-ready data."""
    return {
        "instrument": entity_ref(p, instrument),
        "as_of": as_of.isoformat(),
        "mode": mode,
        "reach": [{"service": entity_ref(p, svc), **exposure_to_dict(p, e)} for svc, e in found],
    }


def answer_to_text(p: Projection, answer: Answer) -> str:
    """The answer as text for a terminal: one block per exposure, with path and sources."""
    data = answer_to_dict(p, answer)
    lines = [f"Who can compel access to {data['asset']['label']}, as of {data['as_of']} ({data['mode']} mode)", ""]
    lines += [f"Verdict: {answer.verdict.words}.", ""]
    lines += _gap_lines(data["gaps"])
    for n, e in enumerate(data["exposures"], 1):
        lines += _block(n, e)
    if data["caveats"]:
        lines += ["Caveats about this asset or its service:", *(f"  - {c}" for c in data["caveats"]), ""]
    if data["availability"]:
        lines += ["", "Availability (sanctions can force a service cut-off):"]
        for e in data["availability"]:
            ent = e["compellable_entity"]
            lines.append(f"  - {e['instrument']['label']}: {ent['label']} — {e['confidence']} ({e['basis']})")
    if data["dependencies"]:
        lines += ["", "Dependencies (no data-reaching access recorded):"]
        lines += [f"  - {d['entity']['label']}: {d['reason']}" for d in data["dependencies"]]
    if data["notes"]:
        lines += ["", "Notes:"] + [f"  - {n}" for n in data["notes"]]
    lines += ["", data["disclaimer"]]
    return "\n".join(lines)


def answer_to_table(p: Projection, answer: Answer) -> str:
    """The answer as one line per exposure: instrument, status, entity, basis, confidence."""
    data = answer_to_dict(p, answer)
    rows = [("instrument", "status", "compellable entity", "basis", "confidence")]
    for kind, items in (("", data["exposures"]), (" (availability)", data["availability"])):
        for e in items:
            ent = e["compellable_entity"]
            where = f" ({', '.join(ent.get('jurisdiction', []))})" if ent.get("jurisdiction") else ""
            rows.append((e["instrument"]["id"] + kind, e["status"], ent["label"] + where, e["basis"], e["confidence"]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [f"{data['asset']['label']}, as of {data['as_of']} ({data['mode']} mode): {data['verdict']}"]
    lines += [f"gap ({g['kind']}): {g['message']}" for g in data["gaps"]]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows[:1]]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows[1:]]
    if len(rows) == 1:
        lines.append(
            "no exposure found: facts are missing (see the gaps)"
            if data["gaps"]
            else "no exposure found under the recorded instruments and facts"
        )
    lines += [f"dependency: {d['entity']['label']}: {d['reason']}" for d in data["dependencies"]]
    return "\n".join(lines)


def _gap_lines(gaps: list[dict[str, Any]]) -> list[str]:
    if not gaps:
        return []
    out = ["Gaps (facts the answer needed and did not find):"]
    for g in gaps:
        out.append(f"  - [{g['kind']}] {g['message']}")
        out += [f"      Caveat: {c}" for c in g["caveats"]]
    return [*out, ""]


def _block(n: int, e: dict[str, Any]) -> list[str]:
    ent = e["compellable_entity"]
    where = f" ({', '.join(ent.get('jurisdiction', []))})" if ent.get("jurisdiction") else ""
    out = [
        f"{n}. {e['instrument']['label']} [{e['status']}] — {ent['label']}{where} — {e['confidence']}",
        f"   Basis: {', '.join(e['bases'])}",
        f"   May compel: {', '.join(e['scope'])}",
        f"   Why: {e['explanation']}",
        "   Path:",
    ]
    for step in e["path"]:
        src = step["source"][0]["label"] if step["source"] else "described in the request"
        more = f" (+{len(step['source']) - 1} more)" if len(step["source"]) > 1 else ""
        out.append(f"     - {step['statement']}  [{src}{more}]")
    out += [f"   Mitigation: {m}" for m in e["mitigations"]]
    out += [f"   Conflict: {c['instrument']['label']}" for c in e["conflicts"]]
    out.append("")
    return out


def chain_to_dict(p: Projection, org: str, as_of: dt.date, direction: str, links: list[ChainLink]) -> dict[str, Any]:
    """An ownership chain (see :func:`~longarm.graph.engine.ownership.ownership_chain`) as JSON-ready data."""
    return {
        "organization": entity_ref(p, org),
        "as_of": as_of.isoformat(),
        "direction": direction,
        "links": [
            {
                "depth": link.depth,
                "owner": entity_ref(p, link.interest.owner),
                "owned": entity_ref(p, link.interest.owned),
                "kind": _kind(p, link.interest),
                "share_of_capital": link.interest.capital,
                "share_of_votes": link.interest.votes,
                "bounds": {
                    "capital_min": link.interest.capital_min,
                    "capital_max": link.interest.capital_max,
                    "votes_min": link.interest.votes_min,
                    "votes_max": link.interest.votes_max,
                },
                "effective": link.effective,
                "valid_from": link.interest.valid_from.isoformat() if link.interest.valid_from else None,
                "valid_until": link.interest.valid_until.isoformat() if link.interest.valid_until else None,
                # as precise as the sources: "2025, not before 2025-07-07"; valid_from/until are the widest window
                "from_text": link.interest.from_text,
                "until_text": link.interest.until_text,
                "confidence": p.label(link.interest.confidence) if link.interest.confidence else None,
                # accounting consolidation is said by the owned organization (lx:consolidatedBy), not by a node
                "interest": None if link.interest.kind == LXS.consolidatedBy else link.interest.iri,
                "caveats": link.interest.caveats,
                "sources": [
                    {"id": s.iri, "label": s.label, "date": s.date, "url": s.url}
                    for s in p.source_refs(link.interest.sources)
                ],
            }
            for link in links
        ],
    }


def _kind(p: Projection, interest: Interest) -> str:
    return "accounting consolidation" if interest.kind == LXS.consolidatedBy else p.label(interest.kind)


def chain_to_text(data: dict[str, Any]) -> str:
    """An ownership chain as an indented tree, one interest a line, with shares and sources."""
    head = "Holdings of" if data["direction"] == "down" else "Owners of"
    lines = [f"{head} {data['organization']['label']}, as of {data['as_of']}"]
    if not data["links"]:
        lines.append("  none recorded")
    for link in data["links"]:
        share = _share_words(link)
        eff = link["effective"]
        eff_text = f", effective {eff:g} %" if eff is not None and link["depth"] > 1 else ""
        source = link["sources"][0] if link["sources"] else None
        confidence = link["confidence"] or "confidence not stated"
        lines.append(
            f"{'  ' * link['depth']}{link['owner']['label']} -> {link['owned']['label']}: {link['kind']}"
            f"{share}{eff_text}, {_period(link, source)} [{confidence}; {source['label'] if source else 'no source'}]"
        )
    return "\n".join(lines)


def _period(link: dict[str, Any], source: dict[str, Any] | None) -> str:
    start, end = link["from_text"] or link["valid_from"], link["until_text"] or link["valid_until"]
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"since {start}"
    if end:
        return f"until {end}"
    reported = f" (reported {source['date']})" if source and source.get("date") else ""
    return f"dates not recorded{reported}"


def _share_words(link: dict[str, Any]) -> str:
    bounds = link["bounds"]
    capital = share_phrase(link["share_of_capital"], bounds["capital_min"], bounds["capital_max"])
    votes = share_phrase(link["share_of_votes"], bounds["votes_min"], bounds["votes_max"])
    parts = [*([f"{capital} of capital"] if capital else []), *([f"{votes} of votes"] if votes else [])]
    return (", " + ", ".join(parts)) if parts else ""
