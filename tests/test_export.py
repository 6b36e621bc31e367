"""Exports load back in the tools they are for: networkx (GraphML, GEXF, Cytoscape), Graphviz, RDF parsers."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable

import networkx as nx
import pyoxigraph as ox
import pytest

from longarm.graph.base.errors import UnsupportedFormatError
from longarm.graph.projection.model import iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes, load_documents
from longarm.graph.views.entity_graph import entity_graph
from longarm.graph.views.export import FORMATS, export, to_dot
from longarm.ontology.namespace import LX, graph_iri

from .conftest import VALID_TTL

TODAY = dt.date(2026, 11, 29)
BLEU = iri("org", "bleu")
# A name with a quote, a backslash and a line break: every writer must escape it.
AWKWARD = 'Parent "Q" SA \\ back\nslash'
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
Reader = Callable[[bytes], "nx.MultiDiGraph[str]"]


@pytest.fixture(scope="module")
def tiny() -> Store:
    store = Store.in_memory()
    ttl = VALID_TTL.replace('"Parent SA"', '"Parent \\"Q\\" SA \\\\ back\\nslash"')
    load_documents(store, [document_from_bytes(ttl.encode(), "tiny.ttl", str(graph_iri("user/tiny")))])
    return store


def _graphml(data: bytes) -> nx.MultiDiGraph[str]:
    g: nx.MultiDiGraph[str] = nx.read_graphml(io.BytesIO(data))
    return g


def _gexf(data: bytes) -> nx.MultiDiGraph[str]:
    g: nx.MultiDiGraph[str] = nx.read_gexf(io.BytesIO(data))
    return g


def _cytoscape(data: bytes) -> nx.MultiDiGraph[str]:
    g: nx.MultiDiGraph[str] = nx.cytoscape_graph(json.loads(data), name="label")
    return g


READERS: dict[str, Reader] = {"graphml": _graphml, "gexf": _gexf, "cytoscape": _cytoscape}


@pytest.mark.parametrize("fmt", READERS)
@pytest.mark.parametrize("center", [None, BLEU])
def test_networkx_reads_back_the_same_graph(bundled_store: Store, fmt: str, center: str | None) -> None:
    g = entity_graph(bundled_store, center, as_of=TODAY)
    back = READERS[fmt](export(bundled_store, fmt, center, as_of=TODAY))
    assert set(back.nodes) == set(g.nodes)
    assert sorted((u, v, str(d["id"])) for u, v, d in back.edges(data=True)) == sorted(
        (u, v, str(d["id"])) for u, v, d in g.edges(data=True)
    )
    node = back.nodes[BLEU]
    assert (node.get("label"), node["kind"], node["jurisdiction"]) == ("Bleu", "org", "FR")
    interest = next(d for *_, d in back.edges(data=True) if d.get("interest") == iri("interest", "orange-bleu-2024"))
    assert interest["relation"] == "interest" and interest["valid_from"] == "2024-01-01"


@pytest.mark.parametrize("fmt", READERS)
def test_shares_and_awkward_names_survive_the_round_trip(tiny: Store, fmt: str) -> None:
    back = READERS[fmt](export(tiny, fmt, as_of=dt.date(2021, 6, 1)))
    assert back.nodes["https://example.org/parent"]["label"] == AWKWARD
    (stake,) = [d for *_, d in back.edges(data=True) if d["relation"] == "interest"]
    assert float(stake["share"]) == 60.0 and stake["label"] == "owns 60 %"


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_ATTRS = r"\[\w+=(?:Q\d+|[#\w.]+)(?:, \w+=(?:Q\d+|[#\w.]+))*\]"


def _dot_statements(text: str) -> tuple[list[str], list[str]]:
    """The statements of a DOT digraph, each quoted string replaced by Q<n>, and the strings unescaped."""
    strings: list[str] = []

    def placeholder(m: re.Match[str]) -> str:
        strings.append(re.sub(r"\\(.)", r"\1", m.group(1)))
        return f"Q{len(strings) - 1}"

    skeleton = _QUOTED.sub(placeholder, "\n".join(line for line in text.splitlines() if not line.startswith("//")))
    assert skeleton.count("{") == skeleton.count("}") == 1, "braces outside strings are balanced"
    head, body = skeleton.split("{")
    assert re.fullmatch(r"\s*digraph Q\d+\s*", head)
    body, tail = body.split("}")
    assert not tail.strip()
    return [x.strip() for x in body.split(";") if x.strip()], strings


def test_dot_is_well_formed_and_escapes_names(tiny: Store) -> None:
    text = export(tiny, "dot", as_of=dt.date(2021, 6, 1)).decode()
    assert 'Parent \\"Q\\" SA \\\\ back\\nslash' in text  # quote, backslash and line break escaped
    statements, strings = _dot_statements(text)
    declared, edges = set(), []
    for statement in statements:
        if re.fullmatch(rf"(?:graph|node|edge) {_ATTRS}", statement):
            continue
        if m := re.fullmatch(rf"Q(\d+) {_ATTRS}", statement):
            declared.add(strings[int(m.group(1))])
        elif m := re.fullmatch(rf"Q(\d+) -> Q(\d+) {_ATTRS}", statement):
            edges.append((strings[int(m.group(1))], strings[int(m.group(2))]))
        else:
            pytest.fail(f"not a DOT statement: {statement}")
    assert declared == {"https://example.org/parent", "https://example.org/child", "https://example.org/FR"}
    assert ("https://example.org/parent", "https://example.org/child") in edges
    assert {n for e in edges for n in e} <= declared
    assert AWKWARD.replace("\n", "n") + "n(FR)" in strings  # the label, read back without DOT's \\n


def test_dot_of_the_bundled_graph_is_well_formed(bundled_store: Store) -> None:
    g = entity_graph(bundled_store, as_of=TODAY)
    statements, strings = _dot_statements(export(bundled_store, "dot", as_of=TODAY).decode())
    arrows = [s for s in statements if " -> " in s]
    assert len(arrows) == g.number_of_edges() and len(statements) == 3 + len(g) + len(arrows)
    assert set(g.nodes) <= set(strings)


@pytest.mark.parametrize("center", [None, BLEU])
def test_graphviz_renders_the_dot(bundled_store: Store, tiny: Store, center: str | None) -> None:
    if shutil.which("dot") is None:  # CI installs Graphviz (.ci/run): there it must run
        if os.environ.get("CI"):
            pytest.fail("CI must render the DOT export, but Graphviz's dot is not installed")
        pytest.skip("Graphviz is not installed")
    for store, as_of in ((bundled_store, TODAY), (tiny, dt.date(2021, 6, 1))):
        data = export(store, "dot", center if store is bundled_store else None, as_of=as_of)
        done = subprocess.run(["dot", "-Tsvg"], input=data, capture_output=True, check=False)
        assert done.returncode == 0 and not done.stderr, done.stderr
        assert b"<svg" in done.stdout


def test_dot_dashes_joint_control_and_indirect_links() -> None:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(name="t")
    for n in "abc":
        g.add_node(n, label=n.upper(), kind="org")
    g.add_edge("a", "c", key="1", label="joint control", relation="interest", interest_kind="joint control")
    g.add_edge("b", "c", key="2", label="owns 10 %", relation="interest", indirect=True)
    g.add_edge("c", "a", key="3", label="owns 5 %", relation="interest", indirect=False)
    lines = to_dot(g).splitlines()
    assert '  "a" -> "c" [label="joint control", style=dashed];' in lines
    assert '  "b" -> "c" [label="owns 10 %", style=dashed];' in lines
    assert '  "c" -> "a" [label="owns 5 %"];' in lines


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_rdf_describes_the_selection_with_sources(bundled_store: Store, fmt: str) -> None:
    data = export(bundled_store, fmt, BLEU, as_of=TODAY, depth=1)
    rdf = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.JSON_LD
    triples = {q.triple for q in ox.parse(data, rdf)}
    subjects = {t.subject for t in triples}
    assert ox.Triple(ox.NamedNode(BLEU), RDF_TYPE, ox.NamedNode(str(LX.Organization))) in triples
    assert ox.NamedNode(iri("interest", "orange-bleu-2024")) in subjects  # the interests of the selection
    assert ox.NamedNode(iri("source", "eu-m10855")) in subjects  # with the sources they cite
    assert ox.NamedNode(iri("org", "microsoft-corporation")) not in subjects  # two relations away
    grants = [t for t in triples if t.predicate == ox.NamedNode(str(LX.grantsAccess))]
    assert grants and all(any(t.subject == g.object for t in triples) for g in grants)  # blank nodes included


def test_rdf_of_the_whole_graph_leaves_out_the_ontology_and_old_interests(bundled_store: Store) -> None:
    triples = {q.triple for q in ox.parse(export(bundled_store, "turtle", as_of=TODAY), ox.RdfFormat.TURTLE)}
    subjects = {t.subject for t in triples}
    assert ox.NamedNode(str(LX.Organization)) not in subjects
    assert ox.NamedNode(iri("interest", "orange-bleu-2024")) in subjects
    assert ox.NamedNode(iri("interest", "orange-cloudwatt-2012")) not in subjects
    old = ox.parse(export(bundled_store, "turtle", as_of=dt.date(2013, 6, 1)), ox.RdfFormat.TURTLE)
    assert ox.NamedNode(iri("interest", "orange-cloudwatt-2012")) in {q.subject for q in old}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_is_deterministic(bundled_store: Store, fmt: str) -> None:
    first = export(bundled_store, fmt, BLEU, as_of=TODAY, published=TODAY)
    assert first and first == export(bundled_store, fmt, BLEU, as_of=TODAY, published=TODAY)
    assert first.decode("utf-8")  # every format is UTF-8 text


def test_unknown_format(bundled_store: Store) -> None:
    with pytest.raises(UnsupportedFormatError, match="graphml"):
        export(bundled_store, "xlsx", as_of=TODAY)
