"""An in-memory projection of the store for fast traversal: the engine's working view.

The projection holds the asserted facts the reach engine and the ownership analytics
need — organizations, jurisdictions, ownership interests (as a networkx multigraph,
owner → owned), services, regions, contracts, assets, instruments with their reach
rules, sources — as plain Python objects keyed by IRI. It is read from every named graph
except the inferred ones and the provenance graph, with one scan per predicate, and is
brought up to date when the store changes (:func:`projection_for`): patched with the
subjects a write changed, or built again when the store cannot tell which.

Examples
--------
>>> from longarm.graph.store import Store
>>> from longarm.graph.loading import load_bundled
>>> store = Store.in_memory()
>>> _ = load_bundled(store)
>>> p = projection_for(store)
>>> p.orgs[iri("org", "bleu")].label
'Bleu'
>>> p.ownership.number_of_edges() >= 70
True
>>> projection_for(store) is p  # cached until the store changes
True
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from ..ontology.namespace import DCTERMS, LX, SKOS, entity_iri
from .acyclic import making_acyclic_objects
from .dates import date_window
from .snapshot import load_snapshot_and_changes, save_snapshot, snapshot_revision
from .store import CHANGE_LOG_SUBJECTS, Store, fact_graphs

__all__ = [
    "PATCH_LIMIT",
    "RULE_KINDS",
    "SAVE_AFTER_SUBJECTS",
    "Asset",
    "Contract",
    "Dated",
    "Grant",
    "Instrument",
    "Interest",
    "Org",
    "Projection",
    "ProjectionReader",
    "Rows",
    "Rule",
    "Service",
    "SourceRef",
    "build_projection",
    "cached_projection",
    "date_uncertain",
    "date_window",
    "iri",
    "projection_for",
    "store_rows",
    "term_key",
    "valid_at",
]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RULE_KINDS = frozenset(
    {
        str(LX.SubjectCategoryRule),
        str(LX.NexusRule),
        str(LX.LocationRule),
        str(LX.ControlRule),
        str(LX.ConflictRule),
    }
)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source as shown with an answer: IRI, label, date and URL."""

    iri: str
    label: str
    date: str | None
    url: str | None


@dataclass(slots=True)
class Dated:
    """A sourced fact with its validity, as precise as its sources.

    `valid_from` is the earliest day the fact can have begun and `valid_until` the latest
    day it can have ended (None: open). A start known only to the year, the month, or to
    lie between two days is a window: `from_latest` is then the latest day it can have
    begun; likewise `until_earliest` for the end. Inside a window the fact is uncertain
    (:func:`date_uncertain`); `from_text` and `until_text` say the dates as the sources
    give them ("2025", "2021-11-29 at the latest").
    """

    iri: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    sources: list[str] = field(default_factory=list)
    confidence: str | None = None
    caveats: list[str] = field(default_factory=list)
    from_latest: dt.date | None = None
    until_earliest: dt.date | None = None
    from_text: str | None = None
    until_text: str | None = None


@dataclass(slots=True)
class Org(Dated):
    """An organization (company, branch, state, family, person as owner)."""

    label: str = ""
    kind: str | None = None
    incorporated: frozenset[str] = frozenset()
    headquarters: frozenset[str] = frozenset()
    establishments: frozenset[str] = frozenset()
    branch_of: str | None = None
    categories: frozenset[str] = frozenset()
    aliases: list[str] = field(default_factory=list)
    lei: str | None = None
    wikidata: str | None = None
    #: False when the sources show subsidiaries (or owners) the data does not record.
    subsidiaries_recorded: bool | None = None
    owners_recorded: bool | None = None


@dataclass(slots=True)
class Interest(Dated):
    """An ownership interest of `owner` in `owned` (shares in percent)."""

    owner: str = ""
    owned: str = ""
    kind: str = ""
    capital: float | None = None
    capital_min: float | None = None
    capital_max: float | None = None
    votes: float | None = None
    votes_min: float | None = None
    votes_max: float | None = None
    indirect: bool = False
    label: str | None = None
    #: The agreement (a contract IRI) that keeps the owner from exercising control.
    control_limited_by: str | None = None


