"""The sources of the bundled dataset: each one names a public document a reader can check.

Every source has a label naming the document, a date as precise as known or a caveat saying
the date is not known, and no private research mark; a day of retrieval only goes with a URL.
Duplicates are merged and aggregates split, so no two sources share a label or a URL.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS

from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import ONTOLOGY_GRAPH
from longarm.ontology.namespace import DCTERMS, LX, graph_iri

#: Marks of the research notes that mean nothing to a reader of the data.
RESEARCH_MARK = re.compile(r"\[(?:S\??|P|M|NOT FOUND)\]|from memory|⚠|research note|§", re.IGNORECASE)
#: How a caveat says that a source's date is not known.
DATE_NOT_KNOWN = re.compile(r"date[^.]*not known", re.IGNORECASE)
RESEARCH_NOTE = rdflib.URIRef(str(LX._NS) + "researchNote")  # removed from the ontology

#: Figures of data/sources.ttl (update them with the file).
SOURCES_IN_SOURCES_TTL = 274
WITH_URL_IN_SOURCES_TTL = 41


#: Data files added alongside this clean-up that still date undated pages by lx:retrievedOn
#: alone (without a URL or a caveat). The two date rules below skip their sources until the
#: files follow the rules; every other check covers them.
NOT_YET_CONVERTED: set[str] = set()


def _data_graphs(store: Store) -> list[str]:
    prefix = str(graph_iri("data/sources")).removesuffix("sources")
    return [g for g in store.named_graphs() if g.startswith(prefix)]


@pytest.fixture(scope="module")
def everything(bundled_store: Store) -> rdflib.Graph:
    """The ontology and every bundled data file, as loaded (and validated) by longarm."""
    return bundled_store.to_rdflib([*_data_graphs(bundled_store), ONTOLOGY_GRAPH])


@pytest.fixture(scope="module")
def checked_for_dates(bundled_store: Store) -> list[rdflib.URIRef]:
    """The sources of every data file but those of NOT_YET_CONVERTED."""
    skip = {str(graph_iri("data/" + name)) for name in NOT_YET_CONVERTED}
    g = bundled_store.to_rdflib([name for name in _data_graphs(bundled_store) if name not in skip])
    return sorted(g.subjects(RDF.type, LX.Source))


@pytest.fixture(scope="module")
def sources(everything: rdflib.Graph) -> list[rdflib.URIRef]:
    return sorted(everything.subjects(RDF.type, LX.Source))


@pytest.fixture(scope="module")
def sources_ttl(bundled_store: Store) -> rdflib.Graph:
    return bundled_store.to_rdflib([str(graph_iri("data/sources"))])


def _texts(g: rdflib.Graph, s: rdflib.URIRef, p: rdflib.URIRef) -> list[str]:
    return [str(o) for o in g.objects(s, p)]


def test_no_research_note_anywhere(everything: rdflib.Graph) -> None:
    assert list(everything.triples((None, RESEARCH_NOTE, None))) == []
    assert list(everything.triples((RESEARCH_NOTE, None, None))) == []


def test_no_two_sources_share_a_label_or_a_url(everything: rdflib.Graph, sources: list[rdflib.URIRef]) -> None:
    labels = Counter(str(everything.value(s, RDFS.label)) for s in sources)
    urls = Counter(str(u) for s in sources for u in everything.objects(s, LX.url))
    assert [label for label, n in labels.items() if n > 1] == []
    assert [url for url, n in urls.items() if n > 1] == []


def test_labels_and_caveats_carry_no_research_mark(everything: rdflib.Graph, sources: list[rdflib.URIRef]) -> None:
    marked = [
        (str(s), text)
        for s in sources
        for text in _texts(everything, s, RDFS.label) + _texts(everything, s, LX.caveat)
        if RESEARCH_MARK.search(text)
    ]
    assert marked == []


def test_every_source_has_a_date_or_says_it_is_not_known(
    everything: rdflib.Graph, checked_for_dates: list[rdflib.URIRef]
) -> None:
    undated = [
        str(s)
        for s in checked_for_dates
        if everything.value(s, DCTERMS.date) is None
        and not any(DATE_NOT_KNOWN.search(c) for c in _texts(everything, s, LX.caveat))
    ]
    assert undated == []


def test_a_source_dated_by_precision_keeps_its_precision(
    everything: rdflib.Graph, sources: list[rdflib.URIRef]
) -> None:
    """A year stays an xsd:gYear (never 1 January), a month an xsd:gYearMonth."""
    xsd = rdflib.XSD
    for s in sources:
        for d in everything.objects(s, DCTERMS.date):
            assert isinstance(d, rdflib.Literal) and d.datatype in (xsd.date, xsd.gYearMonth, xsd.gYear), (s, d)


def test_retrieval_day_only_with_a_url(everything: rdflib.Graph, checked_for_dates: list[rdflib.URIRef]) -> None:
    without_url = [
        str(s)
        for s in checked_for_dates
        if everything.value(s, LX.retrievedOn) is not None and everything.value(s, LX.url) is None
    ]
    assert without_url == []


def test_every_cited_source_is_a_declared_source(everything: rdflib.Graph) -> None:
    cited = set(everything.objects(None, DCTERMS.source))
    undeclared = sorted(str(o) for o in cited if (o, RDF.type, LX.Source) not in everything)
    assert cited and undeclared == []


def test_every_source_of_sources_ttl_is_cited(everything: rdflib.Graph, sources_ttl: rdflib.Graph) -> None:
    cited = set(everything.objects(None, DCTERMS.source))
    unused = sorted(str(s) for s in sources_ttl.subjects(RDF.type, LX.Source) if s not in cited)
    assert unused == []


def test_publishers_and_titles_are_plain_literals(everything: rdflib.Graph, sources: list[rdflib.URIRef]) -> None:
    for s in sources:
        for p in (DCTERMS.publisher, DCTERMS.title):
            for o in everything.objects(s, p):
                assert isinstance(o, rdflib.Literal) and o.language is None, (s, p, o)


def test_sources_ttl_counts(sources_ttl: rdflib.Graph) -> None:
    declared = set(sources_ttl.subjects(RDF.type, LX.Source))
    with_url = {s for s in declared if sources_ttl.value(s, LX.url) is not None}
    assert len(declared) == SOURCES_IN_SOURCES_TTL
    assert len(with_url) == WITH_URL_IN_SOURCES_TTL
    assert all(isinstance(u, rdflib.URIRef) for u in sources_ttl.objects(None, LX.url))


@pytest.mark.parametrize(
    ("extra", "conforms"),
    [
        ('; dcterms:date "2024"^^xsd:gYear', True),
        ('; lx:caveat "Publication date not known."@en', True),
        ('; lx:caveat "Read in a copy."@en , "Date of the record not known."@en', True),
        ('; lx:caveat "Read in a copy."@en', False),
        ("", False),
    ],
)
def test_the_shape_takes_an_undated_source_that_says_so(extra: str, conforms: bool) -> None:
    from longarm.graph.store.validation import Shapes

    ttl = f"""@prefix lx: <{LX._NS}> . @prefix rdfs: <{RDFS}> . @prefix dcterms: <{DCTERMS}> .
    @prefix xsd: <{rdflib.XSD}> .
    <https://example.org/s> a lx:Source ; rdfs:label "A page" {extra} ."""
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    assert (Shapes.bundled().validate(g) == []) is conforms
