"""Pictures of answers as SVG: the ownership chart of an organization and the exposure map of an asset.

:func:`ownership_svg`: owners up to the ultimate ones and holdings down, as of a date;
arrows from owner to owned labelled "owns 51 %" (or a range, or "share unknown"), joint
control dashed, indirect holdings dotted, a jurisdiction badge on every node, EU/EEA in
its own colour *and* badge. :func:`exposure_svg`: an :class:`~longarm.graph.engine.reach.Answer`
as columns asset → services → custodians → controllers → jurisdictions → instruments →
authorities, coloured by confidence tier, mitigated paths dashed. Deterministic, valid
XML, self-contained (no external reference), accessible (``role="img"``, title, desc).

Examples
--------
>>> import datetime as dt
>>> import xml.etree.ElementTree as ET
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> svg = ownership_svg(p, iri("org", "bleu"), as_of=dt.date(2025, 1, 1), link_base="/explore/")
>>> ET.fromstring(svg).get("aria-label")
'Ownership of Bleu as of 2025-01-01'
>>> "joint control" in svg and 'href="/explore/org/orange"' in svg
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from itertools import pairwise

from ...ontology.namespace import LX, LXS, split_entity_iri
from ..base.errors import InputError, UnknownReferenceError
from ..engine.ownership import DEFAULT_MAX_DEPTH, capital_and_votes, ownership_chain
from ..engine.reach import Answer, Exposure
from ..engine.rules import CONTESTED, ESTABLISHED, LIKELY, RESIDUAL, Tier
from ..projection.model import Interest, Projection, iri
from .chartkit import JURISDICTION_LEGEND, Card, Edge, LegendItem, draw

__all__ = ["MAX_CHART_NODES", "exposure_svg", "jurisdiction_badge", "org_card", "ownership_svg", "share_words"]

MAX_CHART_NODES = 60
_JOINT, _SHARES, _UNCERTAIN = str(LX.JointControl), str(LX.Shareholding), str(LX.Uncertain)
_HOSTED_ON = str(LX.hostedOn)
_TIERS = (ESTABLISHED, LIKELY, CONTESTED, RESIDUAL)  # strongest first
# Colour (dark reads strong), line width, and the tier word on instrument nodes: never colour alone.
TIER_STYLE = {
    ESTABLISHED: ("#8E1B10", 3.4),
    LIKELY: ("#D55E00", 2.6),
    CONTESTED: ("#3A8FC7", 1.9),
    RESIDUAL: ("#8C8C8C", 1.5),
}


def _uid(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:8]


def _href(link_base: str | None, node: str) -> str | None:
    split = split_entity_iri(node) if link_base is not None else None
    return f"{link_base}{split[0]}/{split[1]}" if split else None


def jurisdiction_badge(p: Projection, jurisdictions: list[str]) -> tuple[str, str]:
    """Badge text and style for jurisdiction IRIs: ``("FR · EU", "eu")``, ``("US", "non-eu")`` or ``("?", "unknown")``.

    >>> from longarm.graph.projection.model import Projection
    >>> p = Projection(jurisdictions={iri("jur", "NO"): "NO"}, member_of={iri("jur", "NO"): {iri("jur", "EEA")}})
    >>> jurisdiction_badge(p, [iri("jur", "NO")]), jurisdiction_badge(p, [])
    (('NO · EEA', 'eu'), ('?', 'unknown'))
    """
    if not jurisdictions:
        return "?", "unknown"
    codes = "/".join(p.jurisdictions.get(j, p.label(j)) for j in jurisdictions[:2])
    if any(p.within(j, iri("jur", "EU")) for j in jurisdictions):
        return f"{codes} · EU", "eu"
    if any(p.within(j, iri("jur", "EEA")) for j in jurisdictions):
        return f"{codes} · EEA", "eu"
    return codes, "non-eu"


def org_card(
    p: Projection, node: str, link_base: str | None, *, focus: bool = False, column: int | None = None
) -> Card:
    """The card of an organization: its name, its jurisdiction badge, a link to its explorer page under `link_base`."""
    org = p.orgs.get(node)
    js = sorted(org.incorporated or org.headquarters) if org else []
    text, style = jurisdiction_badge(p, js)
    where = ", ".join(p.label(j) for j in js) or "jurisdiction not recorded"
    kind = f", {p.label(org.kind)}" if org and org.kind else ""
    return Card(
        node,
        p.label(node),
        (text, style),
        href=_href(link_base, node),
        tooltip=f"{p.label(node)} ({where}{kind})",
        style=style,
        focus=focus,
        column=column,
    )


def share_words(p: Projection, interest: Interest) -> tuple[str, ...]:
    """The label lines of an interest: the share (or range, or "share unknown") and its qualifiers.

    >>> share_words(Projection(), Interest("x", capital=51.0, indirect=True))
    ('owns 51 %', 'indirect')
    >>> share_words(Projection(), Interest("x", capital_min=10.0, capital_max=20.0, votes=25.0))
    ('owns 10–20 %', '25 % of votes')
    """
    if interest.kind == LXS.consolidatedBy:  # not a stake: the owned one's consolidated accounts
        return ("consolidates it", "accounting, not ownership")
    capital, votes = capital_and_votes(interest)
    head = f"owns {capital}" if capital else (f"{votes} of votes" if votes else "share unknown")
    more = [p.label(interest.kind)] if interest.kind and interest.kind != _SHARES else []
    more += [f"{votes} of votes"] if capital and votes else []
    more += ["indirect"] if interest.indirect else []
    more += ["uncertain"] if interest.confidence == _UNCERTAIN else []
    return (head, ", ".join(more)) if more else (head,)


def ownership_svg(
    p: Projection,
    org: str,
    *,
    as_of: dt.date,
    up_depth: int = DEFAULT_MAX_DEPTH,
    down_depth: int = 1,
    link_base: str | None = None,
    max_nodes: int = MAX_CHART_NODES,
) -> str:
    """The ownership chart of `org` on `as_of`: owners `up_depth` levels up, holdings `down_depth` down.

    At most `max_nodes` organizations are drawn, nearest first; a note says what was left
    out. With `link_base`, each node links to ``{link_base}{kind}/{slug}``.
    """
    if org not in p.orgs:
        raise UnknownReferenceError(org, what="organization")
    if up_depth < 0 or down_depth < 0 or max_nodes < 1:
        raise InputError("up_depth and down_depth must be >= 0, and max_nodes >= 1")
    return _ownership(p, org, as_of, up_depth, down_depth, link_base, max_nodes)


def _ownership(
    p: Projection, org: str, as_of: dt.date, up: int, down: int, link_base: str | None, max_nodes: int
) -> str:
    links = ownership_chain(p, org, as_of, max_depth=up)
    links += ownership_chain(p, org, as_of, direction="down", max_depth=down)
    nodes: dict[str, None] = {org: None}
    groups: dict[tuple[str, str], list[Interest]] = {}
    left_out, seen = 0, set[str]()
    for link in sorted(links, key=lambda link: link.depth):  # stable: owners before holdings at each depth
        i = link.interest
        if i.iri in seen or i.owner == i.owned:
            continue
        seen.add(i.iri)
        new = [n for n in (i.owner, i.owned) if n not in nodes]
        if len(nodes) + len(new) > max_nodes:
            left_out += 1
            continue
        nodes.update(dict.fromkeys(new))
        groups.setdefault((i.owner, i.owned), []).append(i)
    cards = [org_card(p, n, link_base, focus=n == org) for n in nodes]
    edges: list[Edge] = []
    desc = [f"Ownership chart of {p.label(org)} as of {as_of.isoformat()}."]
    for (owner, owned), interests in sorted(groups.items(), key=lambda kv: (p.label(kv[0][0]), p.label(kv[0][1]))):
        interests.sort(key=lambda i: i.iri)
        words = tuple(w for i in interests for w in share_words(p, i))
        indirect = "2 3" if all(i.indirect for i in interests) else None
        dash = "7 4" if any(i.kind == _JOINT for i in interests) else indirect
        tip = f"{p.label(owner)} → {p.label(owned)}: {', '.join(words)}"
        edges.append(Edge(owner, owned, words, dash=dash, tooltip=tip))
        desc.append(tip + ".")
    legend = [
        *JURISDICTION_LEGEND,
        LegendItem(f"{p.label(org)} (focus)", focus=True),
        LegendItem("from owner to owned", edge=Edge("", "")),
        LegendItem("joint control", edge=Edge("", "", dash="7 4")),
        LegendItem("indirect holding", edge=Edge("", "", dash="2 3")),
    ]
    notes = [
        "Shares as recorded in the sources, for the interests valid on that date; "
        "“share unknown” where no share is recorded."
    ]
    if left_out:
        notes.append(f"{left_out} more interest(s) not drawn: the chart shows at most {max_nodes} organizations.")
    levels = f"owners up to {up} level(s) above, holdings down to {down} level(s) below"
    return draw(
        cards,
        edges,
        title=f"Ownership of {p.label(org)} as of {as_of.isoformat()}",
        subtitle=f"{levels} · {len(cards)} organization(s), {len(edges)} link(s)",
        legend=legend,
        notes=notes,
        desc=" ".join(desc),
        uid=_uid("lxo", org, as_of.isoformat(), str(up), str(down)),
        direction="auto",
    )


# ---------------------------------------------------------------------- exposure map

_DESCRIBED = "described-asset"
_COLUMNS = ("Data asset", "Services", "Custodians", "Controllers", "Jurisdictions", "Instruments", "Authorities")


def _mitigation(e: Exposure) -> str | None:
    if any("ciphertext" in m for m in e.mitigations):
        return "ciphertext only"
    return "no access by contract" if e.mitigations else None


def exposure_svg(p: Projection, answer: Answer, *, link_base: str | None = None) -> str:
    """The exposure map of an answer of :func:`~longarm.graph.engine.reach.compel`, from its exposure paths.

    Sanctions (availability) findings are not drawn; a note counts them.
    """
    if not isinstance(answer, Answer):
        raise InputError("exposure_svg draws an Answer of compel()")
    return _exposures(p, answer, link_base)


def _map_card(
    p: Projection, answer: Answer, node: str, column: int, tiers: dict[str, set[str]], link_base: str | None
) -> Card:
    href = _href(link_base, node)
    if node == (answer.asset or _DESCRIBED):
        return Card(node, answer.asset_label, caption="data asset", href=href, focus=True, column=column)
    if node in p.instruments:
        best = sorted(tiers[node], key=_TIERS.index)
        color, width = TIER_STYLE[Tier(best[0])]
        words = ", ".join(p.label(t) for t in best)
        return Card(node, p.label(node), caption=words, href=href, stroke=color, stroke_width=width, column=column)
    if node in p.jurisdictions or node in p.authority_jurisdiction:
        text, style = jurisdiction_badge(p, [node] if node in p.jurisdictions else [p.authority_jurisdiction[node]])
        return Card(node, p.label(node), (text, style), href=href, style=style, column=column)
    if node in p.services:
        return Card(node, p.label(node), href=href, column=column)
    return org_card(p, node, link_base, column=column)


def _exposures(p: Projection, answer: Answer, link_base: str | None) -> str:
    asset = answer.asset or _DESCRIBED
    column: dict[str, int] = {asset: 0}
    through: dict[tuple[str, str], list[int]] = {}
    chains: list[list[str]] = []
    for k, e in enumerate(answer.exposures):
        ins = p.instruments[e.instrument]
        hosted = next((s.object for s in e.path if s.predicate == _HOSTED_ON), None)
        custodian = e.custodian or e.entity
        chain = [(asset, 0), *([(hosted, 1)] if hosted is not None and hosted in p.services else []), (custodian, 2)]
        chain += [(e.entity, 3)] if e.entity != custodian else []
        chain += [*([(ins.enacted_by, 4)] if ins.enacted_by else []), (ins.iri, 5)]
        for node, col in chain:
            column[node] = min(column.get(node, col), col)
        names = [n for n, _ in chain]
        chains.append(names)
        for pair in [*pairwise(names), *((ins.iri, a) for a in sorted(ins.authorities))]:
            through.setdefault(pair, []).append(k)
            column.setdefault(pair[1], 6)
    used = sorted(set(column.values()))
    tiers: dict[str, set[str]] = {}
    for e in answer.exposures:
        tiers.setdefault(e.instrument, set()).add(e.tier)
    cards = [
        _map_card(p, answer, node, 2 * used.index(col), tiers, link_base)
        for node, col in sorted(column.items(), key=lambda kv: (kv[1], p.label(kv[0]), kv[0]))
    ]
    mitigated_label: dict[tuple[str, str], str] = {}
    for k, names in enumerate(chains):
        what = _mitigation(answer.exposures[k])
        for pair in pairwise(names):
            if what and all(_mitigation(answer.exposures[j]) for j in through[pair]):
                mitigated_label.setdefault(pair, what)
                break
    edges: list[Edge] = []
    desc = [f"Exposure map of {answer.asset_label} as of {answer.as_of.isoformat()} ({answer.mode} mode)."]
    for (u, v), ks in sorted(through.items(), key=lambda kv: (column[kv[0][0]], p.label(kv[0][0]), p.label(kv[0][1]))):
        tier = min((answer.exposures[k].tier for k in ks), key=_TIERS.index)
        color, width = TIER_STYLE[tier]
        mitigated = all(_mitigation(answer.exposures[k]) for k in ks)
        label = (mitigated_label[u, v],) if (u, v) in mitigated_label else ()
        tip = f"{p.label(u) if u != asset else answer.asset_label} → {p.label(v)}: {p.label(tier)}"
        edges.append(
            Edge(
                u,
                v,
                label,
                color=color,
                width=width,
                dash="6 4" if mitigated else None,
                tooltip=tip + (" (mitigated)" if mitigated else ""),
            )
        )
    for e in answer.exposures:
        what = _mitigation(e)
        desc.append(
            f"{p.label(e.entity)} may be compelled under {p.label(e.instrument)} ({p.label(e.tier)}), "
            f"holding the data or controlling {p.label(e.custodian or e.entity)}"
            + (f"; mitigated: {what}." if what else ".")
        )
    legend = [LegendItem(f"{p.label(t)}", edge=Edge("", "", color=c, width=w)) for t, (c, w) in TIER_STYLE.items()]
    legend += [LegendItem("mitigated (e.g. ciphertext only)", edge=Edge("", "", dash="6 4")), *JURISDICTION_LEGEND]
    notes = [f"Verdict: {answer.verdict.words}."]
    notes += [f"Missing ({g.kind.value}): {g.message}" for g in answer.gaps]
    conflicts = sorted({p.label(c) for e in answer.exposures for c, _ in e.conflicts})
    if conflicts:
        notes.append(f"Conflicting law recorded for some exposures: {'; '.join(conflicts)}.")
    if answer.availability:
        notes.append(f"{len(answer.availability)} sanctions (availability) finding(s) are not drawn.")
    notes.append("Confidence tiers are readings of recorded, sourced facts (who may be compelled), not legal advice.")
    headings = {2 * used.index(c): _COLUMNS[c] for c in used}
    title = f"Who may be compelled to give access to {answer.asset_label}, as of {answer.as_of.isoformat()}"
    return draw(
        cards,
        edges,
        title=f"{title} ({answer.mode} mode)",
        subtitle=f"{len(answer.exposures)} exposure(s); colour, line width and the tier word give the confidence tier",
        legend=legend,
        notes=notes,
        desc=" ".join(desc),
        direction="right",
        headings=headings,
        uid=_uid("lxe", asset, answer.as_of.isoformat(), answer.mode),
    )
