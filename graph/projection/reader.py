"""Reading rows of the store (or of given statements) into a :class:`~.model.Projection`.

:func:`build_projection` reads a whole store, one two-column scan per predicate
(:func:`store_rows`); :mod:`.patch` gives the same reader the statements of the subjects
a write changed.

Examples
--------
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory()
>>> _ = load_bundled(store)
>>> build_projection(store).orgs[iri("org", "bleu")].label
'Bleu'
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator

import pyoxigraph as ox

from ...ontology.namespace import DCTERMS, LX, LXS, SKOS
from ..base.acyclic import making_acyclic_objects
from ..base.dates import date_window
from ..store.embedded import Store, fact_graphs
from .model import (
    RDF_TYPE,
    RDFS_LABEL,
    RULE_KINDS,
    Asset,
    Certification,
    Contract,
    Dated,
    Grant,
    Instrument,
    Interest,
    Level,
    Org,
    Projection,
    Requirement,
    RequirementCriterion,
    Rule,
    Service,
    SourceRef,
    consolidation_key,
)
from .rows import Rows, store_rows

__all__ = ["ProjectionReader", "build_projection", "term_key"]


def build_projection(store: Store, progress: Callable[[int], None] | None = None) -> Projection:
    """Read the store (all graphs but inferred and provenance ones) into a projection.

    `progress` is called with the number of statements read so far, every hundred thousand.
    """
    graphs = fact_graphs(store.named_graphs())
    with making_acyclic_objects():  # millions of acyclic objects (graph/base/acyclic.py)
        return ProjectionReader(store_rows(store.oxigraph, graphs, progress)).build()


class ProjectionReader:
    """Reads rows (:data:`Rows`: a store's, or given statements') into a :class:`Projection`.

    :func:`build_projection` gives it a whole store's rows (:func:`store_rows`);
    :mod:`longarm.graph.projection.patch` gives it the statements of the subjects a write
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
                if getattr(o, "language", None) in (None, "en"):
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
        consolidated = self.values(LX.consolidatedBy)
        cats = self.values(LX.subjectCategory)
        lei = self.single(LX.lei)
        wd = self.single(LX.wikidata)
        subs_rec, owners_rec = self.single(LX.subsidiariesRecorded), self.single(LX.ownersRecorded)
        legal = self.single(LX.legalName)
        for s in types[str(LX.Organization)]:
            label = p.labels.get(s, s)
            if label in (lei.get(s), wd.get(s)) and s in legal:  # known by its code in one source, named in another
                label = p.labels[s] = legal[s]
            org = Org(
                s,
                label=label,
                kind=kind.get(s),
                incorporated=self.frozen(inc.get(s)),
                headquarters=self.frozen(hq.get(s)),
                establishments=self.frozen(est.get(s)),
                branch_of=branch.get(s),
                consolidated_by=self.frozen(consolidated.get(s)),
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
        for org in p.orgs.values():  # accounting consolidation: control evidence of its own kind
            for parent in sorted(org.consolidated_by):
                key = consolidation_key(org.iri, parent)
                how = LXS.consolidatedBy
                interests[key] = Interest(key, sources=org.sources, owner=parent, owned=org.iri, kind=how)
                add_edge(parent, org.iri, key=key)

        # regions and services
        for s, vs in self.values(LX.locatedIn).items():
            p.region_jurisdiction[s] = vs[0]
        for s in types[str(LX.Region)]:
            p.region_sources[s] = sources.get(s, [])
        prov, ops, con, lic = (
            self.values(x) for x in (LX.provider, LX.operatedBy, LX.contractingEntity, LX.technologyLicensor)
        )
        hosted, scat = self.values(LX.hostedIn), self.values(LX.serviceCategory)
        notice = self.single(LX.noticePeriod)
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
                notice_period=notice.get(s),
            )
            dated(svc)
            p.services[s] = svc
            for org_iri in svc.providers | svc.operators | svc.contracting:
                p.services_by_org.setdefault(org_iri, set()).add(s)

        # contracts and grants
        parties, ckind, concerns = self.values(LX.party), self.values(LX.contractKind), self.values(LX.concernsService)
        grants, grantee, akind = self.values(LX.grantsAccess), self.values(LX.grantee), self.values(LX.accessKind)
        autonomy = self.single(LX.guaranteesOperatingAutonomy)
        for s in types[str(LX.Contract)]:
            c = Contract(
                s,
                label=p.labels.get(s, s),
                kind=next(iter(ckind.get(s, [])), None),
                parties=set(parties.get(s, [])),
                services=set(concerns.get(s, [])),
                autonomy=_bool(autonomy.get(s)),
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

        self._requirements(types, dated)
        # authorities and instruments
        for s, vs in self.values(LX.actsFor).items():
            p.authority_jurisdiction[s] = vs[0]
        self._instruments(types, alt, dated)
        self.strings.clear()
        self.sets.clear()
        return p

    def _requirements(self, types: dict[str, set[str]], dated: Callable[[Dated], None]) -> None:
        """Requirements with their criteria, and certifications (their status at a date is an assessment's)."""
        p = self.p
        kind, clause, area = self.single(LX.criterionKind), self.single(LX.clause), self.single(LX.trustedArea)
        schemes, scopes = self.single(LX.qualificationScheme), self.values(LX.scopeCategory)
        caps = {
            str(prop): self.single(prop)
            for prop in (LX.individualCap, LX.collectiveCap, LX.warningMargin, LX.controlThreshold)
        }
        notice, required, rank = self.single(LX.noticePeriod), self.single(LX.requiredFor), self.single(LX.rank)
        levels: dict[str, Level] = {}
        defined = self.single(SKOS.definition) if types[str(LX.AssuranceLevel)] else {}
        for s in types[str(LX.AssuranceLevel)]:
            level = levels[s] = Level(
                s, label=p.labels.get(s, s), rank=int(_num(rank.get(s)) or 0), definition=defined.get(s, "")
            )
            dated(level)
        criteria: dict[str, RequirementCriterion] = {}
        for s in types[str(LX.Criterion)]:
            c = criteria[s] = RequirementCriterion(
                s,
                label=p.labels.get(s, s),
                clause=clause.get(s),
                kind=kind.get(s, ""),
                area=area.get(s),
                individual_cap=_num(caps[str(LX.individualCap)].get(s)),
                collective_cap=_num(caps[str(LX.collectiveCap)].get(s)),
                margin=_num(caps[str(LX.warningMargin)].get(s)) or 0.0,
                control_threshold=_num(caps[str(LX.controlThreshold)].get(s)),
                scheme=schemes.get(s),
                notice_period=notice.get(s),
                level=required.get(s),
            )
            dated(c)
        has, citation, graded = self.values(LX.criterion), self.single(LX.citation), self.values(LX.level)
        for s in types[str(LX.Requirement)]:
            r = p.requirements[s] = Requirement(
                s,
                label=p.labels.get(s, s),
                citation=citation.get(s),
                scope=frozenset(scopes.get(s, ())),
                criteria=sorted(
                    (criteria[c] for c in has.get(s, ()) if c in criteria), key=lambda c: c.clause or c.iri
                ),
                levels=sorted((levels[x] for x in graded.get(s, ()) if x in levels), key=lambda x: x.rank),
            )
            dated(r)
        scheme, status, holder = self.single(LX.scheme), self.single(LX.status), self.single(LX.holder)
        certifies, decision, version = (
            self.values(LX.certifies),
            self.single(LX.decisionNumber),
            self.single(LX.schemeVersion),
        )
        for s in types[str(LX.Certification)]:
            cert = p.certifications[s] = Certification(
                s,
                label=p.labels.get(s, s),
                scheme=scheme.get(s),
                status=status.get(s),
                holder=holder.get(s),
                services=set(certifies.get(s, ())),
                decision=decision.get(s),
                version=version.get(s),
            )
            dated(cert)

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


_Window = tuple[dt.date | None, dt.date | None, str | None]
_EMPTY: frozenset[str] = frozenset()
_NO_VALUES: list[str] = []  # shared by every node without values: never mutated


def term_key(term: object) -> str:
    """The key of a subject term in the projection's tables: an IRI's value, a blank node's text."""
    if type(term) is str:  # read as text already (:mod:`.rows`)
        return term
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def _text(term: object) -> str:
    if type(term) is str:
        return term
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _bool(value: str | None) -> bool | None:
    return None if value is None else value in ("true", "1")


def _num(value: str | None) -> float | None:
    return None if value is None else float(value)
