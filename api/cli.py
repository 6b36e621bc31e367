"""The ``longarm`` command line: each command is a thin call into ``longarm.graph``.

Exit codes: 0 success, 1 the data breaks the shapes (or a check failed), 2 bad input
(syntax error, unknown file, malformed query), 3 the store cannot be used (held by a
running server for a write, or without data).

Beside a running ``longarm serve``, which holds the store, the read commands (compel,
chain, reach, stats, query, export, validate) read it through a private checkpoint
(:meth:`~longarm.graph.store.embedded.Store.open_beside`); the write commands (load, infer, serve)
say how to write through the server instead. A read command on an empty store loads the
bundled dataset first if it is the default store, as ``longarm serve`` does, and
otherwise says what to run. See ``docs/cli-and-server.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from ..graph.base.errors import (
    InputError,
    LongarmError,
    QueryError,
    StoreError,
    StoreInUseError,
    ValidationError,
    WrongKindError,
)
from ..graph.drawing.charts import exposure_svg, ownership_svg
from ..graph.engine.materialise import EXPOSURE_GRAPH, materialise_exposures
from ..graph.engine.neighbourhood import asset_question
from ..graph.engine.ownership import DEFAULT_MAX_DEPTH, ownership_chain
from ..graph.engine.reach import MODES, AssetSpec, compel, instrument_reach
from ..graph.engine.resolve import Resolved, describe_asset_resolved, resolve_ref
from ..graph.projection.cache import projection_for
from ..graph.store.embedded import Store
from ..graph.store.loading import (
    Document,
    LoadReport,
    bundled_documents,
    document_from_path,
    load_bundled,
    validate_documents,
)
from ..graph.store.remote import RemoteStore
from ..graph.store.stats import store_stats
from ..graph.store.validation import Shapes
from ..graph.text.rdfio import format_for
from ..graph.views.entity_graph import DEFAULT_DEPTH, MAX_DEPTH, entity_graph, resolve_center
from ..graph.views.export import FORMATS as EXPORT_FORMATS
from ..graph.views.export import serialize
from ..graph.views.report import (
    answer_to_dict,
    answer_to_table,
    answer_to_text,
    chain_to_dict,
    chain_to_text,
    reach_to_dict,
)
from ..graph.write.commit import write_graphs
from ..ontology.namespace import graph_iri
from .cli_assess import (
    INVOCATION,
    add_assess_parser,
    add_compare_parser,
    add_what_if_parser,
    cmd_assess,
    cmd_compare,
    cmd_what_if,
)
from .cli_imports import add_import_parser, cmd_import
from .cli_report import add_report_parser, cmd_report
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
    parser.add_argument(
        "--sparql-endpoint",
        metavar="URL",
        help="use the store on this remote SPARQL query endpoint instead (default: $LONGARM_SPARQL_ENDPOINT)",
    )
    parser.add_argument(
        "--update-endpoint", metavar="URL", help="its SPARQL update endpoint (default: $LONGARM_UPDATE_ENDPOINT)"
    )
    parser.add_argument(
        "--endpoint-auth",
        metavar="HEADER",
        help="a header sent to the endpoint, 'Name: value' (default: $LONGARM_ENDPOINT_AUTH)",
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

    add_import_parser(sub)
    add_report_parser(sub)
    add_assess_parser(sub)
    add_what_if_parser(sub)
    add_compare_parser(sub)

    p = sub.add_parser("query", help="run a SPARQL query over the union of all graphs")
    p.add_argument("sparql", nargs="?", help="the query text (or use --file)")
    p.add_argument("--file", type=Path, help="read the query from a file")
    p.add_argument("--format", choices=RESULT_FORMATS, default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("stats", help="triples per named graph and instances per class")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("compel", help="who can compel access to a stored asset, or to one described by its host")
    p.add_argument("asset", nargs="?", help="a stored data asset (slug, IRI or name)")
    p.add_argument("--provider", action="append", default=[], metavar="REF", help="an organization hosting the data")
    p.add_argument("--service", action="append", default=[], metavar="REF", help="a service hosting the data")
    p.add_argument("--location", action="append", default=[], metavar="CC", help="where the data is stored (ISO code)")
    p.add_argument("--keys-held-by", action="append", default=[], metavar="REF", help="who holds the encryption keys")
    _dated(p)
    p.add_argument("--mode", choices=MODES, default="strict", help="strict keeps contested exposures")
    p.add_argument("--format", choices=("text", "table", "json", "svg"), default="text", help="svg: the exposure map")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: standard output)")
    p.set_defaults(func=cmd_compel)

    p = sub.add_parser("chain", help="the ownership chain of an organization, up to its owners or down")
    p.add_argument("org", metavar="ORG")
    p.add_argument("--down", action="store_true", help="list what the organization holds instead of its owners")
    _dated(p)
    p.add_argument("--depth", type=int, default=DEFAULT_MAX_DEPTH, help="traversal depth bound")
    p.add_argument(
        "--format",
        choices=("table", "json", "svg"),
        default="table",
        help="svg: a chart of owners up to --depth levels and holdings one level down (with --down: the reverse)",
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: standard output)")
    p.set_defaults(func=cmd_chain)

    p = sub.add_parser("reach", help="what an instrument can reach: services and who may be compelled")
    p.add_argument("instrument", metavar="INSTRUMENT")
    _dated(p)
    p.add_argument("--mode", choices=MODES, default="strict")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_reach)

    p = sub.add_parser("infer", help="write every stored asset's exposures to the inferred graph (for SPARQL)")
    _dated(p)
    p.add_argument("--mode", choices=MODES, default="strict")
    p.set_defaults(func=cmd_infer)

    p = sub.add_parser(
        "export", help="export the whole graph or an entity's neighbourhood (GraphML, GEXF, DOT, BODS, RDF …)"
    )
    p.add_argument("ref", nargs="?", metavar="REF", help="the centre of the neighbourhood (default: the whole graph)")
    p.add_argument(
        "--format", choices=tuple(EXPORT_FORMATS), help="the format (default: from the extension of -o FILE)"
    )
    p.add_argument(
        "--depth",
        type=int,
        default=DEFAULT_DEPTH,
        help=f"relations away from REF, 0 to {MAX_DEPTH} (default: {DEFAULT_DEPTH})",
    )
    _dated(p)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bench", help="benchmarks at synthetic scale (see benchmarks/)")
    p.add_argument(
        "bench_args",
        nargs=argparse.REMAINDER,
        help="'compel', 'sparql', 'rest', 'write', 'import' or 'scale' and its options (--help for them)",
    )
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser(
        "serve", help="serve the API and SPARQL endpoint on the store (bundled data loaded on first start)"
    )
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--access-log", action="store_true", default=None, help="log each request (LONGARM_ACCESS_LOG)")
    p.set_defaults(func=cmd_serve)
    return parser


def _dated(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date, default=None, metavar="DATE", help="the date of the answer (default: today)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    INVOCATION.set(tuple(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(argv)
    named = args.store is not None
    settings = Settings.from_env().with_(
        store_path=args.store,
        store_is_default=False if named else None,
        sparql_endpoint=args.sparql_endpoint,
        update_endpoint=args.update_endpoint,
        endpoint_auth=args.endpoint_auth,
    )
    func: Callable[..., int] = args.func
    if func in (cmd_import, cmd_report):  # commands of their own modules, given the way this one opens a store
        func = functools.partial(func, open_to_write=_open_to_write)
    elif func in (cmd_assess, cmd_what_if, cmd_compare):
        func = functools.partial(func, open_to_read=_open_for_reading)
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
    except WrongKindError as exc:
        _err(_where_to_ask(exc))
        return EXIT_INPUT
    except LongarmError as exc:
        _err(str(exc))
        return EXIT_INPUT


# ---------------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    docs = _documents(args.files)
    alone = args.alone or not _is_store(settings.store_path)
    store = Store.in_memory() if alone else _open_to_read(settings.store_path)
    validate_documents(store, docs, Shapes.bundled())
    triples = sum(len(d.triples) for d in docs)
    print(f"ok: {len(docs)} file(s), {triples} triples conform to the shapes")
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    if args.graph and len(args.files) != 1:
        raise InputError("--graph takes exactly one FILE")
    if not args.files and not args.bundled:
        raise InputError("give FILE arguments or --bundled")
    graph = str(graph_iri(args.graph)) if args.graph else None
    docs = [document_from_path(f, graph) for f in args.files]  # a syntax error first, store or not
    store = _open_to_write(args, settings, docs)
    refreshed = []
    for batch in ([bundled_documents()] if args.bundled else []) + ([docs] if docs else []):
        result = write_graphs(store, batch)  # validated on what it touches, then written (graph/write/commit.py)
        _print_report(result.report)
        refreshed.append(result.refreshed_exposures)
    if any(n is not None for n in refreshed):
        print(f"refreshed {[n for n in refreshed if n is not None][-1]} inferred exposures")
    return 0


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    if (args.sparql is None) == (args.file is None):
        raise InputError("give the query as an argument or with --file, not both")
    text = args.sparql if args.file is None else args.file.read_text(encoding="utf-8")
    store = _open_for_reading(args, settings, require_data=False)
    result = store.query(text)  # a malformed query is said first, data or not
    if not store.named_graphs():
        raise StoreError(_no_data(args, settings))
    out = render(result, args.format).replace("\r\n", "\n")  # CSV/TSV use CRLF; a terminal wants LF
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    stats = store_stats(_open_for_reading(args, settings))
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


def cmd_compel(args: argparse.Namespace, settings: Settings) -> int:
    described = args.provider or args.service
    if (args.asset is None) == (not described):
        raise InputError("name a stored ASSET, or describe one with --provider or --service (not both)")
    store = _open_for_reading(args, settings)
    as_of = args.as_of or dt.date.today()
    target: str | AssetSpec
    resolved: list[Resolved]
    if args.asset is not None:
        if args.location or args.keys_held_by:
            raise InputError("--location and --keys-held-by describe an asset; a stored asset has its own")
        if isinstance(store, RemoteStore) and settings.neighbourhoods:  # not the whole graph (docs/scaling.md)
            p, found = asset_question(store, args.asset, as_of)
        else:
            p = projection_for(store)
            found = resolve_ref(p, args.asset, "asset")
        resolved, target = [found], found.iri
    else:
        p = projection_for(store)
        target, resolved = describe_asset_resolved(
            p, services=args.service, providers=args.provider, locations=args.location, keys_held_by=args.keys_held_by
        )
    answer = compel(p, target, as_of, args.mode)
    if args.format == "svg":
        text = exposure_svg(p, answer)
    elif args.format == "json":
        text = json.dumps(_with_resolved(answer_to_dict(p, answer), resolved), indent=2, ensure_ascii=False)
    else:
        text = answer_to_table(p, answer) if args.format == "table" else answer_to_text(p, answer)
        text = _resolved_note(resolved) + text
    return _write_out(text, args.output)


def cmd_chain(args: argparse.Namespace, settings: Settings) -> int:
    p = projection_for(_open_for_reading(args, settings))
    resolved = resolve_ref(p, args.org, "org")
    org = resolved.iri
    as_of = args.as_of or dt.date.today()
    if args.format == "svg":
        up, down = (min(args.depth, 1), args.depth) if args.down else (args.depth, min(args.depth, 1))
        return _write_out(ownership_svg(p, org, as_of=as_of, up_depth=up, down_depth=down), args.output)
    direction: Literal["up", "down"] = "down" if args.down else "up"
    links = ownership_chain(p, org, as_of, direction=direction, max_depth=args.depth)
    data = chain_to_dict(p, org, as_of, direction, links)
    if args.format == "json":
        text = json.dumps(_with_resolved(data, [resolved]), indent=2, ensure_ascii=False)
    else:
        text = _resolved_note([resolved]) + chain_to_text(data)
    return _write_out(text, args.output)


def cmd_reach(args: argparse.Namespace, settings: Settings) -> int:
    p = projection_for(_open_for_reading(args, settings))
    resolved = resolve_ref(p, args.instrument, "instrument")
    ins = resolved.iri
    as_of = args.as_of or dt.date.today()
    found = instrument_reach(p, ins, as_of, args.mode)
    if args.format == "json":
        data = _with_resolved(reach_to_dict(p, ins, as_of, args.mode, found), [resolved])
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(_resolved_note([resolved]), end="")
    print(f"What {p.label(ins)} can reach, as of {as_of.isoformat()} ({args.mode} mode)")
    if not found:
        print("nothing among the recorded services")
    for svc, e in found:
        print(f"  {p.label(svc)}: {p.label(e.entity)} — {p.label(e.tier)} ({p.label(e.basis[-1])})")
    return 0


def cmd_infer(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_to_write(args, settings)
    as_of = args.as_of or dt.date.today()
    n = materialise_exposures(store, as_of, args.mode)
    print(f"wrote {n} exposures as of {as_of.isoformat()} ({args.mode} mode) to <{EXPOSURE_GRAPH}>")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    fmt = args.format or _export_format(args.output)
    store = _open_for_reading(args, settings)
    center = resolve_center(projection_for(store), args.ref) if args.ref is not None else None
    g = entity_graph(store, center, as_of=args.as_of or dt.date.today(), depth=args.depth)
    if g.number_of_nodes() == 0:
        raise StoreError(f"nothing to export: {g.graph['name']} has no entities")
    data = serialize(store, g, fmt, center)
    if args.output is None:
        text = data.decode("utf-8")
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    try:
        args.output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {args.output}: {exc.strerror}") from None
    interests = sum(1 for *_, d in g.edges(data=True) if d["relation"] == "interest")
    print(
        f"{g.graph['name']}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges "
        f"({interests} ownership interests), {EXPORT_FORMATS[fmt].title} written to {args.output}"
    )
    return 0


def _export_format(output: Path | None) -> str:
    """The export format named by the extension of `output` (longest extension first)."""
    name = output.name.lower() if output is not None else ""
    for fmt in sorted(EXPORT_FORMATS.values(), key=lambda f: -len(f.extension)):
        if name.endswith(fmt.extension):
            return fmt.name
    raise InputError(f"give --format ({', '.join(EXPORT_FORMATS)}), or -o FILE with a known extension")


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    rest = list(args.bench_args)
    names = ("compel", "sparql", "rest", "write", "import", "scale")
    if not rest or rest[0] not in names:
        raise InputError(f"usage: longarm bench {{{','.join(names)}}} [options]; try 'longarm bench compel --help'")
    # The benchmark stack is not needed elsewhere: imported here.
    if rest[0] == "sparql":
        from ..benchmarks.servers import main as bench_main
    elif rest[0] == "rest":
        from ..benchmarks.rest import main as bench_main
    elif rest[0] == "write":
        from ..benchmarks.write import main as bench_main
    elif rest[0] == "import":
        from ..benchmarks.imports import main as bench_main
    elif rest[0] == "scale":
        from ..benchmarks.scale import main as bench_main
    else:
        from ..benchmarks.compel import main as bench_main

    return int(bench_main(rest[1:]))


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .server import serve  # imported here: the server stack is not needed by other commands

    endpoint = settings.endpoint()
    if endpoint is not None:
        RemoteStore(endpoint)  # says so at once if the engine cannot be reached; read-only without an update URL
    else:
        store = _open_to_write(args, settings)  # says so at once if another server holds the store
        del store  # closed: the server opens it again
    return serve(settings.with_(host=args.host, port=args.port, access_log=args.access_log))


# ---------------------------------------------------------------------- the store


def _is_store(path: Path) -> bool:
    """Whether there is an on-disk store at `path` (RocksDB's ``CURRENT`` file)."""
    return (path / "CURRENT").is_file()


def _open_to_read(path: Path) -> Store:
    """The store at `path` for reading: opened as usual if free, else read-only beside the process that holds it."""
    try:
        return Store.open(path)
    except StoreInUseError:
        return Store.open_beside(path)


def _open_for_reading(args: argparse.Namespace, settings: Settings, *, require_data: bool = True) -> Store:
    """The store of a read command (compel, chain, reach, stats, query, export), with data in it.

    Opened as usual when no other process holds it (a projection snapshot may then be
    saved beside it), else read-only through a checkpoint (a running ``longarm serve``
    holds it): :meth:`Store.open_beside`. An empty store gets the bundled dataset first
    when it is the default one and this process holds it, as ``longarm serve`` does on
    first start, with a line on standard error; otherwise it is a :class:`StoreError`
    saying what to run (with `require_data` False, the caller says it: ``query`` first
    reports a malformed query). No store is made at a path that holds none but the default.
    """
    endpoint = settings.endpoint()
    if endpoint is not None:
        remote = RemoteStore(endpoint)
        if require_data and not remote.named_graphs():
            raise StoreError(_no_data(args, settings))
        return remote
    path = settings.store_path
    if not settings.store_is_default and not _is_store(path):
        if require_data:
            raise StoreError(_no_data(args, settings))
        return Store.in_memory()  # nothing there: an empty store, without making one
    store = _open_to_read(path)
    if store.named_graphs():
        return store
    if settings.store_is_default and not store.read_only:
        _note(f"the store at {path} is empty: loading the bundled dataset into it first, as `longarm serve` does")
        report = load_bundled(store)
        triples = sum(g.triples for g in report.graphs.values())
        _note(f"loaded {triples} triples in {len(report.graphs)} graphs (`longarm load --bundled` refreshes them)")
        return store
    if require_data:
        raise StoreError(_no_data(args, settings))
    return store


def _no_data(args: argparse.Namespace, settings: Settings) -> str:
    """The message of a read command on a store without data: what to run."""
    command = _longarm(args)
    return (
        f"the store at {settings.where()} has no data: load the bundled dataset with "
        f"`{command} load --bundled` (or your own files with `{command} load FILE…`)"
    )


def _longarm(args: argparse.Namespace) -> str:
    """``longarm`` as this command was called, with its ``--store``: the start of a command to suggest."""
    words = ["longarm"]
    words += [] if args.store is None else ["--store", shlex.quote(str(args.store))]
    for option in ("sparql_endpoint", "update_endpoint"):
        if getattr(args, option, None):
            words += [f"--{option.replace('_', '-')}", shlex.quote(getattr(args, option))]
    return " ".join(words)


def _open_to_write(args: argparse.Namespace, settings: Settings, docs: Sequence[Document] = ()) -> Store:
    """The store of a write command (load, infer, serve); if another process holds it, how to write instead."""
    endpoint = settings.endpoint()
    if endpoint is not None:
        if endpoint.update is None:
            raise StoreError(f"{settings.where()} is read-only here: give its update endpoint (--update-endpoint)")
        return RemoteStore(endpoint)
    try:
        return Store.open(settings.store_path)
    except StoreInUseError as exc:
        raise StoreError(_held(exc, args, settings, docs)) from None


def _held(exc: StoreInUseError, args: argparse.Namespace, settings: Settings, docs: Sequence[Document]) -> str:
    """What to do when a write command finds its store held by another process (a running server)."""
    if args.command == "serve":
        return f"{exc}: stop that server, or serve another store (`longarm --store DIR serve`)"
    said = f"{exc}: `longarm {args.command}` cannot write it meanwhile."
    if args.command != "load":
        return (
            f"{said} The server cannot run it: stop the server, run `{_longarm(args)} {args.command}`, "
            "and start the server again."
        )
    lines = [said]
    if args.bundled:
        lines.append(
            "The server loads the bundled dataset when it starts on an empty store; to refresh it, "
            f"stop the server, run `{_longarm(args)} load --bundled`, and start the server again."
        )
    if docs:
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
        base = f"http://{host}:{settings.port}"
        lines.append(
            f"Write through the server ({base}, or the address it printed), with the write token it was "
            "started with (LONGARM_WRITE_TOKEN), one request a file:"
        )
        for doc in docs:
            url = f"{base}/graph-store?graph={quote(doc.graph, safe=':/')}"
            media = format_for(doc.name).media_type
            lines.append(
                f'  curl -X PUT {shlex.quote(url)} -H "Authorization: Bearer $LONGARM_WRITE_TOKEN" '
                f"-H {shlex.quote('Content-Type: ' + media)} --data-binary {shlex.quote('@' + doc.name)}"
            )
        lines.append("or stop the server and run this command again.")
    return "\n".join(lines)


# ---------------------------------------------------------------------- helpers


def _documents(files: Sequence[Path]) -> list[Document]:
    return [document_from_path(f) for f in files]


def _print_report(report: LoadReport) -> None:
    for g in report.graphs.values():
        print(f"{g.status:<9} {g.triples:>6} triples  {g.document} -> <{g.graph}>")


def _write_out(text: str, output: Path | None) -> int:
    """Print `text`, or write it to `output` (chain and compel's ``-o``)."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
    return 0


def _resolved_note(resolved: Sequence[Resolved]) -> str:
    """The line saying what references named by something else than an id or label resolved to, or "".

    >>> from longarm.ontology.namespace import entity_iri
    >>> r = Resolved("OVHcloud", str(entity_iri("org", "ovh-groupe")), "org", "OVH Groupe SA", "alias")
    >>> _resolved_note([r])
    'Resolved: OVHcloud → OVH Groupe SA (alias)\\n'
    """
    shown = [str(r) for r in resolved if r.noteworthy]
    return "Resolved: " + "; ".join(shown) + "\n" if shown else ""


def _with_resolved(data: dict[str, Any], resolved: Sequence[Resolved]) -> dict[str, Any]:
    """A JSON answer with what each reference resolved to, as a top-level ``"resolved"`` list."""
    return {**data, "resolved": [r.as_dict() for r in resolved]}


#: The command that answers about each kind of node, by its slug.
_COMMANDS = {
    "org": "longarm chain {}",
    "instrument": "longarm reach {}",
    "asset": "longarm compel {}",
    "service": "longarm compel --service {}",
}


def _where_to_ask(exc: WrongKindError) -> str:
    """What a reference of another kind than asked is, and the command to ask about it."""
    return exc.with_where_to_ask(_COMMANDS, provider="longarm compel --provider {}", quote=shlex.quote)


def _err(message: str) -> None:
    print(f"longarm: error: {message}", file=sys.stderr)


def _note(message: str) -> None:
    print(f"longarm: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
