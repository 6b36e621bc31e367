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
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..graph.base.errors import InputError
from ..graph.imports.importer import FORMATS, ImportReport, import_files, list_imports, remove_import
from ..graph.projection.cache import projection_for
from ..graph.store.embedded import Store
from .settings import Settings

__all__ = ["Progress", "add_import_parser", "cmd_import", "count_lines"]


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
    progress = Progress("records read", total=count_lines(args.files) if args.format != "dora" else None)
    checked = Progress("buckets of statements validated and written")

    def checking(done: int, total: int) -> None:
        progress.done()  # the records are all read: the line is finished
        checked.total = total
        checked(done)

    try:
        report = import_files(
            store, args.format, args.files, skip_bad=args.skip_bad, progress=progress, checking=checking
        )
    finally:
        progress.done()
        checked.done()
    if report.status == "imported":  # the answers made ready now (saved as the snapshot), not at the next start
        prepared = Progress("statements read for the answers")
        try:
            projection_for(store, progress=prepared)
        finally:
            prepared.done()
    print(json.dumps(report.as_dict(), indent=2) if args.json else _summary(report))
    return 0


class Progress:
    """A progress line on a terminal (standard error) once a task has run a few seconds.

    It shows how many `what` are done, the rate and the time spent, and, when the `total`
    is known, the share done and the time left. Nothing is printed when standard error is
    not a terminal, nor for a task done within `after` seconds.

    >>> import io
    >>> class Tty(io.StringIO):
    ...     def isatty(self) -> bool:
    ...         return True
    >>> out = Tty()
    >>> progress = Progress("assets", total=200, after=0.0, stream=out)
    >>> progress(50); progress.done()
    >>> "50 of 200 assets (25 %)" in out.getvalue() and "left" in out.getvalue()
    True
    """

    def __init__(self, what: str = "records", *, total: int | None = None, after: float = 2.0, stream: Any = None):
        self.what, self.total, self.after = what, total, after
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, done: int) -> None:
        elapsed = time.monotonic() - self.start
        if elapsed < self.after or not self.stream.isatty():
            return
        rate = done / elapsed if elapsed else 0.0
        if self.total and done <= self.total:
            left = (self.total - done) / rate if rate else 0.0
            share = 100 * done // self.total
            line = f"{done:,} of {self.total:,} {self.what} ({share} %), {rate:,.0f}/s, {left:,.0f} s left"
        else:
            line = f"{done:,} {self.what}, {rate:,.0f}/s, {elapsed:,.0f} s"
        self.stream.write(f"\r{line}  ")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        """End the line, if one was shown (once: later calls do nothing)."""
        if self.shown:
            self.stream.write(f"\r{self.what}: done in {time.monotonic() - self.start:,.1f} s{' ' * 60}\n")
            self.stream.flush()
            self.shown = False
        self.after = float("inf")


def count_lines(paths: list[Path]) -> int | None:
    """The records to come in line-per-record files: their lines less each header; None when that cannot be told.

    CSV files (also in a zip archive: its CSV members, read through) and JSON Lines files
    (``.jsonl``, ``.ndjson``, and ``.json`` files whose first line is a whole object) are
    counted, in blocks of bytes: about a second a gigabyte. A JSON array, a folder or
    another archive is not: the progress line then shows no time left.
    """
    total = 0
    for path in paths:
        suffix = path.suffix.lower()
        if not path.is_file():
            return None
        if suffix == ".zip":
            counted = _zipped_csv_lines(path)
            if counted is None:
                return None
            total += counted
        elif suffix == ".json" and not _json_lines(path):
            return None
        elif suffix in (".csv", ".jsonl", ".json", ".ndjson"):
            with path.open("rb") as stream:
                total += _newlines(stream) - (1 if suffix == ".csv" else 0)
        else:
            return None
    return total


def _newlines(stream: IO[bytes]) -> int:
    return sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))


def _zipped_csv_lines(path: Path) -> int | None:
    """The lines of the CSV members of a zip archive, less their headers; None if it holds none or is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            total = 0
            for member in members:
                with archive.open(member) as stream:
                    total += _newlines(stream) - 1
    except (zipfile.BadZipFile, OSError):
        return None
    return total if members else None


def _json_lines(path: Path) -> bool:
    """True if the first line of `path` is a whole JSON object (JSON Lines), not the start of an array."""
    with path.open("rb") as stream:
        first = stream.readline(1 << 20).strip()
    try:
        return first.startswith(b"{") and isinstance(json.loads(first), dict)
    except ValueError:
        return False


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
