"""Reach rules are data: a new law is a data change; the closed set of rule kinds is enforced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from longarm.graph.engine.reach import compel
from longarm.graph.engine.rules import (
    CONTESTED,
    ESTABLISHED,
    LIKELY,
    RESIDUAL,
    RuleError,
    check_instrument,
    downgrade,
    temporal_status,
    weakest,
)
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import Instrument, Rule, iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_path, load_bundled, load_documents

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_new_law_is_a_data_change() -> None:
    store = Store.in_memory()
    load_bundled(store)
    doctolib = iri("asset", "doctolib-vaccination")
    before = compel(projection_for(store), doctolib, dt.date(2021, 3, 12))
    load_documents(store, [document_from_path(FIXTURES / "fictional-instrument.ttl")])
    p = projection_for(store)
    after = compel(p, doctolib, dt.date(2021, 3, 12))
    new = {(p.instruments[e.instrument].notation, p.label(e.entity), p.label(e.tier)) for e in after.exposures}
    old = {(p.instruments[e.instrument].notation, p.label(e.entity), p.label(e.tier)) for e in before.exposures}
    assert new - old == {("lu-fictional-access-act", "Amazon Web Services EMEA SARL", "likely")}


TIERS = [
    ((ESTABLISHED, LIKELY), LIKELY),
    ((LIKELY, CONTESTED), CONTESTED),
    ((ESTABLISHED, RESIDUAL), RESIDUAL),
    ((ESTABLISHED,), ESTABLISHED),
]


@pytest.mark.parametrize(("tiers", "expected"), TIERS)
def test_weakest(tiers: tuple[str, ...], expected: str) -> None:
    assert weakest(*tiers) == expected


def test_downgrade_stops_at_contested() -> None:
    assert [downgrade(t) for t in (ESTABLISHED, LIKELY, CONTESTED, RESIDUAL)] == [
        LIKELY,
        CONTESTED,
        CONTESTED,
        RESIDUAL,
    ]


def test_unknown_rule_kind_is_refused() -> None:
    ins = Instrument("x", notation="xx-test", rules=[Rule("r", "https://example.org/NewKindOfRule")])
    with pytest.raises(RuleError):
        check_instrument(ins)


def test_rule_without_parameters_is_refused() -> None:
    from longarm.graph.engine.rules import NEXUS

    with pytest.raises(RuleError):
        check_instrument(Instrument("x", notation="xx-test", rules=[Rule("r", NEXUS)]))


def test_bundled_instruments_pass_the_check(bundled_store: Store) -> None:
    for ins in projection_for(bundled_store).instruments.values():
        check_instrument(ins)


WINDOWS = [
    (dt.date(2008, 7, 9), None),
    (dt.date(2024, 1, 1), "in force"),
    (dt.date(2026, 6, 12), "in force"),
    (dt.date(2026, 6, 13), "residual"),
    (dt.date(2027, 3, 31), "residual"),
    (dt.date(2027, 4, 1), None),
]


@pytest.mark.parametrize(("when", "status"), WINDOWS)
def test_fisa_702_window(bundled_store: Store, when: dt.date, status: str | None) -> None:
    fisa = projection_for(bundled_store).instruments[iri("instrument", "us-fisa-702")]
    assert temporal_status(fisa, when) == status


def test_a_tier_that_is_not_one_is_refused_not_ranked_residual() -> None:
    with pytest.raises(ValueError):
        weakest(ESTABLISHED, "https://example.org/Establshed")
