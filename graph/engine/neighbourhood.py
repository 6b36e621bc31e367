"""The neighbourhood of a question on a remote store: the facts "who can compel" reads, and no more.

On a remote store an API process need not hold the whole graph: :func:`asset_neighbourhood`
reads, with bounded queries (:class:`~longarm.graph.projection.remote_facts.RemoteFacts`,
kept per store revision), what :func:`~longarm.graph.engine.reach.compel` reads for one
stored asset on one date, and makes a projection of it:

1. the asset, its hosting services, the contracts that concern them or bind its controller,
   their access grants, and every organization they name;
2. the custodians (operators, contracting entities, providers, grantees, licensors, key
   holders, and the companies of branches among them) and their owners up to `max_depth`
   links, whatever the share; of those, the ones that control a custodian under any control
   rule in force (or the default test) are asked about in turn;
3. for each organization asked about: the services it provides, operates or contracts, its
   branches, and its subsidiaries up to :data:`~.rules.SUBSIDIARY_DEPTH` links down, from
   which its presence through a subsidiary in each jurisdiction is found as on the whole
   projection (:func:`~.rules.companies_in`, on the subsidiaries alone; a test compares the
   answers on the bundled and on synthetic data);
4. which organizations among the contracts' parties control some other data asset
   (customers, whose contracts bind only their data).

The answer is the one the whole projection gives; what it costs is a few requests per link
of the longest ownership chain the first time, and nothing for a question asked again in
the same revision.

Examples
--------
On a store on an `oxigraph serve` (tests/test_neighbourhood.py),
``compel(asset_neighbourhood(remote, asset, as_of), asset, as_of)`` is the answer the whole
projection gives. Its input is checked before anything is read:

>>> asset_neighbourhood(None, "https://e.org/a", dt.date(2026, 6, 1), max_depth=-1)
Traceback (most recent call last):
...
longarm.graph.base.errors.InputError: max_depth must be >= 0
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...ontology.namespace import LX, entity_iri, split_entity_iri
from ..base.errors import InputError, UnknownReferenceError
from ..projection.cache import projection_for
from ..projection.model import RDF_TYPE, Interest, Projection
from ..projection.remote_facts import RemoteFacts
from ..store.remote import RemoteStore
from .ownership import DEFAULT_MAX_DEPTH, controllers
from .resolve import RESOLVED_BY, Resolved, resolve_ref
from .rules import SUBSIDIARY_DEPTH, companies_in

__all__ = ["asset_neighbourhood", "asset_question", "remote_facts"]

_HOSTS = tuple(str(p) for p in (LX.operatedBy, LX.contractingEntity, LX.provider, LX.technologyLicensor))
_ROLES = tuple(str(p) for p in (LX.provider, LX.operatedBy, LX.contractingEntity))
_CONTROL_RULE = str(LX.ControlRule)
_FACTS: weakref.WeakKeyDictionary[RemoteStore, RemoteFacts] = weakref.WeakKeyDictionary()
_QUESTIONS_KEPT = 256

#: A way down to a subsidiary in an area, by organization (as :func:`~.rules.companies_in` gives it).
_Index = dict[str, tuple[str, Interest, int]]


@dataclass
class _Kept:
    """What walks made of one revision's facts: kept as long as those facts."""

    #: Question projections by (asset, date, depth bound), the least recently asked first.
    questions: OrderedDict[tuple[str, dt.date, int], Projection] = field(default_factory=OrderedDict)
    #: An organization and its subsidiaries down to SUBSIDIARY_DEPTH, as a projection.
    subsidiaries: dict[str, Projection] = field(default_factory=dict)
    #: Which of an organization's subsidiaries control one in an area, by (organization, area, date).
    presence: dict[tuple[str, str, dt.date], _Index] = field(default_factory=dict)


_KEPT: weakref.WeakKeyDictionary[RemoteFacts, _Kept] = weakref.WeakKeyDictionary()


def remote_facts(store: RemoteStore) -> RemoteFacts:
    """What questions have read of `store`, for its current revision (read again once it changes)."""
    facts = _FACTS.get(store)
    if facts is None or facts.version != store.version():
        facts = _FACTS[store] = RemoteFacts(store)
    return facts


