"""The bundled dataset: parses with an independent parser, conforms, is complete and sourced."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import bundled_data_paths
from longarm.ontology.namespace import DCTERMS, ID_BASE, LX, entity_iri

ROOT = Path(__file__).resolve().parent.parent
TURTLE_FILES = sorted([*ROOT.glob("data/*.ttl"), *ROOT.glob("ontology/*.ttl")])

INSTRUMENT_IDS = {
    "us-cloud-act",
    "us-fisa-702",
    "us-eo-12333",
    "us-nsl",
    "us-ieepa",
    "cn-nil",
    "cn-dsl",
    "cn-csl",
    "ru-yarovaya",
    "uk-ipa",
    "uk-copoa",
    "au-tola",
    "eu-e-evidence",
    "eu-gdpr-art48",
    "fr-blocking-statute",
}
EU_MEMBERS = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
}


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    """The whole dataset parsed by rdflib, independently of the project's own loader."""
    g = rdflib.Graph()
    for p in ROOT.glob("data/*.ttl"):
        g.parse(p, format="turtle")
    return g


def _count(g: rdflib.Graph, cls: rdflib.URIRef) -> int:
    return len(set(g.subjects(RDF.type, cls)))


@pytest.mark.parametrize("path", TURTLE_FILES, ids=[p.name for p in TURTLE_FILES])
def test_independent_parser_accepts_every_turtle_file(path: Path) -> None:
    assert len(rdflib.Graph().parse(path, format="turtle")) > 0


def test_the_package_ships_the_data_files() -> None:
    assert {p.name for p in bundled_data_paths()} == {p.name for p in ROOT.glob("data/*.ttl")}


def test_pyshacl_alone_finds_no_violation(data: rdflib.Graph) -> None:
    """What `pyshacl -s ontology/shapes.ttl -e ontology/longarm.ttl merged.ttl` does, from outside longarm."""
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "longarm.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, text


def test_counts(data: rdflib.Graph) -> None:
    assert _count(data, LX.Organization) >= 93
    assert _count(data, LX.OwnershipInterest) >= 85
    assert _count(data, LX.Service) >= 38
    assert _count(data, LX.Contract) >= 11
    assert _count(data, LX.Certification) >= 23
    assert _count(data, LX.LegalInstrument) >= 15


def test_jurisdictions(data: rdflib.Graph) -> None:
    codes = {str(o) for o in data.objects(None, LX.isoCode)}
    assert EU_MEMBERS | {"EU", "US", "GB", "CN", "RU", "AU", "CA", "CH", "IN", "SG", "KY"} <= codes
    eu = entity_iri("jur", "EU")
    members = {str(data.value(m, LX.isoCode)) for m in data.subjects(LX.memberOf, eu)}
    assert members == EU_MEMBERS


def test_instrument_ids_are_stable(data: rdflib.Graph) -> None:
    ids = {str(data.value(i, SKOS.notation)) for i in data.subjects(RDF.type, LX.LegalInstrument)}
    assert ids >= INSTRUMENT_IDS
    for iid in INSTRUMENT_IDS:
        assert (entity_iri("instrument", iid), RDF.type, LX.LegalInstrument) in data


def test_fisa_702_lapse_and_residual(data: rdflib.Graph) -> None:
    fisa = entity_iri("instrument", "us-fisa-702")
    assert str(data.value(fisa, LX.inForceUntil)) == "2026-06-12"
    assert str(data.value(fisa, LX.residualUntil)).startswith("2027-03")


def test_published_cases_are_assets(data: rdflib.Graph) -> None:
    for slug in ("health-data-hub", "doctolib-vaccination"):
        asset = entity_iri("asset", slug)
        assert (asset, RDF.type, LX.DataAsset) in data
        assert data.value(asset, LX.hostedOn) is not None
    keys = data.value(entity_iri("asset", "doctolib-vaccination"), LX.keysHeldBy)
    assert keys == entity_iri("org", "doctolib-trusted-third-party")


def test_every_secnumcloud_catalogue_row_is_a_qualification(data: rdflib.Graph) -> None:
    qualified = [c for c in data.subjects(LX.scheme, LX.SecNumCloud) if (c, LX.status, LX.Qualified) in data]
    assert len(qualified) >= 15
    in_evaluation = {data.value(c, LX.holder) for c in data.subjects(LX.status, LX.InEvaluation)}
    assert entity_iri("org", "bleu") in in_evaluation


