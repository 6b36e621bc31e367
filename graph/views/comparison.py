"""Offers side by side: for each service, who can compel under each instrument, and each requirement's outcome.

One row per service in operation on the date. Its instrument cells are the surest tier of
the exposures (access, or availability) an asset hosted on it would have, stored where the
service's regions are (as :func:`~longarm.graph.engine.reach.instrument_reach` takes it);
its requirement cells are the assessment of its providers and operators (the worst of
them; for a requirement graded in levels, the lowest level), or, for a requirement on data
of given categories (the French doctrine, SREN Art. 31), of such data hosted on it. Each
cell says where its explanation is: the assessment (its explorer page, and its JSON), or
what the instrument reaches.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> store = Store.in_memory(); _ = load_bundled(store); p = projection_for(store)
>>> table = compare_offers(p, dt.date(2026, 6, 1))
>>> row = next(r for r in table["rows"] if r["offer"]["id"] == "aws-european-sovereign-cloud")
>>> row["requirements"]["secnumcloud-3-2-19-6"]["status"]
'fail'
>>> row["requirements"]["eu-csf-sov-2"]["level"]
'SEAL-0'
>>> print(comparison_csv(table).splitlines()[0][:86])
offer,provider,eu-csf-sov-2,gaia-x-label-3,secnumcloud-3-2-19-6,fr-cloud-doctrine-2021
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import quote, urlencode

from ..engine.assess import Assessment, assess, assess_offer_data, requirements_for
from ..engine.reach import AssetSpec, compel
from ..engine.rules import stronger
from ..projection.model import Level, Projection, valid_at
from .report import entity_ref

__all__ = ["compare_offers", "comparison_csv"]

_WORST = {"fail": 3, "unknown": 2, "pass": 1}


def compare_offers(
    p: Projection, as_of: dt.date, *, method: str = "multiplicative", mode: str = "strict"
) -> dict[str, Any]:
    """Every service in operation on `as_of` × the instruments and the requirements (see the module docstring)."""
    rows, seen = [], {}
    for svc in sorted(p.services, key=p.label):
        service = p.services[svc]
        if not valid_at(service, as_of):
            continue
        answer = compel(p, AssetSpec(services=(svc,), label=p.label(svc)), as_of, mode)
        instruments: dict[str, dict[str, Any]] = {}
        tiers: dict[str, str] = {}  # the surest tier found per instrument
        for e in [*answer.exposures, *answer.availability]:
            cell = instruments.get(e.instrument)
            if cell is None or stronger(e.tier, tiers[e.instrument]):
                slug = e.instrument.rsplit("/", 1)[-1]
                tiers[e.instrument] = e.tier
                instruments[e.instrument] = {
                    "tier": p.label(e.tier),
                    "entity": p.label(e.entity),
                    "explanation": f"/explore/instrument/{quote(slug)}",
                }
            seen[e.instrument] = p.label(e.instrument)
        orgs = sorted(service.providers | service.operators)
        requirements = {}
        for req in [*requirements_for(p, "org"), *requirements_for(p, "asset")]:
            if p.requirements[req].scope:
                found = [assess_offer_data(p, svc, req, as_of, mode=mode)]
            else:
                found = [assess(p, org, req, as_of, method=method) for org in orgs]
            rid = req.rsplit("/", 1)[-1]
            query = urlencode({"requirement": rid, "as_of": as_of.isoformat(), "method": method})
            slug = quote(svc.rsplit("/", 1)[-1])
            requirements[rid] = {
                **_cell(found),
                "explanation": f"/explore/assessment?ref={slug}&{query}",
                "api": f"/api/v1/assessments/{slug}?{query}",
            }
        rows.append(
            {
                "offer": entity_ref(p, svc),
                "providers": [entity_ref(p, o) for o in sorted(service.providers)],
                "verdict": answer.verdict.value,
                "instruments": {p.label(i): cell for i, cell in instruments.items()},
                "requirements": requirements,
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "method": method,
        "mode": mode,
        "requirements": [
            {
                "id": r.rsplit("/", 1)[-1],
                "label": p.requirements[r].label,
                "applies_to": "data" if p.requirements[r].scope else "provider",
                "graded": bool(p.requirements[r].levels),
            }
            for r in [*requirements_for(p, "org"), *requirements_for(p, "asset")]
        ],
        "instruments": sorted(seen.values()),
        "rows": rows,
    }


def _cell(found: list[Assessment]) -> dict[str, Any]:
    """The worst of an offer's assessments: the lowest level for a graded requirement, else fail, unknown, pass."""
    if not found:
        return {"status": "unknown", "level": None}
    graded = [(a, a.grade) for a in found if a.grade is not None]
    if graded:
        a, g = min(graded, key=lambda x: (_rank(x[1].ceiling), _rank(x[1].floor)))
        return {"status": a.status, "level": g.words}
    return {"status": max((a.status for a in found), key=lambda s: _WORST[s]), "level": None}


def _rank(level: Level | None) -> int:
    return -1 if level is None else level.rank


def comparison_csv(table: dict[str, Any]) -> str:
    """The comparison as CSV: one row per offer, a column per requirement (its status, or the level reached for a
    requirement graded in levels) and per instrument (its tier)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    requirements = [r["id"] for r in table["requirements"]]
    writer.writerow(["offer", "provider", *requirements, *table["instruments"]])
    for row in table["rows"]:
        writer.writerow(
            [
                row["offer"]["label"],
                "; ".join(p["label"] for p in row["providers"]),
                *(row["requirements"][r]["level"] or row["requirements"][r]["status"] for r in requirements),
                *(row["instruments"].get(i, {}).get("tier", "") for i in table["instruments"]),
            ]
        )
    return out.getvalue()
