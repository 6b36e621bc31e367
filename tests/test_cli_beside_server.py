"""The command line beside a running ``longarm serve``, and on a store without data.

A real server (a subprocess, on a free loopback port, on a temporary store loaded with
the bundled dataset by ``longarm load --bundled``) holds the store's RocksDB lock; the
read commands, run in other processes, read it through a private checkpoint and say
nothing about it; the write commands are refused with the request to make instead, which
is then made. Without a server: read commands on an empty store say what to run (or load
the bundled dataset first, on the default store), and an export of an empty graph fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from longarm.api.cli import EXIT_INPUT, EXIT_STORE, main
from longarm.graph.base.errors import StoreError
from longarm.graph.projection.reader import build_projection
from longarm.graph.projection.snapshot import save_snapshot, snapshot_path
from longarm.graph.store.embedded import Store

from .live_server import free_port, stop, wait_ready

TOKEN = "beside-test-token"
NAME = "beside-store"  # the store's directory name: its checkpoints are named after it
EXAMPLE = "@prefix ex: <https://example.org/> .\nex:widget ex:madeBy ex:acme .\n"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="spawns a server")


@dataclass
class Server:
    base: str
    store: Path
    process: subprocess.Popen[bytes]
    log: Path


def longarm(*argv: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the command line in a process of its own (as a user beside the server would)."""
    code = "import sys; from longarm.api.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        env=env if env is not None else _env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LONGARM_")}
    return {**env, **changes}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("beside")
    store = home / NAME
    loaded = longarm("--store", str(store), "load", "--bundled")
    assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    env = _env(LONGARM_WRITE_TOKEN=TOKEN)
    args = ["--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    code = "import sys; from longarm.api.cli import main; sys.exit(main(sys.argv[1:]))"
    with open(home / "server.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-c", code, *args], env=env, stdout=log, stderr=subprocess.STDOUT)
    s = Server(f"http://127.0.0.1:{port}", store, process, home / "server.log")
    try:
        wait_ready(s.base, s.process, s.log)
        yield s
    finally:
        stop(process)


def _beside(store: Path) -> dict[str, bytes]:
    """What is kept beside the store (revision, change log, projection snapshot): name → content."""
    return {p.name: p.read_bytes() for p in store.parent.iterdir() if p.is_file() and p.name.startswith(NAME)}


def _checkpoints(store: Path) -> list[Path]:
    """The read commands' checkpoint directories left over, in the temporary directory or beside the store."""
    import tempfile

    places = (Path(tempfile.gettempdir()), store.parent)
    return [p for place in places for p in place.glob(f"{NAME}.reader-*")]


# ---------------------------------------------------------------------- beside a running server


def test_the_store_is_held_by_the_server(server: Server) -> None:
    with pytest.raises(StoreError, match="held by another process"):
        Store.open(server.store)


