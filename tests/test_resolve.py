"""References: by id, label, alias, then a unique prefix or all words; ambiguous, unknown, of another kind."""

from __future__ import annotations

import datetime as dt
import gc
import json
from pathlib import Path

import pytest

from longarm.api.cli import EXIT_INPUT, main
from longarm.api.models import AnswerOut
from longarm.api.responses import DictJSON
from longarm.graph.base.errors import AmbiguousReferenceError, InputError, UnknownReferenceError, WrongKindError
from longarm.graph.engine.reach import compel
from longarm.graph.engine.resolve import (
    MATCHES,
    RESOLVED_BY,
    describe_asset,
    describe_asset_resolved,
    resolve,
    resolve_ref,
    search,
)
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import Org, Projection, iri
from longarm.graph.store.embedded import Store
from longarm.graph.views.report import answer_to_dict


@pytest.fixture(scope="module")
def p(bundled_store: Store) -> Projection:
    return projection_for(bundled_store)


MSFT, MIOL = iri("org", "microsoft-corporation"), iri("org", "microsoft-ireland-operations")
CLOUD_ACT, FISA = iri("instrument", "us-cloud-act"), iri("instrument", "us-fisa-702")

# (reference, kinds asked for, the node it names, how it matched)
REFS: list[tuple[str, str | tuple[str, ...], str, str]] = [
    # ids: slug, IRI, LEI (any case), Wikidata Q-id, notation, ISO code
    ("microsoft-corporation", "org", MSFT, "id"),
    (MSFT, "org", MSFT, "id"),
    ("INR2EJN1ERAN0W5ZP974", "org", MSFT, "id"),
    ("inr2ejn1eran0w5zp974", "org", MSFT, "id"),
    ("Q2283", "org", MSFT, "id"),
    ("us-cloud-act", "instrument", CLOUD_ACT, "id"),
    ("health-data-hub", "asset", iri("asset", "health-data-hub"), "id"),
    ("FR", "jur", iri("jur", "FR"), "id"),
    ("  FR ", "jur", iri("jur", "FR"), "id"),
    # labels and aliases: any case, and without accents or punctuation
    ("microsoft corporation", "org", MSFT, "label"),
    ("caisse des depots", "org", iri("org", "caisse-des-depots"), "label"),
    ("Alibaba Netherlands BV", "org", iri("org", "alibaba-netherlands"), "label"),
    ("France", "jur", iri("jur", "FR"), "label"),
    ("MIOL", "org", MIOL, "alias"),
    ("CLOUD Act", "instrument", CLOUD_ACT, "alias"),
    ("cloud act", "instrument", CLOUD_ACT, "alias"),
    ("Etat francais", "org", iri("org", "french-state"), "alias"),
    ("OVHcloud", "org", iri("org", "ovh-groupe"), "alias"),
    # the failures seen on main: each names exactly one node of the kind asked for
    ("Health Data Hub", "asset", iri("asset", "health-data-hub"), "prefix"),
    ("FISA", "instrument", FISA, "prefix"),
    ("GDPR", "instrument", iri("instrument", "eu-gdpr-art48"), "prefix"),
    ("Alibaba Group Holding", "org", iri("org", "alibaba-group-holding"), "prefix"),
    ("us-fisa", "instrument", FISA, "prefix"),
    ("xav", "org", iri("org", "xavier-niel"), "prefix"),
    # every word starts a word of one name, in any order
    ("FISA 702 section", "instrument", FISA, "words"),
    ("Alibaba Holding", "org", iri("org", "alibaba-group-holding"), "words"),
    ("intelligence law china", "instrument", iri("instrument", "cn-nil"), "words"),
    ("platform Cloudwatt", "service", iri("service", "cloudwatt-platform"), "words"),
    # the surest level wins: an id over another node's alias, a label over another's alias,
    # an id or an alias over other nodes' prefixes, a prefix over other nodes' words
    ("bleu", ("org", "service"), iri("org", "bleu"), "id"),
    ("AWS European Sovereign Cloud", ("org", "service"), iri("service", "aws-european-sovereign-cloud"), "label"),
    ("cloudwatt", ("org", "service"), iri("org", "cloudwatt"), "id"),
    ("Cloudwatt", "service", iri("service", "cloudwatt-platform"), "alias"),
    ("Outscale", "org", iri("org", "outscale"), "id"),  # not Outscale Inc.
    ("Oracle", "org", iri("org", "oracle-corporation"), "alias"),  # not Oracle Nederland B.V.
    ("Huawei Investment", "org", iri("org", "huawei-investment-holding"), "prefix"),  # not the union
]


