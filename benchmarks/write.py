"""``longarm bench write``: the one write path at synthetic scale, with reads under way.

One run opens (or builds) a store of synthetic organizations
(:mod:`longarm.benchmarks.synthetic`, as ``longarm bench compel`` makes them), then, side by
side in one process:

- a **small write** (one organization with its source: 10 triples), several times, one
  every `--write-every` seconds (0.5), each into a graph of its own, end to end through
  :func:`longarm.graph.write.commit.write_graphs` (validation on the write's scope, the
  transaction, the change log, the projection patched);
- an **upload** of `--upload` triples (organizations, each with an interest in the one
  before it) into one graph, end to end from the document's text (parsing included),
  once the projection has taken in the small writes; then the time until answers include
  the upload (the upload, then the projection patched with it);
- **reads under way**: a thread asks "who can compel" (the REST API's engine call, on the
  projection, patched after each write) at a steady rate (`--read-rate`, 100 a second),
  first without writes, then while the writes run; the report gives each phase's p50, p95
  and slowest read (the one that patched the projection after a write). Reads and writes
  share the interpreter: a reader asking as fast as it can would take most of its time
  from the writer, and a patch made by the reader slows a write under way.

A snapshot save that the store's earlier writes call for (:mod:`longarm.graph.projection.cache`)
is waited for before anything is timed, and its time reported apart.

Targets (issue 12): small write ≤ 1 s at 1M organizations; upload ≥ 20 000 triples/s;
read p95 during writes ≤ 2× its p95 without. Reported, never asserted.

Run ``longarm bench write --orgs 100000 1000000`` to measure both sizes in one run, side by
side (``--stores DIR`` keeps each size's store in ``DIR/orgs-N`` and reuses it in later
runs; ``--json`` for a machine-readable report).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..graph.engine.reach import compel
from ..graph.projection.cache import projection_for, wait_for_snapshot_saves
from ..graph.store.embedded import Store
from ..graph.store.loading import Document, load_bundled, user_graph
from ..graph.text.rdfio import parse_document
from ..graph.write.commit import write_graphs
from ..ontology.namespace import LX, entity_iri
from .compel import load_synthetic
from .http_load import percentile
from .synthetic import SyntheticConfig

__all__ = ["main", "run"]

TARGETS = {"small_write_s": 1.0, "upload_triples_per_s": 20_000.0, "read_p95_ratio": 2.0}
_AS_OF = dt.date(2026, 1, 1)


def _organizations(tag: str, count: int) -> bytes:
    """N-Triples of a source and `count` organizations, each (but the first) 60 % owned by the one before."""
    src = f"<https://bench.example/{tag}/src>"
    rows = [
        f"{src} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{LX.Source}> .",
        f'{src} <http://www.w3.org/2000/01/rdf-schema#label> "Benchmark filing" .',
        f'{src} <http://purl.org/dc/terms/date> "2024-01-15"^^<http://www.w3.org/2001/XMLSchema#date> .',
    ]
    france = f"<{entity_iri('jur', 'FR')}>"
    for i in range(count):
        org = f"<https://bench.example/{tag}/org-{i}>"
        rows += [
            f"{org} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{LX.Organization}> .",
            f'{org} <http://www.w3.org/2000/01/rdf-schema#label> "Benchmark company {i}" .',
            f"{org} <{LX.organizationKind}> <{LX.Company}> .",
            f"{org} <{LX.incorporatedIn}> {france} .",
            f"{org} <http://purl.org/dc/terms/source> {src} .",
        ]
        if i:
            stake = f"<https://bench.example/{tag}/stake-{i}>"
            rows += [
                f"{stake} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{LX.OwnershipInterest}> .",
                f"{stake} <{LX.owner}> <https://bench.example/{tag}/org-{i - 1}> .",
                f"{stake} <{LX.owned}> {org} .",
                f"{stake} <{LX.interestKind}> <{LX.Shareholding}> .",
                f'{stake} <{LX.shareOfCapital}> "60.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
                f"{stake} <http://purl.org/dc/terms/source> {src} .",
                f"{stake} <{LX.confidence}> <{LX.Primary}> .",
            ]
    return ("\n".join(rows) + "\n").encode()


def _write(store: Store, name: str, text: bytes) -> tuple[float, int]:
    start = time.perf_counter()
    triples = parse_document(text, name + ".nt")
    write_graphs(store, [Document(name + ".nt", user_graph("bench/" + name), triples, name)])
    return time.perf_counter() - start, len(triples)


class _Reader(threading.Thread):
    """Asks "who can compel" at a steady rate, each answer's latency kept in the current phase."""

    def __init__(self, store: Store, rate: float) -> None:
        super().__init__(name="bench-reader", daemon=True)
        self.store, self.interval = store, 1.0 / rate
        self.phase = "without writes"
        self.latencies: dict[str, list[float]] = {"without writes": [], "during writes": []}
        self.stop = threading.Event()

    def run(self) -> None:
        assets = sorted(projection_for(self.store).assets)[:5000]
        k, due = 0, time.perf_counter()
        while not self.stop.is_set():
            due += self.interval  # an open loop: reads at a steady rate, as users send them
            time.sleep(max(0.0, due - time.perf_counter()))
            start = time.perf_counter()
            compel(projection_for(self.store), assets[k % len(assets)], _AS_OF)
            self.latencies[self.phase].append((time.perf_counter() - start) * 1000)
            k += 7