@dataclass(slots=True)
class Service(Dated):
    """A cloud offering and who provides, operates, contracts and licenses it."""

    label: str = ""
    providers: set[str] = field(default_factory=set)
    operators: set[str] = field(default_factory=set)
    contracting: set[str] = field(default_factory=set)
    licensors: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Grant:
    """A technical access a contract grants to one organization."""

    node: str
    grantee: str
    access_kind: str
    confidence: str | None
    sources: list[str]
    caveats: list[str]


@dataclass(slots=True)
class Contract(Dated):
    """A contract with its parties, services and technical-access grants."""

    label: str = ""
    kind: str | None = None
    parties: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    grants: list[Grant] = field(default_factory=list)


@dataclass(slots=True)
class Asset(Dated):
    """A customer's data asset."""

    label: str = ""
    controller: str | None = None
    services: set[str] = field(default_factory=set)
    stored_in: set[str] = field(default_factory=set)
    keys_held_by: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Rule:
    """One reach rule as data: its kind (a closed set) and its parameters."""

    node: str
    kind: str
    categories: set[str] = field(default_factory=set)
    nexus: set[str] = field(default_factory=set)
    nexus_jurisdiction: str | None = None
    location: str | None = None
    location_jurisdiction: str | None = None
    control_test: str | None = None
    threshold: float | None = None
    tier_if_only: str | None = None
    protects: str | None = None
    #: Conditions of a conflict rule: the ordering instrument is enacted outside this
    #: jurisdiction; the data is stored in this one.
    issuer_outside: str | None = None
    data_stored_in: str | None = None
    sources: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    #: The period the rule applies in (e.g. once an international agreement is in force).
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    from_latest: dt.date | None = None
    until_earliest: dt.date | None = None


@dataclass(slots=True)
class Instrument(Dated):
    """A legal instrument with its reach rules."""

    label: str = ""
    notation: str = ""
    citation: str | None = None
    enacted_by: str | None = None
    kinds: set[str] = field(default_factory=set)
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    residual_until: dt.date | None = None
    #: The latest day it can have come into force, when its date is known only to the year or month.
    in_force_from_latest: dt.date | None = None
    in_force_text: str | None = None
    authorities: set[str] = field(default_factory=set)
    compels: set[str] = field(default_factory=set)
    challenge_routes: list[str] = field(default_factory=list)
    secrecy: list[str] = field(default_factory=list)
    has_gag: bool | None = None
    rules: list[Rule] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Projection:
    """The engine's in-memory view of the store; see the module docstring."""

    labels: dict[str, str] = field(default_factory=dict)
    orgs: dict[str, Org] = field(default_factory=dict)
    jurisdictions: dict[str, str] = field(default_factory=dict)  # IRI -> ISO code or label
    member_of: dict[str, set[str]] = field(default_factory=dict)
    jurisdiction_sources: dict[str, list[str]] = field(default_factory=dict)
    interests: dict[str, Interest] = field(default_factory=dict)
    ownership: nx.MultiDiGraph[str] = field(default_factory=nx.MultiDiGraph)
    services: dict[str, Service] = field(default_factory=dict)
    services_by_org: dict[str, set[str]] = field(default_factory=dict)
    branches: dict[str, set[str]] = field(default_factory=dict)
    region_jurisdiction: dict[str, str] = field(default_factory=dict)
    region_sources: dict[str, list[str]] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)
    contracts_by_service: dict[str, list[str]] = field(default_factory=dict)
    contracts_by_party: dict[str, list[str]] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)
    instruments: dict[str, Instrument] = field(default_factory=dict)
    authority_jurisdiction: dict[str, str] = field(default_factory=dict)
    sources: dict[str, SourceRef] = field(default_factory=dict)
    reaches_data: dict[str, bool] = field(default_factory=dict)
    implies: dict[str, set[str]] = field(default_factory=dict)
    may_imply: dict[str, set[str]] = field(default_factory=dict)
    universal_categories: set[str] = field(default_factory=set)
    #: Kinds of organization other than companies that a subject category binds.
    binds_kinds: dict[str, set[str]] = field(default_factory=dict)
    # What the engine derives from the facts (evidence, chains, indexes) is not kept here
    # but in typed caches per projection (graph/memo.py), dropped with the projection.

    def __getstate__(self) -> dict[str, object]:
        """What a snapshot holds: the facts, not what is derived from them.

        The ownership multigraph is rebuilt from the interests when loaded (networkx keeps
        four nested dicts per edge: pickling them costs more than making them again).
        """
        state = dict(self.__dict__)
        state["ownership"] = list(self.ownership.nodes)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        nodes = state.pop("ownership")
        self.__dict__.update(state)
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        graph.add_nodes_from(nodes)  # type: ignore[arg-type]
        for key, i in self.interests.items():
            graph.add_edge(i.owner, i.owned, key=key)
        self.ownership = graph

    def label(self, iri: str) -> str:
        """The label of a node, or the last segment of its IRI."""
        return self.labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def within(self, jurisdiction: str, area: str) -> bool:
        """True if `jurisdiction` is `area` or a member of it (EU members are in the EU)."""
        return jurisdiction == area or area in self.member_of.get(jurisdiction, set())

    def fact_node(self, iri: str) -> Dated | None:
        """The sourced node (interest, organization, service, contract, asset, instrument) at `iri`."""
        for table in (self.interests, self.orgs, self.services, self.contracts, self.assets, self.instruments):
            node = table.get(iri)
            if node is not None:
                return node
        return None

    def fact_sources(self, iri: str) -> list[str]:
        """The sources of the fact node at `iri` (also regions and jurisdictions)."""
        node = self.fact_node(iri)
        if node is not None:
            return node.sources
        return self.region_sources.get(iri) or self.jurisdiction_sources.get(iri, [])

    def source_refs(self, iris: list[str]) -> list[SourceRef]:
        """Sources of a fact as shown to users, newest first."""
        refs = [self.sources.get(i) or SourceRef(i, self.label(i), None, None) for i in iris]
        return sorted(refs, key=lambda r: (r.date or "", r.label), reverse=True)


