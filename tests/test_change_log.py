"""The on-disk change log: chains of revision steps, and what breaks them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from longarm.graph.store.change_log import ChangeLog

A, B = ox.NamedNode("https://e.org/a"), ox.BlankNode("b")


def test_a_chain_unions_its_steps_and_keeps_blank_nodes(tmp_path: Path) -> None:
    log = ChangeLog(tmp_path / "s.changes")
    log.append("r0", "r1", frozenset())
    log.append("r1", "r2", frozenset({A}))
    log.append("r2", "r3", frozenset({B}))
    assert log.since("r0", "r3", limit=10) == {A, B}
    assert log.since("r2", "r3", limit=10) == {B}
    assert log.since("r3", "r3", limit=10) == frozenset()


def test_no_file_knows_nothing_but_the_current_revision(tmp_path: Path) -> None:
    log = ChangeLog(tmp_path / "none.changes")
    assert log.since("r0", "r0", limit=10) == frozenset() and log.since("r0", "r1", limit=10) is None
    assert log.size() == 0


def test_a_line_cut_short_breaks_the_chain(tmp_path: Path) -> None:
    log = ChangeLog(tmp_path / "s.changes")
    log.append("r0", "r1", frozenset({A}))
    log.append("r1", "r2", frozenset({A}))
    text = log.path.read_text(encoding="utf-8")
    log.path.write_text(text[: text.index("\n") + 10], encoding="utf-8")  # a crash while writing the second
    assert log.since("r0", "r1", limit=10) == {A}
    assert log.since("r0", "r2", limit=10) is None


def test_a_cycle_ends(tmp_path: Path) -> None:
    log = ChangeLog(tmp_path / "s.changes")
    log.append("r0", "r1", frozenset({A}))
    log.append("r1", "r0", frozenset({A}))
    assert log.since("r0", "r9", limit=10) is None


def test_pruning_keeps_the_steps_after_the_saved_revision(tmp_path: Path) -> None:
    log = ChangeLog(tmp_path / "s.changes")
    for i in range(4):
        log.append(f"r{i}", f"r{i + 1}", frozenset({A}))
    log.prune("r2")
    assert log.since("r2", "r4", limit=10) == {A}
    assert log.since("r0", "r4", limit=10) is None
    assert log.path.read_text(encoding="utf-8").count("\n") == 2