@pytest.mark.parametrize(("ref", "kinds", "expected", "match"), REFS, ids=[f"{r[0]}-{r[3]}" for r in REFS])
def test_resolves(p: Projection, ref: str, kinds: str | tuple[str, ...], expected: str, match: str) -> None:
    found = resolve_ref(p, ref, kinds)
    assert (found.iri, found.match) == (expected, match)
    assert found.label == p.label(expected) and found.ref == ref.strip() and found.match in RESOLVED_BY
    assert resolve(p, ref, kinds) == expected


def test_an_id_beats_a_label_beats_an_alias() -> None:
    # Made up: each node's name is another's slug and a third one's alias.
    names = [("acme", "Beta", "Gamma"), ("beta", "Gamma", "Acme"), ("gamma", "Acme", "Beta")]

    def projection(slugs: list[str]) -> Projection:
        iris = [iri("org", slug) for slug in slugs]
        orgs = {i: Org(i, label=label, aliases=[alias]) for i, (_, label, alias) in zip(iris, names, strict=True)}
        return Projection(labels={i: o.label for i, o in orgs.items()}, orgs=orgs)

    p = projection([slug for slug, _, _ in names])
    assert [(resolve_ref(p, ref, "org").iri, resolve_ref(p, ref, "org").match) for ref in ("ACME", "beta")] == [
        (iri("org", "acme"), "id"),
        (iri("org", "beta"), "id"),
    ]
    p = projection(["n0", "n1", "n2"])  # without those slugs, the labels win over the aliases
    assert [(p.label(r.iri), r.match) for r in (resolve_ref(p, ref, "org") for ref in ("acme", "BETA"))] == [
        ("Acme", "label"),
        ("Beta", "label"),
    ]


AMBIGUOUS: list[tuple[str, str | tuple[str, ...], set[str]]] = [
    ("Micro", "org", {MSFT, MIOL, iri("org", "microsoft-france")}),
    ("Google Cloud", "org", {iri("org", "google-cloud-emea"), iri("org", "google-cloud-france")}),
    ("China", "instrument", {iri("instrument", n) for n in ("cn-csl", "cn-dsl", "cn-nil")}),
    # The Health Data Hub is both an organization (the customer) and a data asset.
    ("health-data-hub", ("org", "asset"), {iri("org", "health-data-hub"), iri("asset", "health-data-hub")}),
]


@pytest.mark.parametrize(("ref", "kinds", "candidates"), AMBIGUOUS, ids=[a[0] for a in AMBIGUOUS])
def test_ambiguous_lists_candidates(
    p: Projection, ref: str, kinds: str | tuple[str, ...], candidates: set[str]
) -> None:
    with pytest.raises(AmbiguousReferenceError) as info:
        resolve(p, ref, kinds)
    assert {i for i, _ in info.value.candidates} == candidates
    labels = [label for _, label in info.value.candidates]
    assert labels == sorted(labels)


# (reference, kinds, the first suggestion); suggestions come most similar first
UNKNOWN: list[tuple[str, str, str | None]] = [
    ("Microsft Corporation", "org", MSFT),
    ("Microsft Ireland", "org", MIOL),
    ("Bleux", "org", iri("org", "bleu")),
    ("Holding Alibaba Grup", "org", iri("org", "alibaba-group-holding")),
    ("us-cloud-actt", "instrument", CLOUD_ACT),
    ("INR2EJN1ERAN0W5ZP975", "org", MSFT),
    ("x", "org", None),  # too short to match by prefix: only an exact name would do
    ("Atlantis", "jur", None),
]