def test_historical_stakes_are_dated(data: rdflib.Graph) -> None:
    for owned in ("numergy", "cloudwatt"):
        interests = list(data.subjects(LX.owned, entity_iri("org", owned)))
        assert len(interests) >= 3, owned
        assert all(data.value(i, LX.validFrom) is not None for i in interests)


def test_every_reference_is_defined(data: rdflib.Graph) -> None:
    """Every longarm IRI used as an object is a typed node somewhere in the dataset."""
    typed = set(data.subjects(RDF.type, None))
    dangling = sorted(
        {str(o) for o in data.objects() if isinstance(o, rdflib.URIRef) and str(o).startswith(ID_BASE)}
        - {str(t) for t in typed}
    )
    assert dangling == []


def test_every_source_has_a_date(data: rdflib.Graph) -> None:
    """A date, the day an undated page was read, or a caveat saying the date is not known."""
    sources = set(data.objects(None, DCTERMS.source))
    undated = [
        s
        for s in sources
        if data.value(s, DCTERMS.date) is None
        and data.value(s, LX.retrievedOn) is None
        and not any("not known" in str(c) and "date" in str(c).lower() for c in data.objects(s, LX.caveat))
    ]
    assert undated == []


def test_bundled_store_loads_and_counts(bundled_store: Store) -> None:
    from longarm.graph.store.stats import store_stats

    stats = store_stats(bundled_store)
    assert stats.instances["Organization"] >= 93
    assert len([g for g in stats.graphs if g.graph.endswith(("/ontology", "/meta"))]) == 2


# ---------------------------------------------------------------------- dates as precise as their sources


