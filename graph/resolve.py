"""Resolving a user's reference (slug, IRI, LEI, Wikidata Q-id, exact name or alias) to one node.

Matching is exact and case-insensitive. Nothing found raises
:class:`~longarm.graph.errors.UnknownReferenceError` with close names as suggestions;
several nodes found raises :class:`~longarm.graph.errors.AmbiguousReferenceError` with the
candidates.

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
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from weakref import WeakKeyDictionary

from ..ontology.namespace import split_entity_iri
from .errors import AmbiguousReferenceError, InputError, UnknownReferenceError
from .projection import Projection

__all__ = ["KINDS", "resolve"]

#: The kinds of node a reference can name, by the IRI segment of their instances.
KINDS = ("org", "service", "asset", "instrument", "jur")

_INDEX: WeakKeyDictionary[Projection, dict[str, dict[str, set[str]]]] = WeakKeyDictionary()


def resolve(p: Projection, ref: str, kinds: str | Iterable[str] = KINDS) -> str:
    """The IRI of the one node of one of `kinds` that `ref` names."""
    wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise InputError(f"unknown reference kind(s): {', '.join(sorted(unknown))}")
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

    def add(kind: str, iri: str, *names: str | None) -> None:
        split = split_entity_iri(iri)
        for name in (iri, split[1] if split else None, *names):
            if name:
                index[kind][name.casefold()].add(iri)

    for iri, org in p.orgs.items():
        add("org", iri, org.label, org.lei, org.wikidata, *org.aliases)
    for iri, svc in p.services.items():
        add("service", iri, svc.label, *svc.aliases)
    for iri, asset in p.assets.items():
        add("asset", iri, asset.label, *asset.aliases)
    for iri, ins in p.instruments.items():
        add("instrument", iri, ins.label, ins.notation, *ins.aliases)
    for iri, code in p.jurisdictions.items():
        add("jur", iri, code, p.labels.get(iri))
    _INDEX[p] = index
    return index
