"""``longarm bench scale``: load, restart, first answer and "who can compel" latency, embedded and remote, per size.

For each size, on one synthetic dataset (:mod:`longarm.benchmarks.synthetic`):

- **embedded**: ``longarm bench compel`` in a process of its own (its peak memory is the
  load's and the projection's): the load, the projection built, the restart (the projection
  loaded from its snapshot), "who can compel" in process; its peer is the same question as
  one SPARQL query on the same store through pyoxigraph (``pyoxigraph`` column);
- **embedded over REST**: ``longarm serve`` on that store, questions offered at `rate` a
  second from `clients` clients (``longarm bench rest``);
- **remote**: the store's statements loaded into Oxigraph's own server (``oxigraph load``,
  then ``oxigraph serve``: the peer's load), longarm on it in process (each question
  answered from its neighbourhood, read with bounded queries and kept per revision:
  :mod:`longarm.graph.engine.neighbourhood`) and over REST (``longarm serve
  --sparql-endpoint``), and the peer: the same SPARQL query sent to ``oxigraph serve``
  directly, at the same rate.

The table and the JSON report hold medians and 95th percentiles, and the ratios to the
peers measured in the same run. Targets (issue 15, :data:`TARGETS`) are reported, never
asserted.

Run ``longarm bench scale --sizes 100000 [--no-remote] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pyoxigraph as ox

from longarm.graph.engine.neighbourhood import asset_neighbourhood
from longarm.graph.engine.reach import compel
from longarm.graph.store.embedded import Store
from longarm.graph.store.endpoint import Endpoint
from longarm.graph.store.remote import RemoteStore
from longarm.graph.store.remote_text import parsed_here, prologue
from longarm.ontology.namespace import PREFIXES

from . import rest
from .compel import AS_OF, SPARQL_COMPEL
from .http_load import LOOPBACK, HttpRequest, ServerProcess, free_port, percentile, run_load
from .servers import oxigraph_binary
from .synthetic import asset_iri

__all__ = ["TARGETS", "Plan", "format_report", "main", "run"]

#: Issue 15's targets (reported, not asserted): at 2.5M organizations embedded, and REST latencies.
TARGETS: dict[str, float] = {
    "embedded load_s (2.5M)": 300.0,
    "embedded peak_rss_mb (2.5M)": 8192.0,
    "embedded restart_s (2.5M)": 30.0,
    "in-process compel p50_ms (2.5M)": 1.0,
    "embedded REST p50_ms": 5.0,
    "remote REST p50_ms": 15.0,
}
_CODE = "import sys; from longarm.api.cli import main; sys.exit(main(sys.argv[1:]))"
_XSD_DATE = PREFIXES["xsd"] + "date"
_JSON = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True, slots=True)
class Plan:
    """What each size is asked, and how hard: the same for every store and peer of a run."""

    queries: int = 200  # questions asked in process
    clients: int = 32  # concurrent REST clients
    rate: float | None = 100.0  # REST requests offered a second (None: as fast as answered)
    requests: int = 2000  # measured REST requests
    warmup: int = 200  # REST requests sent first, not measured
    seed: int = 42
    as_of: dt.date = AS_OF


def run(sizes: Sequence[int], plan: Plan, *, remote: bool = True) -> dict[str, Any]:
    """Measure every size (see the module docstring); the report, one row per size."""
    if not sizes or min(sizes) < 1 or min(plan.queries, plan.clients, plan.requests) < 1:
        raise ValueError("sizes, --queries, --clients and --requests must be at least 1")
    report: dict[str, Any] = {
        "clients": plan.clients,
        "rate": plan.rate,
        "requests": plan.requests,
        "queries": plan.queries,
        "seed": plan.seed,
        "as_of": plan.as_of.isoformat(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "targets": TARGETS,
        "rows": [],
    }
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix="longarm-bench-scale-"))
        try:
            report["rows"].append(_size(size, work, plan, remote))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return report


def _size(size: int, work: Path, plan: Plan, remote: bool) -> dict[str, Any]:
    store = work / "store"
    row: dict[str, Any] = {"orgs": size}
    argv = ["bench", "compel", "--orgs", str(size), "--queries", str(plan.queries), "--seed", str(plan.seed)]
    done = subprocess.run(
        [sys.executable, "-c", _CODE, *argv, "--store", str(store), "--json"], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"longarm bench compel failed:\n{done.stderr[-3000:]}")
    c = json.loads(done.stdout)
    row["embedded"] = {
        "load_s": c["bundled_load_s"] + c["generate_load_s"],
        "projection_s": c["projection_s"],
        "restart_s": c["projection_restart_s"],
        "peak_rss_mb": c["peak_rss_mb"],
        "compel_p50_ms": c["compel_p50_ms"],
        "compel_p95_ms": c["compel_p95_ms"],
    }
    row["pyoxigraph"] = {"sparql_p50_ms": c["sparql_p50_ms"], "sparql_p95_ms": c["sparql_p95_ms"]}
    assets = int(c["assets"])
    r = rest.run(
        size,
        store_dir=store,
        clients=plan.clients,
        requests=plan.requests,
        warmup=plan.warmup,
        seed=plan.seed,
        rate=plan.rate,
        as_of=plan.as_of,
    )
    row["embedded_rest"] = _latency(r)
    if remote:
        row.update(_remote(store, work, assets, plan))
    return row


def _latency(r: dict[str, Any]) -> dict[str, Any]:
    keys = ("first_answer_s", "p50_ms", "p95_ms", "errors", "throughput")
    out = {k: r[k] for k in keys if k in r}
    if "server" in r and "peak_rss_mb" in r["server"]:
        out["peak_rss_mb"] = r["server"]["peak_rss_mb"]
    return out


def _remote(store: Path, work: Path, assets: int, plan: Plan) -> dict[str, Any]:
    """Oxigraph's server loaded with the same statements; longarm on it in process and over REST; the peer."""
    data = work / "data.nq"
    embedded = Store.open(store)
    embedded.oxigraph.dump(str(data), format=ox.RdfFormat.N_QUADS)
    del embedded
    location, binary = work / "oxigraph", oxigraph_binary()
    start = time.perf_counter()
    with open(work / "oxigraph-load.log", "wb") as out:
        loaded = subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(data)], stdout=out, stderr=out
        )
    if loaded.returncode != 0:
        raise RuntimeError("oxigraph load failed:\n" + (work / "oxigraph-load.log").read_text(errors="replace")[-3000:])
    out_row: dict[str, Any] = {"oxigraph_load_s": time.perf_counter() - start}
    port = free_port()
    # The union default graph for the peer's query; longarm names its dataset in each request.
    command = [binary, "serve", "--location", str(location), "--bind", f"{LOOPBACK}:{port}", "--union-default-graph"]
    engine = ServerProcess("oxigraph", command, port, work / "oxigraph.log")
    base = f"http://{LOOPBACK}:{port}"
    with engine:
        engine.wait_ready(HttpRequest("ready", "GET", "/query?query=ASK%7B%7D", None, {}), 300)
        out_row["remote"] = _remote_in_process(base, assets, plan)
        out_row["remote_rest"] = _remote_rest(base, work, plan)
        asked = _peer_plan(assets, plan)
        if plan.warmup:
            run_load(port, asked, plan.clients, requests=plan.warmup)
        peer = run_load(port, asked, plan.clients, requests=plan.requests, rate=plan.rate).report()
        out_row["oxigraph_serve"] = {k: peer[k] for k in ("p50_ms", "p95_ms", "errors", "throughput") if k in peer}
        engine.sample_memory()
    out_row["oxigraph_serve"]["peak_rss_mb"] = engine.facts.get("peak_rss_mb")
    return out_row