def iri(kind: str, slug: str) -> str:
    """The IRI of an instance as a plain string (projection keys are strings).

    >>> iri("org", "bleu") == str(entity_iri("org", "bleu"))
    True
    """
    return str(entity_iri(kind, slug))


def valid_at(fact: Dated | Rule, as_of: dt.date) -> bool:
    """True if `fact` may hold on `as_of`: open ends hold forever; inside a window it may.

    >>> f = Dated("x", valid_from=dt.date(2025, 1, 1), from_latest=dt.date(2025, 12, 31))
    >>> valid_at(f, dt.date(2024, 12, 31)), valid_at(f, dt.date(2025, 3, 1))
    (False, True)
    """
    if fact.valid_from is not None and as_of < fact.valid_from:
        return False
    return not (fact.valid_until is not None and as_of > fact.valid_until)


def date_uncertain(fact: Dated | Rule, as_of: dt.date) -> bool:
    """True if `as_of` falls in the window of the start or the end of `fact` (it may not hold).

    >>> f = Dated("x", valid_from=dt.date(2025, 7, 7), from_latest=dt.date(2025, 12, 31))
    >>> [date_uncertain(f, dt.date(*d)) for d in ((2025, 7, 1), (2025, 8, 1), (2026, 1, 1))]
    [False, True, False]
    """
    if not valid_at(fact, as_of):
        return False
    if fact.from_latest is not None and as_of < fact.from_latest:
        return True
    return fact.until_earliest is not None and as_of > fact.until_earliest


def _start_window(
    value: str | None, not_before: str | None, not_after: str | None
) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(earliest, latest or None when exact, text when imprecise) of a start date with its bounds."""
    window = date_window(value)
    low = window[0] if window else None
    high = window[1] if window else None
    nb, na = date_window(not_before), date_window(not_after)
    if nb is not None and (low is None or nb[0] > low):
        low = nb[0]
    if na is not None and (high is None or na[1] < high):
        high = na[1]
    if high is not None and low == high:  # a day: exact
        return low, None, None
    parts = [value] if value is not None and (window is None or window[0] != window[1]) else []
    if nb is not None:
        parts.append(f"not before {not_before}")
    if na is not None:
        parts.append(f"{not_after} at the latest")
    return low, high, ", ".join(parts) or None


def _end_window(value: str | None) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(latest, earliest or None when exact, text when imprecise) of an end date."""
    window = date_window(value)
    if window is None:
        return None, None, None
    if window[0] == window[1]:
        return window[1], None, None
    return window[1], window[0], value


