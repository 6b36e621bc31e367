"""A real `longarm serve` for the tests that need one: a free loopback port, readiness, stopping.

Used by the tests that run the server in a process of its own (SPARQL over HTTP, the
command line beside the server, the browser tests, shutdown); not a test module itself.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

__all__ = ["free_port", "stop", "wait_ready"]


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the server at `url` says it is ready (``/readyz``); fail with its log if it stops or takes too long."""
    deadline = time.monotonic() + 120  # the first start validates and loads the bundled dataset
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the server stopped:\n" + log.read_text(errors="replace"))
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                if json.load(r)["status"] == "ready":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail("the server did not become ready:\n" + log.read_text(errors="replace"))


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (SIGTERM: uvicorn shuts down, the lifespan stops the query workers); kill it after 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
