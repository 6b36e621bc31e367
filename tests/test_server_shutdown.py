"""A stopped server stops within a bounded time, a write under way committed whole or not at all."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from longarm.api.server import SHUTDOWN_GRACE_S
from longarm.benchmarks.write import _organizations
from longarm.graph.store.embedded import Store

from .live_server import free_port, wait_ready
from .test_cli_beside_server import _env, longarm

TOKEN = "sh-t0k"
BIG = "https://e.org/big"


def test_sigterm_during_a_long_write(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert longarm("--store", str(store), "load", "--bundled").returncode == 0
    port = free_port()
    code = "import sys; from longarm.api.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(tmp_path / "server.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", code, *args], env=_env(LONGARM_WRITE_TOKEN=TOKEN), stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, tmp_path / "server.log")
        body = _organizations("big", 25_000)  # about 300 000 triples: longer to validate than the grace
        answers: list[object] = []

        def upload() -> None:
            request = urllib.request.Request(
                f"{base}/graph-store?graph={BIG}",
                data=body,
                method="PUT",
                headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as r:
                    answers.append(r.status)
            except urllib.error.HTTPError as exc:  # e.g. 500 when the request is cut at shutdown
                answers.append(exc.code)
                exc.close()
            except (urllib.error.URLError, ConnectionError) as exc:
                answers.append(type(exc).__name__)

        writer = threading.Thread(target=upload)
        writer.start()
        time.sleep(2.0)  # the upload is being read, parsed or validated
        start = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=SHUTDOWN_GRACE_S + 30)
        stopped = time.monotonic() - start
        writer.join(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert stopped <= SHUTDOWN_GRACE_S + 5, f"stopped {stopped:.1f} s after SIGTERM"
    reopened = Store.open(store)  # the store opens, and holds the whole graph or none of it
    written = reopened.count_triples(BIG) if BIG in reopened.named_graphs() else 0
    assert written in (0, body.count(b"\n")), written
    assert answers  # the client got an answer or a closed connection, never a hang
