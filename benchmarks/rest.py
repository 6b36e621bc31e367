"""``longarm bench rest``: REST "who can compel" under concurrent clients, over real HTTP.

``longarm serve`` runs in a subprocess on a free loopback port, on a synthetic store: a
new one of ``--orgs`` organizations (the bundled data and GLEIF-like groups, see
:mod:`longarm.benchmarks.synthetic`, in a temporary directory), or an existing on-disk
store given by ``--store DIR``, such as one kept by ``longarm bench compel --orgs 1000000
--store DIR`` (the server opens it as ``longarm serve`` does, read-write, and keeps its
query checkpoints beside it in ``DIR.query-checkpoints``; nothing is loaded into it).

The synthetic data assets to ask about are counted on the server (``/sparql``, the assets
of the synthetic graph) and drawn by a seeded RNG. The first request,
``GET /api/v1/assets/{ref}/exposures?as_of=…``, makes the server build its projection, or
load its snapshot: its time is reported as the **first answer**. A warm-up follows (not
measured), then ``--requests`` requests from ``--clients`` threads with one keep-alive
connection each. The report gives the throughput, p50/p95/mean/max latency, the errors
(non-200 answers and failures), the exposures per answer, the server's peak memory, and
the targets of :data:`TARGETS` (set by the issue for 1 000 000 organizations; reported,
never asserted). The server is stopped at the end whatever happens.

With a fixed number of clients each waiting for its answer before sending the next
request (a closed loop), latency and throughput are tied (Little's law): p50 ≈ clients /
throughput once the server is saturated, so p50 ≤ 5 ms at 32 clients needs about
6 400 answers per second.

Run ``longarm bench rest --orgs 100000`` (``--json`` for a machine-readable report).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.ontology.namespace import PREFIXES, split_entity_iri

from .compel import AS_OF, load_synthetic
from .http_load import LOOPBACK, HttpRequest, ServerProcess, free_port, run_load, send
from .synthetic import GRAPHS, SyntheticConfig, asset_iri

__all__ = ["TARGETS", "exposures_path", "format_report", "main", "measure", "run"]

#: Targets at 1 000 000 organizations under 32 concurrent clients (reported, not asserted).
TARGETS: dict[str, float] = {"p50_ms": 5.0, "p95_ms": 20.0, "errors": 0}

_JSON = {"Accept": "application/json"}
_LATENCIES = ("p50_ms", "p95_ms", "mean_ms", "max_ms")


def exposures_path(k: int, as_of: dt.date) -> str:
    """The REST path asking who can compel access to the `k`-th synthetic asset (by its slug)."""
    kind_slug = split_entity_iri(asset_iri(k))
    assert kind_slug is not None
    return f"/api/v1/assets/{quote(kind_slug[1])}/exposures?as_of={as_of.isoformat()}"


def _count(port: int, graph: str, cls: str) -> int:
    """How many instances of ``lx:<cls>`` the synthetic `graph` holds, asked on the server's ``/sparql``."""
    text = (
        f"PREFIX lx: <{PREFIXES['lx']}>\n"
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?x a lx:{cls} }} }}"
    )
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    status, body = send(port, HttpRequest("count", "POST", "/sparql", text.encode(), headers))
    if status != 200:
        raise RuntimeError(f"counting lx:{cls} on the server failed: HTTP {status}: {body[:300]!r}")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _build(path: Path, orgs: int, seed: int, report: dict[str, Any]) -> None:
    start = time.perf_counter()
    store = Store.open(path)
    load_bundled(store, validate=False)
    load_synthetic(store, SyntheticConfig(orgs=orgs, seed=seed))
    store.flush()
    report["load_s"] = time.perf_counter() - start
    del store  # the server opens it next: release RocksDB's lock


def run(
    orgs: int,
    *,
    clients: int = 32,
    requests: int = 2000,
    warmup: int = 200,
    store_dir: Path | None = None,
    seed: int = 42,
    as_of: dt.date = AS_OF,
    ready_timeout: float = 900.0,
    rate: float | None = None,
) -> dict[str, Any]:
    """Serve a synthetic store and ask who can compel under `clients` concurrent clients; return the report.

    Parameters
    ----------
    orgs, seed : int
        Size and seed of the synthetic dataset built when `store_dir` is None (the seed
        also draws the assets asked about).
    clients, requests, warmup : int
        Concurrent clients, measured requests, and requests sent before (not measured).
    store_dir : Path or None
        An existing on-disk store with synthetic data to serve instead of building one.
    as_of : datetime.date
        The date of the questions.
    ready_timeout : float
        How long the server may take to start.
    rate : float or None
        Offer the measured requests at this rate (requests a second, in all) instead of
        as fast as the server answers; latencies then count from each request's
        scheduled time (see :func:`~longarm.benchmarks.http_load.run_load`).
    """
    if clients < 1 or requests < 1 or warmup < 0:
        raise ValueError("--clients and --requests must be at least 1")
    if store_dir is not None and not (store_dir.is_dir() and any(store_dir.iterdir())):
        raise ValueError(f"{store_dir} is not an on-disk store")
    report: dict[str, Any] = {
        "orgs": orgs if store_dir is None else None,
        "seed": seed,
        "clients": clients,
        "requests": requests,
        "warmup": warmup,
        "rate": rate,
        "as_of": as_of.isoformat(),
        "store": str(store_dir) if store_dir is not None else "temporary",
        "cpus": os.cpu_count(),
        "loadavg_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "targets": TARGETS,
    }
    temp = Path(tempfile.mkdtemp(prefix="longarm-bench-rest-"))
    try:
        path = store_dir if store_dir is not None else temp / "store"
        if store_dir is None:
            _build(path, orgs, seed, report)
        port = free_port()
        env = {**os.environ, "LONGARM_STORE": str(path)}
        code = "import sys; from longarm.api.cli import main; sys.exit(main(sys.argv[1:]))"
        command = [sys.executable, "-c", code, "serve", "--host", LOOPBACK, "--port", str(port)]
        server = ServerProcess("longarm", command, port, temp / "longarm.log", env)
        try:
            with server:
                server.wait_ready(HttpRequest("ready", "GET", "/readyz"), ready_timeout)
                measure(server, report, clients, requests, warmup, seed, as_of, rate)
        finally:
            report["server"] = server.facts
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return report


