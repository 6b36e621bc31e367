"""Resolving a user's reference to one node: by id, name or alias, then by a unique prefix or words.

A reference is looked up level by level, surest first (:data:`RESOLVED_BY`); the first
level where anything matches decides:

1. ``id``: the node's slug, full IRI, LEI, Wikidata Q-id, an instrument's notation or a
   jurisdiction's ISO code, case-insensitive;
2. ``label``: its name, case-insensitive, then also ignoring accents and punctuation
   ("caisse des depots" is "Caisse des Dépôts");
3. ``alias``: one of its alternative names, the same way ("MIOL", "OVHcloud");
4. ``prefix``: the start of its name, of an alias or of its slug ("GDPR" is "GDPR
   Article 48", "Alibaba Group Holding" is "Alibaba Group Holding Limited");
5. ``words``: every word of the reference starts a word of one of those names, each its
   own ("FISA 702 section" is "US FISA Section 702", "Alibaba Holding" is "Alibaba Group
   Holding Limited", but "Cloudwatt cloud" is not "Cloudwatt").

The last two need a reference of three letters or digits at least. One node found at a
level resolves the reference; several raise
:class:`~longarm.graph.base.errors.AmbiguousReferenceError` with the candidates ("Micro" is
refused, not guessed). When no node of the kinds asked for matches but one of another kind
does (at most one of each other kind, at the first level that finds any),
:class:`~longarm.graph.base.errors.WrongKindError` says what it is; when nothing matches,
:class:`~longarm.graph.base.errors.UnknownReferenceError` carries up to five suggestions, most
similar first.

:func:`resolve_ref` says what a reference resolved to and how (a :class:`Resolved`, which
answers show); :func:`resolve` gives the IRI. :func:`search` is the looser look-up behind
entity search: exact matches first, then names that start with the query, then names that
contain it, over the same names. :func:`describe_asset` resolves the references of an
asset described by its hosts (:func:`describe_asset_resolved` also says what each
resolved to).

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> [p.label(resolve(p, ref, "org")) for ref in ("bleu", "INR2EJN1ERAN0W5ZP974", "q2283", "MIOL")]
['Bleu', 'Microsoft Corporation', 'Microsoft Corporation', 'Microsoft Ireland Operations Limited']
>>> [str(resolve_ref(p, ref, "instrument")) for ref in ("GDPR", "FISA 702 section")]
['GDPR → GDPR Article 48 (prefix)', 'FISA 702 section → US FISA Section 702 (words)']
>>> resolve(p, "Bleux", "org")
Traceback (most recent call last):
...
longarm.graph.base.errors.UnknownReferenceError: no entity matches 'Bleux'; did you mean: Bleu...
>>> resolve(p, "Micro", "org")
Traceback (most recent call last):
...
longarm.graph.base.errors.AmbiguousReferenceError: 'Micro' matches several entities: Microsoft Corporation <...
>>> resolve(p, "us-cloud-act", "org")
Traceback (most recent call last):
...
longarm.graph.base.errors.WrongKindError: us-cloud-act is an instrument (US CLOUD Act / Stored Communications Act), \
not an organization
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
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from ...ontology.namespace import split_entity_iri
from ..base.errors import AmbiguousReferenceError, InputError, UnknownReferenceError, WrongKindError
from ..projection.model import Projection
from .reach import AssetSpec

__all__ = [
    "KINDS",
    "MATCHES",
    "RESOLVED_BY",
    "Hit",
    "Resolved",
    "SearchPage",
    "describe_asset",
    "describe_asset_resolved",
    "kind_of",
    "resolve",
    "resolve_ref",
    "search",
]

#: The kinds of node a reference can name, by the IRI segment of their instances.
KINDS = ("org", "service", "asset", "instrument", "jur")
#: How a search hit matched, best first.
MATCHES = ("exact", "prefix", "substring")
#: How a reference resolved, surest first: the levels of :func:`resolve_ref`.
RESOLVED_BY = ("id", "label", "alias", "prefix", "words")

_ID, _LABEL, _ALIAS = 0, 1, 2  # the exact levels, as indices of RESOLVED_BY
#: The fewest letters and digits a reference needs to match by prefix or by words.
_LOOSE_MIN = 3
#: How similar (0 to 1) a name must be to a reference to be suggested for it.
_CUTOFF = 0.6
_SUGGESTIONS = 5

_LOOKUPS: WeakKeyDictionary[Projection, _Lookup] = WeakKeyDictionary()
_NAMES: WeakKeyDictionary[Projection, list[tuple[str, str, str, str]]] = WeakKeyDictionary()

_DROPPED = str.maketrans("", "", ".")  # "S.A." is "SA", "B.V." is "BV"
_SEPARATORS = re.compile(r"[\W_]+")


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


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a reference resolved to: the node's IRI, kind and label, and how it matched.

    `match` is one of :data:`RESOLVED_BY`. ``str()`` gives the line an answer shows.

    Examples
    --------
    >>> from longarm.ontology.namespace import entity_iri
    >>> r = Resolved("OVHcloud", str(entity_iri("org", "ovh-groupe")), "org", "OVH Groupe SA", "alias")
    >>> str(r), r.noteworthy
    ('OVHcloud → OVH Groupe SA (alias)', True)
    >>> Resolved("ovh-groupe", r.iri, "org", "OVH Groupe SA", "id").noteworthy
    False
    >>> list(r.as_dict())
    ['ref', 'iri', 'label', 'kind', 'match']
    """

    ref: str
    iri: str
    kind: str
    label: str
    match: str

    @property
    def noteworthy(self) -> bool:
        """Whether an answer should say what `ref` resolved to.

        It should unless the reference is the node's id, or its label up to case, accents
        and punctuation: an alias, a prefix or some words may name another node than the
        one meant.
        """
        return self.match != RESOLVED_BY[_ID] and _fold(self.ref) != _fold(self.label)

    def as_dict(self) -> dict[str, str]:
        """The JSON shape: ``{"ref", "iri", "label", "kind", "match"}``."""
        return {"ref": self.ref, "iri": self.iri, "label": self.label, "kind": self.kind, "match": self.match}

    def __str__(self) -> str:
        return f"{self.ref} → {self.label} ({self.match})"