@pytest.mark.parametrize(("ref", "kind", "first"), UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_unknown_gives_ranked_suggestions(p: Projection, ref: str, kind: str, first: str | None) -> None:
    with pytest.raises(UnknownReferenceError) as info:
        resolve(p, ref, kind)
    assert not isinstance(info.value, WrongKindError)
    suggestions = [i for i, _ in info.value.suggestions]
    assert len(suggestions) <= 5 and len(set(suggestions)) == len(suggestions)
    assert (suggestions[0] if suggestions else None) == first
    if first is not None:
        assert f"did you mean: {p.label(first)}" in str(info.value)


# (reference, kinds asked for, what it names instead, the message)
WRONG: list[tuple[str, str, list[tuple[str, str]], str]] = [
    (
        "us-cloud-act",
        "org",
        [(CLOUD_ACT, "instrument")],
        "us-cloud-act is an instrument (US CLOUD Act / Stored Communications Act), not an organization",
    ),
    ("FISA", "org", [(FISA, "instrument")], "FISA is an instrument (US FISA Section 702), not an organization"),
    ("bleu", "asset", [(iri("org", "bleu"), "org")], "bleu is an organization (Bleu), not a data asset"),
    ("US", "instrument", [(iri("jur", "US"), "jur")], "US is a jurisdiction (United States), not an instrument"),
    (  # each word of the reference needs its own word of the name: not the organization "Cloudwatt"
        "Cloudwatt cloud",
        "org",
        [(iri("service", "cloudwatt-platform"), "service")],
        "Cloudwatt cloud is a service (Cloudwatt cloud platform (2012-2020)), not an organization",
    ),
    (
        "Azure",
        "org",
        [(iri("service", "microsoft-azure-miol"), "service")],
        "Azure is a service (Microsoft Azure for customers in France (contracted with MIOL)), not an organization",
    ),
    (
        "health-data-hub",
        "instrument",
        [(iri("org", "health-data-hub"), "org"), (iri("asset", "health-data-hub"), "asset")],
        "health-data-hub is an organization (Health Data Hub) or a data asset (Health Data Hub pseudonymised "
        "national health data on Microsoft Azure), not an instrument",
    ),
]


@pytest.mark.parametrize(("ref", "kind", "found", "message"), WRONG, ids=[w[0] for w in WRONG])
def test_wrong_kind_says_what_it_is(
    p: Projection, ref: str, kind: str, found: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(WrongKindError) as info:
        resolve(p, ref, kind)
    assert isinstance(info.value, UnknownReferenceError)  # a 404 to the API, exit 2 to the CLI
    assert [(i, k) for i, k, _ in info.value.found] == found and info.value.wanted == [kind]
    assert [i for i, _ in info.value.suggestions] == [i for i, _ in found]
    assert str(info.value) == message


def test_bad_kinds_and_empty_refs(p: Projection) -> None:
    with pytest.raises(InputError):
        resolve(p, "bleu", "planet")
    with pytest.raises(InputError):
        resolve(p, "  ", "org")


def test_resolved_says_when_it_is_worth_showing(p: Projection) -> None:
    shown = {ref: resolve_ref(p, ref, "org").noteworthy for ref in ("ovh-groupe", "OVH Groupe SA", "ovh groupe sa")}
    assert shown == {"ovh-groupe": False, "OVH Groupe SA": False, "ovh groupe sa": False}
    ovh = resolve_ref(p, "OVHcloud", "org")
    assert ovh.noteworthy and str(ovh) == "OVHcloud → OVH Groupe SA (alias)"
    assert ovh.as_dict() == {
        "ref": "OVHcloud",
        "iri": iri("org", "ovh-groupe"),
        "label": "OVH Groupe SA",
        "kind": "org",
        "match": "alias",
    }
    # "Index Education" is one of its aliases, and its label "Index Éducation" but for the accent: the label wins.
    assert resolve_ref(p, "Index Education", "org").match == "label"
    assert not resolve_ref(p, "Index Education", "org").noteworthy


def test_search_ranks_exact_then_prefix_then_substring(p: Projection) -> None:
    page = search(p, "microsoft", "org")
    matches = [h.match for h in page.hits]
    assert matches == sorted(matches, key=MATCHES.index)
    assert page.hits[0].iri == MSFT and page.hits[0].match == "exact"
    assert {h.match for h in search(p, "icrosof").hits} == {"substring"}


def test_search_pages_and_kinds(p: Projection) -> None:
    whole = search(p, "cloud", limit=1000)
    pages = [h.iri for off in range(0, whole.total, 5) for h in search(p, "cloud", limit=5, offset=off).hits]
    assert pages == [h.iri for h in whole.hits] and len(set(pages)) == whole.total
    assert {h.kind for h in search(p, "cloud", ["service"]).hits} == {"service"}


def test_search_matches_an_iri_only_exactly(p: Projection) -> None:
    assert search(p, "w3id.org").total == 0
    assert [h.iri for h in search(p, iri("org", "bleu")).hits] == [iri("org", "bleu")]
    with pytest.raises(InputError):
        search(p, "   ")


def test_describe_asset_resolves_each_reference(p: Projection) -> None:
    spec = describe_asset(p, services=["ovhcloud-europe"], locations=["FR"], keys_held_by=["MIOL"])
    assert spec.locations == (iri("jur", "FR"),) and spec.keys_held_by == (MIOL,)
    with pytest.raises(InputError):
        describe_asset(p, locations=["FR"])
    with pytest.raises(UnknownReferenceError):
        describe_asset(p, providers=["Bleux"])


def test_describe_asset_says_what_each_reference_named(p: Projection) -> None:
    spec, resolved = describe_asset_resolved(
        p, services=["Azure"], providers=["OVHcloud"], locations=["france"], keys_held_by=["AWS France"]
    )
    assert [(r.ref, r.kind, r.match) for r in resolved] == [
        ("Azure", "service", "alias"),
        ("OVHcloud", "org", "alias"),
        ("france", "jur", "label"),
        ("AWS France", "org", "alias"),
    ]
    assert spec.providers == (iri("org", "ovh-groupe"),) and spec.services == (iri("service", "microsoft-azure-miol"),)


def test_a_described_answer_with_its_resolutions_is_the_models_json(p: Projection) -> None:
    spec, resolved = describe_asset_resolved(p, providers=["OVHcloud"], locations=["FR"])
    content = {
        **answer_to_dict(p, compel(p, spec, dt.date(2026, 9, 1), "strict")),
        "resolved": [r.as_dict() for r in resolved],
    }
    model = AnswerOut.model_validate(content)
    assert model.resolved is not None and model.resolved[0].label == "OVH Groupe SA"
    assert DictJSON(content).body == model.model_dump_json(exclude_unset=True).encode()


# ---------------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("resolve") / "store"
    assert main(["--store", str(path), "load", "--bundled"]) == 0
    # Validating leaves pyshacl's frames in a reference cycle that holds the store, and so
    # its lock, until the cyclic collector runs: run it before the commands reopen the store.
    gc.collect()
    return path


def run(capsys: pytest.CaptureFixture[str], store_dir: Path, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--store", str(store_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


# (command line, the "Resolved" line, the answer's first line after it)
CLI_RESOLVED = [
    (
        ["compel", "--provider", "OVHcloud", "--location", "FR", "--as-of", "2026-11-01"],
        "Resolved: OVHcloud → OVH Groupe SA (alias)",
        "Who can compel access to the described asset (OVHcloud)",
    ),
    (
        ["compel", "Health Data Hub", "--as-of", "2024-06-01", "--format", "table"],
        "Resolved: Health Data Hub → Health Data Hub pseudonymised national health data on Microsoft Azure (prefix)",
        "Health Data Hub pseudonymised national health data on Microsoft Azure, as of 2024-06-01",
    ),
    (
        ["chain", "Alibaba Group Holding", "--down", "--as-of", "2026-01-01"],
        "Resolved: Alibaba Group Holding → Alibaba Group Holding Limited (prefix)",
        "Holdings of Alibaba Group Holding Limited",
    ),
    (
        ["reach", "FISA", "--as-of", "2024-06-01"],
        "Resolved: FISA → US FISA Section 702 (prefix)",
        "What US FISA Section 702 can reach, as of 2024-06-01",
    ),
]


@pytest.mark.parametrize(("argv", "line", "heading"), CLI_RESOLVED, ids=[c[0][0] + " " + c[0][1] for c in CLI_RESOLVED])
def test_cli_says_what_a_name_resolved_to(
    capsys: pytest.CaptureFixture[str], store_dir: Path, argv: list[str], line: str, heading: str
) -> None:
    code, out, err = run(capsys, store_dir, *argv)
    assert code == 0, err
    first, second = out.splitlines()[:2]
    assert first == line and second.startswith(heading)


def test_cli_says_nothing_for_an_id_or_a_label(capsys: pytest.CaptureFixture[str], store_dir: Path) -> None:
    for argv in (["chain", "cloudwatt"], ["chain", "Orange S.A."], ["reach", "us-cloud-act"]):
        code, out, _ = run(capsys, store_dir, *argv)
        assert code == 0 and "Resolved:" not in out


def test_cli_json_lists_every_resolution(capsys: pytest.CaptureFixture[str], store_dir: Path) -> None:
    argv = ["compel", "--service", "Azure", "--provider", "ovh-groupe", "--location", "FR", "--format", "json"]
    code, out, _ = run(capsys, store_dir, *argv)
    assert code == 0
    assert [(r["ref"], r["label"], r["kind"], r["match"]) for r in json.loads(out)["resolved"]] == [
        ("Azure", "Microsoft Azure for customers in France (contracted with MIOL)", "service", "alias"),
        ("ovh-groupe", "OVH Groupe SA", "org", "id"),
        ("FR", "France", "jur", "id"),
    ]
    for argv in (["chain", "OVHcloud", "--format", "json"], ["reach", "CLOUD Act", "--format", "json"]):
        code, out, _ = run(capsys, store_dir, *argv)
        (resolved,) = json.loads(out)["resolved"]
        assert code == 0 and resolved["ref"] == argv[1] and resolved["match"] == "alias"
        assert set(resolved) == {"ref", "iri", "label", "kind", "match"}


WRONG_CLI = [
    (
        ["chain", "us-cloud-act"],
        "us-cloud-act is an instrument (US CLOUD Act / Stored Communications Act), not an organization: "
        "longarm reach us-cloud-act",
    ),
    (["reach", "cloudwatt"], "cloudwatt is an organization (Cloudwatt), not an instrument: longarm chain cloudwatt"),
    (
        ["chain", "Azure"],
        "Azure is a service (Microsoft Azure for customers in France (contracted with MIOL)), not an organization: "
        "longarm compel --service microsoft-azure-miol",
    ),
    (["reach", "doctolib-vaccination"], "longarm compel doctolib-vaccination"),
    (["compel", "bleu"], "bleu is an organization (Bleu), not a data asset: longarm compel --provider bleu"),
    (["compel", "--provider", "FR"], "FR is a jurisdiction (France), not an organization"),
]


@pytest.mark.parametrize(("argv", "message"), WRONG_CLI, ids=[" ".join(w[0]) for w in WRONG_CLI])
def test_cli_wrong_kind_names_the_command(
    capsys: pytest.CaptureFixture[str], store_dir: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, store_dir, *argv)
    assert code == EXIT_INPUT and out == ""
    assert err.startswith("longarm: error: ") and message in err
