"""``longarm assess`` (does a provider, or each provider of an offer, meet a requirement?) and ``longarm what-if``.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="longarm")
>>> add_assess_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["assess", "s3ns", "--requirement", "secnumcloud-3-2-19-6", "--method", "control"])
>>> args.ref, args.requirement, args.method, args.format
('s3ns', 'secnumcloud-3-2-19-6', 'control', 'text')
"""

from __future__ import annotations

import argparse
import contextvars
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..graph.base.errors import InputError, LongarmError
from ..graph.drawing.assessment_chart import assessment_svg
from ..graph.engine.assess import METHODS, assessments
from ..graph.projection.cache import projection_for
from ..graph.store.embedded import Store
from ..graph.views.assessment import assessment_to_dict, assessment_to_text
from ..graph.views.comparison import compare_offers, comparison_csv
from ..graph.views.whatif import what_if_to_dict, what_if_to_text
from ..graph.write.whatif import what_if
from .settings import Settings

__all__ = [
    "INVOCATION",
    "add_assess_parser",
    "add_compare_parser",
    "add_what_if_parser",
    "cmd_assess",
    "cmd_compare",
    "cmd_what_if",
]


#: The arguments of the command line being parsed (set by :func:`longarm.api.cli.main`), for ``assess --help``.
INVOCATION: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("longarm_invocation", default=())
_STORE_OPTION = argparse.ArgumentParser(add_help=False)
_STORE_OPTION.add_argument("--store")
#: The requirements a store holds: constant text, nothing spliced in.
_REQUIREMENTS = "SELECT ?r ?label WHERE { ?r a lx:Requirement ; rdfs:label ?label } ORDER BY ?r"


