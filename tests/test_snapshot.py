"""Projection snapshots: used after a restart, never once the store has changed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from longarm.graph.projection import cache as projection_module
from longarm.graph.projection.cache import projection_for, wait_for_snapshot_saves
from longarm.graph.projection.model import iri
from longarm.graph.projection.reader import build_projection
from longarm.graph.projection.snapshot import load_snapshot, save_snapshot, snapshot_path
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled

T = ox.Triple(ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.Literal("x"))


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundled store on disk; tests reopen it as a restart would."""
    path = tmp_path_factory.mktemp("snap") / "store"
    store = Store.open(path)
    load_bundled(store, validate=False)
    store.flush()
    del store
    return path


def test_a_memory_store_has_no_snapshot() -> None:
    store = Store.in_memory()
    store.replace_graphs({"https://e.org/g": [T]})
    assert store.revision() is None and snapshot_path(store) is None
    assert not save_snapshot(store, build_projection(store))


def test_every_write_draws_a_new_revision_but_derived_graphs_keep_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    assert store.revision() is None
    store.replace_graphs({"https://e.org/g": [T]})
    first = store.revision()
    store.update("INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/b> <https://e.org/p> 1 } }")
    second = store.revision()
    store.replace_graphs({"https://e.org/inferred": [T]}, derived=True)
    assert first is not None and second is not None and first != second
    assert store.revision() == second


def test_the_snapshot_round_trips_the_projection(disk_store: Path) -> None:
    store = Store.open(disk_store)
    built = build_projection(store)
    assert save_snapshot(store, built)
    loaded = load_snapshot(store)
    assert loaded is not None
    assert loaded.orgs.keys() == built.orgs.keys()
    assert loaded.interests.keys() == built.interests.keys()
    assert sorted(loaded.ownership.edges(keys=True)) == sorted(built.ownership.edges(keys=True))
    assert loaded.orgs[iri("org", "bleu")].label == "Bleu"
    assert loaded.instruments.keys() == built.instruments.keys()


def test_a_restart_loads_the_snapshot_instead_of_reading_the_store(
    disk_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(disk_store)
    projection_for(store, snapshot_after=0.0)  # answers, then saves its snapshot in the background
    assert wait_for_snapshot_saves(timeout=60)
    del store

    def no_build(_: Store, progress: object = None) -> None:
        raise AssertionError("the store was read again")

    monkeypatch.setattr(projection_module, "build_projection", no_build)
    restarted = Store.open(disk_store)
    assert projection_for(restarted).orgs[iri("org", "bleu")].label == "Bleu"


def test_a_write_makes_the_snapshot_stale(disk_store: Path) -> None:
    store = Store.open(disk_store)
    assert save_snapshot(store, build_projection(store))
    store.replace_graphs({"https://e.org/user/extra": [T]})
    assert load_snapshot(store) is None


def test_a_projection_built_during_a_write_is_not_saved(disk_store: Path) -> None:
    store = Store.open(disk_store)
    before = store.revision()
    built = build_projection(store)
    store.replace_graphs({"https://e.org/user/extra": []})
    assert not save_snapshot(store, built, before)
    assert load_snapshot(store) is None


def test_a_damaged_snapshot_is_ignored(disk_store: Path) -> None:
    store = Store.open(disk_store)
    assert save_snapshot(store, build_projection(store))
    path = snapshot_path(store)
    assert path is not None
    path.write_bytes(path.read_bytes()[:200])
    assert load_snapshot(store) is None
    path.write_bytes(b"not a pickle")
    assert load_snapshot(store) is None


def test_concurrent_callers_wait_for_one_build(monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.in_memory()
    store.replace_graphs({"https://e.org/g": [T]})
    builds = []
    real = projection_module.build_projection

    def counted(s: Store, progress: object = None) -> projection_module.Projection:
        builds.append(s)
        return real(s)

    monkeypatch.setattr(projection_module, "build_projection", counted)
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda _: projection_for(store), range(16)))
    assert len(builds) == 1 and all(m is made[0] for m in made)
    assert projection_module.cached_projection(store) is made[0]
    store.replace_graphs({"https://e.org/g": []})
    assert projection_module.cached_projection(store) is None  # a write: stale, and never built here


def test_a_save_sweeps_the_temporary_files_of_dead_processes(disk_store: Path) -> None:
    store = Store.open(disk_store)
    path = snapshot_path(store)
    assert path is not None
    dead = path.with_name(path.name + ".999999999.tmp")  # no such process
    dead.write_bytes(b"half a snapshot")
    foreign = path.with_name(path.name + ".notes.tmp")  # not one of ours: left alone
    foreign.write_bytes(b"")
    assert save_snapshot(store, build_projection(store))
    assert not dead.exists() and foreign.exists() and path.is_file()