def resolve(p: Projection, ref: str, kinds: str | Iterable[str] = KINDS) -> str:
    """The IRI of the one node of one of `kinds` that `ref` names (see :func:`resolve_ref`)."""
    return resolve_ref(p, ref, kinds).iri


def resolve_ref(p: Projection, ref: str, kinds: str | Iterable[str] = KINDS) -> Resolved:
    """The one node of one of `kinds` that `ref` names, and how it matched.

    Parameters
    ----------
    p : Projection
        The projection to look in.
    ref : str
        A slug, IRI, LEI, Wikidata Q-id, name, alias, the start of a name or some of its
        words; surrounding spaces are ignored.
    kinds : str or iterable of str
        The kinds (of :data:`KINDS`) the node may be.

    Returns
    -------
    Resolved
        The node, and the level of :data:`RESOLVED_BY` at which `ref` matched it.

    Raises
    ------
    InputError
        `ref` is empty, or a kind is not one of :data:`KINDS`.
    AmbiguousReferenceError
        Several nodes match at the first level where any does.
    WrongKindError
        No node of `kinds` matches, but `ref` names a node of another kind.
    UnknownReferenceError
        Nothing matches; ``suggestions`` lists the most similar names.

    Examples
    --------
    >>> from longarm.graph.store.embedded import Store
    >>> from longarm.graph.store.loading import load_bundled
    >>> from longarm.graph.projection.cache import projection_for
    >>> store = Store.in_memory(); _ = load_bundled(store)
    >>> p = projection_for(store)
    >>> [str(resolve_ref(p, ref, "org")) for ref in ("OVHcloud", "Alibaba Group Holding", "caisse des depots")]
    ['OVHcloud → OVH Groupe SA (alias)', 'Alibaba Group Holding → Alibaba Group Holding Limited (prefix)', \
'caisse des depots → Caisse des Dépôts (label)']
    >>> resolve_ref(p, "Health Data Hub", "asset").label
    'Health Data Hub pseudonymised national health data on Microsoft Azure'
    """
    wanted = _kinds(kinds)
    text = ref.strip()
    if not text:
        raise InputError("an empty reference names nothing")
    level, found = _match(p, text, wanted)
    if len(found) == 1:
        ((iri, kind),) = found.items()
        return Resolved(text, iri, kind, p.label(iri), level)
    if found:
        raise AmbiguousReferenceError(ref, sorted(((i, p.label(i)) for i in found), key=lambda c: (c[1], c[0])))
    others = tuple(k for k in KINDS if k not in wanted)
    if others:
        _, elsewhere = _match(p, text, others)
        if elsewhere and len(set(elsewhere.values())) == len(elsewhere):  # at most one node of each kind
            order = sorted(elsewhere.items(), key=lambda kv: (KINDS.index(kv[1]), kv[0]))
            raise WrongKindError(text, wanted, [(iri, kind, p.label(iri)) for iri, kind in order])
    raise UnknownReferenceError(ref, _suggestions(p, text, wanted))


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
    spec, _ = describe_asset_resolved(
        p, services=services, providers=providers, locations=locations, keys_held_by=keys_held_by
    )
    return spec


