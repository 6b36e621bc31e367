"""``longarm report``: who can compel access, for every asset of an inventory, a DORA register or the store.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="longarm")
>>> add_report_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["report", "register.zip", "--format", "html", "-o", "out.html"])
>>> str(args.file), args.format, str(args.output)
('register.zip', 'html', 'out.html')
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..graph.base.errors import InputError
from ..graph.imports.dora import looks_like_dora
from ..graph.imports.importer import import_assets, import_files
from ..graph.imports.inventory import looks_like_inventory
from ..graph.projection.cache import projection_for
from ..graph.reports.register import register_report, render_report
from ..graph.store.embedded import Store
from .cli_imports import Progress
from .settings import Settings

__all__ = ["add_report_parser", "cmd_report"]

_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json", ".md": "md"}


def add_report_parser(sub: Any) -> None:
    """Add the ``report`` command to the subparsers `sub`."""
    p = sub.add_parser(
        "report", help="who can compel access, for every asset of an inventory or DORA register (or --import, --all)"
    )
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="an inventory CSV or a DORA register package")
    p.add_argument("--import", dest="import_id", metavar="ID", help="the assets of an import already in the store")
    p.add_argument("--all", action="store_true", help="every asset in the store")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE")
    p.add_argument("--mode", choices=("strict", "practical"), default="strict")
    p.add_argument("--format", choices=sorted(set(_FORMATS.values())), help="default: from -o's extension, else md")
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="write to OUT (default: standard output)")
    p.add_argument("--skip-bad", action="store_true", help="with FILE: import the good rows, report the others")
    p.set_defaults(func=cmd_report)


def cmd_report(
    args: argparse.Namespace, settings: Settings, open_to_write: Callable[[argparse.Namespace, Settings], Store]
) -> int:
    """Run ``longarm report``; FILE is imported first (as ``longarm import`` would, idempotent)."""
    chosen = [x for x in (args.file, args.import_id, args.all or None) if x is not None]
    if len(chosen) != 1:
        raise InputError("give one of FILE, --import ID or --all")
    store = open_to_write(args, settings)
    title = "All assets in the store"
    if args.file is not None:
        fmt = "dora" if looks_like_dora(args.file) else "inventory" if looks_like_inventory(args.file) else None
        if fmt is None:
            raise InputError(f"{args.file}: neither an inventory CSV (id,label,…) nor a DORA register package")
        imported = import_files(store, fmt, [args.file], skip_bad=args.skip_bad)
        print(f"longarm: {args.file.name} is import {imported.id} ({imported.status})", file=sys.stderr)
        assets, title = import_assets(store, imported.id), f"{args.file.name}"
    elif args.import_id is not None:
        assets, title = import_assets(store, args.import_id), f"Import {args.import_id}"
    p = projection_for(store)
    if args.all:
        assets = sorted(p.assets)
    progress = Progress("assets answered", total=len(assets))
    try:
        report = register_report(p, assets, args.as_of or dt.date.today(), args.mode, title=title, progress=progress)
    finally:
        progress.done()
    fmt = args.format or (_FORMATS.get(args.output.suffix.lower()) if args.output else None) or "md"
    text = render_report(p, report, fmt)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({len(report.rows)} assets)", file=sys.stderr)
    return 0
