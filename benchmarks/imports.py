"""``longarm bench import``: imports at synthetic scale, records a second, peak memory, first answer.

One run writes, in a temporary folder, a GLEIF Golden Copy pair in the Golden Copy's
columns — Level 1 (``lei2``) with `--entities` legal entities (valid LEIs, in twelve
countries) and Level 2 (``rr``) with one ``IS_DIRECTLY_CONSOLIDATED_BY`` relationship per
entity but the first ten (a forest of consolidation chains) — and a BODS 0.4 JSON Lines
file of `--bods` statements (entities and shareholdings). Each import runs in a process of
its own, into a store holding the bundled dataset, and reports:

- **records a second**: records read (entities, relationships, statements) over the
  whole import (reading, merging with the store, validation, the transaction);
- **peak memory** of the importing process (its maximum resident set);
- **first answer**: the time from the import's end until "who can compel" answers for a
  data asset hosted by an imported organization, which needs the projection to take in
  the import (patched, or rebuilt for a bulk import);
- **the peer**: Oxigraph's own bulk loader writing the same statements (dumped as
  N-Triples) into an empty store, with nothing read, merged or validated: the floor of any
  import into an on-disk Oxigraph store on the machine, and the import's time as a ratio
  of it.

Targets (issue 13): ≥ 50 000 records/s; peak memory independent of the file size, ≤ 2 GB
at a million; first answer ≤ 60 s after a million. Reported, never asserted.

Run ``longarm bench import --entities 100000 --bods 100000`` (``--json`` for a report).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..graph.imports.records import with_lei_check_digits

__all__ = ["main", "run"]

TARGETS = {"records_per_s": 50_000.0, "peak_mb_at_1m": 2048.0, "first_answer_s_at_1m": 60.0}
_COUNTRIES = ("FR", "DE", "US", "GB", "IE", "NL", "LU", "BE", "ES", "IT", "CN", "JP")
_AS_OF = dt.date(2026, 6, 1)


def lei(n: int) -> str:
    """A valid LEI (ISO 17442 check digits) made from `n`: 5493 then 14 characters, then the check digits.

    >>> from longarm.graph.imports.records import lei_is_valid
    >>> lei(7), lei_is_valid(lei(7))
    ('549300SYNTH000000794', True)
    """
    return with_lei_check_digits(f"549300SYNTH{n:07d}")


def _gleif(folder: Path, count: int) -> tuple[Path, Path]:
    level1, level2 = folder / "lei2.csv", folder / "rr.csv"
    with level1.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, quoting=csv.QUOTE_ALL)
        w.writerow(
            [
                "LEI",
                "Entity.LegalName",
                "Entity.LegalJurisdiction",
                "Entity.HeadquartersAddress.Country",
                "Entity.EntityCategory",
                "Entity.EntityStatus",
            ]
        )
        for i in range(count):
            country = _COUNTRIES[i % len(_COUNTRIES)]
            w.writerow([lei(i), f"Synthetic Company {i}", country, country, "GENERAL", "ACTIVE"])
    with level2.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, quoting=csv.QUOTE_ALL)
        w.writerow(
            [
                "Relationship.StartNode.NodeID",
                "Relationship.StartNode.NodeIDType",
                "Relationship.EndNode.NodeID",
                "Relationship.EndNode.NodeIDType",
                "Relationship.RelationshipType",
                "Relationship.RelationshipStatus",
                "Relationship.Period.1.startDate",
                "Relationship.Period.1.periodType",
            ]
        )
        for i in range(10, count):
            w.writerow(
                [
                    lei(i),
                    "LEI",
                    lei(i // 10),
                    "LEI",
                    "IS_DIRECTLY_CONSOLIDATED_BY",
                    "ACTIVE",
                    "2020-01-01T00:00:00Z",
                    "RELATIONSHIP_PERIOD",
                ]
            )
    return level1, level2


def _bods(folder: Path, count: int) -> Path:
    path = folder / "statements.jsonl"
    entities = max(2, count // 2)
    with path.open("w", encoding="utf-8") as out:
        for i in range(entities):
            details = {
                "isComponent": False,
                "entityType": {"type": "registeredEntity"},
                "name": f"BODS Company {i}",
                "jurisdiction": {"code": _COUNTRIES[i % len(_COUNTRIES)], "name": "x"},
            }
            out.write(json.dumps(_statement(f"e{i}", "entity", details)) + "\n")
        for i in range(1, count - entities + 1):
            details = {
                "isComponent": False,
                "subject": f"e{i % entities}",
                "interestedParty": f"e{(i - 1) // 2}",
                "interests": [{"type": "shareholding", "directOrIndirect": "direct", "share": {"exact": 60}}],
            }
            out.write(json.dumps(_statement(f"r{i}", "relationship", details)) + "\n")
    return path


def _statement(record: str, kind: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "statementId": f"00000000-0000-4000-8000-{abs(hash((record, kind))) % 10**12:012d}",
        "statementDate": "2024-01-01",
        "recordId": record,
        "recordType": kind,
        "recordStatus": "new",
        "recordDetails": details,
        "publicationDetails": {
            "publicationDate": "2024-01-01",
            "bodsVersion": "0.4",
            "publisher": {"name": "longarm bench"},
        },
    }


def _import_in_child(store_dir: str, fmt: str, paths: list[str], records: int, host_lei: str, queue: Any) -> None:
    """One import in a process of its own: its time, its peak memory, then the first answer that uses it."""
    from ..graph.engine.reach import compel
    from ..graph.engine.resolve import describe_asset
    from ..graph.imports.importer import import_files
    from ..graph.projection.cache import projection_for
    from ..graph.store.embedded import Store

    store = Store.open(store_dir)
    projection_for(store)  # a server's projection, kept: the import patches it or has it rebuilt
    start = time.perf_counter()
    report = import_files(store, fmt, [Path(p) for p in paths], refresh=False)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    p = projection_for(store)
    answer = compel(p, describe_asset(p, providers=[host_lei], locations=["FR"]), _AS_OF)
    first = time.perf_counter() - start
    peer = _peer_bulk_load(store, report.graph, Path(store_dir).parent / f"peer-{fmt}")
    queue.put(
        {
            "format": fmt,
            "records": records,
            "s": took,
            "records_per_s": records / took,
            "peak_mb": peak,
            "triples": report.triples,
            "first_answer_s": first,
            "exposures": len(answer.exposures),
            "peer_bulk_load_s": peer,
            "peer_records_per_s": records / peer,
        }
    )


def _peer_bulk_load(store: Any, graph: str, folder: Path) -> float:
    """The peer: Oxigraph's bulk loader alone, writing the import's statements (as N-Triples) into an empty store.

    What any import into an on-disk Oxigraph store pays at least, with nothing read,
    merged or validated: the import's time is quoted against it.
    """
    import pyoxigraph as ox

    folder.mkdir()
    statements = folder / "import.nt"
    store.oxigraph.dump(output=str(statements), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    start = time.perf_counter()
    ox.Store(str(folder / "store")).bulk_load(
        path=str(statements), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph)
    )
    return time.perf_counter() - start


def run(entities: int, bods: int) -> dict[str, Any]:
    """Write the synthetic files, import each kind in a fresh process; return the report (files then deleted)."""
    with tempfile.TemporaryDirectory(prefix="longarm-bench-import-") as temp:
        return _run(Path(temp), entities, bods)


def _run(folder: Path, entities: int, bods: int) -> dict[str, Any]:
    from ..graph.store.embedded import Store
    from ..graph.store.loading import load_bundled

    level1, level2 = _gleif(folder, entities)
    statements = _bods(folder, bods)
    report: dict[str, Any] = {"entities": entities, "bods": bods, "targets": TARGETS, "runs": []}
    ctx = multiprocessing.get_context("spawn")
    for fmt, paths, records, host in (
        ("gleif", [level1, level2], entities + max(0, entities - 10), lei(min(entities - 1, 12345))),
        ("bods", [statements], bods, "BODS Company 1"),
    ):
        store_dir = folder / f"store-{fmt}"
        load_bundled(Store.open(store_dir))  # closed when collected: the child opens it
        queue = ctx.Queue()
        child = ctx.Process(
            target=_import_in_child, args=(str(store_dir), fmt, list(map(str, paths)), records, host, queue)
        )
        child.start()
        report["runs"].append(queue.get())
        child.join()
    return report


def format_report(report: dict[str, Any]) -> str:
    lines = [f"synthetic: GLEIF {report['entities']:,} entities + relationships; BODS {report['bods']:,} statements"]
    for r in report["runs"]:
        lines.append(
            f"{r['format']:6} {r['records']:>10,} records in {r['s']:.1f} s: {r['records_per_s']:,.0f} records/s; "
            f"peak {r['peak_mb']:,.0f} MB; {r['triples']:,} triples; first answer after {r['first_answer_s']:.1f} s"
        )
        lines.append(
            f"{'':6} peer (Oxigraph's bulk loader alone, same statements): {r['peer_bulk_load_s']:.1f} s, "
            f"{r['peer_records_per_s']:,.0f} records/s; the import takes {r['s'] / r['peer_bulk_load_s']:.1f}x its time"
        )
    t = report["targets"]
    lines.append(
        f"targets: >= {t['records_per_s']:,.0f} records/s; <= {t['peak_mb_at_1m']:,.0f} MB and first answer "
        f"<= {t['first_answer_s_at_1m']:.0f} s at a million"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="longarm bench import", description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000, help="GLEIF entities (default 100000)")
    parser.add_argument("--bods", type=int, default=100_000, help="BODS statements (default 100000)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(args.entities, args.bods)
    print(json.dumps(report, indent=2) if args.json else format_report(report), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