def asset_neighbourhood(
    store: RemoteStore, asset: str, as_of: dt.date, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> Projection:
    """A projection of what "who can compel access to `asset` on `as_of`" reads (see the module docstring).

    Raises :class:`~longarm.graph.base.errors.UnknownReferenceError` when no data asset has
    the IRI `asset`. The projection is kept for the store's revision: asked again, the same.
    """
    if max_depth < 0:
        raise InputError("max_depth must be >= 0")
    facts = remote_facts(store)
    questions = _kept(facts).questions
    key = (asset, as_of, max_depth)
    made = questions.get(key)
    if made is not None:
        questions.move_to_end(key)
        return made
    made = questions[key] = _Walk(facts, as_of, max_depth).asset(asset)
    while len(questions) > _QUESTIONS_KEPT:
        questions.popitem(last=False)
    return made


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _kept(facts: RemoteFacts) -> _Kept:
    kept = _KEPT.get(facts)
    if kept is None:
        kept = _KEPT[facts] = _Kept()
    return kept


def asset_question(
    store: RemoteStore, ref: str, as_of: dt.date, *, max_depth: int = DEFAULT_MAX_DEPTH
) -> tuple[Projection, Resolved]:
    """The projection to answer "who can compel access to the asset `ref` names" with, and what it named.

    A reference that is the asset's IRI or slug is looked up with one bounded query, and
    the answer made from its neighbourhood (:func:`asset_neighbourhood`). Any other
    reference (a name, an alias, the start of a name) is resolved as everywhere else,
    on the whole projection (:func:`~longarm.graph.engine.resolve.resolve_ref`), which
    the process then reads and keeps: the documented cost of naming an asset by its name
    on a remote store (docs/scaling.md).
    """
    facts = remote_facts(store)
    text = ref.strip()
    candidates = [text] if split_entity_iri(text) is not None else []
    for slug in dict.fromkeys((text, text.lower())):
        with suppress(ValueError):  # not a slug
            candidates.append(str(entity_iri("asset", slug)))
    facts.load(c for c in candidates if _is_iri(c))
    found = [c for c in dict.fromkeys(candidates) if str(LX.DataAsset) in facts.values(c, RDF_TYPE)]
    if len(found) == 1:
        p = asset_neighbourhood(store, found[0], as_of, max_depth=max_depth)
        return p, Resolved(text, found[0], "asset", p.label(found[0]), RESOLVED_BY[0])
    p = projection_for(store)
    return p, resolve_ref(p, ref, "asset")


class _Walk:
    def __init__(self, facts: RemoteFacts, as_of: dt.date, max_depth: int) -> None:
        self.f, self.as_of, self.max_depth = facts, as_of, max_depth
        self.kept = _kept(facts)
        self.chosen: dict[str, None] = {}  # the subjects of the projection, in order

    def choose(self, subjects: Iterable[str]) -> None:
        self.chosen.update(dict.fromkeys(subjects))

    def asset(self, asset: str) -> Projection:
        f = self.f
        f.load([asset])
        if str(LX.DataAsset) not in f.values(asset, RDF_TYPE):
            raise UnknownReferenceError(asset)
        self.choose([asset])
        services = f.values(asset, LX.hostedOn)
        controllers_of_data = f.values(asset, LX.dataController)
        f.load(
            services,
            [(str(LX.concernsService), s) for s in services] + [(str(LX.party), c) for c in controllers_of_data],
        )
        contracts = [c for s in services for c in f.referrers[(str(LX.concernsService), s)]]
        contracts += [c for o in controllers_of_data for c in f.referrers[(str(LX.party), o)]]
        grants = [g for c in contracts for g in f.values(c, LX.grantsAccess)]
        f.load(grants)
        self.choose([*services, *contracts, *grants])
        custodians = [o for s in services for p in _HOSTS for o in f.values(s, p)]
        custodians += [o for g in grants for o in f.values(g, LX.grantee)]
        custodians += f.values(asset, LX.keysHeldBy)
        parties = [o for c in contracts for o in f.values(c, LX.party)]
        f.load([*parties, *controllers_of_data], [(str(LX.dataController), o) for o in parties])
        self.choose([*parties, *controllers_of_data])
        customers = {o for o in parties if f.referrers[(str(LX.dataController), o)]}
        asked = self.entities(custodians)
        presence = self.presence(asked)
        p = f.projection(self.chosen)
        p.customers = frozenset(customers | set(controllers_of_data))
        p.presence = presence
        return p

    def entities(self, custodians: list[str]) -> list[str]:
        """The organizations asked about: custodians, the companies of branches, their controllers."""
        f, roots = self.f, dict.fromkeys(custodians)
        todo = list(roots)
        while todo:  # companies of branches are custodians too (a branch is not a person)
            f.load(todo)
            todo = [b for o in todo for b in f.values(o, LX.branchOf) if b not in roots]
            roots.update(dict.fromkeys(todo))
        owners = self.upward(list(roots))
        shallow = f.projection([*roots, *owners])
        tests = {(None, 50.0)} | {
            (r.control_test, r.threshold if r.threshold is not None else 50.0)
            for ins in shallow.instruments.values()
            for r in ins.rules
            if r.kind == _CONTROL_RULE
        }
        asked = dict(roots)
        for org in roots:
            for test, threshold in sorted(tests, key=str):
                chains = controllers(shallow, org, self.as_of, test=test, threshold=threshold, max_depth=self.max_depth)
                asked.update(dict.fromkeys(c.controller for c in chains))
        f.load(asked, [(p, o) for o in asked for p in (*_ROLES, str(LX.branchOf))])
        self.choose([*roots, *owners])
        for o in asked:
            self.choose(s for p in _ROLES for s in f.referrers[(p, o)])
            self.choose(f.referrers[(str(LX.branchOf), o)])
        return list(asked)

    def upward(self, roots: list[str]) -> list[str]:
        """The owners of `roots` (and their interests) up to `max_depth` links, whatever the share."""
        f, seen, frontier, out = self.f, set(roots), list(roots), []
        for _ in range(self.max_depth):
            f.load(frontier, [(str(LX.owned), o) for o in frontier])
            interests = [i for o in frontier for i in f.referrers[(str(LX.owned), o)]]
            above = [w for i in interests for w in f.values(i, LX.owner)]
            above += [w for o in frontier for w in f.values(o, LX.consolidatedBy)]
            out += interests
            frontier = [w for w in dict.fromkeys(above) if w not in seen]
            seen.update(frontier)
            out += frontier
            if not frontier:
                break
        f.load(frontier)
        return out

    def presence(self, asked: list[str]) -> dict[tuple[str, dt.date], _Index]:
        """The ways down to a subsidiary in each area, from each organization asked about (their
        interests and organizations chosen for the projection)."""
        shared = self.f.shared()
        areas = sorted(
            {i.enacted_by for i in shared.instruments.values() if i.enacted_by}
            | {a for i in shared.instruments.values() for r in i.rules for a in (r.nexus_jurisdiction, r.protects) if a}
        )
        self.read_subsidiaries([o for o in asked if o not in self.kept.subsidiaries])
        out: dict[tuple[str, dt.date], _Index] = {}
        for area in areas:
            index: _Index = {}
            for org in asked:
                found = self.subsidiary_index(org, area)
                node = org
                while node in found and node not in index:  # the way down, link by link
                    index[node] = found[node]
                    child, interest, _depth = found[node]
                    self.choose([interest.iri, child])
                    node = child
            out[(area, self.as_of)] = index
        return out

    def read_subsidiaries(self, orgs: list[str]) -> None:
        """Read each organization's subsidiaries down to :data:`SUBSIDIARY_DEPTH` links, and keep
        each organization with them as a projection."""
        # (the interest, or the consolidated child itself; the child) below each node walked
        f, below, depth = self.f, dict[str, list[tuple[str, str]]](), dict[str, int]()
        frontier = dict.fromkeys(orgs, SUBSIDIARY_DEPTH)
        while frontier:
            expand = [n for n, left in frontier.items() if left > 0 and n not in below]
            f.load(frontier, [(p, o) for o in expand for p in (str(LX.owner), str(LX.consolidatedBy))])
            for node in expand:
                below[node] = [(i, c) for i in f.referrers[(str(LX.owner), node)] for c in f.values(i, LX.owned)]
                below[node] += [(c, c) for c in f.referrers[(str(LX.consolidatedBy), node)]]
            depth.update(frontier)
            nxt: dict[str, int] = {}
            for node, left in frontier.items():
                for _link, child in below.get(node, ()) if left > 0 else ():
                    if max(depth.get(child, -1), nxt.get(child, -1)) < left - 1:
                        nxt[child] = left - 1
            frontier = nxt
        for org in orgs:
            subjects, layer = dict.fromkeys([org]), [org]
            for _ in range(SUBSIDIARY_DEPTH):
                links = [(link, child) for node in layer for link, child in below.get(node, ())]
                layer = [child for _link, child in links if child not in subjects]
                subjects.update((s, None) for link, child in links for s in (link, child))
            self.kept.subsidiaries[org] = f.projection(subjects)

    def subsidiary_index(self, org: str, area: str) -> _Index:
        """Which of `org`'s subsidiaries (within :data:`SUBSIDIARY_DEPTH`) control one in `area`,
        found on them alone (kept per revision: the same group answers many questions)."""
        key = (org, area, self.as_of)
        found = self.kept.presence.get(key)
        if found is None:
            found = self.kept.presence[key] = companies_in(self.kept.subsidiaries[org], area, self.as_of)
        return found
