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
>>> from longarm.graph.store import Store
>>> from longarm.graph.loading import load_bundled
>>> from longarm.graph.projection import projection_for, iri
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> answer = compel(p, iri("asset", "health-data-hub"), dt.date(2024, 6, 1))
>>> sorted((p.instruments[e.instrument].notation, p.label(e.entity)) for e in answer.exposures)[:2]
[('us-cloud-act', 'Microsoft Corporation'), ('us-fisa-702', 'Microsoft Corporation')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..ontology.namespace import LX
from .errors import InputError, UnknownReferenceError
from .ownership import DEFAULT_MAX_DEPTH, ControlChain, controllers
from .projection import Asset, Instrument, Projection, Rule, valid_at
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
    category_evidence,
    downgrade,
    location_evidence,
    nexus_evidence,
    stronger,
    temporal_status,
    weakest,
)

__all__ = ["MODES", "Answer", "AssetSpec", "Custody", "Dependency", "Exposure", "compel", "instrument_reach"]

MODES = ("strict", "practical")
DESCRIBED = ""  # the fact node of a step the request described rather than the store

_B = {
    name: str(getattr(LX, name))
    for name in (
        "Possession",
        "ContractingEntity",
        "CustodyViaContract",
        "ControlViaOwnership",
        "PresenceViaSubsidiary",
        "PresenceViaBranch",
        "TechnologyDependency",
    )
}
_ACCESS, _SANCTIONS, _COUNTER = str(LX.AccessInstrument), str(LX.SanctionsInstrument), str(LX.CounterInstrument)
_CONTENT = {str(LX.StoredContent), str(LX.RealTimeInterception)}
_PRED = {
    name: str(getattr(LX, name))
    for name in (
        "hostedOn",
        "operatedBy",
        "contractingEntity",
        "provider",
        "technologyLicensor",
        "grantee",
        "accessKind",
        "concernsService",
        "party",
        "storedIn",
        "hostedIn",
        "locatedIn",
        "enactedBy",
        "owner",
        "owned",
        "branchOf",
        "keysHeldBy",
    )
}
_UNCERTAIN, _NO_ACCESS = str(LX.Uncertain), str(LX.NoAccess)


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
    tier: str = ESTABLISHED
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
    tier: str
    status: str
    scope: list[str]
    path: list[Step]
    explanation: str = ""
    mitigations: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    custodian: str = ""


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
        The store's projection (:func:`~longarm.graph.projection.projection_for`).
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
        # Memos for one inference: the same entity is tested against many instruments.
        self._reach: dict[str, set[str]] = {}
        self._counters: list[tuple[Instrument, Rule, Instrument, Rule]] | None = None

    # ------------------------------------------------------------------ step 1: custodians

    def run_stored(self, asset: Asset) -> Answer:
        p = self.p
        answer = Answer(asset.iri, asset.label, self.as_of, self.mode, caveats=list(asset.caveats))
        if not valid_at(asset, self.as_of):
            answer.notes.append(f"{asset.label} is not recorded as hosted on {self.as_of.isoformat()}.")
            return answer
        for svc in sorted(asset.services):
            if svc in p.services and valid_at(p.services[svc], self.as_of):
                self._service(svc, [Step(asset.iri, _PRED["hostedOn"], svc, asset.iri)], asset.controller)
        for j in sorted(asset.stored_in):
            self.locations[j] = [Step(asset.iri, _PRED["storedIn"], j, asset.iri)]
        self.keys = sorted(asset.keys_held_by)
        return self._finish(answer)

    def run_described(self, spec: AssetSpec) -> Answer:
        answer = Answer(None, spec.label, self.as_of, self.mode)
        for svc in spec.services:
            if svc not in self.p.services:
                raise UnknownReferenceError(svc)
            self._service(svc, [Step(spec.label, _PRED["hostedOn"], svc, DESCRIBED)], None)
        for org in spec.providers:
            self._add_custodian(
                Custody(
                    org,
                    _B["Possession"],
                    [Step(spec.label, _PRED["hostedOn"], org, DESCRIBED)],
                    notes=["is described as hosting the data"],
                )
            )
        for j in spec.locations:
            self.locations[j] = [Step(spec.label, _PRED["storedIn"], j, DESCRIBED)]
        self.keys = list(spec.keys_held_by)
        return self._finish(answer)

    def _service(self, svc_iri: str, lead: list[Step], controller: str | None) -> None:
        p = self.p
        svc = p.services[svc_iri]
        cap = LIKELY if svc.confidence == _UNCERTAIN else ESTABLISHED
        for org in sorted(svc.operators):
            self._add_custodian(
                Custody(
                    org,
                    _B["Possession"],
                    [*lead, Step(svc_iri, _PRED["operatedBy"], org, svc_iri)],
                    cap,
                    [f"operates {svc.label}, which hosts the data"],
                )
            )
        for org in sorted(svc.contracting):
            self._add_custodian(
                Custody(
                    org,
                    _B["ContractingEntity"],
                    [*lead, Step(svc_iri, _PRED["contractingEntity"], org, svc_iri)],
                    cap,
                    [f"is the contracting entity for {svc.label}"],
                )
            )
        if not svc.operators:
            for org in sorted(svc.providers):
                self._add_custodian(
                    Custody(
                        org,
                        _B["Possession"],
                        [*lead, Step(svc_iri, _PRED["provider"], org, svc_iri)],
                        weakest(cap, LIKELY),
                        [f"provides {svc.label}, whose operator is not recorded"],
                    )
                )
        contracts = set(p.contracts_by_service.get(svc_iri, []))
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
                Step(c_iri, _PRED["concernsService"], svc_iri, c_iri)
                if svc_iri in contract.services
                else Step(c_iri, _PRED["party"], controller or "", c_iri)
            )
            for g in contract.grants:
                steps = [
                    *lead,
                    link,
                    Step(g.node, _PRED["grantee"], g.grantee, c_iri),
                    Step(g.node, _PRED["accessKind"], g.access_kind, c_iri),
                ]
                if p.reaches_data.get(g.access_kind, False):
                    gcap = LIKELY if _UNCERTAIN in (g.confidence, contract.confidence) else cap
                    self._add_custodian(
                        Custody(
                            g.grantee,
                            _B["CustodyViaContract"],
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
                        [*lead, Step(svc_iri, _PRED["technologyLicensor"], org, svc_iri)],
                    ),
                )
        if not self.locations:
            for region in sorted(svc.regions):
                j = p.region_jurisdiction.get(region)
                if j is not None:
                    self.locations.setdefault(
                        j,
                        [
                            *lead,
                            Step(svc_iri, _PRED["hostedIn"], region, svc_iri),
                            Step(region, _PRED["locatedIn"], j, region),
                        ],
                    )

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
                    [*custody.steps, Step(org.iri, _PRED["branchOf"], org.branch_of, org.iri)],
                    custody.tier,
                    [f"{n} through its branch {org.label}" for n in custody.notes],
                )
            )

    # ------------------------------------------------------------------ steps 2-5

    def _finish(self, answer: Answer) -> Answer:
        p = self.p
        answer.custodians = sorted(self.custody.values(), key=lambda c: p.label(c.entity))
        answer.dependencies = sorted(self.dependencies.values(), key=lambda d: p.label(d.entity))
        for ins in sorted(p.instruments.values(), key=lambda i: i.notation):
            status = temporal_status(ins, self.as_of)
            if status is None or not (ins.kinds & {_ACCESS, _SANCTIONS}):
                continue
            rules = self._rules_of(ins)
            if not rules[NEXUS]:
                answer.notes.append(
                    f"{ins.label} names no nexus to an entity; it is not modelled as a compulsion of a provider."
                )
                continue
            located = location_evidence(p, ins, rules[LOCATION], self.locations)
            if located is None:
                continue
            if _ACCESS in ins.kinds:
                answer.exposures += self._exposures(ins, status, rules, located, self.custody.values())
            if _SANCTIONS in ins.kinds:
                # A dependency binds the service only indirectly: at most likely.
                deps = [
                    Custody(d.entity, _B["TechnologyDependency"], d.steps, LIKELY, [d.reason])
                    for d in self.dependencies.values()
                ]
                answer.availability += self._exposures(ins, status, rules, located, [*self.custody.values(), *deps])
        if self.mode == "practical":
            answer.exposures = [e for e in answer.exposures if e.tier != CONTESTED]
            answer.availability = [e for e in answer.availability if e.tier != CONTESTED]
        return answer

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
            *([Step(ins.iri, _PRED["enactedBy"], ins.enacted_by, ins.iri)] if ins.enacted_by else []),
        ]
        for custody in sorted(candidates, key=lambda c: c.entity):
            if p.orgs.get(custody.entity) is not None and p.orgs[custody.entity].branch_of:
                continue  # a branch is not a separate person: its company answers, with the branch on its path
            category = self._category_of(ins, rules, custody.entity)
            nexus = self._nexus_of(ins, rules, custody.entity)
            if category is not None and nexus is not None:
                basis = [custody.basis, *self._presence_basis(nexus)]
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
                    c_nexus = self._nexus_of(ins, rules, top)
                    if c_nexus is None:
                        continue
                    c_category = self._category_of(ins, rules, top) or category
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
                    links = [
                        s
                        for c in chain.links
                        for s in (
                            Step(c.interest.iri, _PRED["owner"], c.interest.owner, c.interest.iri),
                            Step(c.interest.iri, _PRED["owned"], c.interest.owned, c.interest.iri),
                        )
                    ]
                    basis = [custody.basis, _B["ControlViaOwnership"], *self._presence_basis(c_nexus)]
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

    def _presence_basis(self, nexus: Evidence) -> list[str]:
        text = " ".join(nexus.notes)
        if "through a subsidiary" in text:
            return [_B["PresenceViaSubsidiary"]]
        if any(s.predicate == _PRED["branchOf"] for s in nexus.steps):
            return [_B["PresenceViaBranch"]]
        return []

    def _chains(self, org: str, rule: Rule) -> list[ControlChain]:
        # Remembered on the projection like evidence (_nexus_of): chains are immutable.
        test, threshold = rule.control_test, rule.threshold if rule.threshold is not None else 50.0
        key = ("control chains", org, test, threshold, self.as_of, self.max_depth)
        memo = self.p.memo
        if key not in memo:
            memo[key] = controllers(self.p, org, self.as_of, test=test, threshold=threshold, max_depth=self.max_depth)
        return memo[key]  # type: ignore[return-value]

    def _keep(self, best: dict[str, Exposure], e: Exposure, ins: Instrument) -> None:
        e.path = list(dict.fromkeys(e.path))
        e.tier = self._fact_cap(e)
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

    def _fact_cap(self, e: Exposure) -> str:
        p = self.p
        for fact in {s.fact for s in e.path}:
            node = p.fact_node(fact)
            if node is not None and node.confidence == _UNCERTAIN:
                e.notes.append(f"rests on an uncertain fact ({p.label(fact)})")
                return downgrade(e.tier)
        return e.tier

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
            if counter.iri in {c for c, _ in e.conflicts}:
                continue
            if any(self._nexus_of(protected, {NEXUS: [as_nexus]}, h) for h in (e.entity, e.custodian) if h):
                e.conflicts.append((counter.iri, rule.caveats[0] if rule.caveats else ""))
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
        key = ("nexus evidence", ins.iri, org, self.as_of)
        memo = self.p.memo
        if key not in memo:
            memo[key] = nexus_evidence(self.p, ins, rules[NEXUS], org, self.as_of)
        return memo[key]  # type: ignore[return-value]

    def _rules_of(self, ins: Instrument) -> dict[str, list[Rule]]:
        """The instrument's rules by kind, sorted once per projection."""
        key = ("rules by kind", ins.iri)
        found = self.p.indexes.get(key)
        if found is None:
            found = self.p.indexes[key] = _by_kind(ins.rules)
        return found  # type: ignore[return-value]

    def _category_of(self, ins: Instrument, rules: dict[str, list[Rule]], org: str) -> Evidence | None:
        key = ("category evidence", ins.iri, org, self.as_of)  # remembered as in _nexus_of
        memo = self.p.memo
        if key not in memo:
            memo[key] = category_evidence(self.p, rules[SUBJECT], org, self.as_of)
        return memo[key]  # type: ignore[return-value]

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