class _HelpWithRequirements(argparse.Action):
    """``-h``/``--help``: the command's help, then the requirements the store knows (read, never written)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(
            option_strings, dest, default=argparse.SUPPRESS, nargs=0, help="this help and the requirements"
        )

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *_: Any) -> None:
        parser.print_help()
        # A subcommand's options are parsed apart from the main ones: the store is read from the command line.
        given = _STORE_OPTION.parse_known_args(list(INVOCATION.get()))[0].store
        path = Path(given) if given is not None else Settings.from_env().store_path
        print("\nrequirements the store knows (--requirement ID):")
        try:
            lines = _known_requirements(Store.open_beside(path))
        except LongarmError as exc:
            print(f"  none read: {exc}")
        else:
            for line in lines:
                print(f"  {line}")
            if not lines:
                print("  none: `longarm load --bundled` loads SecNumCloud 3.2 §19.6 and Gaia-X Label Level 3")
        parser.exit()


def _known_requirements(store: Store) -> list[str]:
    """``id  label`` of each requirement the store holds, by IRI."""
    return [f"{str(row['r'].value).rsplit('/', 1)[-1]}  {row['label'].value}" for row in store.select(_REQUIREMENTS)]


def add_assess_parser(sub: Any) -> None:
    """Add the ``assess`` command to the subparsers `sub`."""
    p = sub.add_parser(
        "assess",
        add_help=False,
        help="does a provider or an offer meet a requirement (SecNumCloud 19.6 …)? criterion by criterion",
        description="Assess an organization, or each provider of a service, under a requirement: each criterion "
        "passes, fails or cannot be told from the facts on record, with its reasons, facts and sources. "
        "`longarm assess --list` lists the requirements the store knows.",
    )
    p.add_argument("-h", "--help", action=_HelpWithRequirements)
    p.add_argument("ref", nargs="?", metavar="REF", help="an organization, a service or a data asset (slug, IRI, name)")
    p.add_argument("--requirement", metavar="ID", help="the requirement (default: each that applies to REF)")
    p.add_argument("--list", action="store_true", help="list the requirements the store knows")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE")
    p.add_argument("--method", choices=METHODS, default="multiplicative", help="look-through of indirect holdings")
    p.add_argument("--format", choices=("text", "json", "svg"), default="text", help="svg: a picture of one assessment")
    p.set_defaults(func=cmd_assess)


def cmd_assess(
    args: argparse.Namespace, settings: Settings, open_to_read: Callable[[argparse.Namespace, Settings], Store]
) -> int:
    """Run ``longarm assess``."""
    store = open_to_read(args, settings)
    if args.list:  # read from the store: no projection made
        for line in _known_requirements(store):
            print(line)
        return 0
    p = projection_for(store)
    if args.ref is None:
        raise InputError("give REF (an organization or a service), or --list")
    as_of = args.as_of or dt.date.today()
    found = assessments(p, args.ref, args.requirement, as_of, args.method)
    if args.format == "json":
        print(json.dumps([assessment_to_dict(p, a) for a in found], indent=2, ensure_ascii=False))
    elif args.format == "svg":
        if len(found) != 1:
            named = "; ".join(f"{p.label(a.subject)} under {a.requirement.iri.rsplit('/', 1)[-1]}" for a in found)
            raise InputError(
                f"a picture shows one assessment, and {len(found)} were asked ({named}): "
                "give --requirement, and an organization rather than an offer with several providers"
            )
        print(assessment_svg(p, found[0]))
    else:
        print("\n\n".join(assessment_to_text(p, a) for a in found))
    return 0


def add_what_if_parser(sub: Any) -> None:
    """Add the ``what-if`` command to the subparsers `sub`."""
    p = sub.add_parser(
        "what-if",
        help="hypothetical facts (Turtle, JSON-LD) tried on a copy of the store: what they change",
        description="Try hypothetical facts, in the ontology's terms, on a copy of the store (never on the store): "
        "the assessments (--assess) and 'who can compel' answers (--compel) before and after them. New nodes are "
        "cited to the hypothesis and marked assumed; close a stored fact by giving it an end date.",
    )
    p.add_argument("facts", type=Path, metavar="FACTS", help="a Turtle or JSON-LD file")
    p.add_argument("--assess", action="append", default=[], metavar="REF", help="an organization or offer to assess")
    p.add_argument("--compel", action="append", default=[], metavar="ASSET", help="a data asset to answer for")
    p.add_argument("--requirement", metavar="ID", help="the requirement to assess under (default: each)")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE")
    p.add_argument("--method", choices=METHODS, default="multiplicative")
    p.add_argument("--mode", choices=("strict", "practical"), default="strict")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_what_if)


def cmd_what_if(
    args: argparse.Namespace, settings: Settings, open_to_read: Callable[[argparse.Namespace, Settings], Store]
) -> int:
    """Run ``longarm what-if``."""
    try:
        data = args.facts.read_bytes()
    except OSError as exc:
        raise InputError(f"{args.facts}: cannot read file: {exc.strerror}") from None
    result = what_if(
        open_to_read(args, settings),
        data,
        args.facts.name,
        assessing=args.assess,
        answering=args.compel,
        requirement=args.requirement,
        as_of=args.as_of or dt.date.today(),
        method=args.method,
        mode=args.mode,
    )
    if args.format == "json":
        print(json.dumps(what_if_to_dict(result), indent=2, ensure_ascii=False))
    else:
        print(what_if_to_text(result), end="")
    return 0


def add_compare_parser(sub: Any) -> None:
    """Add the ``compare`` command to the subparsers `sub`."""
    p = sub.add_parser("compare", help="offers side by side: requirements met and who can compel, per instrument")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="DATE")
    p.add_argument("--method", choices=METHODS, default="multiplicative")
    p.add_argument("--mode", choices=("strict", "practical"), default="strict")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=cmd_compare)


def cmd_compare(
    args: argparse.Namespace, settings: Settings, open_to_read: Callable[[argparse.Namespace, Settings], Store]
) -> int:
    """Run ``longarm compare``."""
    p = projection_for(open_to_read(args, settings))
    table = compare_offers(p, args.as_of or dt.date.today(), method=args.method, mode=args.mode)
    print(json.dumps(table, indent=2, ensure_ascii=False) if args.format == "json" else comparison_csv(table), end="")
    return 0