# ---------------------------------------------------------------------- building


def build_projection(store: Store) -> Projection:
    """Read the store (all graphs but inferred and provenance ones) into a projection."""
    graphs = fact_graphs(store.named_graphs())
    with making_acyclic_objects():  # millions of acyclic objects (graph/acyclic.py)
        return ProjectionReader(store_rows(store.oxigraph, graphs)).build()


_CACHE: weakref.WeakKeyDictionary[Store, tuple[int, Projection]] = weakref.WeakKeyDictionary()


def projection_for(store: Store, *, snapshot_after: float = 2.0) -> Projection:
    """The projection of `store`, made again only when the store has changed.

    Three ways, cheapest first:

    - patched: when the writes since the projection was made said which subjects they
      changed (:meth:`~longarm.graph.store.Store.changed_subjects`), at most
      :data:`PATCH_LIMIT` of them, only those are read again
      (:mod:`longarm.graph.projection_patch`);
    - loaded: an on-disk store keeps a snapshot of its projection beside it
      (:mod:`longarm.graph.snapshot`); the first call after a restart loads it, patched
      with what the store's change log says was written since it was saved;
    - built from the whole store otherwise. A build that took at least `snapshot_after`
      seconds is saved as the new snapshot; a patched one is saved in a background thread
      once the snapshot lags more than :data:`SAVE_AFTER_SUBJECTS` subjects behind.

    Concurrent callers wait for one projection instead of each making their own.
    """
    current = cached_projection(store)
    if current is not None:
        return current
    with _BUILDING:
        key = store.version()
        current = cached_projection(store)
        if current is not None:
            return current
        stale = _CACHE.get(store)
        changed = store.changed_subjects(stale[0]) if stale is not None else None
        if stale is not None and changed is not None and len(changed) <= PATCH_LIMIT:
            projection = _patched(store, stale[1], changed)
        elif (loaded := load_snapshot_and_changes(store)) is not None:
            projection = _patched(store, *loaded) if loaded[1] else loaded[0]
        else:
            start, revision = time.perf_counter(), store.revision()
            projection = build_projection(store)
            if revision is not None and time.perf_counter() - start >= snapshot_after:
                save_snapshot(store, projection, revision)
        _CACHE[store] = (key, projection)
        return projection


def _patched(store: Store, projection: Projection, changed: frozenset[ox.NamedNode | ox.BlankNode]) -> Projection:
    from .projection_patch import patched_projection  # it builds on this module

    revision = store.revision()
    projection = patched_projection(store, projection, changed)
    _save_later(store, projection, revision)
    return projection


def _save_later(store: Store, projection: Projection, revision: str | None) -> None:
    """Save a patched projection as the snapshot, off the caller's thread, once the snapshot lags far behind.

    Saving is costly (41 s at a million organizations, holding the interpreter most of
    that time: answers wait), and a restart brings the snapshot up to date with the store's
    change log in a fraction of a second. So a patched projection is saved only when the
    subjects changed since the snapshot pass :data:`SAVE_AFTER_SUBJECTS` (or the log cannot
    tell them, or has grown past 1 MB), and never for a store without a snapshot (small
    enough to read again).
    """
    saved = snapshot_revision(store)
    if saved is None or revision is None:
        return
    if store.change_log_bytes() <= _LOG_BYTES_KEPT:  # else many small writes: read at every patch
        behind = store.changed_subjects_since_revision(saved)
        if behind is not None and len(behind) <= SAVE_AFTER_SUBJECTS:
            return

    def save() -> None:
        with _SAVING:
            save_snapshot(store, projection, revision)  # does nothing once the store has changed again

    threading.Thread(target=save, name="longarm-snapshot", daemon=True).start()


