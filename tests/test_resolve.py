"""References: slug, IRI, LEI, Q-id, exact name or alias, case-insensitive; unknown and ambiguous."""

from __future__ import annotations

import pytest

from longarm.graph.errors import AmbiguousReferenceError, InputError, UnknownReferenceError
from longarm.graph.projection import Projection, iri, projection_for
from longarm.graph.resolve import MATCHES, describe_asset, resolve, search
from longarm.graph.store import Store


@pytest.fixture(scope="module")
def p(bundled_store: Store) -> Projection:
    return projection_for(bundled_store)


REFS = [
    ("microsoft-corporation", "org", iri("org", "microsoft-corporation")),
    (iri("org", "microsoft-corporation"), "org", iri("org", "microsoft-corporation")),
    ("INR2EJN1ERAN0W5ZP974", "org", iri("org", "microsoft-corporation")),
    ("inr2ejn1eran0w5zp974", "org", iri("org", "microsoft-corporation")),
    ("Q2283", "org", iri("org", "microsoft-corporation")),
    ("microsoft corporation", "org", iri("org", "microsoft-corporation")),
    ("MIOL", "org", iri("org", "microsoft-ireland-operations")),
    ("us-cloud-act", "instrument", iri("instrument", "us-cloud-act")),
    ("CLOUD Act", "instrument", iri("instrument", "us-cloud-act")),
    ("health-data-hub", "asset", iri("asset", "health-data-hub")),
    ("FR", "jur", iri("jur", "FR")),
]


@pytest.mark.parametrize(("ref", "kind", "expected"), REFS)
def test_resolves(p: Projection, ref: str, kind: str, expected: str) -> None:
    assert resolve(p, ref, kind) == expected


def test_unknown_gives_suggestions(p: Projection) -> None:
    with pytest.raises(UnknownReferenceError) as info:
        resolve(p, "Microsft Corporation", "org")
    assert iri("org", "microsoft-corporation") in [i for i, _ in info.value.suggestions]


def test_ambiguous_lists_candidates(p: Projection) -> None:
    # The Health Data Hub is both an organization (the customer) and a data asset.
    with pytest.raises(AmbiguousReferenceError) as info:
        resolve(p, "health-data-hub", ("org", "asset"))
    assert {i for i, _ in info.value.candidates} == {iri("org", "health-data-hub"), iri("asset", "health-data-hub")}


def test_bad_kinds_and_empty_refs(p: Projection) -> None:
    with pytest.raises(InputError):
        resolve(p, "bleu", "planet")
    with pytest.raises(InputError):
        resolve(p, "  ", "org")


def test_search_ranks_exact_then_prefix_then_substring(p: Projection) -> None:
    page = search(p, "microsoft", "org")
    matches = [h.match for h in page.hits]
    assert matches == sorted(matches, key=MATCHES.index)
    assert page.hits[0].iri == iri("org", "microsoft-corporation") and page.hits[0].match == "exact"
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
    assert spec.locations == (iri("jur", "FR"),) and spec.keys_held_by == (iri("org", "microsoft-ireland-operations"),)
    with pytest.raises(InputError):
        describe_asset(p, locations=["FR"])
    with pytest.raises(UnknownReferenceError):
        describe_asset(p, providers=["Bleux"])
