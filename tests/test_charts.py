"""SVG charts: ownership charts and exposure maps on the bundled data, and the SVG writer they use."""

from __future__ import annotations

import datetime as dt
import random
import re
import xml.etree.ElementTree as ET

import pytest

from longarm.graph.base.errors import InputError, UnknownReferenceError
from longarm.graph.drawing.charts import (
    MAX_CHART_NODES,
    TIER_STYLE,
    exposure_svg,
    jurisdiction_badge,
    ownership_svg,
    share_words,
)
from longarm.graph.drawing.svg import SVG_NS, escape, text_width, wrap
from longarm.graph.engine.reach import AssetSpec, compel
from longarm.graph.engine.rules import ESTABLISHED, LIKELY
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import Interest, Org, Projection, iri
from longarm.graph.projection.reader import build_projection
from longarm.graph.store.embedded import Store
from longarm.ontology.namespace import LX

NS = {"s": SVG_NS}
DAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def p(bundled_store: Store) -> Projection:
    return projection_for(bundled_store)


def _root(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # valid XML, or this raises
    assert root.tag == f"{{{SVG_NS}}}svg"
    return root


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in _root(svg).iter(f"{{{SVG_NS}}}text")]


def _accessible(svg: str) -> None:
    root = _root(svg)
    assert root.get("role") == "img"
    title, desc = root.find("s:title", NS), root.find("s:desc", NS)
    assert title is not None and desc is not None and title.text and desc.text
    assert root.get("aria-label") == title.text


def _self_contained(svg: str) -> None:
    urls = set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", svg))
    assert urls <= {SVG_NS}, urls
    assert "xlink" not in svg and "@import" not in svg and "<image" not in svg and "<script" not in svg
    refs = set(re.findall(r"url\(#([^)]+)\)", svg))
    assert refs and all(f'id="{r}"' in svg for r in refs)  # every internal reference resolves


# ---------------------------------------------------------------------- ownership


def test_bleu_chart_shows_its_joint_owners(p: Projection) -> None:
    svg = ownership_svg(p, iri("org", "bleu"), as_of=DAY)
    texts = _texts(svg)
    assert {"Orange S.A.", "Capgemini S.E.", "Bleu"} <= set(texts)
    assert texts.count("share unknown") == 2 and texts.count("joint control") == 2 + 1  # two edges and the legend
    assert "owns 13.39 %" in texts and "owns 9.56 %" in texts  # Orange's owners, up the chain
    assert texts[0] == "Ownership of Bleu as of 2025-06-01"
    assert 'stroke-dasharray="7 4"' in svg  # joint control is dashed
    assert "FR · EU" in texts
    _accessible(svg)
    _self_contained(svg)


def test_focus_is_highlighted_and_links_follow_link_base(p: Projection) -> None:
    svg = ownership_svg(p, iri("org", "bleu"), as_of=DAY, link_base="/explore/")
    root = _root(svg)
    links = {a.get("href") for a in root.iter(f"{{{SVG_NS}}}a")}
    assert {"/explore/org/bleu", "/explore/org/orange", "/explore/org/capgemini"} <= links
    assert all(link and link.startswith("/explore/org/") for link in links)
    assert "<a " not in ownership_svg(p, iri("org", "bleu"), as_of=DAY)  # the CLI passes no link base
    bold = [t.text for t in root.iter(f"{{{SVG_NS}}}text") if t.get("font-weight") == "bold"]
    assert "Bleu" in bold and "Orange S.A." not in bold


def test_depth_bounds_both_ways(p: Projection) -> None:
    one_up = _texts(ownership_svg(p, iri("org", "bleu"), as_of=DAY, up_depth=1))
    assert "Orange S.A." in one_up and "Bpifrance" not in one_up
    nothing = _texts(ownership_svg(p, iri("org", "microsoft-corporation"), as_of=DAY, up_depth=0, down_depth=0))
    assert "Microsoft Ireland Operations Limited" not in nothing
    down = ownership_svg(p, iri("org", "microsoft-corporation"), as_of=DAY, down_depth=2)
    texts = _texts(down)
    assert {"Microsoft France SAS", "US"} <= set(texts) and any("Microsoft Ireland" in t for t in texts)
    assert "indirect" in " ".join(texts)


