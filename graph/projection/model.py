"""The projection's record model: the engine's in-memory view of the store, as plain objects.

The projection holds the asserted facts the reach engine and the ownership analytics
need — organizations, jurisdictions, ownership interests (as a networkx multigraph,
owner → owned), services, regions, contracts, assets, instruments with their reach
rules, sources — as plain Python objects keyed by IRI. :mod:`.reader` reads them from
the store, :mod:`.patch` brings them up to date with a write, :mod:`.snapshot` saves and
loads them beside an on-disk store, and :mod:`.cache` decides which of those to do
(:func:`~longarm.graph.projection.cache.projection_for`).

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> store = Store.in_memory()
>>> _ = load_bundled(store)
>>> p = projection_for(store)
>>> p.orgs[iri("org", "bleu")].label
'Bleu'
>>> p.ownership.number_of_edges() >= 70
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import networkx as nx

from ...ontology.namespace import LX, entity_iri

__all__ = [
    "RDFS_LABEL",
    "RDF_TYPE",
    "RULE_KINDS",
    "Asset",
    "Certification",
    "Contract",
    "ControlEpoch",
    "Dated",
    "Grant",
    "Instrument",
    "Interest",
    "Level",
    "Org",
    "Projection",
    "Requirement",
    "RequirementCriterion",
    "Rule",
    "Service",
    "SourceRef",
    "consolidation_key",
    "date_uncertain",
    "iri",
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
    #: Accounting-consolidation parents (``lx:consolidatedBy``, as GLEIF gives them): each is
    #: also an interest of the projection, keyed by :func:`consolidation_key`, of kind ``consolidatedBy``.
    consolidated_by: frozenset[str] = frozenset()
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
    #: The notice its terms commit the provider to give customers of a change (``lx:noticePeriod``).
    notice_period: str | None = None


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
    #: Whether it guarantees the provider continuous operating autonomy (None: not on record).
    autonomy: bool | None = None


@dataclass(slots=True)
class RequirementCriterion(Dated):
    """A criterion of a requirement: its kind (``lx:SeatInArea``, ``lx:HoldingCaps``) and parameters."""

    label: str = ""
    clause: str | None = None
    kind: str = ""
    area: str | None = None
    individual_cap: float | None = None
    collective_cap: float | None = None
    margin: float = 0.0
    control_threshold: float | None = None
    scheme: str | None = None  # lx:qualificationScheme
    notice_period: str | None = None  # lx:noticePeriod, an xsd:duration
    level: str | None = None  # lx:requiredFor: the lowest level of a graded requirement it is required for


@dataclass(slots=True)
class Level(Dated):
    """A level of a requirement graded in levels (SEAL-0 … SEAL-4), by rank from 0."""

    label: str = ""
    rank: int = 0
    definition: str = ""


@dataclass(slots=True)
class Requirement(Dated):
    """A rule a buyer must apply (SecNumCloud 3.2 §19.6 …), made of criteria; in force from `valid_from`."""

    label: str = ""
    citation: str | None = None
    criteria: list[RequirementCriterion] = field(default_factory=list)
    #: The data categories it applies to: a requirement with a scope is assessed for a data asset.
    scope: frozenset[str] = frozenset()
    #: Its levels by rank, for a requirement graded in levels (empty otherwise).
    levels: list[Level] = field(default_factory=list)


@dataclass(slots=True)
class Certification(Dated):
    """A qualification or certification (SecNumCloud …) of a service, held by an organization."""

    label: str = ""
    scheme: str | None = None
    status: str | None = None
    holder: str | None = None
    services: set[str] = field(default_factory=set)
    decision: str | None = None
    version: str | None = None


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


class ControlEpoch:
    """A token shared by projections that hold the same control facts (a key for caches, held weakly)."""

    __slots__ = ("__weakref__",)


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
    requirements: dict[str, Requirement] = field(default_factory=dict)
    certifications: dict[str, Certification] = field(default_factory=dict)
    authority_jurisdiction: dict[str, str] = field(default_factory=dict)
    sources: dict[str, SourceRef] = field(default_factory=dict)
    reaches_data: dict[str, bool] = field(default_factory=dict)
    implies: dict[str, set[str]] = field(default_factory=dict)
    may_imply: dict[str, set[str]] = field(default_factory=dict)
    universal_categories: set[str] = field(default_factory=set)
    #: Kinds of organization other than companies that a subject category binds.
    binds_kinds: dict[str, set[str]] = field(default_factory=dict)
    # What the engine derives from the facts (evidence, chains, indexes) is not kept here
    # but in typed caches per projection (graph/base/memo.py), dropped with the projection.
    #: Shared by the projections that hold the same control facts (organizations' places,
    #: interests, jurisdictions): a patch that only adds organizations with no interest, or
    #: changes other facts, keeps it, so caches of control keyed by it outlive the patch.
    control_epoch: ControlEpoch = field(default_factory=ControlEpoch, compare=False)
    #: Where the projection holds one question's neighbourhood, not every asset (a remote
    #: store: graph/engine/neighbourhood.py): the data controllers among the organizations it
    #: holds. None: the controllers of `assets`.
    customers: frozenset[str] | None = None
    #: Where it holds a neighbourhood: the subsidiary-presence index of its organizations by
    #: (area, date), read from each one's subsidiaries. None: made from `orgs`.
    presence: dict[tuple[str, dt.date], dict[str, tuple[str, Interest, int]]] | None = None

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


def consolidation_key(child: str, parent: str) -> str:
    """The key of the interest that stands for "`child` is consolidated by `parent`" (not a node of the store).

    >>> consolidation_key("https://e.org/a", "https://e.org/b")
    'https://e.org/a#consolidated-by-1c56484659bd'
    """
    return f"{child}#consolidated-by-{hashlib.sha256(parent.encode()).hexdigest()[:12]}"


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
