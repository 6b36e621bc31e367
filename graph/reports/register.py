"""Who can compel access, for every asset of a register at once: one row per asset, totals, and what is missing.

:func:`register_report` answers "who can compel access" for each asset (the same answer
as ``longarm compel``, :func:`~longarm.graph.engine.reach.compel`) and gathers, per asset,
its verdict, the instruments by confidence tier, the entities that may be compelled, the
mitigations and the gaps; then totals per instrument and per provider, and the assets
whose answer is incomplete with the facts each one lacks. It is written as JSON
(:func:`report_json`), CSV, one row per asset (:func:`report_csv`), Markdown
(:func:`report_markdown`) or a single offline HTML file with each asset's exposure map,
readable on paper (:func:`report_html`).

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> report = register_report(p, sorted(p.assets), dt.date(2026, 6, 1))
>>> len(report.rows) == len(p.assets), report.totals["assets"] == len(p.assets)
(True, True)
>>> report_csv(report).splitlines()[0]
'asset,label,verdict,established,likely,contested,residual,compellable_entities,providers,mitigations,gaps'
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..base.errors import InputError
from ..drawing.charts import exposure_svg
from ..engine.reach import Answer, compel
from ..engine.rules import Tier
from ..projection.model import Projection
from ..views.report import answer_to_dict

__all__ = [
    "AssetRow",
    "RegisterReport",
    "register_report",
    "render_report",
    "report_csv",
    "report_html",
    "report_json",
    "report_markdown",
]

_TIERS = (Tier.ESTABLISHED, Tier.LIKELY, Tier.CONTESTED, Tier.RESIDUAL)
_DISCLAIMER = "A reading of recorded, sourced facts: who may be compelled, with confidence tiers. Not legal advice."


@dataclass
class AssetRow:
    """One asset's answer, summed up."""

    asset: str
    label: str
    verdict: str
    by_tier: dict[str, list[str]]
    entities: list[str]
    providers: list[str]
    mitigations: list[str]
    gaps: list[tuple[str, str]]
    answer: Answer = field(repr=False)


@dataclass
class RegisterReport:
    """The answers for a register: rows, totals per instrument and provider, the incomplete ones."""

    title: str
    as_of: dt.date
    mode: str
    rows: list[AssetRow]
    totals: Counter[str]
    per_instrument: dict[str, Counter[str]]
    per_provider: dict[str, Counter[str]]


def register_report(
    p: Projection,
    assets: Sequence[str],
    as_of: dt.date,
    mode: str = "strict",
    *,
    title: str = "Register",
    progress: Callable[[int], None] | None = None,
) -> RegisterReport:
    """Answer for every asset of `assets` (IRIs of the projection) on `as_of` in `mode`, and sum up.

    `progress`, if given, is called with the number of assets answered so far, every hundred.
    """
    rows = []
    for n, asset in enumerate(assets, 1):
        rows.append(_row(p, asset, compel(p, asset, as_of, mode)))
        if progress is not None and n % 100 == 0:
            progress(n)
    totals: Counter[str] = Counter(assets=len(rows))
    per_instrument: dict[str, Counter[str]] = {}
    per_provider: dict[str, Counter[str]] = {}
    for row in rows:
        totals[row.verdict] += 1
        for tier, instruments in row.by_tier.items():
            for instrument in instruments:
                per_instrument.setdefault(instrument, Counter())[tier] += 1
        for provider in row.providers:
            per_provider.setdefault(provider, Counter())[row.verdict] += 1
    return RegisterReport(title, as_of, mode, rows, totals, per_instrument, per_provider)