def test_as_of_changes_the_chart(p: Projection) -> None:
    before = _texts(ownership_svg(p, iri("org", "bleu"), as_of=dt.date(2023, 1, 1)))
    assert "Orange S.A." not in before and before[0].endswith("2023-01-01")  # Bleu's owners hold from 2024


def test_deterministic(p: Projection, bundled_store: Store) -> None:
    fresh = build_projection(bundled_store)  # same facts, objects built anew
    for draw in (
        lambda q: ownership_svg(q, iri("org", "bleu"), as_of=DAY, link_base="/explore/"),
        lambda q: exposure_svg(q, compel(q, iri("asset", "health-data-hub"), dt.date(2024, 6, 1))),
    ):
        assert draw(p) == draw(p) == draw(fresh)


def test_unknown_org_and_bad_depths(p: Projection) -> None:
    with pytest.raises(UnknownReferenceError):
        ownership_svg(p, iri("org", "no-such-org"), as_of=DAY)
    with pytest.raises(InputError):
        ownership_svg(p, iri("org", "bleu"), as_of=DAY, up_depth=-1)


@pytest.mark.parametrize(
    ("interest", "words"),
    [
        (Interest("x", capital=51.0), ("owns 51 %",)),
        (Interest("x", capital_min=50.0), ("owns at least 50 %",)),
        (Interest("x", capital_max=10.0), ("owns less than 10 %",)),
        (Interest("x", capital_min=10.0, capital_max=20.0), ("owns 10–20 %",)),
        (Interest("x", votes=60.0), ("60 % of votes",)),
        (Interest("x", capital=40.0, votes=60.0), ("owns 40 %", "60 % of votes")),
        (Interest("x", kind=str(LX.JointControl)), ("share unknown", "joint control")),
        (
            Interest("x", capital=100.0, indirect=True, confidence=str(LX.Uncertain)),
            ("owns 100 %", "indirect, uncertain"),
        ),
    ],
)
def test_share_words(p: Projection, interest: Interest, words: tuple[str, ...]) -> None:
    assert share_words(p, interest) == words


def test_jurisdiction_badges(p: Projection) -> None:
    assert jurisdiction_badge(p, [iri("jur", "FR")]) == ("FR · EU", "eu")
    assert jurisdiction_badge(p, [iri("jur", "NO")]) == ("NO · EEA", "eu")
    assert jurisdiction_badge(p, [iri("jur", "US")]) == ("US", "non-eu")
    assert jurisdiction_badge(p, []) == ("?", "unknown")


def _synthetic(n: int, seed: int = 3) -> tuple[Projection, str]:
    """A group of `n` organizations around a focus: owners above, holdings two levels below."""
    rng = random.Random(seed)
    p = Projection()
    for code in ("FR", "US", "DE"):
        p.jurisdictions[iri("jur", code)] = code
    p.member_of = {iri("jur", "FR"): {iri("jur", "EU")}, iri("jur", "DE"): {iri("jur", "EU")}}
    orgs = [iri("org", f"o{k}") for k in range(n)]
    for k, o in enumerate(orgs):
        name = f"Synthetic {'Holding ' * (k % 3)}Company number {k} International"
        p.orgs[o] = Org(o, label=name, incorporated=frozenset({iri("jur", rng.choice(["FR", "US", "DE"]))}))
        p.labels[o] = name
        p.ownership.add_node(o)
    for k in range(1, n):
        parent = orgs[0] if k <= 4 else orgs[rng.randrange(max(3, k - 12), k)]
        owner, owned = (orgs[k], orgs[0]) if k <= 2 else (parent, orgs[k])
        i = iri("interest", f"i{k}")
        p.interests[i] = Interest(i, owner=owner, owned=owned, capital=round(rng.uniform(5, 100), 1))
        p.ownership.add_edge(owner, owned, key=i)
    return p, orgs[0]


