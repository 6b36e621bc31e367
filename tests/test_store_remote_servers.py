"""Two ``longarm serve`` processes on one remote SPARQL engine: the same answers, and each sees the other's writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import VALID_TTL
from .live_server import free_port, stop, wait_ready
from .oxigraph_server import oxigraph_server

TOKEN = "two-servers-token"
CODE = "import sys; from longarm.api.cli import main; sys.exit(main(sys.argv[1:]))"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="spawns servers")


def _env(engine: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LONGARM_")}
    return {
        **env,
        "LONGARM_SPARQL_ENDPOINT": f"{engine}/query",
        "LONGARM_UPDATE_ENDPOINT": f"{engine}/update",
        "LONGARM_WRITE_TOKEN": TOKEN,
    }


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    home = tmp_path_factory.mktemp("two-servers")
    with oxigraph_server(home / "oxigraph.log") as engine:
        loaded = subprocess.run(
            [sys.executable, "-c", CODE, "load", "--bundled"], env=_env(engine), capture_output=True, text=True
        )
        assert loaded.returncode == 0, loaded.stderr
        started: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        try:
            for n in (1, 2):
                port, log = free_port(), home / f"server-{n}.log"
                with open(log, "wb") as out:
                    process = subprocess.Popen(
                        [sys.executable, "-c", CODE, "serve", "--host", "127.0.0.1", "--port", str(port)],
                        env=_env(engine),
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                started.append((f"http://127.0.0.1:{port}", process, log))
            for base, process, log in started:
                wait_ready(base, process, log)
            yield [base for base, _, _ in started]
        finally:
            for _, process, _ in started:
                stop(process)


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def test_two_servers_on_one_engine_give_the_same_answers(servers: list[str]) -> None:
    path = "/api/v1/assets/health-data-hub/exposures?as_of=2024-06-01"
    one, two = (_get(base + path) for base in servers)
    assert one == two and one["exposures"]  # type: ignore[index]
    path = "/api/v1/assessments/s3ns?as_of=2026-06-01&requirement=eu-csf-sov-2"
    assert _get(servers[0] + path) == _get(servers[1] + path)


def test_a_write_through_one_server_is_seen_by_the_other(servers: list[str]) -> None:
    first, second = servers
    search = "/api/v1/entities?q=Child%20SAS"
    assert _get(second + search)["items"] == []  # type: ignore[index]
    put = urllib.request.Request(
        first + "/graph-store?graph=https://w3id.org/longarm/graph/user/acme",
        data=VALID_TTL.encode(),
        method="PUT",
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(put, timeout=30) as r:
        assert r.status in (201, 204)
    deadline = time.monotonic() + 10
    while not _get(second + search)["items"]:  # type: ignore[index]
        assert time.monotonic() < deadline, "the other server did not see the write"
        time.sleep(0.1)
    assert [e["label"] for e in _get(second + search)["items"]] == ["Child SAS"]  # type: ignore[index]
