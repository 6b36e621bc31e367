"""References: slug, IRI, LEI, Q-id, exact name or alias, case-insensitive; unknown and ambiguous."""

from __future__ import annotations

import pytest

from longarm.graph.errors import AmbiguousReferenceError, InputError, UnknownReferenceError
from longarm.graph.projection import Projection, iri, projection_for
from longarm.graph.resolve import resolve
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
