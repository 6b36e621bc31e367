"""``longarm bench compel``: "who can compel" at synthetic scale, in process and in SPARQL, in one run.

One run builds a store with the ontology, the bundled dataset and a synthetic set of
GLEIF-like groups (:mod:`longarm.benchmarks.synthetic`), builds the engine's projection,
then answers "who can compel access to this asset" for random synthetic assets twice:
in process (:func:`longarm.graph.engine.reach.compel` over the projection) and as one SPARQL
property-path query on the same Oxigraph store (:data:`SPARQL_COMPEL`). It reports the
counts, the time to generate and load, to build the projection, the p50/p95/mean latency
of each way and their ratio, and the peak resident memory of the process.

On an on-disk store it also saves the projection's snapshot (:mod:`longarm.graph.projection.snapshot`)
and loads it back, as a restart would, and times the questions on the loaded projection.

Targets at 1 000 000 organizations (:data:`TARGETS`): in-process p50 ≤ 1 ms, projection
≤ 30 s (built from the store, and loaded at a restart), peak RSS ≤ 4 GB. They are
reported, never asserted.

Run ``python -m longarm.benchmarks.compel --orgs 100000`` (``--json`` for a machine-readable
report, ``--keep`` to keep the store, ``--store DIR`` to choose where it goes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from longarm.graph.engine.reach import compel
from longarm.graph.projection.model import Projection
from longarm.graph.projection.patch import patched_projection
from longarm.graph.projection.reader import build_projection
from longarm.graph.projection.snapshot import load_snapshot, load_snapshot_and_changes, save_snapshot
from longarm.graph.store.embedded import Store, Term
from longarm.graph.store.loading import (
    document_from_bytes,
    load_bundled,
    load_documents,
    unload_graphs,
    user_graph,
)
from longarm.ontology.namespace import PREFIXES

from .http_load import percentile
from .synthetic import GRAPHS, SyntheticConfig, Tally, asset_iri, generate, small_update

__all__ = [
    "AS_OF",
    "SPARQL_COMPEL",
    "TARGETS",
    "format_report",
    "in_process_compel",
    "load_synthetic",
    "main",
    "run",
    "sparql_compel",
]

#: The date every question is asked for.
AS_OF = dt.date(2026, 1, 1)

#: Targets at 1 000 000 organizations (reported, not asserted).
TARGETS: dict[str, float] = {
    "compel_p50_ms": 1.0,
    "projection_s": 30.0,
    "projection_restart_s": 30.0,
    "peak_rss_mb": 4096.0,
}

#: The SPARQL reading of "who can compel": custodians of the asset (operator or contracting
#: entity of a hosting service), every direct or indirect owner of a custodian, its country
#: of incorporation or a union it belongs to, and the access instruments that jurisdiction
#: enacted and has in force. It ignores what the engine weighs (control thresholds, dates of
#: interests, subject categories, nexus and location rules, tiers), so it does less work.
#: The subquery fixes the join order: written flat, Oxigraph starts from the instruments and
#: enumerates every organization incorporated where they were enacted (≈ 50 ms at 2 000
#: organizations, seconds at 100 000), instead of walking up from the asset.
SPARQL_COMPEL = """
SELECT DISTINCT ?asset ?asOf ?instrument ?entity WHERE {
  { SELECT DISTINCT ?asset ?entity ?area WHERE {
      ?asset lx:hostedOn/(lx:operatedBy|lx:contractingEntity) ?custodian .
      ?custodian (^lx:owned/lx:owner)* ?entity .
      ?entity lx:incorporatedIn/lx:memberOf* ?area } }
  ?instrument lx:enactedBy ?area ; lx:instrumentKind lx:AccessInstrument ; lx:inForceFrom ?from .
  OPTIONAL { ?instrument lx:inForceUntil ?until }
  FILTER (?from <= ?asOf && (!BOUND(?until) || ?until >= ?asOf))
}"""


def in_process_compel(projection: Projection, asset: str, as_of: dt.date, mode: str) -> int:
    """Ask the reach engine who can compel access to `asset`; return the number of exposures."""
    return len(compel(projection, asset, as_of, mode).exposures)


def sparql_compel(store: Store, asset: str, as_of: dt.date) -> int:
    """Run :data:`SPARQL_COMPEL` with the asset and the date bound; return the number of rows."""
    date = ox.Literal(as_of.isoformat(), datatype=_XSD_DATE)
    bindings: dict[str, Term] = {"asset": ox.NamedNode(asset), "asOf": date}
    return len(store.select(SPARQL_COMPEL, bindings))


_XSD_DATE = ox.NamedNode(PREFIXES["xsd"] + "date")


class _ChunkReader(io.RawIOBase):
    """A binary stream over the generator, so that the bulk loader pulls the data as it is made."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self.chunks, self.pending = (c.encode("utf-8") for c in chunks), memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self.pending:  # the generator never yields an empty chunk
            self.pending = memoryview(next(self.chunks, b""))
        n = min(len(buffer), len(self.pending))
        buffer[:n], self.pending = self.pending[:n], self.pending[n:]
        return n


