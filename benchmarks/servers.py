"""``longarm bench sparql``: longarm's ``/sparql`` side by side with ``oxigraph serve`` and rdflib-endpoint.

One run builds one dataset: the bundled data and a synthetic set of GLEIF-like groups
(:mod:`longarm.benchmarks.synthetic`), bulk-loaded into a longarm store and dumped once as
N-Quads into a temporary directory. Three servers then serve that same data on free
loopback ports, **one under load at a time** (two cores: two servers under load at once
would only measure each other), in turn: each level of load is cut into slices given to
the servers one after the other, so that a machine whose speed drifts slows them alike:

- **longarm**: ``longarm serve`` on the store (queries run in worker processes on a
  checkpoint of the store, with a deadline; see :mod:`longarm.graph.sparql.pool`);
- **oxigraph**: ``oxigraph serve --union-default-graph`` from the PyPI ``oxigraph``
  package (Oxigraph's own Rust HTTP server), on a store made by ``oxigraph load``;
- **rdflib**: ``rdflib-endpoint serve`` on the N-Quads file, parsed into an rdflib
  ``Dataset`` with a union default graph.

All three read the union of the named graphs as the default graph, as longarm does, so the
queries need no ``GRAPH`` pattern. The query mix (:func:`query_plan`) is the same for all:
a label lookup by IRI, the ownership chain up (``(^lx:owned/lx:owner)+``), the subsidiaries
down, organizations per jurisdiction of incorporation (an aggregate over every
organization), and "who can compel" (:data:`~longarm.benchmarks.compel.SPARQL_COMPEL`, the
asset and the date written into the query). Organizations and assets are drawn by a seeded
RNG among the synthetic ones; their IRIs are made by :mod:`longarm.ontology.namespace` and
checked by Oxigraph before they are written into the query text, with the prefixes
declared (the other servers do not know longarm's).

Each server is started and polled until it answers, and the first queries of the plan are
sent once and their row counts (and values) compared with those of the first server (a
difference is a **mismatch**, listed in the report, and the command exits 1). Then the
plan is sent by 1, 8 and 32 concurrent clients (threads, one keep-alive connection each,
``POST application/sparql-query``, ``Accept: application/sparql-results+json``), for a
number of seconds or of requests per level and server, in slices taken in turn; the
servers are stopped (``SIGTERM``, then ``SIGKILL``) at the end, whatever happened. The
report gives, per server and number of clients, the throughput (200 answers per second),
p50 and p95 latency and the errors (non-200 answers and failures), the ratios of
longarm's throughput to the others', and the targets of :data:`TARGETS` (reported, never
asserted).

The default size is 10 000 organizations (≈ 128 000 quads): rdflib-endpoint holds the
whole dataset in an rdflib in-memory graph (Python objects, parsed at every start, about
15 s at this size) and evaluates queries in Python, one at a time, so the aggregate takes
about a second there; much larger sizes make its part of the run take hours.

The clients run on the same machine as the servers and take CPU from them; on a machine
shared with other work the figures are noisy. The load average at the start is reported.

Run ``longarm bench sparql --orgs 10000`` (``--json`` for a machine-readable report).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.ontology.namespace import PREFIXES, entity_iri

from .compel import AS_OF, SPARQL_COMPEL, load_synthetic
from .http_load import LOOPBACK, HttpRequest, LoadResult, ServerProcess, free_port, run_load, send
from .synthetic import SyntheticConfig, asset_iri

__all__ = [
    "SERVERS",
    "TARGETS",
    "compare_answers",
    "compel_query",
    "format_report",
    "main",
    "oxigraph_binary",
    "query_plan",
    "run",
]

#: The servers, in the order they run (the first one's answers are the reference).
SERVERS = ("longarm", "oxigraph", "rdflib")

#: longarm's throughput over the other server's, at every number of clients (reported, not asserted).
TARGETS: dict[str, float] = {"longarm/oxigraph": 0.8, "longarm/rdflib": 10.0}

_PATHS = {"longarm": "/sparql", "oxigraph": "/query", "rdflib": "/"}
_HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
_PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("lx", "rdfs", "xsd"))
_XSD_DATE = ox.NamedNode(PREFIXES["xsd"] + "date")
_KINDS = ("label", "chain_up", "chain_down", "per_jurisdiction", "compel")
_CHECKED_ROUNDS = 2  # rounds of the plan (one query of each kind) compared across servers


def _iri(value: str) -> str:
    """``<value>``, after Oxigraph has checked that `value` is an IRI."""
    return str(ox.NamedNode(value))


def compel_query(asset: str, as_of: dt.date) -> str:
    """:data:`SPARQL_COMPEL` with `asset` and `as_of` written in as ``VALUES`` (other servers take no bindings).

    The asset goes inside the subquery, so that the walk starts from it as with a binding.
    """
    inner, outer = "WHERE {\n      ?asset ", "\n  ?instrument "
    if SPARQL_COMPEL.count(inner) != 1 or SPARQL_COMPEL.count(outer) != 1:
        raise RuntimeError("SPARQL_COMPEL changed shape: update compel_query")
    date = str(ox.Literal(as_of.isoformat(), datatype=_XSD_DATE))
    text = SPARQL_COMPEL.replace(inner, f"WHERE {{\n      VALUES ?asset {{ {_iri(asset)} }}\n      ?asset ")
    return _PROLOGUE + text.replace(outer, f"\n  VALUES ?asOf {{ {date} }}\n  ?instrument ")


def _queries(org: str, owner: str, asset: str, as_of: dt.date) -> list[tuple[str, str]]:
    """One round of the mix: (kind, query text)."""
    per_jurisdiction = (
        "SELECT ?jurisdiction (COUNT(DISTINCT ?org) AS ?orgs) WHERE "
        "{ ?org a lx:Organization ; lx:incorporatedIn ?jurisdiction } GROUP BY ?jurisdiction"
    )
    return [
        ("label", f"SELECT ?label WHERE {{ {_iri(org)} rdfs:label ?label }}"),
        ("chain_up", f"SELECT DISTINCT ?owner WHERE {{ {_iri(org)} (^lx:owned/lx:owner)+ ?owner }}"),
        ("chain_down", f"SELECT DISTINCT ?subsidiary WHERE {{ {_iri(owner)} (^lx:owner/lx:owned)+ ?subsidiary }}"),
        ("per_jurisdiction", _PROLOGUE + per_jurisdiction),
        ("compel", compel_query(asset, as_of)),
    ]


def query_plan(
    orgs: int, owners: Sequence[str], assets: int, *, seed: int, rounds: int = 100, as_of: dt.date = AS_OF
) -> list[tuple[str, str]]:
    """`rounds` rounds of the mix, (kind, query text), for random synthetic organizations and assets.

    `owners` are the synthetic organizations that own another one (the chain down starts
    from one of them); assets are ``asset_iri(k)`` for ``k < assets``.
    """
    rng = random.Random(seed)
    plan: list[tuple[str, str]] = []
    for _ in range(rounds):
        org = str(entity_iri("org", f"syn-{rng.randrange(orgs)}"))
        owner = rng.choice(owners) if owners else org
        for kind, text in _queries(org, owner, asset_iri(rng.randrange(assets)), as_of):
            plan.append((kind, text if text.startswith("PREFIX") else _PROLOGUE + text))
    return plan


def _synthetic_owners(store: Store) -> list[str]:
    """The synthetic organizations that own another one, sorted."""
    prefix = str(entity_iri("org", "syn-0"))[: -len("0")]
    rows = store.select("SELECT DISTINCT ?o WHERE { ?i lx:owner ?o }")
    return sorted(v for r in rows if (v := r["o"].value).startswith(prefix))


def _build(where: Path, orgs: int, seed: int, report: dict[str, Any]) -> tuple[Path, Path, list[str], int]:
    """The longarm store and its N-Quads dump in `where`; (store, file, owners, assets)."""
    path = where / "longarm" / "store"
    start = time.perf_counter()
    store = Store.open(path)
    load_bundled(store, validate=False)
    tally = load_synthetic(store, SyntheticConfig(orgs=orgs, seed=seed))
    report["load_s"] = time.perf_counter() - start
    owners = _synthetic_owners(store)
    data = where / "data.nq"
    start = time.perf_counter()
    store.oxigraph.dump(str(data), format=ox.RdfFormat.N_QUADS)
    report["dump_s"] = time.perf_counter() - start
    report["quads"], report["data_mb"] = len(store.oxigraph), data.stat().st_size / 2**20
    report["synthetic_assets"], report["synthetic_owners"] = tally.assets, len(owners)
    store.flush()
    del store  # the server opens it next: release RocksDB's lock
    return path, data, owners, tally.assets


def oxigraph_binary() -> str:
    for candidate in (Path(sysconfig.get_path("scripts")) / "oxigraph", Path(sys.executable).parent / "oxigraph"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6'")
    return found


def _server(name: str, where: Path, store: Path, data: Path, report: dict[str, Any]) -> ServerProcess:
    """The server `name` on the data, not started yet (oxigraph's store is loaded first)."""
    port, log = free_port(), where / f"{name}.log"
    if name == "longarm":
        env = {**os.environ, "LONGARM_STORE": str(store)}
        code = "import sys; from longarm.api.cli import main; sys.exit(main(sys.argv[1:]))"
        command = [sys.executable, "-c", code, "serve", "--host", LOOPBACK, "--port", str(port)]
        return ServerProcess(name, command, port, log, env)
    if name == "oxigraph":
        binary, location = oxigraph_binary(), where / "oxigraph"
        start = time.perf_counter()
        with open(where / "oxigraph-load.log", "wb") as out:
            loaded = subprocess.run(
                [binary, "load", "--location", str(location), "--file", str(data)], stdout=out, stderr=out
            )
        if loaded.returncode != 0:
            raise RuntimeError(f"oxigraph load failed:\n{(where / 'oxigraph-load.log').read_text(errors='replace')}")
        report["oxigraph_load_s"] = time.perf_counter() - start
        bind = f"{LOOPBACK}:{port}"
        command = [binary, "serve", "--location", str(location), "--bind", bind, "--union-default-graph"]
        return ServerProcess(name, command, port, log)
    if name == "rdflib":
        command = [sys.executable, "-m", "rdflib_endpoint", "serve", "--host", LOOPBACK, "--port", str(port), str(data)]
        return ServerProcess(name, command, port, log)
    raise ValueError(f"unknown server {name!r}")


#: An answer as compared: (rows, the sorted rows as (variable, value) pairs), or what went wrong.
Answer = tuple[int, list[tuple[tuple[str, str], ...]]] | str


def _request(name: str, kind: str, text: str) -> HttpRequest:
    return HttpRequest(kind, "POST", _PATHS[name], text.encode("utf-8"), _HEADERS)


def _answer(status: int, body: bytes) -> Answer:
    """(rows, sorted rows of (variable, value)) of a SPARQL JSON answer, or what went wrong."""
    if status != 200:
        return f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
    try:
        bindings = json.loads(body)["results"]["bindings"]
        rows = [tuple(sorted((k, str(v["value"])) for k, v in b.items())) for b in bindings]
    except (ValueError, KeyError, TypeError) as exc:
        return f"not a SPARQL JSON answer: {exc!r}"
    return len(rows), sorted(rows)


def compare_answers(
    name: str, kinds: Sequence[str], answers: Sequence[Answer], reference: Sequence[Answer] | None
) -> list[str]:
    """What differs between a server's answers and the reference's: failures, row counts, then values.

    Examples
    --------
    >>> one, two = (1, [(("x", "a"),)]), (1, [(("x", "b"),)])
    >>> compare_answers("s", ["label", "label"], [one, one], [one, two])
    ['s, query 1 (label): the same 1 rows, other values']
    >>> compare_answers("s", ["label"], [(0, [])], [one]), compare_answers("s", ["label"], ["HTTP 500: x"], None)
    (['s, query 0 (label): 0 rows, not 1'], ['s, query 0 (label): HTTP 500: x'])
    """
    problems = []
    for i, (kind, got) in enumerate(zip(kinds, answers, strict=True)):
        ref = reference[i] if reference is not None else None
        if isinstance(got, str):
            problems.append(f"{name}, query {i} ({kind}): {got}")
        elif ref is not None and not isinstance(ref, str) and got != ref:
            what = f"{got[0]} rows, not {ref[0]}" if got[0] != ref[0] else f"the same {got[0]} rows, other values"
            problems.append(f"{name}, query {i} ({kind}): {what}")
    return problems


def _check(name: str, port: int, plan: Sequence[tuple[str, str]]) -> list[Answer]:
    """Send the first rounds of the plan once, one after the other; the answers."""
    return [_answer(*send(port, _request(name, kind, text))) for kind, text in plan[: _CHECKED_ROUNDS * len(_KINDS)]]


def run(
    orgs: int,
    *,
    clients: Sequence[int] = (1, 8, 32),
    requests: int | None = None,
    seconds: float | None = 10.0,
    seed: int = 42,
    only: Sequence[str] = SERVERS,
    ready_timeout: float = 600.0,
    slices: int = 5,
) -> dict[str, Any]:
    """Build the data, start the servers of `only`, load them in turn; return the report.

    Parameters
    ----------
    orgs, seed : int
        Size and seed of the synthetic dataset (the seed also draws the queries).
    clients : sequence of int
        The numbers of concurrent clients, one level of load each.
    requests, seconds
        How long each level lasts for each server: a number of requests, or of seconds
        (give one).
    only : sequence of str
        The servers to run, among :data:`SERVERS` (in that order).
    ready_timeout : float
        How long a server may take to start, loading included.
    slices : int
        Each level is cut into this many slices, given to the servers in turn (longarm,
        Oxigraph, rdflib, longarm, …): only one server is under load at any time, and a
        machine whose speed drifts (a VM: ±50 % within a minute here) slows them alike,
        where one server after the other would take the drift for a difference.
    """
    names = [s for s in SERVERS if s in only]
    if not names or any(s not in SERVERS for s in only):
        raise ValueError(f"choose servers among {', '.join(SERVERS)}")
    if orgs < 1 or not clients or min(clients) < 1 or slices < 1:
        raise ValueError("--orgs, --slices and every number of --clients must be at least 1")
    report: dict[str, Any] = {
        "orgs": orgs,
        "seed": seed,
        "clients": list(clients),
        "requests_per_level": requests,
        "seconds_per_level": None if requests is not None else seconds,
        "slices": slices,
        "cpus": os.cpu_count(),
        "loadavg_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "targets": TARGETS,
        "servers": {},
        "mismatches": [],
        "failures": [],
    }
    where = Path(tempfile.mkdtemp(prefix="longarm-bench-sparql-"))
    try:
        store, data, owners, assets = _build(where, orgs, seed, report)
        plan = query_plan(orgs, owners, assets, seed=seed)
        report["queries"] = {kind: text for kind, text in plan[: len(_KINDS)]}
        with contextlib.ExitStack() as stack:
            running = _start(names, stack, where, store, data, plan, report, ready_timeout)
            for n in clients:
                _load_in_turn(running, plan, n, requests, seconds, slices)
        for server, facts in running:
            facts.update(server.facts)  # memory, stop: known once stopped
        _ratios(report)
    finally:
        shutil.rmtree(where, ignore_errors=True)
    return report


def _start(
    names: Sequence[str],
    stack: contextlib.ExitStack,
    where: Path,
    store: Path,
    data: Path,
    plan: Sequence[tuple[str, str]],
    report: dict[str, Any],
    ready_timeout: float,
) -> list[tuple[ServerProcess, dict[str, Any]]]:
    """Start each server (stopped when `stack` closes) and compare its first answers with the first server's.

    A server that cannot start is reported in ``report["failures"]``; the others still run.
    """
    running: list[tuple[ServerProcess, dict[str, Any]]] = []
    reference: list[Answer] | None = None
    for name in names:
        facts: dict[str, Any] = {}
        report["servers"][name] = facts
        try:
            server = stack.enter_context(_server(name, where, store, data, report))
            server.wait_ready(_request(name, "probe", "ASK {}"), ready_timeout)
        except (RuntimeError, OSError) as exc:
            facts["failed"] = str(exc)
            report["failures"].append(f"{name}: {exc}")
            continue
        answers = _check(name, server.port, plan)
        facts["rows_checked"] = [a if isinstance(a, str) else a[0] for a in answers]
        kinds = [k for k, _ in plan[: len(answers)]]
        report["mismatches"] += compare_answers(name, kinds, answers, reference)  # before timing
        reference = reference or answers
        facts["levels"] = {}
        running.append((server, facts))
    return running


def _load_in_turn(
    running: Sequence[tuple[ServerProcess, dict[str, Any]]],
    plan: Sequence[tuple[str, str]],
    clients: int,
    requests: int | None,
    seconds: float | None,
    slices: int,
) -> None:
    """One level of load: `slices` slices per server, the servers in turn; the merged figures go to each one's facts."""
    results: dict[str, LoadResult] = {}
    for k in range(slices):
        for server, _ in running:
            part = None if requests is None else requests // slices + (1 if k < requests % slices else 0)
            if part == 0:
                continue
            done = results.get(server.name)
            plan_ = [_request(server.name, kind, text) for kind, text in plan]
            sliced = run_load(
                server.port,
                plan_,
                clients,
                requests=part,
                seconds=None if seconds is None else seconds / slices,
                first=done.requests() if done is not None else 0,
            )
            if done is None:
                results[server.name] = sliced
            else:
                done.merge(sliced)
            server.sample_memory()
    for server, facts in running:
        if server.name in results:
            facts["levels"][str(clients)] = results[server.name].report()


def _ratios(report: dict[str, Any]) -> None:
    """longarm's throughput over each other server's, per number of clients (None when one did not run)."""
    levels = {name: facts.get("levels", {}) for name, facts in report["servers"].items()}
    if "longarm" not in levels:
        return
    report["ratios"] = {}
    for n in map(str, report["clients"]):
        ours = levels["longarm"].get(n, {}).get("throughput")
        report["ratios"][n] = {}
        for other in (s for s in SERVERS[1:] if s in levels):
            theirs = levels[other].get(n, {}).get("throughput")
            report["ratios"][n][f"longarm/{other}"] = ours / theirs if ours is not None and theirs else None


def format_report(report: dict[str, Any]) -> str:
    """The report as tables: throughput and latency per server and clients, per-kind p50, ratios and targets."""
    head = (
        f"{report['orgs']:,} organizations + bundled data: {report.get('quads', 0):,} quads "
        f"({report.get('data_mb', 0):.0f} MB of N-Quads); "
        + (
            f"{report['requests_per_level']} requests"
            if report["requests_per_level"] is not None
            else f"{report['seconds_per_level']:g} s"
        )
        + f" per level and server, in {report.get('slices', 1)} slices taken in turn; "
        + f"{report['cpus']} CPUs, load average at start "
        + " ".join(f"{x:.1f}" for x in report.get("loadavg_at_start") or [])
    )
    lines = [head, "", f"{'server':<9} {'clients':>7} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'errors':>7}"]
    for name, facts in report["servers"].items():
        for n, level in facts.get("levels", {}).items():
            lines.append(
                f"{name:<9} {n:>7} {level['throughput']:>9.1f} {level.get('p50_ms', float('nan')):>9.2f} "
                f"{level.get('p95_ms', float('nan')):>9.2f} {level['errors']:>7}"
            )
    lines += ["", "p50 ms per query at 1 client (or the fewest clients):"]
    lines.append(f"{'server':<9} " + " ".join(f"{k:>16}" for k in _KINDS))
    for name, facts in report["servers"].items():
        levels = facts.get("levels", {})
        if levels:
            kinds = levels[min(levels, key=int)]["by_kind"]
            cells = (f"{kinds[k]['p50_ms']:.2f}" if k in kinds else "-" for k in _KINDS)
            lines.append(f"{name:<9} " + " ".join(f"{c:>16}" for c in cells))
    lines.append("")
    for name, facts in report["servers"].items():
        lines.append(
            f"{name}: ready in {facts.get('ready_s', float('nan')):.1f} s, peak RSS "
            f"{facts.get('peak_rss_mb', float('nan')):,.0f} MB, rows checked {facts.get('rows_checked')}"
        )
    for n, ratios in report.get("ratios", {}).items():
        for key, value in ratios.items():
            if value is None:
                continue
            verdict = "met" if value >= TARGETS[key] else "MISSED"
            lines.append(f"{n:>2} clients: {key} throughput {value:.2f}x (target ≥ {TARGETS[key]:g}x: {verdict})")
    if report["mismatches"]:
        lines += ["", "MISMATCHES (the servers did not give the same answers):", *report["mismatches"]]
    if report["failures"]:
        lines += ["", "FAILURES (servers that did not run):", *report["failures"]]
    return "\n".join(lines)


def _clients(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("every number of clients must be at least 1")
    return values


def _servers(text: str) -> list[str]:
    names = [x.strip() for x in text.split(",") if x.strip()]
    if not names or any(n not in SERVERS for n in names):
        raise argparse.ArgumentTypeError(f"choose among {','.join(SERVERS)}")
    return names


def main(argv: list[str] | None = None) -> int:
    """Command line: ``longarm bench sparql [--orgs N] [--clients 1,8,32] [--requests R | --seconds S] …``."""
    parser = argparse.ArgumentParser(prog="longarm bench sparql", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=10_000, help="synthetic organizations (default 10000)")
    parser.add_argument("--clients", type=_clients, default=[1, 8, 32], help="levels of concurrency (default 1,8,32)")
    how_long = parser.add_mutually_exclusive_group()
    how_long.add_argument("--requests", type=int, help="requests per server and level")
    how_long.add_argument("--seconds", type=float, default=10.0, help="seconds per server and level (default 10)")
    parser.add_argument("--slices", type=int, default=5, help="slices per level, servers in turn (default 5)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the data and of the queries (default 42)")
    parser.add_argument("--only", type=_servers, default=list(SERVERS), help="servers to run (default: all three)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if (args.requests is not None and args.requests < 1) or args.seconds <= 0:
        parser.error("--requests and --seconds must be positive")
    try:
        report = run(
            args.orgs,
            clients=args.clients,
            requests=args.requests,
            seconds=None if args.requests is not None else args.seconds,
            seed=args.seed,
            only=args.only,
            slices=args.slices,
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 1 if report["mismatches"] or report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
