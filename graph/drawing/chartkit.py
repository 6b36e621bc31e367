"""The parts the charts share: node cards with jurisdiction badges, edges, a legend and the frame.

A chart is a :class:`Card` per node and an :class:`Edge` per arrow; :func:`draw` lays
them out with :func:`~longarm.graph.drawing.layout.layered_layout` and returns the SVG
document, with a title, a subtitle, a legend and footnotes. Colours come from
colour-blind-safe palettes and never carry meaning alone: a badge, a stripe pattern, a
line width or a dash says the same thing.

Examples
--------
>>> import xml.etree.ElementTree as ET
>>> cards = [Card("a", "Orange S.A.", badge=("FR · EU", "eu")), Card("b", "Bleu", badge=("FR · EU", "eu"))]
>>> svg = draw(cards, [Edge("a", "b", ("owns 50 %",))], title="Ownership of Bleu", subtitle="",
...            legend=[], notes=[], desc="", uid="doc")
>>> root = ET.fromstring(svg)
>>> root.get("role"), [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")][:3]
('img', ['Ownership of Bleu', 'owns 50 %', 'Orange S.A.'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from .layout import Box, Layout, layered_layout
from .svg import Attrs, Markup, document, element, fmt, text_width, wrap

__all__ = ["BADGE_STYLES", "JURISDICTION_LEGEND", "Card", "Edge", "LegendItem", "badge_markup", "draw", "line_markup"]

# Okabe-Ito / Tol colours: blue for EU/EEA, orange (with a hatched stripe) for the rest.
BADGE_STYLES = {
    "eu": {"stroke": "#0072B2", "fill": "#E6F1FA", "badge": "#0072B2", "text": "#FFFFFF"},
    "non-eu": {"stroke": "#C75A00", "fill": "#FDF0E4", "badge": "#FFFFFF", "text": "#8A3D00"},
    "unknown": {"stroke": "#7A7A7A", "fill": "#F3F3F3", "badge": "#FFFFFF", "text": "#444444"},
    "plain": {"stroke": "#5A5A5A", "fill": "#FFFFFF", "badge": "#FFFFFF", "text": "#333333"},
}
NAME_SIZE, NOTE_SIZE, LABEL_SIZE, BADGE_SIZE = 12.5, 11.0, 11.0, 10.0
_NAME_WIDTH, _PAD, _STRIPE = 150.0, 8.0, 6.0
_INK = "#222222"
_WIDE = 1600.0  # px: an auto chart wider than this (and than twice its height) turns left to right


@dataclass(frozen=True)
class Card:
    """A node: its name, an optional badge (text, style) and caption, where it links, how it stands out."""

    id: str
    name: str
    badge: tuple[str, str] | None = None
    caption: str = ""
    href: str | None = None
    tooltip: str = ""
    style: str = "plain"
    focus: bool = False
    stroke: str | None = None
    stroke_width: float = 1.2
    column: int | None = None


@dataclass(frozen=True)
class Edge:
    """An arrow from `source` to `target`, with label lines, a colour, a width and a dash pattern."""

    source: str
    target: str
    label: tuple[str, ...] = ()
    color: str = "#444444"
    width: float = 1.4
    dash: str | None = None
    tooltip: str = ""


@dataclass(frozen=True)
class LegendItem:
    """One legend entry: a swatch (an edge, a card style or a focus frame) and its words."""

    words: str
    edge: Edge | None = None
    card_style: str | None = None
    badge: str = ""
    focus: bool = False


JURISDICTION_LEGEND = (
    LegendItem("EU / EEA jurisdiction (badge “FR · EU”)", card_style="eu"),
    LegendItem("outside the EU / EEA (hatched stripe)", card_style="non-eu"),
    LegendItem("jurisdiction not recorded (“?”)", card_style="unknown"),
)


def _lines(card: Card) -> list[str]:
    return wrap(card.name, _NAME_WIDTH, NAME_SIZE, max_lines=2, bold=card.focus)


def _size(card: Card) -> tuple[float, float]:
    lines = _lines(card)
    w = max(text_width(x, NAME_SIZE, bold=card.focus) for x in lines)
    h = 10 + 15 * len(lines)
    extra = [text_width(card.badge[0], BADGE_SIZE) + 10] if card.badge else []
    extra += [text_width(card.caption, NOTE_SIZE)] if card.caption else []
    if extra:
        w, h = max(w, sum(extra) + 6 * (len(extra) - 1)), h + 19
    return round(max(w, 48) + 2 * _PAD + _STRIPE, 1), h


def badge_markup(text: str, style: str, x: float, y: float) -> Markup:
    """A jurisdiction badge (rounded pill with its code) whose top-left corner is at (x, y)."""
    s = BADGE_STYLES[style]
    w = text_width(text, BADGE_SIZE) + 10
    pill: Attrs = {"x": x, "y": y, "width": w, "height": 15, "rx": 7.5, "fill": s["badge"], "stroke": s["stroke"]}
    words: Attrs = {"x": x + w / 2, "y": y + 11, "font-size": BADGE_SIZE, "text-anchor": "middle", "fill": s["text"]}
    return element("g", None, element("rect", pill), element("text", words, text))


def _card_markup(card: Card, b: Box, uid: str) -> Markup:
    s = BADGE_STYLES[card.style]
    stroke = _INK if card.focus else (card.stroke or s["stroke"])
    width = 3.0 if card.focus else card.stroke_width
    frame: Attrs = {"x": b.x, "y": b.y, "width": b.w, "height": b.h, "rx": 5, "fill": s["fill"]}
    parts = [element("title", None, card.tooltip or card.name), element("rect", frame)]
    stripe = s["stroke"] if card.style != "non-eu" else f"url(#{uid}-hatch)"
    if card.style != "plain":
        x, y, r = b.x, b.y, 5  # the stripe follows the frame's rounded corners
        d = (
            f"M{fmt(x + r)} {fmt(y)}H{fmt(x + _STRIPE)}V{fmt(y + b.h)}H{fmt(x + r)}"
            f"A{r} {r} 0 0 1 {fmt(x)} {fmt(y + b.h - r)}V{fmt(y + r)}A{r} {r} 0 0 1 {fmt(x + r)} {fmt(y)}Z"
        )
        parts.append(element("path", {"d": d, "fill": stripe}))
    x0 = b.x + _STRIPE + _PAD
    for i, line in enumerate(_lines(card)):
        attrs: Attrs = {"x": x0, "y": b.y + 20 + 15 * i, "font-size": NAME_SIZE, "fill": _INK}
        parts.append(element("text", {**attrs, "font-weight": "bold" if card.focus else None}, line))
    row = b.y + b.h - 21
    if card.badge:
        parts.append(badge_markup(card.badge[0], card.badge[1], x0, row))
        x0 += text_width(card.badge[0], BADGE_SIZE) + 16
    if card.caption:
        parts.append(element("text", {"x": x0, "y": row + 11, "font-size": NOTE_SIZE, "fill": _INK}, card.caption))
    border: Attrs = {"x": b.x, "y": b.y, "width": b.w, "height": b.h, "rx": 5, "fill": "none", "stroke": stroke}
    parts.append(element("rect", {**border, "stroke-width": width, "class": "lx-box"}))
    group = element("g", None, *parts)
    return element("a", {"href": card.href}, group) if card.href else group


def _path(points: Sequence[tuple[float, float]], down: bool) -> str:
    d = [f"M{fmt(points[0][0])} {fmt(points[0][1])}"]
    for (x1, y1), (x2, y2) in pairwise(points):
        if x1 == x2 or y1 == y2:
            d.append(f"L{fmt(x2)} {fmt(y2)}")
        elif down:  # a slant between two bands: a curve leaving and arriving straight
            m = (y1 + y2) / 2
            d.append(f"C{fmt(x1)} {fmt(m)} {fmt(x2)} {fmt(m)} {fmt(x2)} {fmt(y2)}")
        else:
            m = (x1 + x2) / 2
            d.append(f"C{fmt(m)} {fmt(y1)} {fmt(m)} {fmt(y2)} {fmt(x2)} {fmt(y2)}")
    return " ".join(d)


def line_markup(edge: Edge, points: Sequence[tuple[float, float]], uid: str, down: bool = True) -> Markup:
    """An edge as a path with an arrowhead (a marker of its own colour)."""
    attrs: Attrs = {
        "d": _path(points, down),
        "fill": "none",
        "stroke": edge.color,
        "stroke-width": edge.width,
        "stroke-dasharray": edge.dash,
        "marker-end": f"url(#{uid}-arrow{edge.color.lstrip('#')})",
    }
    return element("path", attrs, *([element("title", None, edge.tooltip)] if edge.tooltip else []))


def _label_markup(edge: Edge, b: Box) -> Markup:
    texts = [
        element("text", {"x": b.x, "y": b.y + 10 + 13 * i, "font-size": LABEL_SIZE, "fill": _INK}, line)
        for i, line in enumerate(edge.label)
    ]
    return element("g", None, *texts)


def _legend(items: Sequence[LegendItem], width: float, y: float, uid: str) -> tuple[list[Markup], float]:
    out, x, row = [], 0.0, 0
    for item in items:
        w = 40 + text_width(item.words, NOTE_SIZE) + 22
        if x + w > width and x > 0:
            x, row = 0.0, row + 1
        top = y + 24 * row
        if item.edge is not None:
            out.append(line_markup(item.edge, [(x, top + 9), (x + 32, top + 9)], uid, down=False))
        else:
            style = BADGE_STYLES[item.card_style or "plain"]
            swatch: Attrs = {"x": x, "y": top, "width": 32, "height": 18, "rx": 3, "fill": style["fill"]}
            stroke: Attrs = {"stroke": _INK, "stroke-width": 3} if item.focus else {"stroke": style["stroke"]}
            out.append(element("rect", {**swatch, **stroke}))
            if item.card_style == "non-eu":
                out.append(element("rect", {"x": x, "y": top, "width": 6, "height": 18, "fill": f"url(#{uid}-hatch)"}))
            elif item.card_style in ("eu", "unknown"):
                out.append(element("rect", {"x": x, "y": top, "width": 6, "height": 18, "fill": style["stroke"]}))
        out.append(element("text", {"x": x + 40, "y": top + 13, "font-size": NOTE_SIZE, "fill": _INK}, item.words))
        x += w
    return out, (24 * (row + 1) if items else 0)


def _defs(uid: str, colors: set[str]) -> str:
    hatch = element(
        "pattern",
        {
            "id": f"{uid}-hatch",
            "width": 6,
            "height": 6,
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
        element("rect", {"width": 6, "height": 6, "fill": "#FFFFFF"}),
        element("rect", {"width": 3, "height": 6, "fill": BADGE_STYLES["non-eu"]["stroke"]}),
    )
    markers = [
        element(
            "marker",
            {
                "id": f"{uid}-arrow{c.lstrip('#')}",
                "viewBox": "0 0 10 10",
                "refX": 9,
                "refY": 5,
                "markerWidth": 7,
                "markerHeight": 7,
                "markerUnits": "userSpaceOnUse",
                "orient": "auto",
            },
            element("path", {"d": "M0 0 L10 5 L0 10 z", "fill": c}),
        )
        for c in sorted(colors)
    ]
    return hatch + "".join(markers)


def draw(
    cards: Sequence[Card],
    edges: Sequence[Edge],
    *,
    title: str,
    subtitle: str,
    legend: Sequence[LegendItem],
    notes: Sequence[str],
    desc: str,
    uid: str,
    direction: Literal["down", "right", "auto"] = "down",
    headings: dict[int, str] | None = None,
) -> str:
    """Lay out and draw a chart; `uid` prefixes the ids of its patterns and markers.

    ``direction="auto"`` draws top-down unless that is much wider than high (a broad
    group of subsidiaries): then left to right, which scrolls down rather than sideways.
    """
    sizes = {c.id: _size(c) for c in cards}
    labels = {
        i: (max(text_width(x, LABEL_SIZE) for x in e.label) + 2, 13.0 * len(e.label))
        for i, e in enumerate(edges)
        if e.label
    }
    columns = {c.id: c.column for c in cards if c.column is not None}

    def lay_out(towards: Literal["down", "right"]) -> Layout:
        return layered_layout(
            sizes,
            [(e.source, e.target) for e in edges],
            labels=labels,
            keys={c.id: c.name for c in cards},
            min_rank=columns,
            direction=towards,
            rank_gap=26.0 if towards == "down" else 30.0,
        )

    down = direction != "right"
    lay = lay_out("down" if down else "right")
    if direction == "auto" and lay.width > _WIDE and lay.width > 2 * lay.height:
        lay, down = lay_out("right"), False
    margin = 16.0
    width = max(lay.width, 560.0)
    head = [
        element("text", {"x": 0, "y": 18 + 21 * i, "font-size": 16, "font-weight": "bold", "fill": _INK}, t)
        for i, t in enumerate(wrap(title, width, 16, max_lines=3, bold=True))
    ]
    y = 21.0 * len(head) + 4
    if subtitle:
        head.append(element("text", {"x": 0, "y": y + 12, "font-size": NOTE_SIZE, "fill": "#444444"}, subtitle))
        y += 20
    marks, legend_h = _legend(legend, width, y + 6, uid)
    y += legend_h + 14
    if headings:
        for col, words in sorted(headings.items()):
            ranks = [lay.nodes[c.id] for c in cards if c.column == col]
            if ranks:
                x = min(b.x for b in ranks)
                head.append(
                    element(
                        "text",
                        {"x": x, "y": y + 12, "font-size": NOTE_SIZE, "font-weight": "bold", "fill": "#444444"},
                        words,
                    )
                )
        y += 22
    body = [element("rect", {"x": 0, "y": 0, "width": "100%", "height": "100%", "fill": "#FFFFFF"})]
    chart = [line_markup(e, lay.routes[i], uid, down) for i, e in enumerate(edges) if lay.routes[i]]
    chart += [_label_markup(edges[i], b) for i, b in sorted(lay.labels.items())]
    chart += [_card_markup(c, lay.nodes[c.id], uid) for c in cards]
    lines = [line for n in notes for line in wrap(n, width, NOTE_SIZE, max_lines=3)]
    foot = [
        element("text", {"x": 0, "y": y + lay.height + 26 + 15 * i, "font-size": NOTE_SIZE, "fill": "#444444"}, n)
        for i, n in enumerate(lines)
    ]
    height = y + lay.height + (15 * len(foot) + 24 if foot else 4)
    inner = element(
        "g",
        {"transform": f"translate({fmt(margin)} {fmt(margin)})"},
        *head,
        *marks,
        element("g", {"transform": f"translate(0 {fmt(y)})"}, *chart),
        *foot,
    )
    style = f"#{uid} a:hover .lx-box,#{uid} a:focus .lx-box{{stroke-width:3.5}}"
    colors = {e.color for e in edges} | {i.edge.color for i in legend if i.edge}
    return document(
        width + 2 * margin,
        height + 2 * margin,
        title=title,
        desc=desc,
        style=style,
        body=[*body, inner],
        defs=_defs(uid, colors),
        id=uid,
    )
