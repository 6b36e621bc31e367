"""The instrument data says what its sources say, no more: conflict conditions, dates, plain caveats.

Each table below names a fact that was checked against the sources and what must (and must
not) be true of it. The data is read with rdflib, independently of the engine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from longarm.ontology.namespace import DCTERMS, LX, entity_iri

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENTS = ROOT / "data" / "instruments.ttl"
JURISDICTIONS = ROOT / "data" / "jurisdictions.ttl"
SOURCES_INSTRUMENTS = ROOT / "data" / "sources.ttl"
ONTOLOGY = ROOT / "ontology" / "longarm.ttl"
CHECKED_FILES = [INSTRUMENTS, JURISDICTIONS, SOURCES_INSTRUMENTS]

DATE_TYPES = {XSD.date, XSD.gYear, XSD.gYearMonth}


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    """The whole dataset (so that sources and jurisdictions resolve)."""
    g = rdflib.Graph()
    for p in ROOT.glob("data/*.ttl"):
        g.parse(p, format="turtle")
    return g


def _file(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def _instrument(notation: str) -> rdflib.URIRef:
    return rdflib.URIRef(entity_iri("instrument", notation))


def _jur(code: str) -> rdflib.URIRef:
    return rdflib.URIRef(entity_iri("jur", code))


def _rules(g: rdflib.Graph, notation: str, kind: rdflib.URIRef) -> list[rdflib.term.Node]:
    return [r for r in g.objects(_instrument(notation), LX.reachRule) if (r, RDF.type, kind) in g]


# ---------------------------------------------------------------------- conflict conditions

# Every conflict rule in the data, with the conditions its text supports:
# (lx:issuerOutside, lx:dataStoredIn, a phrase of the article quoted in its caveat).
CONFLICTS = {
    # DSL Art. 36: "... shall not provide data stored within the PRC to foreign judicial or law
    # enforcement bodies" — data stored in the PRC, requests of foreign bodies.
    "cn-dsl": ("CN", "CN", "data stored within the PRC to foreign judicial or law enforcement bodies"),
    # GDPR Art. 48: judgments and decisions "of a third country"; no condition on storage.
    "eu-gdpr-art48": ("EU", None, "of an administrative authority of a third country"),
    # Loi n° 68-678: foreign public authorities and foreign proceedings; no condition on storage.
    "fr-blocking-statute": (
        "EU",
        None,
        "tending to constitute evidence for foreign judicial or administrative proceedings",
    ),
}


def test_every_conflict_rule_is_classified(data: rdflib.Graph) -> None:
    """A new conflict rule must be added to CONFLICTS with the conditions its text supports."""
    holders = {
        str(data.value(i, SKOS.notation))
        for i, r in data.subject_objects(LX.reachRule)
        if (r, RDF.type, LX.ConflictRule) in data
    }
    assert holders == set(CONFLICTS)


@pytest.mark.parametrize(("notation", "expected"), CONFLICTS.items(), ids=list(CONFLICTS))
def test_conflict_conditions(data: rdflib.Graph, notation: str, expected: tuple[str, str | None, str]) -> None:
    issuer, stored, quote = expected
    (rule,) = _rules(data, notation, LX.ConflictRule)
    assert list(data.objects(rule, LX.issuerOutside)) == [_jur(issuer)]
    assert list(data.objects(rule, LX.dataStoredIn)) == ([_jur(stored)] if stored else [])
    caveats = " ".join(str(c) for c in data.objects(rule, LX.caveat))
    assert quote in caveats
    assert "cannot express" not in caveats  # the condition is data now, not a caveat
    assert list(data.objects(rule, DCTERMS.source)), "a conflict rule cites the text it quotes"


# ---------------------------------------------------------------------- dates

# (instrument, property) -> (lexical value, datatype): dates as precise as their sources.
DATES = {
    # Only the year of each Act is given; Royal Assent and commencement are not.
    ("uk-ipa", LX.inForceFrom): ("2016", XSD.gYear),
    ("uk-copoa", LX.inForceFrom): ("2019", XSD.gYear),
    ("us-ieepa", LX.inForceFrom): ("1977", XSD.gYear),
    # Days the sources state.
    ("us-cloud-act", LX.inForceFrom): ("2018-03-23", XSD.date),
    ("us-fisa-702", LX.inForceFrom): ("2008-07-10", XSD.date),
    ("us-fisa-702", LX.inForceUntil): ("2026-06-12", XSD.date),
    ("eu-e-evidence", LX.inForceFrom): ("2026-08-18", XSD.date),
    ("cn-dsl", LX.inForceFrom): ("2021-09-01", XSD.date),
    # Commencement not verified against an official record: kept, with the instrument Uncertain.
    ("au-tola", LX.inForceFrom): ("2018-12-09", XSD.date),
}

# Placeholders that were in the data: none may come back.
FORMER_PLACEHOLDERS = {
    ("uk-ipa", LX.inForceFrom): "2016-01-01",
    ("uk-copoa", LX.inForceFrom): "2019-01-01",
    ("us-ieepa", LX.inForceFrom): "1977-01-01",
}


@pytest.mark.parametrize(("key", "expected"), DATES.items(), ids=[f"{n}-{p.split('#')[-1]}" for n, p in DATES])
def test_instrument_dates(
    data: rdflib.Graph, key: tuple[str, rdflib.URIRef], expected: tuple[str, rdflib.URIRef]
) -> None:
    notation, prop = key
    (value,) = list(data.objects(_instrument(notation), prop))
    assert isinstance(value, rdflib.Literal)
    assert (str(value), value.datatype) == expected
    if key in FORMER_PLACEHOLDERS:
        assert str(value) != FORMER_PLACEHOLDERS[key]


@pytest.mark.parametrize("notation", ["uk-ipa", "uk-copoa", "us-ieepa"])
def test_a_year_only_date_is_uncertain_and_explained(data: rdflib.Graph, notation: str) -> None:
    ins = _instrument(notation)
    assert data.value(ins, LX.confidence) == LX.Uncertain
    caveats = " ".join(str(c) for c in data.objects(ins, LX.caveat))
    assert "lx:inForceFrom is" in caveats
    assert "placeholder" not in caveats


def test_ipa_in_force_date_is_not_a_royal_assent_guess(data: rdflib.Graph) -> None:
    ipa = _instrument("uk-ipa")
    value = data.value(ipa, LX.inForceFrom)
    assert value.datatype == XSD.gYear and str(value) == "2016"
    caveats = " ".join(str(c) for c in data.objects(ipa, LX.caveat))
    assert "Royal Assent" in caveats and "not given" in caveats


# The US–UK Data Access Agreement entered into force on 3 Oct 2022: overseas production orders
# reach US providers only from that day; nothing else in the instruments waits for it.
OPO_US_FROM = rdflib.Literal("2022-10-03", datatype=XSD.date)
AGREEMENT_SOURCES = {"peters-and-peters-us-uk-agreement", "simmons-us-uk-agreement", "uksi-2020-38"}


def test_opo_us_nexus_waits_for_the_agreement(data: rdflib.Graph) -> None:
    nexus = _rules(data, "uk-copoa", LX.NexusRule)
    us = [r for r in nexus if data.value(r, LX.nexusJurisdiction) == _jur("US")]
    assert len(us) == 1
    assert list(data.objects(us[0], LX.validFrom)) == [OPO_US_FROM]
    assert list(data.objects(us[0], LX.validUntil)) == []
    cited = {str(s).rsplit("/", 1)[-1] for s in data.objects(us[0], DCTERMS.source)}
    assert cited >= AGREEMENT_SOURCES
    for s in data.objects(us[0], DCTERMS.source):
        assert (s, RDF.type, LX.Source) in data


@pytest.mark.parametrize("notation", ["uk-copoa", "uk-ipa"])
def test_uk_nexus_rules_have_no_agreement_limit(data: rdflib.Graph, notation: str) -> None:
    """A nexus to the United Kingdom itself (no lx:nexusJurisdiction, or GB) is not dated."""
    for rule in _rules(data, notation, LX.NexusRule):
        if data.value(rule, LX.nexusJurisdiction) in (None, _jur("GB")):
            assert data.value(rule, LX.validFrom) is None
            assert data.value(rule, LX.validUntil) is None


def test_only_the_opo_us_rule_is_dated() -> None:
    g = _file(INSTRUMENTS)
    dated = {
        (str(g.value(i, SKOS.notation)), str(v))
        for i, r in g.subject_objects(LX.reachRule)
        for v in g.objects(r, LX.validFrom)
    }
    dated |= {
        (str(g.value(i, SKOS.notation)), str(v))
        for i, r in g.subject_objects(LX.reachRule)
        for v in g.objects(r, LX.validUntil)
    }
    assert dated == {("uk-copoa", "2022-10-03")}


# A 1 January date is kept only when a source states that day. Each entry names the node's
# notation or IRI tail, the property, the value and the lx:Source that states it.
JANUARY_FIRST_ALLOWED: dict[tuple[str, str, str], str] = {}


def _tail(node: rdflib.term.Node, g: rdflib.Graph) -> str:
    notation = g.value(node, SKOS.notation)
    return str(notation) if notation is not None else str(node).rsplit("/", 1)[-1]


@pytest.mark.parametrize("path", [INSTRUMENTS, JURISDICTIONS, SOURCES_INSTRUMENTS], ids=lambda p: p.name)
def test_no_first_of_january_outside_the_allow_list(path: Path) -> None:
    g = _file(path)
    found = set()
    for s, p, o in g:
        if isinstance(o, rdflib.Literal) and o.datatype == XSD.date and str(o).endswith("-01-01"):
            subject = s
            if isinstance(s, rdflib.BNode):  # a reach rule: name it by its instrument
                subject = next(g.subjects(LX.reachRule, s), s)
            found.add((_tail(subject, g), str(p).rsplit("#", 1)[-1], str(o)))
    assert found <= set(JANUARY_FIRST_ALLOWED), sorted(found - set(JANUARY_FIRST_ALLOWED))


def test_allow_list_entries_name_a_source(data: rdflib.Graph) -> None:
    for source in JANUARY_FIRST_ALLOWED.values():
        assert (rdflib.URIRef(entity_iri("source", source)), RDF.type, LX.Source) in data


@pytest.mark.parametrize("path", [INSTRUMENTS, JURISDICTIONS, SOURCES_INSTRUMENTS], ids=lambda p: p.name)
def test_every_date_is_a_date_year_or_month(path: Path) -> None:
    g = _file(path)
    for prop in (LX.inForceFrom, LX.inForceUntil, LX.residualUntil, LX.validFrom, LX.validUntil, DCTERMS.date):
        for o in g.objects(None, prop):
            assert isinstance(o, rdflib.Literal) and o.datatype in DATE_TYPES, (prop, o)


def test_unconfirmed_agreement_date_is_flagged() -> None:
    """The US–Australia agreement's entry into force (31 Jan 2024) is not confirmed by any source."""
    g = _file(INSTRUMENTS)
    mentions = [str(o) for o in g.objects() if isinstance(o, rdflib.Literal) and "31 Jan 2024" in str(o)]
    assert mentions
    assert all("not confirmed" in m for m in mentions)


