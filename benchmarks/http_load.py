"""The HTTP side of the server benchmarks: servers in subprocesses, and concurrent keep-alive clients.

:class:`ServerProcess` starts a server command on a loopback port, waits until a probe
request answers 200, records the peak memory of the server and of its child processes,
and stops it (``SIGTERM``, then ``SIGKILL``) whatever happens. :func:`run_load` sends a
bounded plan of requests from `clients` threads, each with its own keep-alive
:class:`http.client.HTTPConnection`, and times every request from sending to the last byte
read. Only loopback addresses are accepted: the benchmarks never send traffic elsewhere.

Used by :mod:`longarm.benchmarks.servers` (``longarm bench sparql``) and
:mod:`longarm.benchmarks.rest` (``longarm bench rest``).

Examples
--------
>>> percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5), percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95)
(3.0, 5.0)
>>> summarize({"a": [1.0, 3.0], "b": [2.0]}, 0.5)["p50_ms"]
2000.0
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import math
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "LOOPBACK",
    "HttpRequest",
    "LoadResult",
    "ServerProcess",
    "free_port",
    "percentile",
    "port_is_open",
    "run_load",
    "send",
    "summarize",
]

#: The only address the benchmarks talk to.
LOOPBACK = "127.0.0.1"

#: The longest a level of load may run, whatever was asked (a bound on every request loop).
MAX_LEVEL_SECONDS = 600.0


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request of a plan; `kind` names it in the per-kind latencies."""

    kind: str
    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def free_port() -> int:
    """A TCP port free on the loopback address right now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        port: int = s.getsockname()[1]
        return port


def port_is_open(port: int) -> bool:
    """True if something accepts connections on the loopback `port`."""
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex((LOOPBACK, port)) == 0


def send(port: int, request: HttpRequest, timeout: float = 120.0) -> tuple[int, bytes]:
    """Send one request on a fresh connection; (status, body)."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request(request.method, request.path, body=request.body, headers=dict(request.headers))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (`q` in 0–1) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def summarize(latencies: Mapping[str, Sequence[float]], elapsed: float) -> dict[str, float]:
    """Throughput and latency figures (milliseconds) of latencies in seconds, by kind, over `elapsed` seconds."""
    times = [t for ts in latencies.values() for t in ts]
    if not times:
        return {"requests": 0, "throughput": 0.0}
    return {
        "requests": len(times),
        "throughput": len(times) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(times, 0.5) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "mean_ms": sum(times) / len(times) * 1000,
        "max_ms": max(times) * 1000,
    }


@dataclass
class LoadResult:
    """What one level of load measured: latencies (seconds) of the 200 answers by kind, and the errors."""

    clients: int
    elapsed: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def requests(self) -> int:
        """How many requests were sent (answered or not)."""
        return sum(len(ts) for ts in self.latencies.values()) + self.errors

    def merge(self, other: LoadResult) -> None:
        """Add `other`, a later slice of the same level, to this result."""
        self.elapsed += other.elapsed
        for kind, times in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(times)
        self.errors += other.errors
        self.error_samples += other.error_samples[: max(0, 5 - len(self.error_samples))]

    def report(self) -> dict[str, Any]:
        """The figures as a dict: throughput of 200 answers (req/s), p50/p95/mean/max (ms), errors, by kind."""
        out: dict[str, Any] = {"clients": self.clients, "elapsed_s": self.elapsed, "errors": self.errors}
        out.update(summarize(self.latencies, self.elapsed))
        out["by_kind"] = {
            kind: {"requests": len(ts), "p50_ms": percentile(ts, 0.5) * 1000, "p95_ms": percentile(ts, 0.95) * 1000}
            for kind, ts in sorted(self.latencies.items())
            if ts
        }
        if self.error_samples:
            out["error_samples"] = self.error_samples
        return out


