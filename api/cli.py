"""The ``longarm`` command line: each command is a thin call into ``longarm.graph``.

Exit codes: 0 success, 1 the data breaks the shapes (or a check failed), 2 bad input
(syntax error, unknown file, malformed query), 3 the store cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..graph.errors import InputError, LongarmError, QueryError, StoreError, ValidationError
from ..graph.loading import (
    Document,
    LoadReport,
    document_from_path,
    load_bundled,
    load_documents,
    validate_documents,
)
from ..graph.stats import store_stats
from ..graph.store import Store
from ..graph.validation import Shapes
from ..ontology.namespace import graph_iri
from .formats import RESULT_FORMATS, render
from .settings import Settings

__all__ = ["build_parser", "main"]

EXIT_INVALID, EXIT_INPUT, EXIT_STORE = 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="longarm",
        description="Who can compel access to this data, through which chain of companies, under which law, and why.",
    )
    parser.add_argument(
        "--store", type=Path, help="store directory (default: $LONGARM_STORE or ~/.local/share/longarm/store)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check RDF files against the SHACL shapes, without loading them")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--alone", action="store_true", help="validate the files on their own, not with the store's other graphs"
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("load", help="validate RDF files and load each into its own named graph, all or nothing")
    p.add_argument("files", nargs="*", type=Path, metavar="FILE")
    p.add_argument("--graph", help="graph name for a single file (default: file/<stem>)")
    p.add_argument("--bundled", action="store_true", help="load (or refresh) the ontology and the bundled dataset")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("query", help="run a SPARQL query over the union of all graphs")
    p.add_argument("sparql", nargs="?", help="the query text (or use --file)")
    p.add_argument("--file", type=Path, help="read the query from a file")
    p.add_argument("--format", choices=RESULT_FORMATS, default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("stats", help="triples per named graph and instances per class")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "serve", help="serve the API and SPARQL endpoint on the store (bundled data loaded on first start)"
    )
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    settings = Settings.from_env().with_(store_path=args.store)
    func: Callable[[argparse.Namespace, Settings], int] = args.func
    try:
        return func(args, settings)
    except ValidationError as exc:
        _err(str(exc))
        return EXIT_INVALID
    except (InputError, QueryError) as exc:
        _err(str(exc))
        return EXIT_INPUT
    except StoreError as exc:
        _err(str(exc))
        return EXIT_STORE
    except LongarmError as exc:
        _err(str(exc))
        return EXIT_INPUT


# ---------------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    docs = _documents(args.files)
    store = Store.in_memory() if args.alone or not settings.store_path.exists() else Store.open(settings.store_path)
    validate_documents(store, docs, Shapes.bundled())
    triples = sum(len(d.triples) for d in docs)
    print(f"ok: {len(docs)} file(s), {triples} triples conform to the shapes")
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    if args.graph and len(args.files) != 1:
        raise InputError("--graph takes exactly one FILE")
    if not args.files and not args.bundled:
        raise InputError("give FILE arguments or --bundled")
    store = Store.open(settings.store_path)
    if args.bundled:
        _print_report(load_bundled(store))
    if args.files:
        graph = str(graph_iri(args.graph)) if args.graph else None
        docs = [document_from_path(f, graph) for f in args.files]
        _print_report(load_documents(store, docs))
    return 0


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    if (args.sparql is None) == (args.file is None):
        raise InputError("give the query as an argument or with --file, not both")
    text = args.sparql if args.file is None else args.file.read_text(encoding="utf-8")
    store = Store.open(settings.store_path)
    out = render(store.query(text), args.format).replace("\r\n", "\n")  # CSV/TSV use CRLF; a terminal wants LF
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    stats = store_stats(Store.open(settings.store_path))
    if args.format == "json":
        print(
            json.dumps(
                {
                    "triples": stats.triples,
                    "graphs": [{"graph": g.graph, "triples": g.triples, "origin": g.origin} for g in stats.graphs],
                    "instances": stats.instances,
                },
                indent=2,
            )
        )
        return 0
    width = max([len(g.graph) for g in stats.graphs] + [5])
    print(f"{'graph'.ljust(width)}  {'triples':>8}  origin")
    for g in stats.graphs:
        print(f"{g.graph.ljust(width)}  {g.triples:>8}  {g.origin or ''}")
    print(f"{'total'.ljust(width)}  {stats.triples:>8}")
    print()
    cwidth = max([len(c) for c in stats.instances] + [5])
    print(f"{'class'.ljust(cwidth)}  {'instances':>9}")
    for cls, n in stats.instances.items():
        print(f"{('lx:' + cls).ljust(cwidth + 3)}  {n:>6}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .server import serve  # imported here: the server stack is not needed by other commands

    return serve(settings.with_(host=args.host, port=args.port))


# ---------------------------------------------------------------------- helpers


def _documents(files: Sequence[Path]) -> list[Document]:
    return [document_from_path(f) for f in files]


def _print_report(report: LoadReport) -> None:
    for g in report.graphs.values():
        print(f"{g.status:<9} {g.triples:>6} triples  {g.document} -> <{g.graph}>")


def _err(message: str) -> None:
    print(f"longarm: error: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