def _row(p: Projection, asset: str, answer: Answer) -> AssetRow:
    by_tier: dict[str, list[str]] = {}
    for e in answer.exposures:
        names = by_tier.setdefault(p.label(e.tier).lower(), [])
        label = p.instruments[e.instrument].label
        if label not in names:
            names.append(label)
    record = p.assets.get(asset)
    services = [p.services[s] for s in (record.services if record else ()) if s in p.services]
    providers = sorted({p.label(o) for svc in services for o in sorted(svc.providers or svc.operators)})
    return AssetRow(
        asset=asset,
        label=answer.asset_label or p.label(asset),
        verdict=answer.verdict.value,
        by_tier=by_tier,
        entities=sorted({p.label(e.entity) for e in answer.exposures}),
        providers=providers,
        mitigations=sorted({m for e in answer.exposures for m in e.mitigations}),
        gaps=[(g.kind.value, g.message) for g in answer.gaps],
        answer=answer,
    )


def _row_dict(row: AssetRow) -> dict[str, Any]:
    return {
        "asset": row.asset,
        "label": row.label,
        "verdict": row.verdict,
        "instruments_by_tier": row.by_tier,
        "compellable_entities": row.entities,
        "providers": row.providers,
        "mitigations": row.mitigations,
        "gaps": [{"kind": k, "message": m} for k, m in row.gaps],
    }