def load_synthetic(store: Store, config: SyntheticConfig) -> Tally:
    """Stream the synthetic dataset into `store` with Oxigraph's bulk loader (no validation)."""
    tally = Tally()
    reader = io.BufferedReader(_ChunkReader(generate(config, tally)), buffer_size=1 << 20)
    store.touch()
    store.oxigraph.bulk_load(input=reader, format=ox.RdfFormat.N_QUADS)
    store.touch()
    store.flush()
    return tally


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _rss_now_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return pages * resource.getpagesize() / 2**20


def _timed(call: Callable[[str], int], warm_up: str, assets: Sequence[str]) -> dict[str, float]:
    """Time `call` on each asset after one warm-up call on another; milliseconds."""
    start = time.perf_counter()
    call(warm_up)
    first = (time.perf_counter() - start) * 1000
    times, sizes = [], []
    for asset in assets:
        start = time.perf_counter()
        sizes.append(call(asset))
        times.append((time.perf_counter() - start) * 1000)
    return {
        "first_ms": first,
        "p50_ms": percentile(times, 0.5),
        "p95_ms": percentile(times, 0.95),
        "mean_ms": sum(times) / len(times),
        "max_ms": max(times),
        "results_mean": sum(sizes) / len(sizes),
    }


def run(
    orgs: int,
    *,
    queries: int,
    seed: int,
    store_dir: Path | None,
    keep: bool = False,
    memory: bool = False,
    mode: str = "strict",
    as_of: dt.date = AS_OF,
    in_process: bool = True,
    reuse: bool = False,
) -> dict[str, Any]:
    """Build the store and the projection at `orgs` organizations, time both ways; return the report.

    Parameters
    ----------
    orgs, seed : int
        Size and seed of the synthetic dataset.
    queries : int
        How many random synthetic assets to ask about (the same ones both ways).
    store_dir : Path or None
        Where the on-disk store goes (it must be new or empty); a temporary directory if None.
    keep : bool
        Keep the temporary store instead of deleting it.
    memory : bool
        Use an in-memory store instead of an on-disk one.
    mode : {"strict", "practical"}
        The engine's mode.
    as_of : datetime.date
        The date the questions are asked for.
    in_process : bool
        Time the reach engine (turn off to time SPARQL alone).
    reuse : bool
        `store_dir` already holds a store this benchmark built (``--store DIR`` of an
        earlier run): skip generating and loading, and start as a server restart would,
        from the projection's snapshot if it is current (else build it). `orgs` is then
        read from the store.
    """
    if queries < 1:
        raise ValueError("queries must be at least 1")
    if reuse:
        if store_dir is None or not store_dir.is_dir() or not any(store_dir.iterdir()):
            raise ValueError("--reuse needs --store DIR holding a store an earlier run built")
        return _rerun(store_dir, queries=queries, seed=seed, mode=mode, as_of=as_of, in_process=in_process)
    temp = store_dir is None and not memory
    where = Path(tempfile.mkdtemp(prefix="longarm-bench-")) / "store" if temp else store_dir
    if where is not None and not memory and where.exists() and any(where.iterdir()):
        raise ValueError(f"{where} is not empty: the benchmark needs a new store")
    report: dict[str, Any] = {
        "orgs": orgs,
        "seed": seed,
        "queries": queries,
        "mode": mode,
        "as_of": as_of.isoformat(),
        "store": "memory" if memory else str(where),
    }
    report["store_kept"] = not memory and (keep or not temp)
    try:
        store = Store.in_memory() if memory or where is None else Store.open(where)
        start = time.perf_counter()
        load_bundled(store, validate=False)
        report["bundled_load_s"] = time.perf_counter() - start
        config = SyntheticConfig(orgs=orgs, seed=seed)
        start = time.perf_counter()
        for _ in generate(config):  # generation alone, to tell it from loading
            pass
        report["generate_only_s"] = time.perf_counter() - start
        start = time.perf_counter()
        tally = load_synthetic(store, config)
        report["generate_load_s"] = time.perf_counter() - start
        report.update({k: v for k, v in vars(tally).items() if k != "orgs"})
        report["synthetic_quads"] = report.pop("quads")
        report["store_quads"] = len(store.oxigraph)
        report["rss_after_load_mb"], report["peak_rss_after_load_mb"] = _rss_now_mb(), _peak_rss_mb()
        _measure(store, report, seed, queries, tally.assets, mode, as_of, in_process)
        del store
        gc.collect()
    finally:
        if temp and not keep and where is not None:
            shutil.rmtree(where.parent, ignore_errors=True)
    return report