def cached_projection(store: Store) -> Projection | None:
    """The projection of `store` if it is already made for the store as it is now, else None (never builds)."""
    cached = _CACHE.get(store)
    if cached is not None and cached[0] == store.version():
        return cached[1]
    return None


_BUILDING = threading.Lock()
_SAVING = threading.Lock()
#: The most subjects a write may change for the projection to be patched, not rebuilt.
PATCH_LIMIT = CHANGE_LOG_SUBJECTS
#: A patched projection is saved as the snapshot once this many subjects changed since the
#: snapshot was saved; below, a restart patches the snapshot with the change log instead.
SAVE_AFTER_SUBJECTS = 5_000
_LOG_BYTES_KEPT = 1 << 20


#: Where a reader takes its rows from: the (subject, object) terms of one predicate IRI.
Rows = Callable[[str], Iterable[tuple[object, object]]]


def store_rows(inner: ox.Store, graphs: list[str]) -> Rows:
    """The rows of the chosen graphs of a store, one two-column scan per predicate.

    A SELECT of the two columns, over the graphs as the default graph, decodes only the
    subject and the object: reading quads would also decode the predicate and the graph
    of every quad, which on disk costs a RocksDB lookup each. The predicate is one of the
    reader's own constants, serialised by Oxigraph, never user text.
    """
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(g) for g in graphs]

    def rows(predicate: str) -> Iterator[tuple[object, object]]:
        solutions = inner.query(f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}", default_graph=default)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            yield row[0], row[1]

    return rows