def describe_asset_resolved(
    p: Projection,
    *,
    services: Sequence[str] = (),
    providers: Sequence[str] = (),
    locations: Sequence[str] = (),
    keys_held_by: Sequence[str] = (),
) -> tuple[AssetSpec, list[Resolved]]:
    """:func:`describe_asset`, and what each reference resolved to (services, providers, locations, key holders).

    >>> from longarm.graph.store.embedded import Store
    >>> from longarm.graph.store.loading import load_bundled
    >>> from longarm.graph.projection.cache import projection_for
    >>> store = Store.in_memory(); _ = load_bundled(store)
    >>> spec, resolved = describe_asset_resolved(projection_for(store), providers=["OVHcloud"], locations=["FR"])
    >>> [str(r) for r in resolved]
    ['OVHcloud → OVH Groupe SA (alias)', 'FR → France (id)']
    """
    if not services and not providers:
        raise InputError("describe the asset by at least one provider or service")

    def each(refs: Sequence[str], kind: str) -> list[Resolved]:
        return [resolve_ref(p, r, kind) for r in refs]

    svc, prov, loc, keys = (
        each(services, "service"),
        each(providers, "org"),
        each(locations, "jur"),
        each(keys_held_by, "org"),
    )
    spec = AssetSpec(
        services=tuple(r.iri for r in svc),
        providers=tuple(r.iri for r in prov),
        locations=tuple(r.iri for r in loc),
        keys_held_by=tuple(r.iri for r in keys),
        label="the described asset (" + ", ".join([*services, *providers]) + ")",
    )
    return spec, [*svc, *prov, *loc, *keys]


def _kinds(kinds: str | Iterable[str]) -> tuple[str, ...]:
    wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise InputError(f"unknown reference kind(s): {', '.join(sorted(unknown))}")
    return wanted


def _fold(text: str) -> str:
    """`text` compared loosely: case-folded, without accents, punctuation as spaces ("." dropped).

    >>> _fold("  Caisse des Dépôts ")
    'caisse des depots'
    >>> _fold("Alibaba (Netherlands) B.V."), _fold("Oodrive_Work"), _fold("l'État"), _fold("数据安全法")
    ('alibaba netherlands bv', 'oodrive work', 'l etat', '数据安全法')
    """
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", folded.translate(_DROPPED)).strip()