def _rerun(where: Path, *, queries: int, seed: int, mode: str, as_of: dt.date, in_process: bool) -> dict[str, Any]:
    """Time the questions on a store an earlier run built and kept (see :func:`run`)."""
    store = Store.open(where)
    counts = {
        name: int(next(iter(store.query(_COUNT.format(cls=cls), default_graphs=[GRAPHS[name]])))[0].value)
        for name, cls in (("orgs", "lx:Organization"), ("assets", "lx:DataAsset"))
    }
    report: dict[str, Any] = {
        "orgs": counts["orgs"],
        "seed": seed,
        "queries": queries,
        "mode": mode,
        "as_of": as_of.isoformat(),
        "store": str(where),
        "store_kept": True,
        "reused": True,
        "assets": counts["assets"],
        "store_quads": len(store.oxigraph),
    }
    _measure(store, report, seed, queries, counts["assets"], mode, as_of, in_process, restart_first=True)
    return report


_COUNT = "SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a {cls} }}"


def _measure(
    store: Store,
    report: dict[str, Any],
    seed: int,
    queries: int,
    n_assets: int,
    mode: str,
    as_of: dt.date,
    in_process: bool,
    restart_first: bool = False,
) -> None:
    """Build the projection, then time both ways on the same random assets; fill `report`.

    With `restart_first`, the snapshot is loaded instead, as a restarted server would.
    """
    gc.collect()
    if restart_first:
        start = time.perf_counter()
        loaded = load_snapshot_and_changes(store)
        if loaded is not None:  # patched with the writes made since it was saved, if any
            restarted = patched_projection(store, *loaded) if loaded[1] else loaded[0]
            report["projection_restart_s"] = time.perf_counter() - start
            report["rss_after_projection_mb"], report["peak_rss_after_projection_mb"] = _rss_now_mb(), _peak_rss_mb()
            _ask(store, restarted, report, seed, queries, n_assets, mode, as_of, in_process)
            _update(store, restarted, report, mode, as_of)
            return
    start = time.perf_counter()
    projection = build_projection(store)
    report["projection_s"] = time.perf_counter() - start
    report["rss_after_projection_mb"], report["peak_rss_after_projection_mb"] = _rss_now_mb(), _peak_rss_mb()
    if store.path is not None:
        # What a restart costs: the projection comes from its snapshot, not from the store.
        start = time.perf_counter()
        save_snapshot(store, projection)
        report["snapshot_save_s"] = time.perf_counter() - start
        del projection
        gc.collect()
        start = time.perf_counter()
        reloaded = load_snapshot(store)
        report["projection_restart_s"] = time.perf_counter() - start
        if reloaded is None:
            raise RuntimeError("the projection snapshot just saved could not be loaded")
        projection = reloaded
    _ask(store, projection, report, seed, queries, n_assets, mode, as_of, in_process)
    _update(store, projection, report, mode, as_of)


