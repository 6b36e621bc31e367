"""Reach inference: who may be compelled to give access to a data asset, at a date, and why.

The five steps of the design, over the projection:

1. **Custodians** — who holds or can reach the data: the operator of each hosting
   service (possession), the contracting entity, and every party a contract gives
   data-reaching technical access (custody). A licensor or a party with access that does
   not reach data (software updates, telemetry) is a *dependency*, not a custodian.
2. **Compellable entities** — each custodian; each entity that controls a custodian
   through the ownership chain, under the instrument's own control test; and entities
   present in the instrument's jurisdiction through a subsidiary or a branch.
3. **Instruments** — every instrument in force (or in its residual period) whose
   subject-category, nexus and data-location rules the entity and the data meet.
4. **Answer** — one exposure per (instrument, compellable entity): the best path of
   asserted facts, its basis, a confidence tier, what can be compelled, mitigations
   (keys held beyond the entity's reach), conflicts (counter-instruments) and a careful
   sentence. Strict mode keeps contested exposures; practical mode drops them.
5. **Availability** — sanctions instruments are kept apart: they reach a service through
   the persons they bind and the technology it depends on.

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> answer = compel(p, iri("asset", "health-data-hub"), dt.date(2024, 6, 1))
>>> sorted((p.instruments[e.instrument].notation, p.label(e.entity)) for e in answer.exposures)[:2]
[('us-cloud-act', 'Microsoft Corporation'), ('us-fisa-702', 'Microsoft Corporation')]
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...ontology.namespace import LX, LXS
from ..base.errors import InputError, UnknownReferenceError
from ..base.memo import Memo
from ..projection.model import Asset, Dated, Instrument, Projection, Rule, date_uncertain, valid_at
from .gaps import Gap, GapKind, Verdict, verdict_of
from .ownership import DEFAULT_MAX_DEPTH, ControlChain, controllers, subsidiaries
from .rules import (
    CONFLICT,
    CONTESTED,
    CONTROL,
    ESTABLISHED,
    LIKELY,
    LOCATION,
    NEXUS,
    RESIDUAL,
    SUBJECT,
    Evidence,
    Step,
    Tier,
    bindable,
    category_evidence,
    category_unknown,
    downgrade,
    interest_steps,
    location_evidence,
    nexus_evidence,
    stronger,
    temporal_status,
    weakest,
)

__all__ = [
    "MODES",
    "Answer",
    "AssetSpec",
    "Basis",
    "Custody",
    "Dependency",
    "Exposure",
    "Gap",
    "GapKind",
    "Verdict",
    "compel",
    "instrument_reach",
]

MODES = ("strict", "practical")
DESCRIBED = ""  # the fact node of a step the request described rather than the store


class Basis(enum.StrEnum):
    """Why an entity may be compelled (the lx:Basis concepts; each is its concept's IRI)."""

    POSSESSION = str(LX.Possession)
    CONTRACTING_ENTITY = str(LX.ContractingEntity)
    CUSTODY_VIA_CONTRACT = str(LX.CustodyViaContract)
    CONTROL_VIA_OWNERSHIP = str(LX.ControlViaOwnership)
    PRESENCE_VIA_SUBSIDIARY = str(LX.PresenceViaSubsidiary)
    PRESENCE_VIA_BRANCH = str(LX.PresenceViaBranch)
    TECHNOLOGY_DEPENDENCY = str(LX.TechnologyDependency)


_ACCESS, _SANCTIONS, _COUNTER = str(LX.AccessInstrument), str(LX.SanctionsInstrument), str(LX.CounterInstrument)
_CONTENT = {str(LX.StoredContent), str(LX.RealTimeInterception)}
_UNCERTAIN, _ASSUMED, _NO_ACCESS = str(LX.Uncertain), str(LX.Assumed), str(LX.NoAccess)
_AGNOSTIC = str(LX.Agnostic)


@dataclass(frozen=True)
class AssetSpec:
    """An asset described in a request rather than stored: its services or providers, where
    it is stored (jurisdiction IRIs) and who holds its keys."""

    services: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    keys_held_by: tuple[str, ...] = ()
    label: str = "the described asset"


@dataclass
class Custody:
    """Why an entity holds or can reach the data."""

    entity: str
    basis: str
    steps: list[Step]
    tier: Tier = ESTABLISHED
    notes: list[str] = field(default_factory=list)


@dataclass
class Dependency:
    """An entity the service depends on without reaching the data (e.g. a technology licensor)."""

    entity: str
    reason: str
    steps: list[Step]


@dataclass
class Exposure:
    """One (instrument, compellable entity) finding; see the module docstring."""

    instrument: str
    entity: str
    basis: list[str]
    tier: Tier
    status: str
    scope: list[str]
    path: list[Step]
    explanation: str = ""
    mitigations: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    custodian: str = ""
    #: Uncertain facts on the path: gaps of the answer only if the exposure is kept (by the mode).
    gaps: list[Gap] = field(default_factory=list, repr=False)


@dataclass
class Answer:
    """Who may be compelled, for one asset at one date, in one mode."""

    asset: str | None
    asset_label: str
    as_of: dt.date
    mode: str
    exposures: list[Exposure] = field(default_factory=list)
    availability: list[Exposure] = field(default_factory=list)
    custodians: list[Custody] = field(default_factory=list)
    dependencies: list[Dependency] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    verdict: Verdict = Verdict.NONE_FOUND
    gaps: list[Gap] = field(default_factory=list)


def compel(
    p: Projection,
    asset: str | AssetSpec,
    as_of: dt.date,
    mode: str = "strict",
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Answer:
    """Who may be compelled to give access to `asset` on `as_of`, with paths and tiers.

    Parameters
    ----------
    p : Projection
        The store's projection (:func:`~longarm.graph.projection.cache.projection_for`).
    asset : str or AssetSpec
        The IRI of a stored data asset, or an asset described by services or providers.
    as_of : datetime.date
        The date the answer is for: facts and instruments are taken as they stood then.
    mode : {"strict", "practical"}
        Strict keeps contested exposures; practical drops them.
    max_depth : int
        Bound on every ownership traversal.
    """
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}: use 'strict' or 'practical'")
    if max_depth < 0:
        raise InputError("max_depth must be >= 0")
    if isinstance(asset, str):
        stored = p.assets.get(asset)
        if stored is None:
            raise UnknownReferenceError(asset)
        return _Inference(p, as_of, mode, max_depth).run_stored(stored)
    return _Inference(p, as_of, mode, max_depth).run_described(asset)


class _Inference:
    def __init__(self, p: Projection, as_of: dt.date, mode: str, max_depth: int) -> None:
        self.p, self.as_of, self.mode, self.max_depth = p, as_of, mode, max_depth
        self.custody: dict[str, Custody] = {}
        self.dependencies: dict[str, Dependency] = {}
        self.no_access: list[tuple[str, str, list[str]]] = []  # (grantee, contract, caveats)
        self.locations: dict[str, list[Step]] = {}
        self.keys: list[str] = []
        self.gaps: dict[tuple[GapKind, str, str], Gap] = {}  # one per kind, subject and sentence
        self.described: set[str] = set()  # custodians named by the request, not the store
        self.no_region: list[str] = []  # hosting services with no recorded region
        self._entity_checked: set[str] = set()
        # Memos for one inference: the same entity is tested against many instruments.
        self._reach: dict[str, set[str]] = {}
        self._counters: list[tuple[Instrument, Rule, Instrument, Rule]] | None = None

    # ------------------------------------------------------------------ step 1: custodians

    def run_stored(self, asset: Asset) -> Answer:
        p = self.p
        answer = Answer(asset.iri, asset.label, self.as_of, self.mode, caveats=list(asset.caveats))
        if not valid_at(asset, self.as_of):
            self._gap(
                GapKind.NOT_IN_EXISTENCE,
                asset.iri,
                f"{asset.label} is not recorded as hosted on {self.as_of.isoformat()}{_period(asset)}.",
                asset.caveats,
            )
            return self._finish(answer)
        if date_uncertain(asset, self.as_of):
            self._record(self._uncertain_date(asset, asset.label))
        if not asset.services:
            self._gap(GapKind.NO_OPERATOR, asset.iri, f"No hosting service is recorded for {asset.label}.")
        for svc in sorted(asset.services):
            if svc in p.services and self._in_operation(svc):
                self._service(svc, [Step(asset.iri, LXS.hostedOn, svc, asset.iri)], asset.controller)
        for j in sorted(asset.stored_in):
            self.locations[j] = [Step(asset.iri, LXS.storedIn, j, asset.iri)]
        self.keys = sorted(asset.keys_held_by)
        return self._finish(answer)

    def run_described(self, spec: AssetSpec) -> Answer:
        answer = Answer(None, spec.label, self.as_of, self.mode)
        for j in spec.locations:  # first: a described location is where the data is, whatever the regions
            self.locations[j] = [Step(spec.label, LXS.storedIn, j, DESCRIBED)]
        for svc in spec.services:
            if svc not in self.p.services:
                raise UnknownReferenceError(svc)
            answer.caveats += [c for c in self.p.services[svc].caveats if c not in answer.caveats]
            if self._in_operation(svc):
                self._service(svc, [Step(spec.label, LXS.hostedOn, svc, DESCRIBED)], None)
        for org in spec.providers:
            self._described_host(spec, org, answer)
        self.keys = list(spec.keys_held_by)
        return self._finish(answer)

    def _in_operation(self, svc_iri: str) -> bool:
        """True if the service may be in operation at the date; else a gap says it was not."""
        svc = self.p.services[svc_iri]
        if not valid_at(svc, self.as_of):
            self._gap(
                GapKind.NOT_IN_EXISTENCE,
                svc_iri,
                f"{svc.label} was not in operation on {self.as_of.isoformat()}{_period(svc)}.",
                svc.caveats,
            )
            return False
        if date_uncertain(svc, self.as_of):
            self._record(self._uncertain_date(svc, svc.label))
        return True

    def _described_host(self, spec: AssetSpec, org: str, answer: Answer) -> None:
        """A host named by a company: itself, and the services of the companies it controls."""
        p, as_of = self.p, self.as_of
        entity = p.orgs.get(org)
        label = p.label(org)
        if entity is not None and not valid_at(entity, as_of):
            self._gap(
                GapKind.NOT_IN_EXISTENCE,
                org,
                f"{label} did not exist on {as_of.isoformat()}{_period(entity)}.",
                entity.caveats,
            )
            return
        lead = Step(spec.label, LXS.hostedOn, org, DESCRIBED)
        self.described.add(org)
        self._add_custodian(Custody(org, Basis.POSSESSION, [lead], notes=["is described as hosting the data"]))
        if not category_unknown(p, org, as_of):
            return
        group = [
            (chain, svc)
            for chain in subsidiaries(p, org, as_of, max_depth=self.max_depth)
            for svc in sorted(p.services_by_org.get(chain.controller, ()))
            if valid_at(p.services[svc], as_of) and self._may_hold(svc)
        ]
        if not group:
            self._gap(
                GapKind.NO_SERVICE,
                org,
                f"{label} operates no recorded service, and no company it controls does: whether it falls in "
                "each instrument's subject category is unknown, so its exposures are at most contested.",
                entity.caveats if entity else (),
            )
            return
        names = ", ".join(dict.fromkeys(p.label(svc) for _, svc in group))
        answer.notes.append(
            f"{label} operates no recorded service; the services of the companies it controls are taken as "
            f"possible hosts of the data: {names}."
        )
        for chain, svc in group:
            links = [s for c in chain.links for s in interest_steps(c.interest)]
            self._service(svc, [lead, *links], None, cap=LIKELY)

    def _may_hold(self, svc_iri: str) -> bool:
        """Whether a service may hold data stored where the request says (any region there, or none recorded)."""
        regions = self.p.services[svc_iri].regions
        if not self.locations or not regions:
            return True
        places = {self.p.region_jurisdiction.get(r) for r in regions}
        return any(j is not None and self.p.within(j, area) for j in places for area in self.locations)

    def _service(self, svc_iri: str, lead: list[Step], controller: str | None, *, cap: Tier = ESTABLISHED) -> None:
        p = self.p
        svc = p.services[svc_iri]
        cap = weakest(cap, LIKELY) if svc.confidence == _UNCERTAIN else cap
        if not (svc.operators or svc.providers or svc.contracting):
            self._gap(
                GapKind.NO_OPERATOR,
                svc_iri,
                f"No operator, provider or contracting entity is recorded for {svc.label}: "
                "who holds the data is unknown.",
                svc.caveats,
            )
        for org in sorted(svc.operators):
            self._add_custodian(
                Custody(
                    org,
                    Basis.POSSESSION,
                    [*lead, Step(svc_iri, LXS.operatedBy, org, svc_iri)],
                    cap,
                    [f"operates {svc.label}, which hosts the data"],
                )
            )
        for org in sorted(svc.contracting):
            self._add_custodian(
                Custody(
                    org,
                    Basis.CONTRACTING_ENTITY,
                    [*lead, Step(svc_iri, LXS.contractingEntity, org, svc_iri)],
                    cap,
                    [f"is the contracting entity for {svc.label}"],
                )
            )
        if not svc.operators:
            for org in sorted(svc.providers):
                self._add_custodian(
                    Custody(
                        org,
                        Basis.POSSESSION,
                        [*lead, Step(svc_iri, LXS.provider, org, svc_iri)],
                        weakest(cap, LIKELY),
                        [f"provides {svc.label}, whose operator is not recorded"],
                    )
                )
        # A contract of another customer (a party that controls some other data asset) binds
        # only that customer's data: it is not part of the service for everyone.
        contracts = {
            c
            for c in p.contracts_by_service.get(svc_iri, [])
            if not (p.contracts[c].parties & self._customers() - {controller})
        }
        if controller is not None:
            contracts |= {
                c
                for c in p.contracts_by_party.get(controller, [])
                if p.contracts[c].parties & (svc.operators | svc.contracting | svc.providers)
            }
        for c_iri in sorted(contracts):
            contract = p.contracts[c_iri]
            if not valid_at(contract, self.as_of):
                continue
            link = (
                Step(c_iri, LXS.concernsService, svc_iri, c_iri)
                if svc_iri in contract.services
                else Step(c_iri, LXS.party, controller or "", c_iri)
            )
            for g in contract.grants:
                steps = [
                    *lead,
                    link,
                    Step(g.node, LXS.grantee, g.grantee, c_iri),
                    Step(g.node, LXS.accessKind, g.access_kind, c_iri),
                ]
                if p.reaches_data.get(g.access_kind, False):
                    gcap = weakest(cap, LIKELY) if _UNCERTAIN in (g.confidence, contract.confidence) else cap
                    if _ASSUMED in (g.confidence, contract.confidence):
                        gcap = weakest(gcap, CONTESTED)
                        self._gap(
                            GapKind.UNCERTAIN_FACT,
                            c_iri,
                            f"The {p.label(g.access_kind)} of {p.label(g.grantee)} under {contract.label} is an "
                            "assumption: no source states it.",
                            (*g.caveats, *contract.caveats),
                        )
                    self._add_custodian(
                        Custody(
                            g.grantee,
                            Basis.CUSTODY_VIA_CONTRACT,
                            steps,
                            gcap,
                            [f"has {p.label(g.access_kind)} under {contract.label}"],
                        )
                    )
                elif g.access_kind == _NO_ACCESS:
                    self.no_access.append((g.grantee, c_iri, g.caveats))
                else:
                    self.dependencies.setdefault(
                        g.grantee,
                        Dependency(
                            g.grantee,
                            f"has {p.label(g.access_kind)} under {contract.label}, which does not reach the data",
                            steps,
                        ),
                    )
        for org in sorted(svc.licensors):
            if org not in self.custody:
                self.dependencies.setdefault(
                    org,
                    Dependency(
                        org,
                        f"licenses the technology of {svc.label}; no data-reaching access is recorded",
                        [*lead, Step(svc_iri, LXS.technologyLicensor, org, svc_iri)],
                    ),
                )
        if not svc.regions:
            self.no_region.append(svc_iri)
        if not self.locations:
            for region in sorted(svc.regions):
                j = p.region_jurisdiction.get(region)
                if j is not None:
                    self.locations.setdefault(
                        j,
                        [
                            *lead,
                            Step(svc_iri, LXS.hostedIn, region, svc_iri),
                            Step(region, LXS.locatedIn, j, region),
                        ],
                    )

    def _customers(self) -> frozenset[str]:
        """The data controllers of the stored assets (customers, not providers)."""
        p = self.p
        if p.customers is not None:  # a neighbourhood: read with it
            return p.customers
        return _CUSTOMERS.get(p, (), lambda: frozenset(a.controller for a in p.assets.values() if a.controller))

    def _add_custodian(self, custody: Custody) -> None:
        current = self.custody.get(custody.entity)
        if current is None or stronger(custody.tier, current.tier):
            self.custody[custody.entity] = custody
        self.dependencies.pop(custody.entity, None)
        org = self.p.orgs.get(custody.entity)
        if org is not None and org.branch_of and org.branch_of not in self.custody:
            # A branch is not a separate person: its company holds what it holds.
            self._add_custodian(
                Custody(
                    org.branch_of,
                    custody.basis,
                    [*custody.steps, Step(org.iri, LXS.branchOf, org.branch_of, org.iri)],
                    custody.tier,
                    [f"{n} through its branch {org.label}" for n in custody.notes],
                )
            )

    # ------------------------------------------------------------------ steps 2-5

    def _finish(self, answer: Answer) -> Answer:
        p = self.p
        answer.custodians = sorted(self.custody.values(), key=lambda c: p.label(c.entity))
        answer.dependencies = sorted(self.dependencies.values(), key=lambda d: p.label(d.entity))
        unlocated: list[str] = []  # instruments limited to a territory, when no location is known
        for ins in sorted(p.instruments.values(), key=lambda i: i.notation):
            status = temporal_status(ins, self.as_of)
            if status is None or not (ins.kinds & {_ACCESS, _SANCTIONS}):
                continue
            rules = self._rules_of(ins)
            if not rules[NEXUS]:
                if any(r.kind == NEXUS for r in ins.rules):
                    answer.notes.append(
                        f"{ins.label}: none of its nexus rules applies on {self.as_of.isoformat()} (each has its "
                        "own period, e.g. from the entry into force of the agreement it needs)."
                    )
                else:
                    answer.notes.append(
                        f"{ins.label} names no nexus to an entity; it is not modelled as a compulsion of a provider."
                    )
                continue
            located = location_evidence(p, ins, rules[LOCATION], self.locations)
            if located is None:
                if not self.locations and self.custody and _ACCESS in ins.kinds:
                    unlocated.append(ins.label)
                continue
            if _ACCESS in ins.kinds:
                answer.exposures += self._exposures(ins, status, rules, located, self.custody.values())
            if _SANCTIONS in ins.kinds:
                # A dependency binds the service only indirectly: at most likely.
                deps = [
                    Custody(d.entity, Basis.TECHNOLOGY_DEPENDENCY, d.steps, LIKELY, [d.reason])
                    for d in self.dependencies.values()
                ]
                answer.availability += self._exposures(ins, status, rules, located, [*self.custody.values(), *deps])
        if self.mode == "practical":
            answer.exposures = [e for e in answer.exposures if e.tier != CONTESTED]
            answer.availability = [e for e in answer.availability if e.tier != CONTESTED]
        for e in [*answer.exposures, *answer.availability]:
            for gap in e.gaps:
                self._record(gap)
        if unlocated:
            where = (
                "no hosting region is recorded for " + ", ".join(p.label(s) for s in dict.fromkeys(self.no_region))
                if self.no_region
                else "no storage location is recorded"
            )
            self._gap(
                GapKind.NO_LOCATION,
                answer.asset or answer.asset_label,
                f"Where the data is stored is unknown ({where}): instruments limited to data stored in a territory "
                f"could not be evaluated ({', '.join(unlocated)}).",
                tuple(c for s in dict.fromkeys(self.no_region) for c in p.services[s].caveats),
            )
        answer.gaps = list(self.gaps.values())
        answer.verdict = verdict_of(exposures=len(answer.exposures), gaps=answer.gaps)
        return answer

    # ------------------------------------------------------------------ gaps

    def _gap(self, kind: GapKind, subject: str, message: str, caveats: Iterable[str] = ()) -> None:
        self._record(Gap(kind, subject, message, tuple(caveats)))

    def _record(self, gap: Gap) -> None:
        self.gaps.setdefault((gap.kind, gap.subject, gap.message), gap)

    def _uncertain_date(self, fact: Dated, name: str) -> Gap:
        """The gap of a fact whose date window contains the date asked."""
        when = " – ".join(t for t in (fact.from_text, fact.until_text) if t)
        gap = Gap(
            GapKind.UNCERTAIN_FACT,
            fact.iri,
            f"The dates of {name} are known only as {when or 'a period'}: on {self.as_of.isoformat()} it may or "
            "may not hold.",
            tuple(fact.caveats),
        )
        return gap

    def _entity_gaps(self, org: str) -> None:
        """Gaps about an entity the answer relies on: no place recorded, owners or subsidiaries not recorded."""
        if org in self._entity_checked:
            return
        self._entity_checked.add(org)
        entity = self.p.orgs.get(org)
        if entity is None:
            return
        if not (entity.incorporated or entity.headquarters or entity.establishments or entity.branch_of):
            self._gap(
                GapKind.JURISDICTION_UNKNOWN,
                org,
                f"No place of incorporation, head office or establishment is recorded for {entity.label}: "
                "instruments that reach entities by their place cannot be evaluated for it.",
                entity.caveats,
            )
        if entity.owners_recorded is False:
            self._gap(
                GapKind.OWNERS_NOT_RECORDED,
                org,
                f"The owners of {entity.label} are not recorded: a company controlling it abroad would add exposures.",
                entity.caveats,
            )
        if entity.subsidiaries_recorded is False:
            self._gap(
                GapKind.SUBSIDIARIES_NOT_RECORDED,
                org,
                f"The subsidiaries of {entity.label} are not all recorded: its presence in other jurisdictions "
                "through a subsidiary (a contested basis under some instruments) cannot be ruled out.",
                entity.caveats,
            )

    def _exposures(
        self,
        ins: Instrument,
        status: str,
        rules: dict[str, list[Rule]],
        located: Evidence,
        candidates: Iterable[Custody],
    ) -> list[Exposure]:
        p = self.p
        best: dict[str, Exposure] = {}
        tail = [
            *located.steps,
            *([Step(ins.iri, LXS.enactedBy, ins.enacted_by, ins.iri)] if ins.enacted_by else []),
        ]
        for custody in sorted(candidates, key=lambda c: c.entity):
            if p.orgs.get(custody.entity) is not None and p.orgs[custody.entity].branch_of:
                continue  # a branch is not a separate person: its company answers, with the branch on its path
            self._entity_gaps(custody.entity)
            if not bindable(p, rules[SUBJECT], custody.entity):
                continue  # a person, family, state or public body is an owner on a path, never the compelled provider
            category = self._category_of(ins, rules, custody.entity) or self._unknown_category(ins, custody.entity)
            nexus = self._nexus_of(ins, rules, custody.entity)
            if category is not None and nexus is not None:
                basis = [custody.basis, *nexus.basis]
                tier = weakest(custody.tier, category.tier, nexus.tier, located.tier)
                self._keep(
                    best,
                    Exposure(
                        ins.iri,
                        custody.entity,
                        basis,
                        tier,
                        status,
                        sorted(ins.compels),
                        [*custody.steps, *category.steps, *nexus.steps, *tail],
                        notes=[*(f"it {n}" for n in custody.notes), *category.notes, *nexus.notes, *located.notes],
                        custodian=custody.entity,
                    ),
                    ins,
                )
            for rule in rules[CONTROL]:
                for chain in self._chains(custody.entity, rule):
                    top = chain.controller
                    if not bindable(p, rules[SUBJECT], top):
                        continue
                    self._entity_gaps(top)
                    c_nexus = self._nexus_of(ins, rules, top)
                    if c_nexus is None:
                        continue
                    # In its own right, or (at most contested) as the company controlling a custodian that is
                    # itself in the instrument's subjects: never a category borrowed in silence.
                    c_category = self._category_of(ins, rules, top)
                    if c_category is None and category is not None:
                        c_category = self._category_by_control(ins, top, custody)
                    if c_category is None:
                        continue
                    tier = weakest(
                        custody.tier, rule.tier_if_only or ESTABLISHED, c_nexus.tier, c_category.tier, located.tier
                    )
                    held = p.label(custody.entity)
                    test = p.label(rule.control_test or "")
                    notes = [f"it controls {held} under the {test} test, and {held} {n}" for n in custody.notes]
                    if chain.joint:
                        tier = downgrade(tier)
                        notes.append("control is joint, shared with other owners")
                    if chain.consolidated:
                        tier = downgrade(tier)
                        notes.append(
                            "control is read from consolidated accounts (lx:consolidatedBy, as GLEIF records it), "
                            "not from a stated share or right"
                        )
                    links = [s for c in chain.links for s in interest_steps(c.interest)]
                    basis = [custody.basis, Basis.CONTROL_VIA_OWNERSHIP, *c_nexus.basis]
                    self._keep(
                        best,
                        Exposure(
                            ins.iri,
                            top,
                            basis,
                            tier,
                            status,
                            sorted(ins.compels),
                            [*custody.steps, *links, *c_category.steps, *c_nexus.steps, *tail],
                            notes=[*notes, *c_category.notes, *c_nexus.notes, *located.notes],
                            custodian=custody.entity,
                        ),
                        ins,
                    )
        out = list(best.values())
        for e in out:
            self._finalise(e, ins)
        return sorted(out, key=lambda e: (p.instruments[e.instrument].notation, p.label(e.entity)))

    def _unknown_category(self, ins: Instrument, org: str) -> Evidence | None:
        """For an entity nothing places in or out of the instrument's subjects: at most contested, with a gap."""
        if not category_unknown(self.p, org, self.as_of):
            return None
        label = self.p.label(org)
        self._gap(
            GapKind.CATEGORY_UNKNOWN,
            org,
            f"{label} {_no_category(self.p, org)}: whether it falls in the subject category of the instruments "
            "that reach it is unknown, so its exposures are at most contested.",
        )
        return Evidence(
            CONTESTED,
            notes=[f"whether {label} falls in the subject category of {ins.label} is unknown (no recorded service)"],
        )

    def _category_by_control(self, ins: Instrument, org: str, custody: Custody) -> Evidence:
        """A controlling company not itself placed in the instrument's subjects: compellable only on the
        reading that a parent must produce what its subsidiary holds ("possession, custody or control")."""
        label, held = self.p.label(org), self.p.label(custody.entity)
        if category_unknown(self.p, org, self.as_of):
            self._gap(
                GapKind.CATEGORY_UNKNOWN,
                org,
                f"{label} {_no_category(self.p, org)}: whether it falls in the subject category of the instruments "
                f"that reach it is unknown; its exposures rest on its control of {held} and are at most contested.",
            )
        return Evidence(
            CONTESTED,
            notes=[
                f"{label} is not itself recorded as a provider in {ins.label}'s subject category: it is reached only "
                f"on the reading that a controlling company must produce data {held} holds (a contested basis)"
            ],
        )

    def _chains(self, org: str, rule: Rule) -> list[ControlChain]:
        # Remembered on the projection like evidence (_nexus_of): chains are immutable.
        test, threshold = rule.control_test, rule.threshold if rule.threshold is not None else 50.0
        p, as_of, depth = self.p, self.as_of, self.max_depth
        return _CHAINS.get(
            p,
            (org, test, threshold, as_of, depth),
            lambda: controllers(p, org, as_of, test=test, threshold=threshold, max_depth=depth),
        )

    def _keep(self, best: dict[str, Exposure], e: Exposure, ins: Instrument) -> None:
        e.path = list(dict.fromkeys(e.path))
        e.tier = self._fact_cap(e)
        if ins.in_force_from_latest is not None and self.as_of < ins.in_force_from_latest:
            e.notes.append(f"{ins.label} came into force in {ins.in_force_text}: it may not yet apply on this date")
            e.tier = downgrade(e.tier)
            e.gaps.append(
                Gap(
                    GapKind.UNCERTAIN_FACT,
                    ins.iri,
                    f"{ins.label} is known to have come into force only in {ins.in_force_text}: on "
                    f"{self.as_of.isoformat()} it may not yet apply.",
                    tuple(ins.caveats),
                )
            )
        for rule in ins.rules:
            if date_uncertain(rule, self.as_of):
                e.notes.append(f"a reach rule of {ins.label} applies from a date known only to the month or year")
                e.tier = downgrade(e.tier)
                break
        if e.status == "residual":
            e.notes.append(
                f"{ins.label} has lapsed; orders made before the lapse keep effect until "
                f"{ins.residual_until.isoformat() if ins.residual_until else 'an unknown date'}"
            )
            e.tier = RESIDUAL
        current = best.get(e.entity)
        if (
            current is None
            or stronger(e.tier, current.tier)
            or (e.tier == current.tier and len(e.path) < len(current.path))
        ):
            best[e.entity] = e

    def _fact_cap(self, e: Exposure) -> Tier:
        """The tier `e` can claim given the facts on its path: one tier less if any is uncertain
        (by its sources, or because the date falls in the window of a year- or month-precise
        date), at most contested if one is an assumption; each such fact is a gap."""
        p, tier, lowered, as_of = self.p, e.tier, False, self.as_of
        for fact in sorted({s.fact for s in e.path if s.fact}):
            node = p.fact_node(fact)
            if node is None:
                continue
            dated = date_uncertain(node, as_of)
            if node.confidence not in (_ASSUMED, _UNCERTAIN) and not dated:
                continue  # the common case: a sourced fact, dated to the day or not at all
            name = _fact_name(p, node)
            if node.confidence == _ASSUMED:
                e.notes.append(f"rests on an assumption no source states ({name})")
                tier = weakest(tier, CONTESTED)
                message = f"{name} is an assumption: no source states it."
                e.gaps.append(Gap(GapKind.UNCERTAIN_FACT, fact, message, tuple(node.caveats)))
            elif node.confidence == _UNCERTAIN:
                e.notes.append(f"rests on an uncertain fact ({name})")
                if not lowered:
                    tier, lowered = downgrade(tier), True
                message = f"{name} rests on a single or weak source."
                e.gaps.append(Gap(GapKind.UNCERTAIN_FACT, fact, message, tuple(node.caveats)))
            if dated:
                e.notes.append(f"the date of a fact is known only as a period that contains this date ({name})")
                if not lowered:
                    tier, lowered = downgrade(tier), True
                e.gaps.append(self._uncertain_date(node, name))
        return tier

    def _finalise(self, e: Exposure, ins: Instrument) -> None:
        p = self.p
        if self.keys and e.scope and not any(self._controls(e.entity, k) for k in self.keys):
            holders = ", ".join(p.label(k) for k in self.keys)
            if _CONTENT & set(e.scope):
                e.mitigations.append(
                    f"Encryption keys are held by {holders}, outside {p.label(e.entity)}'s control: "
                    "stored or intercepted content would be obtained only as ciphertext; metadata "
                    "and subscriber information are not protected by the keys."
                )
        for grantee, contract, caveats in self.no_access:
            if self._controls(e.entity, grantee):
                detail = f" {caveats[0]}" if caveats else ""
                e.mitigations.append(
                    f"{p.contracts[contract].label} records no access for {p.label(grantee)} "
                    f"(a contractual commitment, not a legal immunity).{detail}"
                )
        for counter, rule, protected, as_nexus in self._counter_rules():
            if ins.enacted_by is None or p.within(ins.enacted_by, rule.protects or ""):
                continue  # a domestic order: no conflict with this protection
            if rule.issuer_outside is not None and p.within(ins.enacted_by, rule.issuer_outside):
                continue  # the protection concerns orders from outside that area only
            if rule.data_stored_in is not None and not any(p.within(j, rule.data_stored_in) for j in self.locations):
                continue  # the protection concerns data stored in that area only
            if counter.iri in {c for c, _ in e.conflicts}:
                continue
            if any(self._nexus_of(protected, {NEXUS: [as_nexus]}, h) for h in (e.entity, e.custodian) if h):
                e.conflicts.append((counter.iri, rule.caveats[0] if rule.caveats else ""))
        e.mitigations = list(dict.fromkeys(e.mitigations))
        e.explanation = _explain(p, e, ins)

    def _controls(self, org: str, other: str) -> bool:
        """True if `org` is `other` or controls it (walking up from `other`: chains are short)."""
        if org == other:
            return True
        if other not in self._reach:
            chains = controllers(self.p, other, self.as_of, max_depth=self.max_depth)
            self._reach[other] = {c.controller for c in chains}
        return org in self._reach[other]

    def _nexus_of(self, ins: Instrument, rules: dict[str, list[Rule]], org: str) -> Evidence | None:
        # Evidence depends only on the facts, the rules and the date: it is remembered on
        # the projection, for every later question about the same group (callers copy its
        # steps and notes, never change them). An instrument's nexus rules are always the
        # same list (its own, or a counter rule's, under an IRI of its own): the IRI names them.
        p, as_of = self.p, self.as_of
        return _NEXUS.get(p, (ins.iri, org, as_of), lambda: nexus_evidence(p, ins, rules[NEXUS], org, as_of))

    def _rules_of(self, ins: Instrument) -> dict[str, list[Rule]]:
        """The instrument's rules in force at the date, by kind, sorted once per projection and date."""
        as_of = self.as_of
        return _RULES.get(self.p, (ins.iri, as_of), lambda: _by_kind([r for r in ins.rules if valid_at(r, as_of)]))

    def _category_of(self, ins: Instrument, rules: dict[str, list[Rule]], org: str) -> Evidence | None:
        p, as_of = self.p, self.as_of  # remembered as in _nexus_of
        return _CATEGORY.get(p, (ins.iri, org, as_of), lambda: category_evidence(p, rules[SUBJECT], org, as_of))

    def _counter_rules(self) -> list[tuple[Instrument, Rule, Instrument, Rule]]:
        """Conflict rules of counter-instruments in force: (counter, rule, protected area, rule as a nexus)."""
        if self._counters is None:
            self._counters = []
            for counter in sorted(self.p.instruments.values(), key=lambda i: i.notation):
                if _COUNTER not in counter.kinds or temporal_status(counter, self.as_of) is None:
                    continue
                for rule in counter.rules:
                    if rule.kind == CONFLICT and rule.protects is not None:
                        area = Instrument(f"{counter.iri} {rule.node}", enacted_by=rule.protects)
                        as_nexus = Rule(rule.node, NEXUS, nexus=rule.nexus, tier_if_only=ESTABLISHED)
                        self._counters.append((counter, rule, area, as_nexus))
        return self._counters


# What the engine remembers per projection (graph/base/memo.py): answers to one question shape each.
_CHAINS: Memo[tuple[str, str | None, float, dt.date, int], list[ControlChain]] = Memo("control chains")
_NEXUS: Memo[tuple[str, str, dt.date], Evidence | None] = Memo("nexus evidence")
_CATEGORY: Memo[tuple[str, str, dt.date], Evidence | None] = Memo("category evidence")
_RULES: Memo[tuple[str, dt.date], dict[str, list[Rule]]] = Memo("rules in force by kind")
_CUSTOMERS: Memo[tuple[()], frozenset[str]] = Memo("customers")


def _period(fact: Dated) -> str:
    """The recorded period of a fact, as its sources give it: " (recorded from 2021-01-07 until 2024-06-30)"."""
    start = fact.from_text or (fact.valid_from.isoformat() if fact.valid_from else None)
    end = fact.until_text or (fact.valid_until.isoformat() if fact.valid_until else None)
    if start and end:
        return f" (recorded from {start} until {end})"
    if start:
        return f" (recorded from {start})"
    return f" (recorded until {end})" if end else ""


def _fact_name(p: Projection, node: Dated) -> str:
    """A fact node in words: an interest as "A's interest in B", other nodes by their label."""
    owner, owned = getattr(node, "owner", None), getattr(node, "owned", None)
    if owner and owned:
        return f"{p.label(owner)}'s interest in {p.label(owned)}"
    return p.label(node.iri)


def _by_kind(rules: list[Rule]) -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {SUBJECT: [], NEXUS: [], LOCATION: [], CONTROL: [], CONFLICT: []}
    for r in rules:
        out.setdefault(r.kind, []).append(r)
    return out


_TIER_WORDS = {ESTABLISHED: "established", LIKELY: "likely", CONTESTED: "contested", RESIDUAL: "residual"}


def _explain(p: Projection, e: Exposure, ins: Instrument) -> str:
    scope = ", ".join(p.label(s) for s in sorted(e.scope, key=p.label)) or "assistance"
    reasons = "; ".join(dict.fromkeys(e.notes))
    verb = "may be compelled" if e.status == "in force" else "may still be bound by orders made"
    return (
        f"{p.label(e.entity)} {verb} under {ins.label} to give access to this data ({scope}), because {reasons}. "
        f"Confidence: {_TIER_WORDS.get(e.tier, e.tier)}. This is a reading of the recorded facts, not legal advice."
    )


def instrument_reach(
    p: Projection, instrument: str, as_of: dt.date, mode: str = "strict"
) -> list[tuple[str, Exposure]]:
    """What `instrument` can reach on `as_of`: for each service in operation, its exposures.

    Each service is taken as hosting a data asset stored where the service's regions
    are; the result pairs the service IRI with each exposure under `instrument`.
    """
    if instrument not in p.instruments:
        raise UnknownReferenceError(instrument)
    out = []
    for svc in sorted(p.services, key=p.label):
        if not valid_at(p.services[svc], as_of):
            continue
        answer = compel(p, AssetSpec(services=(svc,), label=p.label(svc)), as_of, mode)
        out += [(svc, e) for e in [*answer.exposures, *answer.availability] if e.instrument == instrument]
    return out


def _no_category(p: Projection, org: str) -> str:
    """Why nothing places `org` in a subject category, as a gap says it."""
    if p.services_by_org.get(org):
        return "operates no service whose category is recorded"
    return "operates no recorded service"