def measure(
    server: ServerProcess,
    report: dict[str, Any],
    clients: int,
    requests: int,
    warmup: int,
    seed: int,
    as_of: dt.date,
    rate: float | None = None,
) -> None:
    """Ask who can compel on `server` under load (the first answer, then the plan); fill `report`."""
    port = server.port
    assets = _count(port, GRAPHS["assets"], "DataAsset")
    if report["orgs"] is None:
        report["orgs"] = _count(port, GRAPHS["orgs"], "Organization")
    if assets < 1:
        raise RuntimeError("the store holds no synthetic data asset: build it with longarm bench compel --store DIR")
    report["synthetic_assets"] = assets
    rng = random.Random(seed + 1)
    plan = [HttpRequest("compel", "GET", exposures_path(rng.randrange(assets), as_of), None, _JSON) for _ in range(500)]
    start = time.perf_counter()
    status, body = send(port, plan[0], timeout=1800)
    report["first_answer_s"] = time.perf_counter() - start
    if status != 200:
        raise RuntimeError(f"the first answer failed: HTTP {status}: {body[:300]!r}")
    sizes = [len(json.loads(body)["exposures"])]
    for request in plan[1:10]:  # what the answers hold (and that they are answers)
        status, body = send(port, request)
        if status == 200:
            sizes.append(len(json.loads(body)["exposures"]))
    report["exposures_mean"] = sum(sizes) / len(sizes)
    if warmup:
        report["warmup_errors"] = run_load(port, plan, clients, requests=warmup).errors
    load = run_load(port, plan, clients, requests=requests, rate=rate)
    report.update(load.report())
    server.sample_memory()


def format_report(report: dict[str, Any]) -> str:
    """The report as a two-column table, with the targets met or MISSED."""
    loadavg = report.get("loadavg_at_start") or []
    rows = [
        ("organizations", f"{report['orgs']:,}" if report.get("orgs") is not None else "?"),
        ("store", report["store"]),
        ("synthetic assets", f"{report.get('synthetic_assets', 0):,}"),
        ("clients / requests (warm-up)", f"{report['clients']} / {report['requests']} ({report['warmup']})"),
        ("pace", f"open loop, {report['rate']:g} req/s offered" if report.get("rate") else "closed loop"),
        ("CPUs, load average at start", f"{report['cpus']}, " + " ".join(f"{x:.1f}" for x in loadavg)),
    ]
    if "load_s" in report:
        rows.append(("generate + load the store", f"{report['load_s']:.1f} s"))
    server = report.get("server", {})
    if "ready_s" in server:
        rows.append(("server ready", f"{server['ready_s']:.1f} s"))
    if "first_answer_s" in report:
        rows.append(("first answer (projection built or loaded)", f"{report['first_answer_s']:.2f} s"))
    if "exposures_mean" in report:
        rows.append(("exposures per answer (mean)", f"{report['exposures_mean']:.1f}"))
    if "throughput" in report:
        rows += [
            ("throughput", f"{report['throughput']:.0f} req/s"),
            ("p50 / p95 / mean / max", " / ".join(f"{report.get(k, math.nan):.2f}" for k in _LATENCIES) + " ms"),
            ("errors", f"{report['errors']}"),
        ]
        for key, limit in TARGETS.items():
            met = report.get(key, float("inf")) <= limit
            rows.append((f"target {key} ≤ {limit:g} (at 1M orgs)", "met" if met else "MISSED"))
    if "peak_rss_mb" in server:
        rows.append(("server peak RSS (with query workers)", f"{server['peak_rss_mb']:,.0f} MB"))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``longarm bench rest [--orgs N] [--clients 32] [--requests R] [--store DIR] [--json]``."""
    parser = argparse.ArgumentParser(prog="longarm bench rest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000, help="synthetic organizations (default 100000)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--requests", type=int, default=2000, help="measured requests (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring (default 200)")
    parser.add_argument("--store", type=Path, help="serve this existing on-disk store (nothing is loaded into it)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the data and of the assets asked (default 42)")
    parser.add_argument(
        "--rate",
        type=float,
        help="offer this many requests a second in all (open loop) instead of as fast as answered",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.orgs < 1:
        parser.error("--orgs must be at least 1")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    try:
        report = run(
            args.orgs,
            clients=args.clients,
            requests=args.requests,
            warmup=args.warmup,
            store_dir=args.store,
            seed=args.seed,
            rate=args.rate,
        )
    except ValueError as exc:
        parser.error(str(exc))
    except RuntimeError as exc:  # the server did not start, or did not answer
        print(f"longarm bench rest: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report.get("errors", 1) == 0 and report.get("warmup_errors", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