def run(
    orgs: int,
    *,
    store_dir: Path | None,
    small: int,
    upload: int,
    seed: int,
    read_rate: float = 100.0,
    write_every: float = 0.5,
) -> dict[str, Any]:
    """Build or open the store of `orgs` organizations, then time the writes with a reader under way."""
    report: dict[str, Any] = {"orgs": orgs, "targets": TARGETS}
    where = store_dir or Path(tempfile.mkdtemp(prefix="longarm-bench-write-")) / "store"
    fresh = not where.exists()
    store = Store.open(where)
    if fresh:
        start = time.perf_counter()
        load_bundled(store, validate=False)
        load_synthetic(store, SyntheticConfig(orgs=orgs, seed=seed))
        report["load_s"] = time.perf_counter() - start
    start = time.perf_counter()
    projection_for(store)
    report["projection_s"] = time.perf_counter() - start
    warm_up = f"warm-up-{time.time_ns()}"
    _write(store, warm_up, _organizations(warm_up, 1))  # the shapes are read once per process
    projection_for(store)
    # A snapshot save started by the patches above (earlier runs' writes) would hold the
    # interpreter for tens of seconds at 1M organizations: measured apart, not in the writes.
    start = time.perf_counter()
    wait_for_snapshot_saves()
    report["snapshot_save_wait_s"] = time.perf_counter() - start
    # The first answer on a projection makes its indexes (which groups have a subsidiary where):
    # seconds at 1M organizations, once; the phases measure reads in a steady state.
    start = time.perf_counter()
    first = projection_for(store)
    compel(first, sorted(first.assets)[0], _AS_OF)
    report["first_answer_s"] = time.perf_counter() - start
    reader = _Reader(store, read_rate)
    report["read_rate"] = read_rate
    reader.start()
    time.sleep(3.0)
    reader.phase = "during writes"
    tag = str(int(time.time()))
    smalls = []
    for i in range(small):
        if i:
            time.sleep(write_every)  # writes at a pace, reads going on between them
        smalls.append(_write(store, f"small-{tag}-{i}", _organizations(f"small-{tag}-{i}", 1))[0])
    projection_for(store)  # the small writes' patches done (a reader makes them): the upload is timed apart
    count = max(2, (upload - 3) // 12 + 1)  # 12 triples an organization after the first
    upload_s, upload_triples = _write(store, f"upload-{tag}", _organizations(f"upload-{tag}", count))
    start = time.perf_counter()
    projection_for(store)  # patched with the upload (or waits for the reader that patches it)
    seen_s = time.perf_counter() - start
    reader.stop.set()
    reader.join()
    report["small_write_s"] = {"median": statistics.median(smalls), "max": max(smalls), "n": small}
    report["upload"] = {
        "triples": upload_triples,
        "s": upload_s,
        "triples_per_s": upload_triples / upload_s,
        "answers_include_it_after_s": upload_s + seen_s,
    }
    for phase, values in reader.latencies.items():
        report[f"read_ms {phase}"] = {
            "n": len(values),
            "p50": percentile(values, 0.50) if values else None,
            "p95": percentile(values, 0.95) if values else None,
            "max": max(values) if values else None,
        }
    before, during = report["read_ms without writes"]["p95"], report["read_ms during writes"]["p95"]
    report["read_p95_ratio"] = during / before if before and during else None
    return report


def format_report(reports: list[dict[str, Any]]) -> str:
    """The reports of one run, one column per store size."""
    rows: list[tuple[str, list[str]]] = [
        ("synthetic organizations", [f"{r['orgs']:,}" for r in reports]),
        ("projection ready", [f"{r['projection_s']:.1f} s" for r in reports]),
        ("then a snapshot save waited for", [f"{r['snapshot_save_wait_s']:.1f} s" for r in reports]),
        ("first answer (indexes made)", [f"{r['first_answer_s']:.1f} s" for r in reports]),
        (
            f"small write (10 triples), median (max) of {reports[0]['small_write_s']['n']}",
            [f"{r['small_write_s']['median']:.3f} s ({r['small_write_s']['max']:.3f} s)" for r in reports],
        ),
        (
            f"upload of {reports[0]['upload']['triples']:,} triples",
            [f"{r['upload']['s']:.2f} s, {r['upload']['triples_per_s']:,.0f} triples/s" for r in reports],
        ),
        ("answers include the upload after", [f"{r['upload']['answers_include_it_after_s']:.2f} s" for r in reports]),
    ]
    for phase in ("without writes", "during writes"):
        rows.append(
            (
                f"reads {phase} ({reports[0]['read_rate']:g}/s), p50 / p95",
                [_read_cell(r[f"read_ms {phase}"]) for r in reports],
            )
        )
    rows.append(
        ("read p95 during / without writes", [_ratio(r["read_p95_ratio"]) for r in reports]),
    )
    width = max(len(label) for label, _ in rows)
    cells = [max(len(row[1][i]) for row in rows) for i in range(len(reports))]
    lines = [
        "  ".join([label.ljust(width), *(c.rjust(w) for c, w in zip(values, cells, strict=True))]).rstrip()
        for label, values in rows
    ]
    lines.append(
        f"targets: small write <= {TARGETS['small_write_s']:g} s at 1M organizations; upload >= "
        f"{TARGETS['upload_triples_per_s']:,.0f} triples/s; read p95 ratio <= {TARGETS['read_p95_ratio']:g}x"
    )
    return "\n".join(lines)


def _read_cell(phase: dict[str, Any]) -> str:
    if phase["p50"] is None:
        return "-"
    return f"{phase['p50']:.2f} / {phase['p95']:.2f} ms, max {phase['max']:,.0f} ms ({phase['n']})"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="longarm bench write", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--orgs", type=int, nargs="+", default=[100_000], help="store sizes, each run in turn (default 100000)"
    )
    parser.add_argument("--stores", type=Path, help="keep each size's store in DIR/orgs-N, reused if it is there")
    parser.add_argument("--small", type=int, default=5, help="small writes (default 5)")
    parser.add_argument("--upload", type=int, default=20_000, help="triples in the upload (default 20000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--read-rate", type=float, default=100.0, help="reads a second under way (default 100)")
    parser.add_argument("--write-every", type=float, default=0.5, help="seconds between small writes (default 0.5)")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    args = parser.parse_args(argv)
    reports = []
    for orgs in args.orgs:
        store_dir = args.stores / f"orgs-{orgs}" if args.stores is not None else None
        options = {
            "small": args.small,
            "upload": args.upload,
            "seed": args.seed,
            "read_rate": args.read_rate,
            "write_every": args.write_every,
        }
        reports.append(run(orgs, store_dir=store_dir, **options))
        gc.collect()  # the store and projection of one size are not kept for the next
    print(json.dumps(reports, indent=2) if args.json else format_report(reports), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