# ---------------------------------------------------------------------- confidence

CONFIDENCE = {
    "us-ieepa": LX.Uncertain,  # year-only date; reach to persons subject to US jurisdiction not verified
    "uk-ipa": LX.Uncertain,  # year-only date; s.253(8), s.257 numbers not confirmed
    "uk-copoa": LX.Uncertain,  # year-only date; little in the sources
    "au-tola": LX.Uncertain,  # commencement, section numbers and end-user nexus not verified
    "us-cloud-act": LX.Primary,
    "cn-dsl": LX.Primary,
    "eu-gdpr-art48": LX.Primary,
    "fr-blocking-statute": LX.Secondary,
}


@pytest.mark.parametrize(("notation", "expected"), CONFIDENCE.items(), ids=list(CONFIDENCE))
def test_instrument_confidence(data: rdflib.Graph, notation: str, expected: rdflib.URIRef) -> None:
    assert list(data.objects(_instrument(notation), LX.confidence)) == [expected]


# ---------------------------------------------------------------------- plain user-facing text

MARK = re.compile(
    r"\[(?:S|P|M)(?:[/?](?:S|P|M)?)?\]"  # [S] [P] [M] [S?] [S/M] [M/S]
    r"|⚠"
    r"|from memory"
    r"|the research"
    r"|in the research"
    r"|research note"
    r"|§ of the notes"
    r"|the notes",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "text",
    [
        "[S]",
        "[S?]",
        "[P]",
        "[M]",
        "[S/M]",
        "[M/S]",
        "⚠ unsure",
        "from memory",
        "From memory in the research",
        "see the research note",
        "§ of the notes",
    ],
)
def test_the_mark_pattern_catches_every_mark(text: str) -> None:
    assert MARK.search(text)