@dataclass(slots=True)
class _Lookup:
    """The names of a projection's nodes, indexed for :func:`resolve_ref`.

    `exact` is made with the lookup; the folded names, which only a reference that is not
    an exact name needs, on first use (a million organizations take seconds to fold).
    """

    named: list[tuple[str, str, str, int, bool]]
    exact: dict[str, list[tuple[int, str, str]]]  # case-folded name -> (level, kind, IRI)
    _folded: dict[str, list[tuple[int, str, str]]] | None = None  # folded label or alias -> (level, kind, IRI)
    _loose: dict[str, list[tuple[str, str, bool]]] = field(default_factory=dict)  # kind -> (IRI, folded, loose?)

    def folded(self) -> dict[str, list[tuple[int, str, str]]]:
        if self._folded is None:
            folded: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
            loose: dict[str, list[tuple[str, str, bool]]] = {kind: [] for kind in KINDS}
            for kind, iri, name, level, is_loose in self.named:
                if "://" in name:
                    continue
                key = _fold(name)
                if level != _ID:
                    folded[key].append((level, kind, iri))
                loose[kind].append((iri, key, is_loose))
            self._loose = loose
            self._folded = folded
        return self._folded

    def loose(self, kind: str) -> list[tuple[str, str, bool]]:
        """The folded names of the nodes of `kind` but their IRIs: (IRI, name, matched by prefix and words?)."""
        self.folded()
        return self._loose[kind]


def _lookup(p: Projection) -> _Lookup:
    cached = _LOOKUPS.get(p)
    if cached is None:
        named = list(_entity_names(p))
        exact: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for kind, iri, name, level, _ in named:
            exact[name.casefold()].append((level, kind, iri))
        cached = _LOOKUPS[p] = _Lookup(named, exact)
    return cached