def test_read_commands_work_beside_the_server(server: Server) -> None:
    before = _beside(server.store)
    stats = longarm("--store", str(server.store), "stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert stats.stderr == ""  # nothing said: reading beside the server is the normal case
    data = json.loads(stats.stdout)
    assert data["triples"] > 5000 and data["instances"]["Organization"] > 50

    compel = longarm("--store", str(server.store), "compel", "health-data-hub", "--as-of", "2024-06-01")
    assert compel.returncode == 0, compel.stderr
    assert compel.stderr == ""
    assert compel.stdout.startswith("Who can compel access to Health Data Hub")
    assert "Microsoft Corporation" in compel.stdout

    for argv in (
        ("chain", "Cloudwatt", "--as-of", "2014-06-01"),
        ("reach", "cn-nil", "--as-of", "2026-11-01"),
        ("query", "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { ?o a lx:Organization }"),
        ("export", "--format", "graphml", "bleu", "--depth", "1"),
    ):
        done = longarm("--store", str(server.store), *argv)
        assert done.returncode == 0 and done.stderr == "", (argv, done.stderr)
    assert "Orange S.A." in longarm("--store", str(server.store), "chain", "Cloudwatt", "--as-of", "2014-06-01").stdout

    # Nothing written beside a store the command line does not hold, and no checkpoint left.
    assert _beside(server.store) == before
    assert _checkpoints(server.store) == []


def test_write_commands_say_how_to_write_through_the_server(server: Server, tmp_path: Path) -> None:
    example = tmp_path / "acme.ttl"
    example.write_text(EXAMPLE, encoding="utf-8")
    load = longarm("--store", str(server.store), "load", str(example))
    assert load.returncode == EXIT_STORE
    message = load.stderr
    assert f"the store at {server.store} is held by another process (a running `longarm serve`?)" in message
    assert "`longarm load` cannot write it meanwhile" in message
    assert "or stop the server and run this command again" in message
    curl = re.search(r"curl -X PUT '([^']+)' -H \"Authorization: Bearer \$LONGARM_WRITE_TOKEN\" -H '([^']+)'", message)
    assert curl is not None, message
    assert curl.group(2) == "Content-Type: text/turtle"
    assert f"--data-binary @{example}" in message

    # The request it names, made to the real server (on its port), writes the graph `load` would have written.
    url = curl.group(1).replace("http://127.0.0.1:8000", server.base)
    request = urllib.request.Request(
        url,
        data=example.read_bytes(),
        method="PUT",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"},
    )
    with urllib.request.urlopen(request, timeout=60) as r:
        assert r.status == 201
    # ... and the next read command sees it at once.
    query = "SELECT ?maker WHERE { <https://example.org/widget> <https://example.org/madeBy> ?maker }"
    seen = longarm("--store", str(server.store), "query", "--format", "csv", query)
    assert seen.returncode == 0, seen.stderr
    assert seen.stdout.splitlines() == ["maker", "https://example.org/acme"]
    graphs = json.loads(longarm("--store", str(server.store), "stats", "--format", "json").stdout)["graphs"]
    assert "https://w3id.org/longarm/graph/file/acme" in {g["graph"] for g in graphs}

    infer = longarm("--store", str(server.store), "infer")
    assert infer.returncode == EXIT_STORE
    assert "held by another process" in infer.stderr and "stop the server, run `longarm --store" in infer.stderr

    bundled = longarm("--store", str(server.store), "load", "--bundled")
    assert bundled.returncode == EXIT_STORE and "to refresh it, stop the server" in bundled.stderr

    second = longarm("--store", str(server.store), "serve", "--port", str(free_port()))
    assert second.returncode == EXIT_STORE and "stop that server, or serve another store" in second.stderr


# ---------------------------------------------------------------------- read-only stores write nothing


def test_a_store_opened_beside_refuses_writes_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / NAME
    assert main(["--store", str(path), "load", "--bundled"]) == 0
    before = _beside(path)
    store = Store.open_beside(path)
    assert store.read_only and store.revision() == (path.parent / f"{NAME}.revision").read_text().strip()
    assert store.count_triples() > 5000
    with pytest.raises(StoreError, match="read-only"):
        store.update("INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/a> <https://e.org/p> 1 } }")
    assert not save_snapshot(store, build_projection(store))  # the snapshot is the holder's to write
    store.forget_changes_before("anything")
    store.flush()
    assert _beside(path) == before
    path_of_snapshot = snapshot_path(store)
    assert path_of_snapshot is not None and not path_of_snapshot.exists()
    assert len(_checkpoints(path)) == 1
    del store  # its checkpoint goes with it
    assert _checkpoints(path) == []


# ---------------------------------------------------------------------- a store without data


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ("stats",),
        ("compel", "health-data-hub", "--as-of", "2024-06-01"),
        ("export", "--format", "graphml"),
        ("chain", "ovh-groupe"),
        ("reach", "cn-nil"),
        ("query", "SELECT * WHERE { ?s ?p ?o }"),
    ],
)
@pytest.mark.parametrize("made", [False, True], ids=["no store", "empty store"])
def test_read_commands_on_an_empty_store_say_what_to_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...], made: bool
) -> None:
    path = tmp_path / "empty"
    if made:
        Store.open(path)  # made, and closed again when dropped
    code, out, err = run(capsys, "--store", str(path), *argv)
    assert code == EXIT_STORE and out == ""
    command = f"longarm --store {path}"
    assert err == (
        f"longarm: error: the store at {path} has no data: load the bundled dataset with "
        f"`{command} load --bundled` (or your own files with `{command} load FILE…`)\n"
    )
    assert path.exists() is made  # a read command makes no store


def test_a_malformed_query_is_said_first(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--store", str(tmp_path / "empty"), "query", "SELECT WHERE {")
    assert code == EXIT_INPUT and "SPARQL syntax error" in err


def test_an_export_of_an_empty_graph_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path, example = tmp_path / "s", tmp_path / "acme.ttl"
    example.write_text(EXAMPLE, encoding="utf-8")
    assert run(capsys, "--store", str(path), "load", str(example))[0] == 0  # data, but no entity
    code, out, err = run(capsys, "--store", str(path), "export", "--format", "graphml")
    assert code == EXIT_STORE and out == ""
    assert err.startswith("longarm: error: nothing to export: longarm graph, as of ") and "has no entities" in err
    code, _, _ = run(capsys, "--store", str(path), "export", "-o", str(tmp_path / "g.graphml"))
    assert code == EXIT_STORE and not (tmp_path / "g.graphml").exists()


def test_the_default_store_gets_the_bundled_dataset_first(tmp_path: Path) -> None:
    env = _env(XDG_DATA_HOME=str(tmp_path))  # no LONGARM_STORE, no --store: the default store
    first = longarm("compel", "health-data-hub", "--as-of", "2024-06-01", "--format", "json", env=env)
    assert first.returncode == 0, first.stderr
    store = tmp_path / "longarm" / "store"
    assert first.stderr.splitlines()[0] == (
        f"longarm: the store at {store} is empty: loading the bundled dataset into it first, as `longarm serve` does"
    )
    assert re.fullmatch(
        r"longarm: loaded \d+ triples in \d+ graphs \(`longarm load --bundled` refreshes them\)",
        first.stderr.splitlines()[1],
    )
    assert json.loads(first.stdout)["asset"]["id"] == "health-data-hub"
    again = longarm("stats", env=env)
    assert again.returncode == 0 and again.stderr == ""

    # A store named by LONGARM_STORE is the user's: nothing is loaded into it unasked.
    named = longarm("stats", env=_env(LONGARM_STORE=str(tmp_path / "mine")))
    assert named.returncode == EXIT_STORE
    assert "load the bundled dataset with `longarm load --bundled`" in named.stderr