def _remote_in_process(base: str, assets: int, plan: Plan) -> dict[str, Any]:
    """Each question answered from its neighbourhood, read from the engine (graph/engine/neighbourhood.py)."""
    store = RemoteStore(Endpoint.parse(f"{base}/query"))
    rng, as_of = random.Random(plan.seed + 1), plan.as_of
    picks = [asset_iri(rng.randrange(assets)) for _ in range(plan.queries)]
    times = []
    for asset in picks:
        t = time.perf_counter()
        compel(asset_neighbourhood(store, asset, as_of), asset, as_of)
        times.append((time.perf_counter() - t) * 1000)
    return {
        "first_answer_s": times[0] / 1000,
        "compel_p50_ms": percentile(times, 0.5),
        "compel_p95_ms": percentile(times, 0.95),
    }


def _remote_rest(base: str, work: Path, plan: Plan) -> dict[str, Any]:
    """``longarm serve`` on the remote engine, asked as ``longarm bench rest`` asks."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LONGARM_")}
    env["LONGARM_SPARQL_ENDPOINT"] = f"{base}/query"
    env["LONGARM_NEIGHBOURHOODS"] = "1"  # answers from neighbourhoods, as measured in process
    command = [sys.executable, "-c", _CODE, "serve", "--host", LOOPBACK, "--port", str(port)]
    server = ServerProcess("longarm-remote", command, port, work / "longarm-remote.log", env)
    report: dict[str, Any] = {"orgs": None}
    with server:
        server.wait_ready(HttpRequest("ready", "GET", "/readyz"), 1800)
        rest.measure(server, report, plan.clients, plan.requests, plan.warmup, plan.seed, plan.as_of, plan.rate)
    report["server"] = server.facts
    return _latency(report)


def _peer_plan(assets: int, plan: Plan) -> list[HttpRequest]:
    """The SPARQL reading of the question, for ``oxigraph serve`` itself, on the same random assets."""
    rng = random.Random(plan.seed + 1)
    date = ox.Literal(plan.as_of.isoformat(), datatype=ox.NamedNode(_XSD_DATE))
    asked = []
    for _ in range(500):
        asset = ox.NamedNode(asset_iri(rng.randrange(assets)))
        text = prologue(SPARQL_COMPEL, PREFIXES, None) + _with_asset(asset, date)
        body = ("query=" + quote_plus(text)).encode("utf-8")
        asked.append(HttpRequest("peer", "POST", "/query", body, _JSON))
    return asked


def _with_asset(asset: ox.NamedNode, date: ox.Literal) -> str:
    """The question as a SPARQL user writes it for one asset: the asset and date written in the query.

    (Bound as a ``VALUES`` block instead, Oxigraph evaluates the inner query for every
    asset before joining: eight times slower at 20 000 organizations, and more as it grows.)
    """
    text = SPARQL_COMPEL.replace("SELECT DISTINCT ?asset ?asOf ", "SELECT DISTINCT ")
    text = text.replace("SELECT DISTINCT ?asset ", "SELECT DISTINCT ")
    text = text.replace("?asset", str(asset)).replace("?asOf", str(date))
    parsed_here(prologue(text, PREFIXES, None) + text, update=False)
    return text


_Column = tuple[str, Callable[[dict[str, Any]], str]]
_COLUMNS: tuple[_Column, ...] = (
    ("organizations", lambda r: f"{r['orgs']:,}"),
    ("load (s)", lambda r: f"{r['embedded']['load_s']:.1f}"),
    ("peak RSS (MB)", lambda r: f"{r['embedded']['peak_rss_mb']:,.0f}"),
    ("restart (s)", lambda r: f"{r['embedded']['restart_s']:.1f}"),
    ("compel p50/p95 (ms)", lambda r: f"{r['embedded']['compel_p50_ms']:.3f}/{r['embedded']['compel_p95_ms']:.3f}"),
    ("pyoxigraph SPARQL p50 (ms)", lambda r: f"{r['pyoxigraph']['sparql_p50_ms']:.2f}"),
    ("REST first answer (s)", lambda r: f"{r['embedded_rest'].get('first_answer_s', float('nan')):.1f}"),
    ("REST p50/p95 (ms)", lambda r: f"{r['embedded_rest']['p50_ms']:.1f}/{r['embedded_rest']['p95_ms']:.1f}"),
)
_REMOTE_COLUMNS: tuple[_Column, ...] = (
    ("organizations", lambda r: f"{r['orgs']:,}"),
    ("oxigraph load (s)", lambda r: f"{r['oxigraph_load_s']:.1f}"),
    ("first answer (s)", lambda r: f"{r['remote']['first_answer_s']:.2f}"),
    ("compel p50/p95 (ms)", lambda r: f"{r['remote']['compel_p50_ms']:.3f}/{r['remote']['compel_p95_ms']:.3f}"),
    ("REST first answer (s)", lambda r: f"{r['remote_rest'].get('first_answer_s', float('nan')):.1f}"),
    ("REST p50/p95 (ms)", lambda r: f"{r['remote_rest']['p50_ms']:.1f}/{r['remote_rest']['p95_ms']:.1f}"),
    (
        "oxigraph serve SPARQL p50/p95 (ms)",
        lambda r: f"{r['oxigraph_serve']['p50_ms']:.1f}/{r['oxigraph_serve']['p95_ms']:.1f}",
    ),
)


def format_report(report: dict[str, Any]) -> str:
    """The report as two Markdown tables (embedded, remote), with the run's settings."""
    rows = report["rows"]
    load = f"{report['clients']} clients" + (f" at {report['rate']:g} requests/s" if report["rate"] else "")
    lines = [
        f"REST: {load}, {report['requests']} requests; in process: {report['queries']} questions; "
        f"{report['cpus']} CPUs, Python {report['python']}, pyoxigraph {report['pyoxigraph']}",
        "",
    ]
    for title, columns, chosen in (
        ("embedded", _COLUMNS, rows),
        ("remote", _REMOTE_COLUMNS, [r for r in rows if "remote" in r]),
    ):
        if not chosen:
            continue
        lines += [f"{title}:", "| " + " | ".join(c for c, _ in columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(f(r) for _, f in columns) + " |" for r in chosen]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: ``longarm bench scale [--sizes N,N…] …``."""
    parser = argparse.ArgumentParser(prog="longarm bench scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="synthetic organizations, comma-separated (default 100000)")
    parser.add_argument("--queries", type=int, default=200, help="questions asked in process (default 200)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent REST clients (default 32)")
    parser.add_argument(
        "--rate", type=float, default=100.0, help="REST requests offered a second (0: as fast as answered)"
    )
    parser.add_argument("--requests", type=int, default=2000, help="measured REST requests (default 2000)")
    parser.add_argument("--warmup", type=int, default=200, help="REST requests sent first, not measured (default 200)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-remote", action="store_true", help="measure the embedded store only")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also save the report as JSON here")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
        plan = Plan(args.queries, args.clients, args.rate or None, args.requests, args.warmup, args.seed)
        report = run(sizes, plan, remote=not args.no_remote)
    except ValueError as exc:
        parser.error(str(exc))
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(format_report(report), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
