"""``longarm import``: open ownership data and registers into the store, each import a graph of its own.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="longarm")
>>> add_import_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["import", "gleif", "lei2.csv", "--skip-bad"])
>>> args.format, [str(f) for f in args.files], args.skip_bad
('gleif', ['lei2.csv'], True)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..graph.base.errors import InputError
from ..graph.imports.importer import FORMATS, ImportReport, import_files, list_imports, remove_import
from ..graph.store.embedded import Store
from .settings import Settings

__all__ = ["add_import_parser", "cmd_import"]


def add_import_parser(sub: Any) -> None:
    """Add the ``import`` command to the subparsers `sub`."""
    p = sub.add_parser(
        "import",
        help="import open ownership data (see FORMAT) into a graph of its own, all or nothing",
    )
    p.add_argument("format", nargs="?", choices=sorted(FORMATS), help="the files' format")
    p.add_argument("files", nargs="*", type=Path, metavar="FILE")
    p.add_argument("--skip-bad", action="store_true", help="import the good records, report the others")
    p.add_argument("--remove", metavar="ID", help="take the import ID out of the store")
    p.add_argument("--list", action="store_true", help="list the imports in the store")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_import)


def cmd_import(
    args: argparse.Namespace, settings: Settings, open_to_write: Callable[[argparse.Namespace, Settings], Store]
) -> int:
    """Run ``longarm import``; `open_to_write` opens the store (or says how to write beside a server)."""
    if args.list:
        for import_id, label in list_imports(open_to_write(args, settings)):
            print(f"{import_id}  {label}")
        return 0
    if args.remove:
        removed = remove_import(open_to_write(args, settings), args.remove)
        print(f"removed import {args.remove}: {removed} triples")
        return 0
    if args.format is None or not args.files:
        raise InputError("give a FORMAT and FILE arguments, --remove ID or --list")
    store = open_to_write(args, settings)
    progress = Progress()
    try:
        report = import_files(store, args.format, args.files, skip_bad=args.skip_bad, progress=progress)
    finally:
        progress.done()
    print(json.dumps(_as_dict(report), indent=2) if args.json else _summary(report))
    return 0


class Progress:
    """A progress line on a terminal (standard error) once an import has run a few seconds: records, rate, time.

    Nothing is printed when standard error is not a terminal, nor for an import done
    within :attr:`after` seconds.
    """

    def __init__(self, *, after: float = 2.0, stream: Any = None) -> None:
        self.after = after
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, records: int) -> None:
        elapsed = time.monotonic() - self.start
        if elapsed < self.after or not self.stream.isatty():
            return
        rate = records / elapsed if elapsed else 0.0
        self.stream.write(f"\r{records:,} records read, {rate:,.0f}/s, {elapsed:,.0f} s  ")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            elapsed = time.monotonic() - self.start
            self.stream.write(f"\rread in {elapsed:,.1f} s; validating and writing done{' ' * 20}\n")
            self.stream.flush()


def _as_dict(report: ImportReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "format": report.format,
        "graph": report.graph,
        "status": report.status,
        "files": report.files,
        "counts": dict(report.counts),
        "merged": report.merged,
        "triples": report.triples,
        "conflicts": report.conflicts,
        "problems": [{"where": str(p.where), "reason": p.reason} for p in report.problems],
    }


def _summary(report: ImportReport) -> str:
    lines = [
        f"{report.status} {report.format} import {report.id} into <{report.graph}>",
        *(f"  {f['name']}: {f['size']:,} bytes, SHA-256 {f['sha256']}" for f in report.files),
        "  " + ", ".join(f"{n:,} {what}" for what, n in sorted(report.counts.items())),
        f"  {report.merged:,} merged with entities the store knew; {report.triples:,} triples",
    ]
    if report.conflicts:
        lines.append(f"  {len(report.conflicts)} disagreement(s) with other sources, kept side by side:")
        lines += [f"    - {c}" for c in report.conflicts[:20]]
    if report.problems:
        lines.append(f"  {len(report.problems)} record(s) skipped:")
        lines += [f"    - {p}" for p in report.problems[:20]]
    lines.append(f"  remove it with: longarm import --remove {report.id}")
    return "\n".join(lines)
