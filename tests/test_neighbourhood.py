"""On a remote store the engine answers from a question's neighbourhood: the same answers as the whole projection."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.settings import Settings
from longarm.benchmarks.synthetic import SyntheticConfig, generate
from longarm.graph.base.errors import UnknownReferenceError
from longarm.graph.engine.neighbourhood import asset_neighbourhood, asset_question
from longarm.graph.engine.reach import compel
from longarm.graph.projection.cache import cached_projection, projection_for
from longarm.graph.projection.model import RDF_TYPE, RDFS_LABEL, Projection, iri
from longarm.graph.projection.remote_facts import ENTITY_CLASSES, SHARED_CLASSES
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.graph.store.remote import RemoteStore
from longarm.graph.views.report import answer_to_dict
from longarm.ontology.namespace import LX, entity_iri, graph_iri

from .oxigraph_server import clear, endpoint, oxigraph_server

DATES = (dt.date(2019, 1, 1), dt.date(2024, 6, 30), dt.date(2026, 6, 1))
_TYPE, _LABEL = ox.NamedNode(RDF_TYPE), ox.NamedNode(RDFS_LABEL)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "server.log") as base:
        yield base


def _asset_on_every_service(store: Store) -> None:
    """One stored asset per service of the bundled data (two are stored): every host is asked about."""
    triples = []
    for n, svc in enumerate(sorted(projection_for(store).services)):
        asset = ox.NamedNode(str(entity_iri("asset", f"on-service-{n}")))
        triples += [
            ox.Triple(asset, _TYPE, ox.NamedNode(str(LX.DataAsset))),
            ox.Triple(asset, _LABEL, ox.Literal(f"data on service {n}")),
            ox.Triple(asset, ox.NamedNode(str(LX.hostedOn)), ox.NamedNode(svc)),
        ]
    store.replace_graphs({str(graph_iri("test/assets")): triples})


@pytest.fixture(scope="module")
def bundled(server: str) -> RemoteStore:
    clear(server)
    store = RemoteStore(endpoint(server))
    load_bundled(store)
    _asset_on_every_service(store)
    return store


def _same_answers(store: RemoteStore, whole: Projection, assets: list[str], dates: tuple[dt.date, ...]) -> None:
    for as_of in dates:
        for asset in assets:
            near = asset_neighbourhood(store, asset, as_of)
            for mode in ("strict", "practical"):
                expected = answer_to_dict(whole, compel(whole, asset, as_of, mode))
                assert answer_to_dict(near, compel(near, asset, as_of, mode)) == expected, (asset, as_of, mode)


def test_every_bundled_host_answers_as_on_the_whole_projection(bundled: RemoteStore) -> None:
    whole = projection_for(bundled)
    assets = sorted(whole.assets)
    assert len(assets) == len(whole.services) + 2
    _same_answers(bundled, whole, assets, DATES)
    # ... and as the embedded store, instrument by instrument (its blank nodes have other names).
    embedded = Store.in_memory()
    load_bundled(embedded)
    _asset_on_every_service(embedded)
    local = projection_for(embedded)
    for asset in assets:
        a, b = compel(asset_neighbourhood(bundled, asset, DATES[-1]), asset, DATES[-1]), compel(local, asset, DATES[-1])
        assert [(e.instrument, e.entity, e.tier) for e in a.exposures] == [
            (e.instrument, e.entity, e.tier) for e in b.exposures
        ]


def test_a_neighbourhood_holds_the_question_not_the_graph(bundled: RemoteStore) -> None:
    whole = projection_for(bundled)
    near = asset_neighbourhood(bundled, iri("asset", "health-data-hub"), DATES[-1])
    assert iri("org", "microsoft-corporation") in near.orgs
    assert iri("org", "s3ns") not in near.orgs and len(near.orgs) < len(whole.orgs) / 2
    assert len(near.instruments) == len(whole.instruments)  # the shared facts, whole
    assert asset_neighbourhood(bundled, iri("asset", "health-data-hub"), DATES[-1]) is near  # kept per revision


def test_every_class_is_read_per_question_or_shared(bundled: RemoteStore) -> None:
    rows = bundled.oxigraph.query("SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s a ?t } }")
    assert isinstance(rows, ox.QuerySolutions)
    used = {r["t"].value for r in rows}
    assert used <= set(ENTITY_CLASSES) | set(SHARED_CLASSES), used - set(ENTITY_CLASSES) - set(SHARED_CLASSES)
    assert not set(ENTITY_CLASSES) & set(SHARED_CLASSES)


def test_synthetic_groups_answer_as_on_the_whole_projection(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "server.log") as base:
        _synthetic_groups(RemoteStore(endpoint(base)))


def _synthetic_groups(store: RemoteStore) -> None:
    load_bundled(store)
    text = "".join(generate(SyntheticConfig(orgs=3000, seed=3)))
    store.remote.extend(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))
    store.touch()
    whole = projection_for(store)
    assets = sorted(whole.assets)
    assert len(assets) >= 10
    _same_answers(store, whole, assets, (dt.date(2015, 1, 1), dt.date(2026, 6, 1)))
    assert max(len(asset_neighbourhood(store, a, dt.date(2026, 6, 1)).orgs) for a in assets) < len(whole.orgs) / 3


def test_a_reference_by_id_reads_the_neighbourhood_any_other_the_whole_projection(bundled: RemoteStore) -> None:
    as_of, asset = DATES[-1], iri("asset", "health-data-hub")
    whole = projection_for(bundled)
    for ref in ("health-data-hub", "HEALTH-DATA-HUB", asset):
        p, found = asset_question(bundled, ref, as_of)
        assert (found.iri, found.match) == (asset, "id") and p is not whole
    p, found = asset_question(bundled, whole.assets[asset].label, as_of)
    assert (found.iri, found.match, p) == (asset, "label", whole)
    for unknown in ("no-such-asset", iri("asset", "health-data-hub") + " but not an IRI"):
        with pytest.raises(UnknownReferenceError):
            asset_question(bundled, unknown, as_of)


def test_a_write_by_another_process_is_seen_in_the_next_neighbourhood(server: str, bundled: RemoteStore) -> None:
    reader = RemoteStore(endpoint(server), revision_ttl=0)
    asset, as_of = iri("asset", "on-service-0"), DATES[-1]
    before = asset_neighbourhood(reader, asset, as_of)
    svc = sorted(before.assets[asset].services)[0]
    moved = ox.Triple(
        ox.NamedNode(asset), ox.NamedNode(str(LX.hostedOn)), ox.NamedNode(iri("service", "s3ns-premi3ns"))
    )
    writer = RemoteStore(endpoint(server))
    writer.replace_graphs({str(graph_iri("test/moved")): [moved]})
    after = asset_neighbourhood(reader, asset, as_of)
    assert after.assets[asset].services == {svc, iri("service", "s3ns-premi3ns")} and iri("org", "s3ns") in after.orgs
    writer.replace_graphs({str(graph_iri("test/moved")): []})


def test_the_api_on_a_remote_store_answers_from_the_neighbourhood(
    server: str, bundled: RemoteStore, tmp_path: Path
) -> None:
    store = RemoteStore(endpoint(server, writable=False))
    with TestClient(create_app(Settings(store_path=tmp_path / "unused", neighbourhoods=True), store=store)) as client:
        got = client.get("/api/v1/assets/health-data-hub/exposures", params={"as_of": "2026-06-01"})
        assert got.status_code == 200
        assert cached_projection(store) is None  # the whole graph was not read
        whole = projection_for(bundled)
        expected = answer_to_dict(whole, compel(whole, iri("asset", "health-data-hub"), DATES[-1]))
        assert got.json() == expected
        assert client.get("/api/v1/assets/no-such-asset/exposures").status_code == 404


def test_the_cli_on_a_remote_store_answers_from_the_neighbourhood(
    server: str, bundled: RemoteStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LONGARM_NEIGHBOURHOODS", "1")
    from longarm.api.cli import main

    url = f"{server}/query"
    args = ["--sparql-endpoint", url, "compel", "health-data-hub", "--as-of", "2026-06-01", "--format", "json"]
    assert main(args) == 0
    got = json.loads(capsys.readouterr().out)
    whole = projection_for(bundled)
    expected = answer_to_dict(whole, compel(whole, iri("asset", "health-data-hub"), DATES[-1]))
    assert {k: v for k, v in got.items() if k != "resolved"} == expected and expected["exposures"]