def run_load(
    port: int,
    plan: Sequence[HttpRequest],
    clients: int,
    *,
    requests: int | None = None,
    seconds: float | None = None,
    timeout: float = 120.0,
    rate: float | None = None,
    first: int = 0,
) -> LoadResult:
    """Send `plan` (cycled, in order) from `clients` threads to the loopback `port`.

    Without `rate`, each client sends its next request as soon as it has its answer (a
    closed loop: the server's throughput sets the pace). With `rate`, the requests are
    scheduled at `rate` a second in all, whoever sends them (an open loop, as users who do
    not wait for each other), and a latency counts from the request's scheduled time, so a
    server that falls behind is charged for the wait too.

    The level ends after `requests` requests in all, or once `seconds` have passed (no
    request is sent after that; those under way finish), and in any case after
    :data:`MAX_LEVEL_SECONDS`. A request is an error if it fails or does not answer 200; its
    connection is then opened again. The plan starts at its `first` request (a level run
    in slices goes on where the previous slice stopped).
    """
    if clients < 1 or not plan:
        raise ValueError("a load needs at least one client and one request")
    if (requests is None) == (seconds is None):
        raise ValueError("give either a number of requests or a number of seconds")
    if rate is not None and rate <= 0:
        raise ValueError("a rate must be positive")
    limit = requests if requests is not None else None
    budget = min(seconds if seconds is not None else MAX_LEVEL_SECONDS, MAX_LEVEL_SECONDS)
    counter, lock = itertools.count(), threading.Lock()
    result = LoadResult(clients)
    start = threading.Barrier(clients + 1)
    records: list[list[tuple[str, float, str | None]]] = [[] for _ in range(clients)]
    stop_at, began = [0.0], [0.0]

    def client(out: list[tuple[str, float, str | None]]) -> None:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
        with contextlib.suppress(OSError):  # the first request reports the failure
            conn.connect()
        start.wait()
        while True:
            with lock:
                i = next(counter)
            if (limit is not None and i >= limit) or time.monotonic() >= stop_at[0]:
                break
            req = plan[(first + i) % len(plan)]
            t0 = time.perf_counter()
            if rate is not None:
                due = began[0] + i / rate
                if due > t0:
                    time.sleep(due - t0)
                t0 = due
            error: str | None = None
            try:
                conn.request(req.method, req.path, body=req.body, headers=dict(req.headers))
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    error = f"{req.kind}: HTTP {response.status}: {body[:200].decode('utf-8', 'replace')}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"{req.kind}: {type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
            out.append((req.kind, time.perf_counter() - t0, error))
        conn.close()

    threads = [threading.Thread(target=client, args=(records[k],), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    t0 = began[0] = time.perf_counter()
    stop_at[0] = time.monotonic() + budget
    start.wait()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - t0
    for out in records:
        for kind, latency, error in out:
            if error is None:
                result.latencies.setdefault(kind, []).append(latency)
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(error)
    return result


class ServerProcess:
    """A server command run in a subprocess on a loopback port, stopped by :meth:`stop` whatever happens.

    Use it as a context manager. `log` receives the server's output; :meth:`wait_ready`
    polls `probe` until it answers 200. :attr:`facts` records the pid, the port, the
    seconds until ready, the peak resident memory (MB, the server and its children) and
    how it stopped.
    """

    def __init__(self, name: str, command: Sequence[str], port: int, log: Path, env: Mapping[str, str] | None = None):
        self.name, self.command, self.port, self.log = name, list(command), port, log
        self.env = dict(env) if env is not None else None
        self.process: subprocess.Popen[bytes] | None = None
        self.facts: dict[str, Any] = {"port": port}
        self._started = 0.0
        self._children: set[int] = set()

    def __enter__(self) -> ServerProcess:
        with open(self.log, "wb") as out:
            self._started = time.perf_counter()
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.facts["pid"] = self.process.pid
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, probe: HttpRequest, timeout: float) -> float:
        """Poll `probe` until it answers 200; the seconds since the start. RuntimeError if it stops or times out."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped while starting:\n{self.log_tail()}")
            try:
                status, _ = send(self.port, probe, timeout=10)
                if status == 200:
                    self.facts["ready_s"] = time.perf_counter() - self._started
                    return float(self.facts["ready_s"])
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not ready after {timeout:g} s:\n{self.log_tail()}")

    def sample_memory(self) -> None:
        """Record the peak resident memory of the server and of its children (Linux /proc; nothing elsewhere)."""
        if self.process is None:
            return
        self._children |= set(_children(self.process.pid))
        peaks = [_peak_rss_mb(pid) for pid in (self.process.pid, *sorted(self._children))]
        self.facts["peak_rss_mb"] = sum(p for p in peaks if p is not None)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 20 s); record the exit code and the children left."""
        if self.process is None or "exit_code" in self.facts:
            return
        p = self.process
        if p.poll() is None:
            self.sample_memory()
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                self.facts["killed"] = True
        self.facts["exit_code"] = p.returncode
        deadline = time.monotonic() + 10  # orphaned children see their pipe close and leave
        while (left := [c for c in self._children if _alive(c)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        for c in left:  # only the children of the server this object started
            with contextlib.suppress(ProcessLookupError):
                os.kill(c, signal.SIGKILL)
        self.facts["children"] = sorted(self._children)
        self.facts["children_left"] = sorted(c for c in self._children if _alive(c))

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _children(pid: int) -> list[int]:
    """The direct children of `pid` (Linux /proc; empty elsewhere)."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _alive(pid: int) -> bool:
    """True if `pid` runs (a zombie does not count: it has stopped and only waits to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