class ProjectionReader:
    """Reads rows (:data:`Rows`: a store's, or given statements') into a :class:`Projection`.

    :func:`build_projection` gives it a whole store's rows (:func:`store_rows`);
    :mod:`longarm.graph.projection_patch` gives it the statements of the subjects a write
    changed, and merges what it reads into the projection before the write.
    """

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.p = Projection()
        # One str object per distinct IRI or value: at a million organizations the same
        # IRI would otherwise be held once per triple it appears in.
        self.strings: dict[str, str] = {}
        self.sets: dict[frozenset[str], frozenset[str]] = {}
        self.starts: dict[str, _Window] = {}
        self.ends: dict[str, _Window] = {}

    def scan(self, predicate: object) -> Iterator[tuple[str, object]]:
        """(subject key, object term) of each row of `predicate`, one str per distinct subject."""
        strings = self.strings
        for subject, obj in self.rows(str(predicate)):
            key = term_key(subject)
            yield strings.setdefault(key, key), obj

    def values(self, predicate: object) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        strings = self.strings
        for s, o in self.scan(predicate):
            text = _text(o)
            out[s].append(strings.setdefault(text, text))
        return out

    def shared(self, values: dict[str, list[str]]) -> dict[str, list[str]]:
        """The same lists, one list object per distinct content (a million organizations
        citing the same source share one list: less memory, and a snapshot loads faster)."""
        canonical: dict[tuple[str, ...], list[str]] = {}
        return {s: canonical.setdefault(tuple(vs), vs) for s, vs in values.items()}

    def frozen(self, values: list[str] | None) -> frozenset[str]:
        """A frozenset of `values`, one object per distinct content (see :meth:`shared`)."""
        if not values:
            return _EMPTY
        key = frozenset(values)
        return self.sets.setdefault(key, key)

    def single(self, predicate: object) -> dict[str, str]:
        """The first value of `predicate` for each subject (a single-valued property)."""
        out: dict[str, str] = {}
        strings = self.strings
        for s, o in self.scan(predicate):
            if s not in out:
                text = _text(o)
                out[s] = strings.setdefault(text, text)
        return out

    def build(self) -> Projection:
        p = self.p
        types: dict[str, set[str]] = defaultdict(set)
        for s, o in self.scan(RDF_TYPE):
            types[str(_text(o))].add(s)
        for pred in (RDFS_LABEL, SKOS.prefLabel):
            for s, o in self.scan(pred):
                # Answers are in English; French labels stay in the store for SPARQL users.
                if not isinstance(o, ox.Literal) or o.language in (None, "en"):
                    p.labels.setdefault(s, _text(o))
        alt = self.values(SKOS.altLabel)
        sources = self.shared(self.values(DCTERMS.source))
        confidence = self.single(LX.confidence)
        caveats = self.shared(self.values(LX.caveat))
        raw_from, raw_until = self.single(LX.validFrom), self.single(LX.validUntil)
        not_before, not_after = self.single(LX.notBefore), self.single(LX.notAfter)
        starts = {
            s: _start_window(raw_from.get(s), not_before.get(s), not_after.get(s))
            for s in raw_from.keys() | not_before.keys() | not_after.keys()
        }
        ends = {s: _end_window(v) for s, v in raw_until.items()}
        self.starts, self.ends = starts, ends

        def dated(obj: Dated) -> None:
            start, end = starts.get(obj.iri), ends.get(obj.iri)
            if start is not None:
                obj.valid_from, obj.from_latest, obj.from_text = start
            if end is not None:
                obj.valid_until, obj.until_earliest, obj.until_text = end
            obj.sources = sources.get(obj.iri, _NO_VALUES)
            obj.confidence = confidence.get(obj.iri)
            obj.caveats = caveats.get(obj.iri, _NO_VALUES)

        # sources
        dates = self.single(DCTERMS.date)
        retrieved = self.single(LX.retrievedOn)
        urls = self.single(LX.url)
        for s in types[str(LX.Source)]:
            p.sources[s] = SourceRef(s, p.labels.get(s, s), dates.get(s) or retrieved.get(s), urls.get(s))

        # jurisdictions
        iso = self.single(LX.isoCode)
        for s in types[str(LX.Jurisdiction)]:
            p.jurisdictions[s] = iso.get(s) or p.labels.get(s, s)
            p.jurisdiction_sources[s] = sources.get(s, [])
        for s, vs in self.values(LX.memberOf).items():
            p.member_of[s] = set(vs)

        # organizations
        kind = self.single(LX.organizationKind)
        inc, hq, est = (
            self.values(LX.incorporatedIn),
            self.values(LX.headquarteredIn),
            self.values(LX.hasEstablishmentIn),
        )
        branch = self.single(LX.branchOf)
        cats = self.values(LX.subjectCategory)
        lei = self.single(LX.lei)
        wd = self.single(LX.wikidata)
        subs_rec, owners_rec = self.single(LX.subsidiariesRecorded), self.single(LX.ownersRecorded)
        for s in types[str(LX.Organization)]:
            org = Org(
                s,
                label=p.labels.get(s, s),
                kind=kind.get(s),
                incorporated=self.frozen(inc.get(s)),
                headquarters=self.frozen(hq.get(s)),
                establishments=self.frozen(est.get(s)),
                branch_of=branch.get(s),
                categories=self.frozen(cats.get(s)),
                aliases=alt.get(s, _NO_VALUES),
                lei=lei.get(s),
                wikidata=wd.get(s),
                subsidiaries_recorded=_bool(subs_rec.get(s)),
                owners_recorded=_bool(owners_rec.get(s)),
            )
            dated(org)
            p.orgs[s] = org
            p.ownership.add_node(s)
            if org.branch_of:
                p.branches.setdefault(org.branch_of, set()).add(s)

        # ownership interests (one dict per column, looked up once: not per interest)
        owners, owneds, ikind, indirect, limited = (
            self.single(pred) for pred in (LX.owner, LX.owned, LX.interestKind, LX.indirect, LX.controlLimitedBy)
        )
        cap, cap_min, cap_max, votes, votes_min, votes_max = (
            {s: _num(v) for s, v in self.single(pred).items()}
            for pred in (
                LX.shareOfCapital,
                LX.shareOfCapitalMin,
                LX.shareOfCapitalMax,
                LX.shareOfVotes,
                LX.shareOfVotesMin,
                LX.shareOfVotesMax,
            )
        )
        labels, interests, add_edge = p.labels, p.interests, p.ownership.add_edge
        for s in types[str(LX.OwnershipInterest)]:
            owner, owned = owners.get(s), owneds.get(s)
            if owner is None or owned is None:
                continue
            i = Interest(
                s,
                owner=owner,
                owned=owned,
                kind=ikind.get(s, ""),
                capital=cap.get(s),
                capital_min=cap_min.get(s),
                capital_max=cap_max.get(s),
                votes=votes.get(s),
                votes_min=votes_min.get(s),
                votes_max=votes_max.get(s),
                indirect=indirect.get(s) == "true",
                label=labels.get(s),
                control_limited_by=limited.get(s),
            )
            dated(i)
            interests[s] = i
            add_edge(owner, owned, key=s)

        # regions and services
        for s, vs in self.values(LX.locatedIn).items():
            p.region_jurisdiction[s] = vs[0]
        for s in types[str(LX.Region)]:
            p.region_sources[s] = sources.get(s, [])
        prov, ops, con, lic = (
            self.values(x) for x in (LX.provider, LX.operatedBy, LX.contractingEntity, LX.technologyLicensor)
        )
        hosted, scat = self.values(LX.hostedIn), self.values(LX.serviceCategory)
        for s in types[str(LX.Service)]:
            svc = Service(
                s,
                label=p.labels.get(s, s),
                providers=set(prov.get(s, [])),
                operators=set(ops.get(s, [])),
                contracting=set(con.get(s, [])),
                licensors=set(lic.get(s, [])),
                regions=set(hosted.get(s, [])),
                categories=set(scat.get(s, [])),
                aliases=alt.get(s, []),
            )
            dated(svc)
            p.services[s] = svc
            for org_iri in svc.providers | svc.operators | svc.contracting:
                p.services_by_org.setdefault(org_iri, set()).add(s)

        # contracts and grants
        parties, ckind, concerns = self.values(LX.party), self.values(LX.contractKind), self.values(LX.concernsService)
        grants, grantee, akind = self.values(LX.grantsAccess), self.values(LX.grantee), self.values(LX.accessKind)
        for s in types[str(LX.Contract)]:
            c = Contract(
                s,
                label=p.labels.get(s, s),
                kind=next(iter(ckind.get(s, [])), None),
                parties=set(parties.get(s, [])),
                services=set(concerns.get(s, [])),
            )
            dated(c)
            for g in grants.get(s, []):
                if g in grantee and g in akind:
                    c.grants.append(
                        Grant(g, grantee[g][0], akind[g][0], confidence.get(g), sources.get(g, []), caveats.get(g, []))
                    )
            p.contracts[s] = c
            for concerned in c.services:
                p.contracts_by_service.setdefault(concerned, []).append(s)
            for party in c.parties:
                p.contracts_by_party.setdefault(party, []).append(s)

        # assets
        ctrl, on, stored = self.values(LX.dataController), self.values(LX.hostedOn), self.values(LX.storedIn)
        keys, dcat = self.values(LX.keysHeldBy), self.values(LX.dataCategory)
        for s in types[str(LX.DataAsset)]:
            a = Asset(
                s,
                label=p.labels.get(s, s),
                controller=next(iter(ctrl.get(s, [])), None),
                services=set(on.get(s, [])),
                stored_in=set(stored.get(s, [])),
                keys_held_by=set(keys.get(s, [])),
                categories=set(dcat.get(s, [])),
                aliases=alt.get(s, []),
            )
            dated(a)
            p.assets[s] = a

        # code lists
        for s, vs in self.values(LX.reachesData).items():
            p.reaches_data[s] = vs[0] == "true"
        for s, vs in self.values(LX.impliesCategory).items():
            p.implies[s] = set(vs)
        for s, vs in self.values(LX.mayImplyCategory).items():
            p.may_imply[s] = set(vs)
        p.universal_categories = {s for s, vs in self.values(LX.appliesToAnyOrganization).items() if vs[0] == "true"}
        for s, vs in self.values(LX.bindsOrganizationKind).items():
            p.binds_kinds[s] = set(vs)

        # authorities and instruments
        for s, vs in self.values(LX.actsFor).items():
            p.authority_jurisdiction[s] = vs[0]
        self._instruments(types, alt, dated)
        self.strings.clear()
        self.sets.clear()
        return p

    def _instruments(
        self, types: dict[str, set[str]], alt: dict[str, list[str]], dated: Callable[[Dated], None]
    ) -> None:
        p = self.p
        v = {
            str(pred): self.values(pred)
            for pred in (
                SKOS.notation,
                LX.citation,
                LX.enactedBy,
                LX.instrumentKind,
                LX.inForceFrom,
                LX.notBefore,
                LX.notAfter,
                LX.inForceUntil,
                LX.residualUntil,
                LX.wieldedBy,
                LX.compels,
                LX.challengeRoute,
                LX.secrecy,
                LX.hasGag,
                LX.reachRule,
                LX.category,
                LX.nexus,
                LX.nexusJurisdiction,
                LX.location,
                LX.locationJurisdiction,
                LX.controlTest,
                LX.threshold,
                LX.confidenceIfOnly,
                LX.protects,
                LX.issuerOutside,
                LX.dataStoredIn,
                DCTERMS.source,
                LX.caveat,
            )
        }

        def first(pred: object, s: str) -> str | None:
            vals = v[str(pred)].get(s)
            return vals[0] if vals else None

        rule_types: dict[str, set[str]] = defaultdict(set)
        for kind in RULE_KINDS:
            for node in types.get(kind, set()):
                rule_types[node].add(kind)
        for s in types[str(LX.LegalInstrument)]:
            in_force = _start_window(first(LX.inForceFrom, s), first(LX.notBefore, s), first(LX.notAfter, s))
            ins = Instrument(
                s,
                label=p.labels.get(s, s),
                notation=first(SKOS.notation, s) or "",
                citation=first(LX.citation, s),
                enacted_by=first(LX.enactedBy, s),
                kinds=set(v[str(LX.instrumentKind)].get(s, [])),
                in_force_from=in_force[0],
                in_force_until=_end_window(first(LX.inForceUntil, s))[0],
                residual_until=_end_window(first(LX.residualUntil, s))[0],
                in_force_from_latest=in_force[1],
                in_force_text=in_force[2],
                authorities=set(v[str(LX.wieldedBy)].get(s, [])),
                compels=set(v[str(LX.compels)].get(s, [])),
                challenge_routes=v[str(LX.challengeRoute)].get(s, []),
                secrecy=v[str(LX.secrecy)].get(s, []),
                has_gag=None if first(LX.hasGag, s) is None else first(LX.hasGag, s) == "true",
                aliases=alt.get(s, []),
            )
            dated(ins)
            for node in v[str(LX.reachRule)].get(s, []):
                kinds = rule_types.get(node, set())
                if len(kinds) != 1:
                    continue  # the shapes refuse such rules at load time
                start, end = self.starts.get(node), self.ends.get(node)
                ins.rules.append(
                    Rule(
                        node,
                        next(iter(kinds)),
                        categories=set(v[str(LX.category)].get(node, [])),
                        nexus=set(v[str(LX.nexus)].get(node, [])),
                        nexus_jurisdiction=first(LX.nexusJurisdiction, node),
                        location=first(LX.location, node),
                        location_jurisdiction=first(LX.locationJurisdiction, node),
                        control_test=first(LX.controlTest, node),
                        threshold=_num(first(LX.threshold, node)),
                        tier_if_only=first(LX.confidenceIfOnly, node),
                        protects=first(LX.protects, node),
                        issuer_outside=first(LX.issuerOutside, node),
                        data_stored_in=first(LX.dataStoredIn, node),
                        sources=v[str(DCTERMS.source)].get(node, []),
                        caveats=v[str(LX.caveat)].get(node, []),
                        valid_from=start[0] if start else None,
                        from_latest=start[1] if start else None,
                        valid_until=end[0] if end else None,
                        until_earliest=end[1] if end else None,
                    )
                )
            p.instruments[s] = ins


_Window = tuple[dt.date | None, dt.date | None, str | None]
_EMPTY: frozenset[str] = frozenset()
_NO_VALUES: list[str] = []  # shared by every node without values: never mutated


def term_key(term: object) -> str:
    """The key of a subject term in the projection's tables: an IRI's value, a blank node's text."""
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def _text(term: object) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _bool(value: str | None) -> bool | None:
    return None if value is None else value in ("true", "1")


def _num(value: str | None) -> float | None:
    return None if value is None else float(value)