def _window(value: rdflib.term.Node | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day an xsd:date, xsd:gYearMonth or xsd:gYear literal can stand for."""
    if value is None:
        return None
    assert isinstance(value, rdflib.Literal), value
    text = str(value)
    if value.datatype == XSD.date:
        day = dt.date.fromisoformat(text[:10])
        return day, day
    if value.datatype == XSD.gYearMonth:
        year, month = int(text[:4]), int(text[5:7])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if value.datatype == XSD.gYear:
        year = int(text[:4])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise AssertionError(f"not a date: {value!r}")


def _start(g: rdflib.Graph, node: rdflib.term.Node) -> tuple[dt.date, dt.date]:
    """The earliest and the latest day a fact can have begun (an open start has begun forever)."""
    window = _window(g.value(node, LX.validFrom))
    not_before = _window(g.value(node, LX.notBefore))
    not_after = _window(g.value(node, LX.notAfter))
    if window is None and not_before is None and not_after is None:
        return dt.date.min, dt.date.min
    earliest = max([w[0] for w in (window, not_before) if w is not None], default=dt.date.min)
    latest = min([w[1] for w in (window, not_after) if w is not None], default=dt.date.max)
    return earliest, latest


def _end(g: rdflib.Graph, node: rdflib.term.Node) -> tuple[dt.date, dt.date]:
    """The earliest and the latest day a fact can have ended (an open end never ends)."""
    window = _window(g.value(node, LX.validUntil))
    return window if window is not None else (dt.date.max, dt.date.max)


def _may_hold(g: rdflib.Graph, node: rdflib.term.Node, day: dt.date) -> bool:
    return _start(g, node)[0] <= day <= _end(g, node)[1]


def _holds(g: rdflib.Graph, node: rdflib.term.Node, day: dt.date) -> bool:
    return _start(g, node)[1] <= day <= _end(g, node)[0]


def _org(slug: str) -> rdflib.URIRef:
    return entity_iri("org", slug)


def _src(slug: str) -> rdflib.URIRef:
    return entity_iri("source", slug)


# La Poste: State majority until 3 March 2020, then Caisse des Dépôts 66 % and State 34 %.
# (day, owner, share property or None for no interest, share)
LA_POSTE_SHARES = [
    ("2019-06-01", "french-state", LX.shareOfCapitalMin, 50.0),
    ("2020-03-03", "french-state", LX.shareOfCapitalMin, 50.0),
    ("2020-03-03", "caisse-des-depots", None, None),
    ("2020-03-04", "caisse-des-depots", LX.shareOfCapital, 66.0),
    ("2020-03-04", "french-state", LX.shareOfCapital, 34.0),
    ("2024-06-01", "caisse-des-depots", LX.shareOfCapital, 66.0),
    ("2024-06-01", "french-state", LX.shareOfCapital, 34.0),
]


@pytest.mark.parametrize(
    ("day", "owner", "prop", "share"), LA_POSTE_SHARES, ids=[f"{c[0]}-{c[1]}" for c in LA_POSTE_SHARES]
)
def test_la_poste_shares_before_and_after_4_march_2020(
    data: rdflib.Graph, day: str, owner: str, prop: rdflib.URIRef | None, share: float | None
) -> None:
    when = dt.date.fromisoformat(day)
    held = [
        i
        for i in data.subjects(LX.owned, _org("la-poste"))
        if data.value(i, LX.owner) == _org(owner) and _may_hold(data, i, when)
    ]
    if prop is None:
        assert held == []
        return
    assert len(held) == 1, held
    assert _holds(data, held[0], when)
    assert float(data.value(held[0], prop)) == share  # type: ignore[arg-type]
    sources = set(data.objects(held[0], DCTERMS.source))
    assert _src("ape-2024-third-party-file") not in sources  # the reversed split is not used
    assert {_src("caissedesdepots-2019-la-poste-protocol"), _src("economie-gouv-2020-pole-financier-public")} <= sources


def test_ikoula_and_its_sole_shareholder_sewan(data: rdflib.Graph) -> None:
    ikoula, sewan = _org("ikoula-net"), _org("sewan")
    assert str(data.value(ikoula, LX.siren)) == "417680618"
    assert str(data.value(sewan, LX.siren)) == "452363153"
    assert data.value(ikoula, LX.incorporatedIn) == data.value(sewan, LX.incorporatedIn) == entity_iri("jur", "FR")
    assert rdflib.Literal("Ikoula") in set(data.objects(ikoula, SKOS.altLabel))
    assert data.value(sewan, LX.ownersRecorded).toPython() is False  # type: ignore[union-attr]
    [interest] = list(data.subjects(LX.owned, ikoula))
    assert data.value(interest, LX.owner) == sewan
    assert float(data.value(interest, LX.shareOfCapital)) == 100.0  # type: ignore[arg-type]
    assert data.value(interest, LX.notAfter) == rdflib.Literal("2021-11-29", datatype=XSD.date)
    # No invented start: the deed shows Sewan as sole shareholder on 29 Nov 2021 at the latest.
    assert data.value(interest, LX.validFrom) is None and data.value(interest, LX.notBefore) is None
    assert data.value(interest, LX.confidence) == LX.Primary
    assert _src("doctrine-2021-12-16-ikoula-net") in set(data.objects(interest, DCTERMS.source))
    service = entity_iri("service", "ikoula-hosting-cloud")
    assert data.value(service, LX.operatedBy) == ikoula
    assert rdflib.Literal("Ikoula") in set(data.objects(service, SKOS.altLabel))


# (US company, European parent, a source of the interest)
US_SUBSIDIARIES = [
    ("capgemini-america", "capgemini", "scribd-2021-capgemini-america-offer-letter"),
    ("capgemini-government-solutions", "capgemini", "reuters-2026-02-01-capgemini-cgs-bez-kabli"),
    ("orange-business-services-us", "orange", "fcc-da-14-959"),
    ("outscale-inc", "outscale", "outscale-us-terms"),
    ("atos-it-solutions-and-services-inc", "atos", "us-state-vendor-list-atos-it-solutions"),
    ("thales-inc", "thales", "military-aerospace-technology-2002-thales-inc"),
]


@pytest.mark.parametrize(("org", "parent", "source"), US_SUBSIDIARIES, ids=[c[0] for c in US_SUBSIDIARIES])
def test_us_subsidiary_of_a_european_group(data: rdflib.Graph, org: str, parent: str, source: str) -> None:
    subsidiary = _org(org)
    assert (subsidiary, RDF.type, LX.Organization) in data
    assert data.value(subsidiary, LX.incorporatedIn) == entity_iri("jur", "US")
    # The state of incorporation was found for none of them: each says so.
    assert any("state" in str(c) and "not" in str(c) for c in data.objects(subsidiary, LX.caveat)), org
    [interest] = [i for i in data.subjects(LX.owned, subsidiary) if data.value(i, LX.owner) == _org(parent)]
    assert _src(source) in set(data.objects(interest, DCTERMS.source))
    assert (_src(source), RDF.type, LX.Source) in data
    # No source says any of them is wholly owned: neither sole control nor an exact share.
    assert data.value(interest, LX.interestKind) != LX.SoleControl
    assert data.value(interest, LX.shareOfCapital) is None
    assert any("not found" in str(c) for c in data.objects(interest, LX.caveat))


def test_the_capgemini_government_solutions_interest_is_limited_by_its_security_agreement(data: rdflib.Graph) -> None:
    interest = entity_iri("interest", "capgemini-capgemini-government-solutions")
    ssa = entity_iri("contract", "capgemini-government-solutions-ssa")
    assert set(data.subjects(LX.controlLimitedBy, None)) == {interest}
    assert data.value(interest, LX.controlLimitedBy) == ssa
    assert data.value(ssa, LX.contractKind) == LX.SecurityAgreement
    assert _org("capgemini-government-solutions") in set(data.objects(ssa, LX.party))
    # The sale announced on 1 Feb 2026 has not completed in the sources: the interest has no end.
    assert data.value(interest, LX.validUntil) is None
    assert any("1 Feb 2026" in str(c) for c in data.objects(interest, LX.caveat))
    assert _src("reuters-2026-02-01-capgemini-cgs-boursorama") in set(data.objects(interest, DCTERMS.source))


def test_secnumcloud_qualifications_on_15_september_2021(data: rdflib.Graph) -> None:
    day = dt.date(2021, 9, 15)
    certs = [
        c
        for c in data.subjects(LX.scheme, LX.SecNumCloud)
        if (c, LX.status, LX.Qualified) in data and _may_hold(data, c, day)
    ]
    holders = {data.value(c, LX.holder) for c in certs}
    assert holders == {_org("outscale"), _org("ovh-sas"), _org("oodrive")}
    certified = {s for c in certs for s in data.objects(c, LX.certifies)}
    assert entity_iri("service", "outscale-iaas-cloud-on-demand") in certified
    assert entity_iri("service", "ovh-hosted-private-cloud-snc") in certified
    founding_article = _src("lmi-mag-9-2021-09-p45")
    for holder in ("outscale", "oodrive"):
        [cert] = [c for c in certs if data.value(c, LX.holder) == _org(holder)]
        assert founding_article in set(data.objects(cert, DCTERMS.source)), holder
    [outscale] = [c for c in certs if data.value(c, LX.holder) == _org("outscale")]
    assert _holds(data, outscale, day)  # qualified in 2020 already


# Dates stated to the day on 1 January, with the source that states that day. A year known
# only to the year is an xsd:gYear, never a 1 January placeholder.
JANUARY_FIRST_ALLOWED: dict[tuple[str, str], str] = {}


def test_no_date_is_a_first_of_january_placeholder(data: rdflib.Graph) -> None:
    found = sorted(
        (str(s), str(p))
        for s, p, o in data
        if isinstance(o, rdflib.Literal) and o.datatype == XSD.date and str(o)[4:10] == "-01-01"
    )
    assert [f for f in found if f not in JANUARY_FIRST_ALLOWED] == []


USER_FACING = (
    RDFS.label,
    SKOS.altLabel,
    SKOS.prefLabel,
    SKOS.note,
    SKOS.definition,
    RDFS.comment,
    LX.caveat,
    DCTERMS.title,
)
RESEARCH_MARK = re.compile(r"\[(?:S|S\?|P|M)\]|from memory|⚠|research note", re.IGNORECASE)
# Files whose text never cites a research section (the legal citations with "§" are in instruments.ttl).
NO_SECTION_SIGN = ("organizations", "ownership", "services", "contracts", "assets", "sources")


def test_no_user_facing_literal_carries_a_research_mark(data: rdflib.Graph) -> None:
    marked = sorted(
        (str(s), str(o)[:80]) for p in USER_FACING for s, o in data.subject_objects(p) if RESEARCH_MARK.search(str(o))
    )
    assert marked == []
    for name in NO_SECTION_SIGN:
        g = rdflib.Graph().parse(ROOT / "data" / f"{name}.ttl", format="turtle")
        assert [str(o)[:80] for o in g.objects() if isinstance(o, rdflib.Literal) and "§" in str(o)] == [], name