def test_sixty_organizations_and_the_cap() -> None:
    p, focus = _synthetic(90)
    svg = ownership_svg(p, focus, as_of=DAY, up_depth=3, down_depth=12, link_base="/explore/")
    root = _root(svg)
    assert len(list(root.iter(f"{{{SVG_NS}}}a"))) == MAX_CHART_NODES
    assert "not drawn" in svg and "at most 60 organizations" in svg
    titles = [t.text or "" for t in root.iter(f"{{{SVG_NS}}}title")]
    assert any(t.startswith("Synthetic Holding Holding Company number") for t in titles)  # full names in tooltips
    assert any(t.endswith("…") for t in _texts(svg))  # long names are cut on the chart
    small = ownership_svg(p, focus, as_of=DAY, down_depth=12, max_nodes=5, link_base="/x/")
    assert len(list(_root(small).iter(f"{{{SVG_NS}}}a"))) == 5
    _self_contained(svg)


# ---------------------------------------------------------------------- exposure map


def test_health_data_hub_exposure_map(p: Projection) -> None:
    answer = compel(p, iri("asset", "health-data-hub"), dt.date(2024, 6, 1))
    svg = exposure_svg(p, answer, link_base="/explore/")
    texts = _texts(svg)
    joined = " ".join(texts)
    assert "US CLOUD Act" in joined and "Microsoft Corporation" in texts and "United States" in texts
    assert texts[0].startswith("Who may be compelled to give access to Health Data Hub")
    assert "2024-06-01" in joined and "strict mode" in joined
    for column in (
        "Data asset",
        "Services",
        "Custodians",
        "Controllers",
        "Jurisdictions",
        "Instruments",
        "Authorities",
    ):
        assert column in texts
    assert f'stroke="{TIER_STYLE[ESTABLISHED][0]}"' in svg and f'stroke="{TIER_STYLE[LIKELY][0]}"' in svg
    assert {"established", "likely", "contested", "residual"} <= set(texts)  # the legend
    links = {a.get("href") for a in _root(svg).iter(f"{{{SVG_NS}}}a")}
    assert "/explore/asset/health-data-hub" in links and "/explore/org/microsoft-corporation" in links
    _accessible(svg)
    _self_contained(svg)


def test_mitigated_paths_are_dashed_and_labelled(p: Projection) -> None:
    spec = AssetSpec(services=(iri("service", "aws-emea"),), keys_held_by=(iri("org", "capgemini"),), label="HR files")
    answer = compel(p, spec, DAY)
    assert answer.exposures and all(e.mitigations for e in answer.exposures)
    svg = exposure_svg(p, answer)
    assert "ciphertext only" in _texts(svg)
    assert 'stroke-dasharray="6 4"' in svg
    _self_contained(svg)


def test_practical_mode_and_empty_answers(p: Projection) -> None:
    practical = exposure_svg(p, compel(p, iri("asset", "health-data-hub"), dt.date(2024, 6, 1), "practical"))
    assert "practical mode" in practical
    empty = compel(p, iri("asset", "health-data-hub"), dt.date(1990, 1, 1))
    svg = exposure_svg(p, empty)
    assert "Verdict: Incomplete" in svg and "Missing (not_in_existence)" in svg
    _accessible(svg)


# ---------------------------------------------------------------------- the SVG writer


def test_svg_writer_escapes_and_measures() -> None:
    assert escape('<a href="x">&\x01') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert text_width("Orange", 12) < text_width("Orange", 12, bold=True) < text_width("ORANGE", 12, bold=True)
    assert text_width("é", 10) == text_width("e", 10)
    lines = wrap("Microsoft Ireland Operations Limited of Dublin", 120, 12.5, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…") and all(text_width(x, 12.5) <= 120 for x in lines)
