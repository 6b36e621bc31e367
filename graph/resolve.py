"""Resolving a user's reference (slug, IRI, LEI, Wikidata Q-id, exact name or alias) to one node.

Matching is exact and case-insensitive. Nothing found raises
:class:`~longarm.graph.errors.UnknownReferenceError` with close names as suggestions;
several nodes found raises :class:`~longarm.graph.errors.AmbiguousReferenceError` with the
candidates.

:func:`search` is the looser look-up behind entity search: exact matches first, then
names that start with the query, then names that contain it, over the same names.
:func:`describe_asset` resolves the references of an asset described by its hosts.

Examples
--------
>>> from longarm.graph.store import Store
>>> from longarm.graph.loading import load_bundled
>>> from longarm.graph.projection import projection_for
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> [p.label(resolve(p, ref, "org")) for ref in ("bleu", "INR2EJN1ERAN0W5ZP974", "q2283", "MIOL")]
['Bleu', 'Microsoft Corporation', 'Microsoft Corporation', 'Microsoft Ireland Operations Limited']
>>> resolve(p, "Bleux", "org")
Traceback (most recent call last):
...
longarm.graph.errors.UnknownReferenceError: no entity matches 'Bleux'; did you mean: Bleu...
>>> page = search(p, "microsoft", ["org"])
>>> [(h.label, h.match) for h in page.hits[:2]]
[('Microsoft Corporation', 'exact'), ('Microsoft France SAS', 'prefix')]
>>> [h.matched for h in search(p, "Q2283").hits]
['Q2283']
>>> describe_asset(p, providers=["MIOL"], locations=["FR"]).label
'the described asset (MIOL)'
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from ..ontology.namespace import split_entity_iri
from .errors import AmbiguousReferenceError, InputError, UnknownReferenceError
from .projection import Projection
from .reach import AssetSpec

__all__ = ["KINDS", "MATCHES", "Hit", "SearchPage", "describe_asset", "kind_of", "resolve", "search"]

#: The kinds of node a reference can name, by the IRI segment of their instances.
KINDS = ("org", "service", "asset", "instrument", "jur")
#: How a search hit matched, best first.
MATCHES = ("exact", "prefix", "substring")

_INDEX: WeakKeyDictionary[Projection, dict[str, dict[str, set[str]]]] = WeakKeyDictionary()
_NAMES: WeakKeyDictionary[Projection, list[tuple[str, str, str, str]]] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the node, its kind and label, the name that matched and how."""

    iri: str
    kind: str
    label: str
    matched: str
    match: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results and the number of hits in all pages."""

    total: int
    hits: list[Hit]


def resolve(p: Projection, ref: str, kinds: str | Iterable[str] = KINDS) -> str:
    """The IRI of the one node of one of `kinds` that `ref` names."""
    wanted = _kinds(kinds)
    text = ref.strip()
    if not text:
        raise InputError("an empty reference names nothing")
    index = _index(p)
    key = text.casefold()
    found: set[str] = set()
    for kind in wanted:
        found |= index[kind].get(key, set())
    if len(found) == 1:
        return next(iter(found))
    if found:
        raise AmbiguousReferenceError(ref, sorted(((i, p.label(i)) for i in found), key=lambda c: c[1]))
    raise UnknownReferenceError(ref, _suggestions(p, index, wanted, key))


def search(p: Projection, q: str, kinds: str | Iterable[str] = KINDS, limit: int = 20, offset: int = 0) -> SearchPage:
    """Nodes of `kinds` with a label, alias, slug, LEI or Q-id matching `q` (case-insensitive).

    Exact matches come first, then prefix matches, then substring matches; within each,
    by label. A full IRI matches only exactly. Each node appears once, with its best match.
    """
    wanted = _kinds(kinds)
    key = q.strip().casefold()
    if not key:
        raise InputError("an empty query matches nothing")
    if limit < 0 or offset < 0:
        raise InputError("limit and offset must be >= 0")
    best: dict[str, tuple[int, str, str]] = {}  # iri -> (rank, matched name, kind)
    for kind, node, name, folded in _names(p):
        if kind not in wanted:
            continue
        if folded == key:
            rank = 0
        elif "://" in folded:
            continue
        elif folded.startswith(key):
            rank = 1
        elif key in folded:
            rank = 2
        else:
            continue
        current = best.get(node)
        if current is None or (rank, len(name)) < (current[0], len(current[1])):
            best[node] = (rank, name, kind)
    ordered = sorted(best.items(), key=lambda kv: (kv[1][0], p.label(kv[0]).casefold(), kv[0]))
    hits = [Hit(node, kind, p.label(node), name, MATCHES[rank]) for node, (rank, name, kind) in ordered]
    return SearchPage(len(hits), hits[offset : offset + limit])


def kind_of(p: Projection, iri: str) -> str | None:
    """The kind (one of :data:`KINDS`) of the node at `iri`, or None."""
    tables: tuple[Mapping[str, object], ...] = (p.orgs, p.services, p.assets, p.instruments, p.jurisdictions)
    for kind, table in zip(KINDS, tables, strict=True):
        if iri in table:
            return kind
    return None


def describe_asset(
    p: Projection,
    *,
    services: Sequence[str] = (),
    providers: Sequence[str] = (),
    locations: Sequence[str] = (),
    keys_held_by: Sequence[str] = (),
) -> AssetSpec:
    """An asset described by references to its services or providers, locations and key holders."""
    if not services and not providers:
        raise InputError("describe the asset by at least one provider or service")
    return AssetSpec(
        services=tuple(resolve(p, r, "service") for r in services),
        providers=tuple(resolve(p, r, "org") for r in providers),
        locations=tuple(resolve(p, r, "jur") for r in locations),
        keys_held_by=tuple(resolve(p, r, "org") for r in keys_held_by),
        label="the described asset (" + ", ".join([*services, *providers]) + ")",
    )


def _kinds(kinds: str | Iterable[str]) -> tuple[str, ...]:
    wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise InputError(f"unknown reference kind(s): {', '.join(sorted(unknown))}")
    return wanted


def _suggestions(
    p: Projection, index: dict[str, dict[str, set[str]]], kinds: tuple[str, ...], key: str
) -> list[tuple[str, str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for kind in kinds:
        for name, iris in index[kind].items():
            names[name] |= iris
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    partial = [n for n in names if len(key) >= 3 and key in n and n not in close]
    out: dict[str, str] = {}
    for name in [*close, *sorted(partial, key=len)]:
        for iri in sorted(names[name]):
            out.setdefault(iri, p.label(iri))
        if len(out) >= 5:
            break
    return list(out.items())[:5]


def _index(p: Projection) -> dict[str, dict[str, set[str]]]:
    cached = _INDEX.get(p)
    if cached is not None:
        return cached
    index: dict[str, dict[str, set[str]]] = {kind: defaultdict(set) for kind in KINDS}
    for kind, iri, _, folded in _names(p):
        index[kind][folded].add(iri)
    _INDEX[p] = index
    return index


def _names(p: Projection) -> list[tuple[str, str, str, str]]:
    """Every name of every node: (kind, IRI, name, case-folded name)."""
    cached = _NAMES.get(p)
    if cached is None:
        cached = [(kind, iri, name, name.casefold()) for kind, iri, name in _entity_names(p)]
        _NAMES[p] = cached
    return cached


def _entity_names(p: Projection) -> Iterator[tuple[str, str, str]]:
    def names(kind: str, iri: str, *more: str | None) -> Iterator[tuple[str, str, str]]:
        split = split_entity_iri(iri)
        for name in dict.fromkeys((iri, split[1] if split else None, *more)):
            if name:
                yield kind, iri, name

    for iri, org in p.orgs.items():
        yield from names("org", iri, org.label, org.lei, org.wikidata, *org.aliases)
    for iri, svc in p.services.items():
        yield from names("service", iri, svc.label, *svc.aliases)
    for iri, asset in p.assets.items():
        yield from names("asset", iri, asset.label, *asset.aliases)
    for iri, ins in p.instruments.items():
        yield from names("instrument", iri, ins.label, ins.notation, *ins.aliases)
    for iri, code in p.jurisdictions.items():
        yield from names("jur", iri, code, p.labels.get(iri))