def _update(store: Store, projection: Projection, report: dict[str, Any], mode: str, as_of: dt.date) -> None:
    """Time a small write and the projection patched for it, then the write undone; fill `report`.

    The store ends with the content it had, under a new revision: ``--reuse`` then starts
    from the snapshot patched with the store's change log, as a server would.
    """
    text, asset = small_update(report["orgs"])
    graph = user_graph("bench/update")
    since, start = store.version(), time.perf_counter()
    load_documents(store, [document_from_bytes(text.encode(), "update.nt", graph)], validate=False)
    report["small_write_s"] = time.perf_counter() - start
    patched, report["projection_update_s"], report["projection_update_subjects"] = _patch(store, projection, since)
    report["update_exposures"] = in_process_compel(patched, asset, as_of, mode)
    since = store.version()
    unload_graphs(store, [graph], validate=False)
    patched, report["projection_update_back_s"], _ = _patch(store, patched, since)
    if asset in patched.assets:
        raise RuntimeError("the projection still holds the asset the undone write added")


def _patch(store: Store, projection: Projection, since: int) -> tuple[Projection, float, int]:
    """`projection` patched with the writes since version `since`: (patched, seconds, subjects)."""
    changed = store.changed_subjects(since)
    if changed is None:
        raise RuntimeError("the store did not log what the write changed")
    start = time.perf_counter()
    patched = patched_projection(store, projection, changed)
    return patched, time.perf_counter() - start, len(changed)


def _ask(
    store: Store,
    projection: Projection,
    report: dict[str, Any],
    seed: int,
    queries: int,
    n_assets: int,
    mode: str,
    as_of: dt.date,
    in_process: bool,
) -> None:
    """Ask about the same random assets in process and in SPARQL; fill `report`."""
    rng = random.Random(seed + 1)
    warm_up, *assets = [asset_iri(rng.randrange(n_assets)) for _ in range(queries + 1)]
    if in_process:
        stats = _timed(lambda a: in_process_compel(projection, a, as_of, mode), warm_up, assets)
        report.update({f"compel_{k}": v for k, v in stats.items()})
        report["exposures_mean"] = report.pop("compel_results_mean")
    stats = _timed(lambda a: sparql_compel(store, a, as_of), warm_up, assets)
    report.update({f"sparql_{k}": v for k, v in stats.items()})
    report["sparql_rows_mean"] = report.pop("sparql_results_mean")
    if in_process:
        report["sparql_over_compel_p50"] = report["sparql_p50_ms"] / max(report["compel_p50_ms"], 1e-9)
    report["peak_rss_mb"] = _peak_rss_mb()
    report.update({"python": platform.python_version(), "pyoxigraph": ox.__version__, "targets": TARGETS})


