"""A tiny SVG writer: escaped elements, fixed number formatting, and text widths without fonts.

Charts are strings built from :func:`element` calls, so the same input always gives the
same bytes. Text widths are estimated from a per-character width table of a generic
sans-serif face (Arial, Helvetica and Liberation Sans share these metrics), padded a
little for wider fallbacks; long names are wrapped or truncated by :func:`wrap`.

Examples
--------
>>> element("text", {"x": 1.25, "y": 2, "class": "a&b"}, "Orange <S.A.>")
'<text x="1.2" y="2" class="a&amp;b">Orange &lt;S.A.&gt;</text>'
>>> round(text_width("Bleu", 13), 1)
27.6
>>> wrap("Microsoft Ireland Operations Limited", 120, 13)
['Microsoft Ireland', 'Operations Limited']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

__all__ = ["FONT_FAMILY", "SVG_NS", "Attrs", "Markup", "document", "element", "escape", "fmt", "text_width", "wrap"]

SVG_NS = "http://www.w3.org/2000/svg"
Attrs = dict[str, float | int | str | None]
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', sans-serif"
_SAFETY = 1.06  # fallback faces (DejaVu Sans) run a few percent wider than Arial
_BOLD = 1.09

# Advance widths in thousandths of an em for ASCII 32..126 (Helvetica / Arial metrics).
_ASCII = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 "
    "556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 "
    "1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 "
    "333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 "
    "556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII.split())}
_WIDTHS.update({"–": 556, "—": 1000, "…": 1000, "·": 278, "≥": 549, "≤": 549, "’": 222, "‘": 222, "→": 1000})
_WIDTHS.update({"“": 333, "”": 333, "\u00a0": 278, "€": 556, "×": 584, "é": 556, "É": 667, "ß": 611})
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _char_width(ch: str) -> int:
    known = _WIDTHS.get(ch)
    if known is not None:
        return known
    base = unicodedata.normalize("NFD", ch)[:1]
    if base in _WIDTHS:
        return _WIDTHS[base]  # accented Latin letters: the width of the base letter
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1000
    return 600


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated rendered width of `text` at font `size` (px) in a sans-serif face.

    >>> text_width("", 12)
    0.0
    >>> text_width("WW", 10) > text_width("ii", 10)
    True
    """
    em = sum(_char_width(ch) for ch in text) / 1000.0
    return em * size * _SAFETY * (_BOLD if bold else 1.0)


def _truncate(text: str, max_width: float, size: float, bold: bool) -> str:
    if text_width(text, size, bold=bold) <= max_width:
        return text
    words = text.split()
    while len(words) > 1 and text_width(" ".join(words) + "…", size, bold=bold) > max_width:
        words.pop()
    cut = " ".join(words)
    if text_width(cut + "…", size, bold=bold) <= max_width and text_width(cut, size, bold=bold) >= max_width / 2:
        return cut + "…"  # cut between words when that keeps half the line
    while text and text_width(text + "…", size, bold=bold) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, max_width: float, size: float, *, max_lines: int = 2, bold: bool = False) -> list[str]:
    """Break `text` into at most `max_lines` lines no wider than `max_width`; cut the rest with "…".

    A word longer than a line is cut too. The full text belongs in a ``<title>``.

    >>> wrap("Caisse des Dépôts et Consignations", 110, 12, max_lines=2)
    ['Caisse des Dépôts', 'et Consignations']
    >>> wrap("Deutsche Telekom Aktiengesellschaft", 120, 12, max_lines=1)
    ['Deutsche Telekom…']
    """
    if max_lines < 1:
        raise ValueError("max_lines must be >= 1")
    words = text.split()
    lines: list[str] = []
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and text_width(line + " " + words[0], size, bold=bold) <= max_width:
            line += " " + words.pop(0)
        lines.append(line)
    if words:
        lines[-1] = lines[-1] + " " + " ".join(words)
    return [_truncate(line, max_width, size, bold) for line in lines] or [""]


def escape(text: str) -> str:
    """Escape text for XML content or a double-quoted attribute; drop characters XML forbids.

    >>> escape('a < b & "c"')
    'a &lt; b &amp; &quot;c&quot;'
    """
    text = _CONTROL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def fmt(value: float | int | str) -> str:
    """A number with at most one decimal, without a trailing ``.0`` (strings pass through escaped).

    >>> fmt(12.0), fmt(3.14159), fmt(-0.04), fmt("a")
    ('12', '3.1', '0', 'a')
    """
    if isinstance(value, str):
        return escape(value)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Markup(str):
    """A string that already is SVG markup: :func:`element` inserts it as it is."""

    __slots__ = ()


def element(tag: str, attrs: Mapping[str, float | int | str | None] | None = None, *children: str) -> Markup:
    """One element: attributes in the given order (``None`` values left out), children escaped.

    A child that is :class:`Markup` (what :func:`element` returns) is inserted as it is;
    any other string is text and is escaped.

    >>> element("g", {"id": "n"}, element("text", None, "< 10 %"), " & more")
    '<g id="n"><text>&lt; 10 %</text> &amp; more</g>'
    """
    parts = [tag] + [f'{k}="{fmt(v)}"' for k, v in (attrs or {}).items() if v is not None]
    head = " ".join(parts)
    if not children:
        return Markup(f"<{head}/>")
    body = "".join(c if isinstance(c, Markup) else escape(c) for c in children)
    return Markup(f"<{head}>{body}</{tag}>")


def document(
    width: float,
    height: float,
    *,
    title: str,
    desc: str,
    style: str,
    body: Sequence[Markup],
    defs: str = "",
    id: str | None = None,
) -> str:
    """A standalone, accessible SVG document (``role="img"``, ``<title>``, ``<desc>``, ``aria-label``).

    >>> import xml.etree.ElementTree as ET
    >>> root = ET.fromstring(document(10, 10, title="T", desc="D", style="", body=[]))
    >>> root.get("role"), root.get("aria-label"), root[0].text
    ('img', 'T', 'T')
    """
    attrs: Attrs = {
        "xmlns": SVG_NS,
        "id": id,
        "width": width,
        "height": height,
        "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
        "role": "img",
        "aria-label": title,
        "font-family": FONT_FAMILY,
    }
    head = [element("title", None, title), element("desc", None, desc)]
    if style:
        head.append(element("style", None, style))
    if defs:
        head.append(Markup(f"<defs>{defs}</defs>"))
    # No XML declaration: the document can be inlined in HTML as it is.
    return element("svg", attrs, *head, *body) + "\n"