@pytest.mark.parametrize(
    "text", ["18 U.S.C. § 2703", "Art. 1 bis", "SI 2020/38", "not verified against the text of the Act"]
)
def test_the_mark_pattern_spares_plain_text(text: str) -> None:
    assert not MARK.search(text)


@pytest.mark.parametrize("path", CHECKED_FILES, ids=lambda p: p.name)
def test_no_literal_carries_a_research_mark(path: Path) -> None:
    g = _file(path)
    marked = sorted({str(o)[:120] for o in g.objects() if isinstance(o, rdflib.Literal) and MARK.search(str(o))})
    assert marked == []


@pytest.mark.parametrize("path", CHECKED_FILES, ids=lambda p: p.name)
def test_no_comment_maps_to_research_marks(path: Path) -> None:
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    assert [c for c in comments if MARK.search(c)] == []


def test_category_notes_carry_no_research_mark() -> None:
    g = _file(ONTOLOGY)
    marked = [str(o) for o in g.objects(None, SKOS.note) if MARK.search(str(o))]
    assert marked == []


# ---------------------------------------------------------------------- new sources


def test_new_sources_follow_the_source_style() -> None:
    g = _file(SOURCES_INSTRUMENTS)
    sources = set(g.subjects(RDF.type, LX.Source))
    assert {str(s).rsplit("/", 1)[-1] for s in sources} >= AGREEMENT_SOURCES - {"uksi-2020-38"}
    for s in sources:
        assert len(list(g.objects(s, RDFS.label))) == 1
        assert (
            g.value(s, DCTERMS.date) is not None
            or g.value(s, LX.retrievedOn) is not None
            or g.value(s, LX.caveat) is not None
        )
        assert g.value(s, LX._NS["researchNote"]) is None  # the property was removed from the ontology