def _match(p: Projection, text: str, kinds: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """The first level of :data:`RESOLVED_BY` at which `text` names nodes of `kinds`, and those nodes (IRI -> kind)."""
    lookup = _lookup(p)
    cased = lookup.exact.get(text.casefold(), [])
    key = None
    for level in (_ID, _LABEL, _ALIAS):
        found = {iri: kind for lvl, kind, iri in cased if lvl == level and kind in kinds}
        if not found and level != _ID:
            key = _fold(text) if key is None else key
            folded = lookup.folded().get(key, []) if key else []
            found = {iri: kind for lvl, kind, iri in folded if lvl == level and kind in kinds}
        if found:
            return RESOLVED_BY[level], found
    key = _fold(text) if key is None else key
    if len(key.replace(" ", "")) < _LOOSE_MIN:
        return "", {}
    found = {iri: kind for kind in kinds for iri, name, loose in lookup.loose(kind) if loose and name.startswith(key)}
    if found:
        return "prefix", found
    words = key.split()
    longest = max(words, key=len)
    for kind in kinds:
        for iri, name, loose in lookup.loose(kind):
            if loose and longest in name and iri not in found and _has_words(name, words):
                found[iri] = kind
    return ("words", found) if found else ("", {})


def _has_words(name: str, words: Sequence[str]) -> bool:
    """Whether each of `words` starts a word of `name` (both folded), each a different one.

    A matching of the reference's words to the name's, by augmenting paths: "data data"
    needs two words of the name that start with "data".

    >>> _has_words("us fisa section 702", ["702", "fisa"]), _has_words("cloudwatt", ["cloudwatt", "cloud"])
    (True, False)
    >>> _has_words("data hub data", ["data", "data"]), _has_words("a ab", ["a", "ab"])
    (True, True)
    """
    name_words = name.split()
    if len(words) > len(name_words):
        return False
    holder: dict[int, int] = {}  # a word of the name -> the word of the reference it is given to

    def place(w: int, tried: set[int]) -> bool:
        for n, name_word in enumerate(name_words):
            if n not in tried and name_word.startswith(words[w]):
                tried.add(n)
                if n not in holder or place(holder[n], tried):
                    holder[n] = w
                    return True
        return False

    return all(place(w, set()) for w in range(len(words)))


def _suggestions(p: Projection, text: str, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """The nodes of `kinds` with a name most similar to `text`: (IRI, label), most similar first.

    Every name is scored, so the bar rises to the fifth best score so far: most names are
    then dismissed by difflib's cheap upper bounds (a million names take seconds).
    """
    key = _fold(text) or text.casefold()
    words = key.split()
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    lookup = _lookup(p)
    top: dict[str, float] = {}  # the most similar nodes so far, at most _SUGGESTIONS
    bar = _CUTOFF
    for kind in kinds:
        for iri, name, _ in lookup.loose(kind):
            score = _similarity(matcher, key, words, name, bar)
            if score < bar or score <= top.get(iri, 0.0):
                continue
            top[iri] = score
            if len(top) > _SUGGESTIONS:
                del top[min(top, key=top.__getitem__)]
            if len(top) == _SUGGESTIONS:
                bar = min(top.values())
    ranked = sorted(top, key=lambda i: (-top[i], p.label(i).casefold(), i))
    return [(i, p.label(i)) for i in ranked]


def _similarity(
    matcher: difflib.SequenceMatcher[str], key: str, words: Sequence[str], name: str, bar: float = 0.0
) -> float:
    """How similar `name` is to the reference `key` (both folded), from 0 to 1; 0 if below `bar`.

    The best of: the whole name; its start, as long as the reference (a typo in the first
    words of a long name), a little less; the share of the reference's words that start a
    word of the name, less again. `matcher` holds `key` as its second sequence.

    >>> m = difflib.SequenceMatcher(autojunk=False); m.set_seq2("microsft corp")
    >>> round(_similarity(m, "microsft corp", ["microsft", "corp"], "microsoft corporation"), 2)
    0.88
    """
    score = _ratio(matcher, name, bar)
    if len(key) >= 4 and len(name) > len(key):
        score = max(score, 0.95 * _ratio(matcher, name[: len(key)], max(bar, score) / 0.95))
    if len(words) > 1 and max(bar, score) < 0.9 and any(w in name for w in words):
        name_words = name.split()
        share = sum(any(n.startswith(w) for n in name_words) for w in words) / len(words)
        score = max(score, 0.9 * share)
    return score if score >= bar else 0.0


def _ratio(matcher: difflib.SequenceMatcher[str], name: str, bar: float) -> float:
    """difflib's ratio of `name` to the matcher's sequence, or 0 when its cheap upper bounds are below `bar`."""
    matcher.set_seq1(name)
    if matcher.real_quick_ratio() < bar or matcher.quick_ratio() < bar:
        return 0.0
    return matcher.ratio()


def _names(p: Projection) -> list[tuple[str, str, str, str]]:
    """Every name of every node, once: (kind, IRI, name, case-folded name)."""
    cached = _NAMES.get(p)
    if cached is None:
        seen: set[tuple[str, str]] = set()
        cached = []
        for kind, iri, name, _, _ in _lookup(p).named:
            if (iri, name) not in seen:
                seen.add((iri, name))
                cached.append((kind, iri, name, name.casefold()))
        _NAMES[p] = cached
    return cached


def _entity_names(p: Projection) -> Iterator[tuple[str, str, str, int, bool]]:
    """Every name of every node: (kind, IRI, name, exact level, matched by prefix and words?).

    A node's IRI, slug, LEI, Wikidata Q-id, notation or ISO code are ids; its slug and
    notation, label and aliases are also matched by prefix and by words.
    """

    def names(
        kind: str, iri: str, ids: Iterable[str | None], label: str | None, aliases: Iterable[str] = ()
    ) -> Iterator[tuple[str, str, str, int, bool]]:
        split = split_entity_iri(iri)
        slug = split[1] if split else None
        yield kind, iri, iri, _ID, False
        if slug:
            yield kind, iri, slug, _ID, True
        if label:
            yield kind, iri, label, _LABEL, True
        for name in ids:
            if name:
                yield kind, iri, name, _ID, kind == "instrument"  # a notation, like a slug
        for name in aliases:
            if name:
                yield kind, iri, name, _ALIAS, True

    for iri, org in p.orgs.items():
        yield from names("org", iri, (org.lei, org.wikidata), org.label, org.aliases)
    for iri, svc in p.services.items():
        yield from names("service", iri, (), svc.label, svc.aliases)
    for iri, asset in p.assets.items():
        yield from names("asset", iri, (), asset.label, asset.aliases)
    for iri, ins in p.instruments.items():
        yield from names("instrument", iri, (ins.notation,), ins.label, ins.aliases)
    for iri, code in p.jurisdictions.items():
        yield from names("jur", iri, (code,), p.labels.get(iri))
