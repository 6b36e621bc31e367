"""Bulk writes of a new graph: all or nothing, also when the check fails or the process is killed."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from longarm.graph.base.errors import StoreError
from longarm.graph.store.embedded import Store

G = "https://e.org/graph/big"
META = ox.NamedNode("https://e.org/graph/meta")
MARKER = ox.Quad(ox.NamedNode(G), ox.NamedNode("http://purl.org/dc/terms/identifier"), ox.Literal("sha"), META)
P = "<https://e.org/p>"


def _lines(n: int) -> bytes:
    return "".join(f'<https://e.org/s{i}> {P} "{i}" .\n' for i in range(n)).encode()


def _commit(subjects: frozenset[ox.NamedNode] | None = None):  # type: ignore[no-untyped-def]
    return lambda: ({META.value: [MARKER.triple]}, subjects)


def _quads(store: Store) -> set[ox.Quad]:
    return set(store.oxigraph.quads_for_pattern(None, None, None, None))


def test_a_bulk_write_adds_the_graph_and_its_commit(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    before = store.version()
    store.bulk_add_graph(G, [io.BytesIO(_lines(1000))], marker=MARKER, check=_commit())
    assert store.count_triples(G) == 1000 and MARKER in store.oxigraph
    assert store.changed_subjects(before) is None  # not listed: every reader reads again
    assert not (tmp_path / "s.bulk-write").exists()


def test_a_failed_check_leaves_nothing_of_the_graph(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    store.bulk_add_graph("https://e.org/graph/other", [io.BytesIO(_lines(3))], marker=MARKER, check=_commit())
    before = _quads(store)

    def refuse():  # type: ignore[no-untyped-def]
        raise ValueError("violations")

    with pytest.raises(ValueError, match="violations"):
        store.bulk_add_graph(G, [io.BytesIO(_lines(250_000))], marker=MARKER, check=refuse)
    assert _quads(store) == before
    assert not store.oxigraph.contains_named_graph(ox.NamedNode(G))
    assert not (tmp_path / "s.bulk-write").exists()


def test_bad_n_triples_leave_nothing_and_an_existing_graph_is_refused(tmp_path: Path) -> None:
    store = Store.in_memory()
    with pytest.raises(StoreError, match="cannot write graph"):
        store.bulk_add_graph(G, [io.BytesIO(_lines(10) + b"not a triple\n")], marker=MARKER, check=_commit())
    assert len(store.oxigraph) == 0
    store.bulk_add_graph(G, [io.BytesIO(_lines(1))], marker=MARKER, check=_commit())
    with pytest.raises(StoreError, match="exists already"):
        store.bulk_add_graph(G, [io.BytesIO(_lines(1))], marker=MARKER, check=_commit())


#: A process that bulk writes a graph and is killed (SIGKILL) while the loader writes.
KILLED_WHILE_WRITING = """
import io, os, signal, sys, time
import pyoxigraph as ox
from longarm.graph.store.embedded import Store
store = Store.open(sys.argv[1])
def marker(graph):
    return ox.Quad(ox.NamedNode(graph), ox.NamedNode("https://e.org/p"), ox.Literal("x"), ox.NamedNode(sys.argv[3]))
kept = marker("https://e.org/graph/kept")
commit = lambda: ({sys.argv[3]: [kept.triple]}, None)
store.bulk_add_graph(kept.subject.value, [io.BytesIO(b'<https://e.org/a> <https://e.org/p> "1" .')], marker=kept, check=commit)
lines = "".join(f'<https://e.org/s{i}> <https://e.org/p> "{i}" .\\n' for i in range(300_000)).encode()
def die():
    while not any(True for _ in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(sys.argv[2]))):
        time.sleep(0.01)  # until the loader has written some of the graph
    os.kill(os.getpid(), signal.SIGKILL)
store.bulk_add_graph(sys.argv[2], [io.BytesIO(lines)], marker=marker(sys.argv[2]), check=die)
"""


def test_a_bulk_write_killed_midway_is_undone_at_the_next_opening(tmp_path: Path) -> None:
    path = tmp_path / "s"
    child = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(path), G, META.value], timeout=120)
    assert child.returncode == -signal.SIGKILL
    assert (tmp_path / "s.bulk-write").exists()
    raw = ox.Store(str(path))  # as the kill left it: statements of the graph, no commit statement
    assert any(True for _ in raw.quads_for_pattern(None, None, None, ox.NamedNode(G)))
    del raw
    store = Store.open(path)  # finds the journal: the commit statement is not there
    assert not (tmp_path / "s.bulk-write").exists()
    assert store.count_triples("https://e.org/graph/kept") == 1
    assert store.count_triples(G) == 0 and not store.oxigraph.contains_named_graph(ox.NamedNode(G))


def test_a_journal_left_after_the_commit_keeps_the_graph(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    store.bulk_add_graph(G, [io.BytesIO(_lines(10))], marker=MARKER, check=_commit())
    del store
    (tmp_path / "s.bulk-write").write_text(
        f"<{G}>\n{MARKER} .\n"
    )  # killed between the commit and the journal's removal
    store = Store.open(tmp_path / "s")
    assert store.count_triples(G) == 10 and not (tmp_path / "s.bulk-write").exists()