_ROWS = (
    ("organizations", "orgs", "{:,}"),
    ("groups (largest)", "groups", "{:,}"),
    ("", "largest_group", "({:,})"),
    ("ownership interests", "interests", "{:,}"),
    ("max chain depth", "max_depth", "{}"),
    ("minority / JV / cross-holdings / former", "minority_stakes", "{:,}"),
    ("", "joint_ventures", "/ {:,}"),
    ("", "cross_holdings", "/ {:,}"),
    ("", "former_owners", "/ {:,}"),
    ("services", "services", "{:,}"),
    ("regions", "regions", "{:,}"),
    ("data assets", "assets", "{:,}"),
    ("synthetic quads", "synthetic_quads", "{:,}"),
    ("store quads", "store_quads", "{:,}"),
    ("bundled load", "bundled_load_s", "{:.2f} s"),
    ("generate alone", "generate_only_s", "{:.1f} s"),
    ("generate + bulk load", "generate_load_s", "{:.1f} s"),
    ("projection build", "projection_s", "{:.1f} s"),
    ("snapshot save", "snapshot_save_s", "{:.1f} s"),
    ("projection at restart (snapshot)", "projection_restart_s", "{:.1f} s"),
    ("small write (subjects)", "small_write_s", "{:.2f} s"),
    ("", "projection_update_subjects", "({})"),
    ("projection patched / write undone", "projection_update_s", "{:.3f}"),
    ("", "projection_update_back_s", "/ {:.3f} s"),
    ("exposures of the added asset", "update_exposures", "{}"),
    ("compel p50 / p95 / mean", "compel_p50_ms", "{:.3f}"),
    ("", "compel_p95_ms", "/ {:.3f}"),
    ("", "compel_mean_ms", "/ {:.3f} ms"),
    ("compel first call", "compel_first_ms", "{:.3f} ms"),
    ("exposures per answer (mean)", "exposures_mean", "{:.1f}"),
    ("SPARQL p50 / p95 / mean", "sparql_p50_ms", "{:.3f}"),
    ("", "sparql_p95_ms", "/ {:.3f}"),
    ("", "sparql_mean_ms", "/ {:.3f} ms"),
    ("SPARQL rows per answer (mean)", "sparql_rows_mean", "{:.1f}"),
    ("SPARQL p50 / compel p50", "sparql_over_compel_p50", "{:.1f}x"),
    ("RSS after load / projection", "rss_after_load_mb", "{:,.0f}"),
    ("", "rss_after_projection_mb", "/ {:,.0f} MB"),
    ("peak RSS", "peak_rss_mb", "{:,.0f} MB"),
)


def format_report(report: dict[str, Any]) -> str:
    """The report as a two-column table, with the targets checked when they apply (1M organizations and more)."""
    lines: list[list[str]] = [["store (kept)", report["store"]]] if report.get("store_kept") else []
    for label, key, fmt in _ROWS:
        if key not in report:
            continue
        if label or not lines:
            lines.append([label, fmt.format(report[key])])
        else:
            lines[-1][1] += " " + fmt.format(report[key])
    if report["orgs"] >= 1_000_000:
        for key, limit in TARGETS.items():
            if key in report:
                lines.append([f"target {key} ≤ {limit:g}", "met" if report[key] <= limit else "MISSED"])
    width = max(len(label) for label, _ in lines)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m longarm.benchmarks.compel [--orgs N] [--queries Q] …``."""
    parser = argparse.ArgumentParser(prog="longarm bench compel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000, help="synthetic organizations (default 100000)")
    parser.add_argument("--queries", type=int, default=200, help="random assets asked about (default 200)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generator (default 42)")
    parser.add_argument("--store", type=Path, default=None, help="directory for the on-disk store (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store")
    parser.add_argument(
        "--reuse", action="store_true", help="--store DIR holds a store an earlier run kept: time a restart on it"
    )
    parser.add_argument("--memory", action="store_true", help="use an in-memory store")
    parser.add_argument("--mode", choices=("strict", "practical"), default="strict")
    parser.add_argument("--sparql-only", action="store_true", help="do not time the in-process engine")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.orgs < 1 or args.queries < 1:
        parser.error("--orgs and --queries must be at least 1")
    try:
        report = run(
            args.orgs,
            queries=args.queries,
            seed=args.seed,
            store_dir=args.store,
            keep=args.keep,
            memory=args.memory,
            mode=args.mode,
            in_process=not args.sparql_only,
            reuse=args.reuse,
        )
    except ValueError as exc:
        parser.error(str(exc))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
