"""A real ``oxigraph serve`` (PyPI ``oxigraph``) for the tests of the remote store; not a test module itself.

:func:`oxigraph_server` starts one on a free loopback port, in memory, and waits until it
answers; :func:`endpoint` names its query and update URLs; :func:`clear` empties it between
tests (one ``DROP ALL``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from longarm.graph.store.endpoint import Endpoint

from .live_server import free_port

__all__ = ["clear", "endpoint", "oxigraph_binary", "oxigraph_server"]


def oxigraph_binary() -> str:
    """The ``oxigraph`` command installed with the test extras."""
    for candidate in (Path(sysconfig.get_path("scripts")) / "oxigraph", Path(sys.executable).parent / "oxigraph"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail("the Oxigraph server is not installed: pip install -e '.[test]'")
    return found


@contextmanager
def oxigraph_server(log: Path) -> Iterator[str]:
    """An ``oxigraph serve`` in memory on a free port; yields its base URL, stops it after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail("oxigraph serve stopped:\n" + log.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not answer:\n" + log.read_text(errors="replace"))
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def endpoint(base: str, *, writable: bool = True) -> Endpoint:
    """The endpoint of the server at `base`: its query URL, and its update URL if `writable`."""
    return Endpoint.parse(f"{base}/query", f"{base}/update" if writable else None)


def clear(base: str) -> None:
    """Empty the server's dataset."""
    request = urllib.request.Request(
        f"{base}/update", data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30):
        pass