def report_json(p: Projection, report: RegisterReport) -> str:
    """The report as JSON: rows (with each full answer), totals, per instrument and provider, incomplete."""
    data = {
        "title": report.title,
        "as_of": report.as_of.isoformat(),
        "mode": report.mode,
        "totals": dict(report.totals),
        "per_instrument": {k: dict(v) for k, v in sorted(report.per_instrument.items())},
        "per_provider": {k: dict(v) for k, v in sorted(report.per_provider.items())},
        "incomplete": [
            {"asset": r.asset, "label": r.label, "gaps": [m for _, m in r.gaps]} for r in _incomplete(report)
        ],
        "assets": [{**_row_dict(r), "answer": answer_to_dict(p, r.answer)} for r in report.rows],
        "disclaimer": _DISCLAIMER,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def report_csv(report: RegisterReport) -> str:
    """One row per asset; several values in a cell are separated by ``; ``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    tiers = [str(t.name).lower() for t in _TIERS]
    writer.writerow(["asset", "label", "verdict", *tiers, "compellable_entities", "providers", "mitigations", "gaps"])
    for r in report.rows:
        cells = ["; ".join(r.by_tier.get(t, [])) for t in tiers]
        gaps = "; ".join(f"{k}: {m}" for k, m in r.gaps)
        writer.writerow(
            [
                r.asset,
                r.label,
                r.verdict,
                *cells,
                "; ".join(r.entities),
                "; ".join(r.providers),
                "; ".join(r.mitigations),
                gaps,
            ]
        )
    return out.getvalue()


def _incomplete(report: RegisterReport) -> list[AssetRow]:
    return [r for r in report.rows if r.verdict == "incomplete"]


def report_markdown(report: RegisterReport) -> str:
    """The report as Markdown: totals, one table row per asset, totals per instrument, the incomplete answers."""
    t = report.totals
    lines = [
        f"# {report.title}: who can compel access",
        "",
        f"As of {report.as_of.isoformat()}, {report.mode} mode. {t['assets']} assets: {t['exposed']} exposed, "
        f"{t['none_found']} with none found, {t['incomplete']} incomplete (facts missing).",
        "",
        "| asset | verdict | established | likely | contested | residual | may be compelled | gaps |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report.rows:
        tiers = [", ".join(r.by_tier.get(str(x.name).lower(), [])) or "–" for x in _TIERS]
        cells = [_md(r.label), r.verdict, *map(_md, tiers), _md(", ".join(r.entities) or "–"), str(len(r.gaps))]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Per instrument", "", "| instrument | assets by confidence |", "|---|---|"]
    for name, counts in sorted(report.per_instrument.items()):
        lines.append(f"| {_md(name)} | {_counts(counts)} |")
    lines += ["", "## Per provider", "", "| provider | assets by verdict |", "|---|---|"]
    for name, counts in sorted(report.per_provider.items()):
        lines.append(f"| {_md(name)} | {_counts(counts)} |")
    lines += ["", "## Incomplete answers: the facts they lack", ""]
    for r in _incomplete(report):
        lines.append(f"- **{_md(r.label)}**")
        lines += [f"  - {kind}: {_md(message)}" for kind, message in r.gaps]
    if not _incomplete(report):
        lines.append("None.")
    lines += ["", f"_{_DISCLAIMER}_", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_html(p: Projection, report: RegisterReport) -> str:
    """One self-contained HTML file (no script, no external resource), with each asset's exposure map."""
    esc = html.escape
    t = report.totals
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(report.title)}: who can compel access</title>",
        "<style>body{font:14px/1.4 sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #999;padding:.3em;vertical-align:top;text-align:left}"
        "section{page-break-inside:avoid;margin-top:2em}svg{max-width:100%;height:auto}"
        ".incomplete{background:#fff3cd}.exposed{background:#f8d7da}.none_found{background:#d1e7dd}</style>",
        "</head><body>",
        f"<h1>{esc(report.title)}: who can compel access</h1>",
        f"<p>As of {report.as_of.isoformat()}, {esc(report.mode)} mode. {t['assets']} assets: {t['exposed']} exposed, "
        f"{t['none_found']} with none found, {t['incomplete']} incomplete (facts missing).</p>",
        "<table><tr><th>asset</th><th>verdict</th><th>established</th><th>likely</th><th>contested</th>"
        "<th>residual</th><th>may be compelled</th><th>gaps</th></tr>",
    ]
    for r in report.rows:
        tiers = "".join(f"<td>{esc(', '.join(r.by_tier.get(str(x.name).lower(), [])))}</td>" for x in _TIERS)
        parts.append(
            f"<tr class='{esc(r.verdict)}'><td><a href='#{_anchor(r.asset)}'>{esc(r.label)}</a></td>"
            f"<td>{esc(r.verdict)}</td>{tiers}<td>{esc(', '.join(r.entities))}</td><td>{len(r.gaps)}</td></tr>"
        )
    parts.append("</table><h2>Per instrument</h2><table><tr><th>instrument</th><th>assets by confidence</th></tr>")
    for name, counts in sorted(report.per_instrument.items()):
        parts.append(
            f"<tr><td>{esc(name)}</td><td>{esc(', '.join(f'{k} {v}' for k, v in sorted(counts.items())))}</td></tr>"
        )
    parts.append("</table><h2>Per provider</h2><table><tr><th>provider</th><th>assets by verdict</th></tr>")
    for name, counts in sorted(report.per_provider.items()):
        parts.append(
            f"<tr><td>{esc(name)}</td><td>{esc(', '.join(f'{k} {v}' for k, v in sorted(counts.items())))}</td></tr>"
        )
    parts.append("</table><h2>Each asset</h2>")
    for r in report.rows:
        gaps = "".join(f"<li>{esc(kind)}: {esc(message)}</li>" for kind, message in r.gaps)
        parts.append(
            f"<section id='{_anchor(r.asset)}'><h3>{esc(r.label)}</h3><p>Verdict: {esc(r.verdict)}</p>"
            + (f"<ul>{gaps}</ul>" if gaps else "")
            + exposure_svg(p, r.answer)
            + "</section>"
        )
    parts.append(f"<p><em>{esc(_DISCLAIMER)}</em></p></body></html>")
    return "\n".join(parts)


def _counts(counts: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def render_report(p: Projection, report: RegisterReport, fmt: str) -> str:
    """The report in `fmt`: ``json``, ``html``, ``csv`` or ``md``."""
    if fmt == "json":
        return report_json(p, report)
    if fmt == "html":
        return report_html(p, report)
    if fmt == "csv":
        return report_csv(report)
    if fmt == "md":
        return report_markdown(report)
    raise InputError(f"unknown report format {fmt!r}; known: json, html, csv, md")


def _anchor(iri: str) -> str:
    return "a-" + "".join(c if c.isalnum() else "-" for c in iri.rsplit("/", 1)[-1])
