"""A deterministic generator of GLEIF-like corporate groups, services and data assets, as N-Quads.

The shape follows what GLEIF level-2 data and cloud catalogues look like: many small groups
and a few huge ones (Pareto sizes), ultimate parents mostly in a handful of jurisdictions,
chain depths mostly 1–4 with a tail to 10, majority and sole-control interests, some
minority stakes, joint ventures (two owners with joint control or 50/50), a few
cross-holdings that make ownership cycles, former owners whose interest has ended, and
validity dates on some interests. Services (IaaS, hosted in regions) are operated by
subsidiaries; data assets are hosted on services. Everything goes to the named graphs of
:data:`GRAPHS` and every IRI comes from :mod:`longarm.ontology.namespace`.

The output depends only on the :class:`SyntheticConfig` (the seed included). Write it to a
file for other stores with ``path.write_text("".join(generate(config)))``.

Examples
--------
>>> tally = Tally()
>>> text = "".join(generate(SyntheticConfig(orgs=200, seed=1), tally))
>>> tally.orgs, tally.services, tally.assets, tally.quads == text.count(chr(10))
(200, 10, 1, True)
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from longarm.ontology.namespace import DCTERMS, LX, PREFIXES, entity_iri, graph_iri

__all__ = ["GRAPHS", "SyntheticConfig", "Tally", "asset_iri", "generate", "small_update"]

#: The named graphs the generator writes, by theme.
GRAPHS = {name: str(graph_iri("synthetic/" + name)) for name in ("sources", "orgs", "ownership", "services", "assets")}
_G = {name: f"<{iri}>" for name, iri in GRAPHS.items()}


def _base(kind: str) -> str:
    """The opening ``<…/id/<kind>/`` of an instance IRI, taken from :func:`entity_iri`."""
    return "<" + str(entity_iri(kind, "x"))[:-1]


_ORG, _INT, _SVC, _REG, _SRC, _JUR = (_base(k) for k in ("org", "interest", "service", "region", "source", "jur"))
_A, _LABEL = f"<{PREFIXES['rdf']}type>", f"<{PREFIXES['rdfs']}label>"
_DEC, _DATE = f"^^<{PREFIXES['xsd']}decimal>", f"^^<{PREFIXES['xsd']}date>"
_P = {
    name: f"<{getattr(LX, name)}>"
    for name in (
        "Organization",
        "OwnershipInterest",
        "Service",
        "Region",
        "DataAsset",
        "Source",
        "Company",
        "organizationKind",
        "incorporatedIn",
        "owner",
        "owned",
        "interestKind",
        "shareOfCapital",
        "confidence",
        "validFrom",
        "validUntil",
        "operatedBy",
        "contractingEntity",
        "hostedIn",
        "locatedIn",
        "serviceCategory",
        "IaaS",
        "hostedOn",
        "storedIn",
        "dataController",
        "keysHeldBy",
        "dataCategory",
        "PersonalData",
        "SoleControl",
        "Shareholding",
        "JointControl",
        "Primary",
        "Secondary",
        "Uncertain",
    )
}
_SOURCE, _DCDATE = f"<{DCTERMS.source}>", f"<{DCTERMS.date}>"
_SOURCES = {
    "lei": "GLEIF-like level-1 records",
    "rr": "GLEIF-like level-2 relationship records",
    "catalogue": "cloud catalogue",
}

# Ultimate parents sit mostly in a handful of jurisdictions; subsidiaries spread wider.
_ROOT_JURS = {
    "US": 30,
    "CN": 10,
    "FR": 9,
    "DE": 9,
    "GB": 8,
    "JP": 6,
    "NL": 5,
    "IE": 4,
    "LU": 4,
    "KY": 4,
    "CH": 4,
    "CA": 2,
    "SG": 2,
    "IN": 1,
    "KR": 1,
    "SE": 1,
}
_SUB_JURS = {
    "US": 12,
    "GB": 8,
    "DE": 8,
    "FR": 8,
    "NL": 7,
    "IE": 6,
    "LU": 6,
    "CN": 5,
    "SG": 4,
    "HK": 4,
    "KY": 3,
    "ES": 3,
    "IT": 3,
    "BE": 3,
    "CH": 3,
    "JP": 3,
    "CA": 2,
    "AU": 2,
    "IN": 2,
    "BR": 2,
    "SE": 2,
    "PL": 2,
    "AT": 1,
    "DK": 1,
    "FI": 1,
    "PT": 1,
    "CZ": 1,
    "RO": 1,
    "JE": 1,
    "AE": 1,
    "MY": 1,
    "KR": 1,
}
_REGION_JURS = {
    "US": 6,
    "FR": 4,
    "DE": 4,
    "IE": 3,
    "NL": 3,
    "GB": 3,
    "SG": 2,
    "JP": 2,
    "CN": 2,
    "SE": 1,
    "ES": 1,
    "IT": 1,
    "PL": 1,
    "CH": 1,
    "AU": 1,
    "IN": 1,
    "BR": 1,
    "CA": 1,
    "KR": 1,
    "HK": 1,
    "LU": 1,
    "BE": 1,
}
_DEPTH_WEIGHTS = (40.0, 28.0, 15.0, 8.0, 4.0, 2.0, 1.2, 0.8, 0.5, 0.5)  # depth 1 … 10
_CONF = ((0.75, "Primary"), (0.95, "Secondary"), (1.0, "Uncertain"))


@dataclass(frozen=True)
class SyntheticConfig:
    """What to generate: sizes, rates (per non-root organization unless said) and the seed."""

    orgs: int
    seed: int = 0
    orgs_per_service: int = 20
    services_per_asset: int = 10
    max_group: int = 20_000  # largest group, further capped at orgs // 20
    pareto_alpha: float = 1.1  # group-size tail: smaller is heavier
    minority_rate: float = 0.06  # an extra owner from another group with < 50 %
    joint_venture_rate: float = 0.01  # two owners, joint control or 50/50
    cycle_rate: float = 0.01  # per group of 3+ (or per root pair): a cross-holding
    former_owner_rate: float = 0.03  # an ended interest (validFrom and validUntil in the past)
    dated_rate: float = 0.3  # share of main interests with a validFrom
    max_depth: int = 10


@dataclass
class Tally:
    """What was generated (filled while the generator runs)."""

    orgs: int = 0
    groups: int = 0
    largest_group: int = 0
    max_depth: int = 0
    interests: int = 0
    minority_stakes: int = 0
    joint_ventures: int = 0
    cross_holdings: int = 0
    former_owners: int = 0
    services: int = 0
    regions: int = 0
    assets: int = 0
    quads: int = 0


def asset_iri(k: int) -> str:
    """The IRI of the `k`-th synthetic data asset."""
    return str(entity_iri("asset", f"syn-{k}"))


def _date(rng: random.Random, first: int, last: int) -> str:
    return f'"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"{_DATE}'


class _Generator:
    def __init__(self, cfg: SyntheticConfig, tally: Tally) -> None:
        self.cfg, self.t, self.rng = cfg, tally, random.Random(cfg.seed)
        self.sizes = self._group_sizes()
        self.starts = [0, *accumulate(self.sizes)][:-1]
        self.out: list[str] = []
        pools = {"root": _ROOT_JURS, "sub": _SUB_JURS, "region": _REGION_JURS}
        self.pools = {name: (list(w), list(accumulate(w.values()))) for name, w in pools.items()}

    def _group_sizes(self) -> list[int]:
        cap, left, sizes = max(1, min(self.cfg.max_group, self.cfg.orgs // 20)), self.cfg.orgs, []
        while left > 0:
            sizes.append(min(cap, left, int(self.rng.paretovariate(self.cfg.pareto_alpha))))
            left -= sizes[-1]
        return sizes

    def jur(self, pool: str) -> str:
        codes, cumulative = self.pools[pool]
        return self.rng.choices(codes, cum_weights=cumulative)[0]

    def group_of(self, i: int) -> int:
        return bisect_right(self.starts, i) - 1

    def other_org(self, i: int) -> int:
        """An organization of another group (any other one if there is a single group)."""
        g = self.group_of(i)
        for _ in range(8):
            j = self.rng.randrange(self.cfg.orgs)
            if self.group_of(j) != g:
                return j
        return (i + 1) % self.cfg.orgs

    def emit(self, s: str, g: str, *pairs: tuple[str, str]) -> None:
        """Add one quad per (predicate, object) pair about `s` in graph `g`."""
        self.out.extend(f"{s} {p} {o} {g} .\n" for p, o in pairs)

    def flush(self, force: bool = False) -> Iterator[str]:
        if self.out and (force or len(self.out) > 20_000):
            chunk = "".join(self.out)
            self.out.clear()
            self.t.quads += chunk.count("\n")
            yield chunk

    def run(self) -> Iterator[str]:
        for slug, label in _SOURCES.items():
            self.emit(
                f"{_SRC}synthetic-{slug}>",
                _G["sources"],
                (_A, _P["Source"]),
                (_LABEL, f'"Synthetic {label} (longarm benchmark)"'),
                (_DCDATE, f'"2026-01-01"{_DATE}'),
            )
        self.t.groups, self.t.largest_group = len(self.sizes), max(self.sizes)
        for k, (start, size) in enumerate(zip(self.starts, self.sizes, strict=True)):
            self.group(k, start, size)
            yield from self.flush()
        self.services_and_assets()
        yield from self.flush(force=True)

    def org(self, i: int, group: int, jur: str) -> None:
        self.emit(
            f"{_ORG}syn-{i}>",
            _G["orgs"],
            (_A, _P["Organization"]),
            (_LABEL, f'"Synthetic group {group} entity {i} ({jur})"'),
            (_P["organizationKind"], _P["Company"]),
            (_P["incorporatedIn"], f"{_JUR}{jur}>"),
            (_SOURCE, f"{_SRC}synthetic-lei>"),
        )
        self.t.orgs += 1

    def interest(
        self, owner: int, owned: int, kind: str, share: float | None, since: str = "", until: str = ""
    ) -> None:
        r = self.rng.random()
        pairs = [
            (_A, _P["OwnershipInterest"]),
            (_P["owner"], f"{_ORG}syn-{owner}>"),
            (_P["owned"], f"{_ORG}syn-{owned}>"),
            (_P["interestKind"], _P[kind]),
            (_P["confidence"], _P[next(name for bound, name in _CONF if r < bound)]),
            (_SOURCE, f"{_SRC}synthetic-rr>"),
        ]
        if share is not None:
            pairs.append((_P["shareOfCapital"], f'"{share:.2f}"{_DEC}'))
        pairs += [(_P["validFrom"], since)] if since else []
        pairs += [(_P["validUntil"], until)] if until else []
        self.emit(f"{_INT}syn-{self.t.interests}>", _G["ownership"], *pairs)
        self.t.interests += 1

    def group(self, k: int, start: int, size: int) -> None:
        cfg, rng, t = self.cfg, self.rng, self.t
        jurs = [self.jur("root")]
        self.org(start, k, jurs[0])
        levels: list[list[int]] = [[start]]
        for i in range(start + 1, start + size):
            top = min(len(levels), cfg.max_depth)
            depth = rng.choices(range(1, top + 1), weights=_DEPTH_WEIGHTS[:top])[0]
            parent = rng.choice(levels[depth - 1])
            if depth == len(levels):
                levels.append([])
            levels[depth].append(i)
            jurs.append(jurs[parent - start] if rng.random() < 0.45 else self.jur("sub"))
            self.org(i, k, jurs[-1])
            since = _date(rng, 1995, 2024) if rng.random() < cfg.dated_rate else ""
            r = rng.random()
            if r < cfg.joint_venture_rate:
                partner, t.joint_ventures = self.other_org(i), t.joint_ventures + 1
                kind, share = ("JointControl", None) if rng.random() < 0.5 else ("Shareholding", 50.0)
                self.interest(parent, i, kind, share, since)
                self.interest(partner, i, kind, share, since)
            elif r < cfg.joint_venture_rate + cfg.minority_rate:
                major, t.minority_stakes = rng.uniform(50.01, 95.0), t.minority_stakes + 1
                self.interest(parent, i, "Shareholding", major, since)
                self.interest(self.other_org(i), i, "Shareholding", rng.uniform(0.5, min(49.99, 100.0 - major)))
            else:
                r = rng.random()
                kind, share = (
                    ("SoleControl", 100.0)
                    if r < 0.55
                    else ("SoleControl", None)
                    if r < 0.7
                    else ("Shareholding", rng.uniform(50.01, 99.99))
                )
                self.interest(parent, i, kind, share, since)
            if rng.random() < cfg.former_owner_rate:
                t.former_owners += 1
                self.interest(
                    self.other_org(i), i, "SoleControl", 100.0, _date(rng, 2001, 2012), _date(rng, 2013, 2019)
                )
        t.max_depth = max(t.max_depth, len(levels) - 1)
        if rng.random() < cfg.cycle_rate:
            if len(levels) > 2:  # a deep subsidiary holds a few percent of its ultimate parent
                self.interest(rng.choice(levels[-1]), start, "Shareholding", rng.uniform(1.0, 10.0))
                t.cross_holdings += 1
            elif len(self.starts) > 1:  # two ultimate parents hold each other
                other = self.starts[(k + 1 + rng.randrange(len(self.starts) - 1)) % len(self.starts)]
                self.interest(start, other, "Shareholding", rng.uniform(1.0, 15.0))
                self.interest(other, start, "Shareholding", rng.uniform(1.0, 15.0))
                t.cross_holdings += 1

    def member(self, i: int, avoid_root: bool) -> int:
        """A random member of `i`'s group (not its ultimate parent if `avoid_root` and it has others)."""
        start, size = self.starts[g := self.group_of(i)], self.sizes[g]
        if size == 1:
            return start
        return start + (1 + self.rng.randrange(size - 1) if avoid_root else self.rng.randrange(size))

    def services_and_assets(self) -> None:
        cfg, rng, t = self.cfg, self.rng, self.t
        n_services = max(1, cfg.orgs // cfg.orgs_per_service)
        n_regions = max(8, n_services // 25)
        src, g = f"{_SRC}synthetic-catalogue>", _G["services"]
        region_jur = [self.jur("region") for _ in range(n_regions)]
        for r, code in enumerate(region_jur):
            self.emit(
                f"{_REG}syn-{r}>",
                g,
                (_A, _P["Region"]),
                (_LABEL, f'"Synthetic region {r} ({code})"'),
                (_P["locatedIn"], f"{_JUR}{code}>"),
                (_SOURCE, src),
            )
        t.regions = n_regions
        first_region = []
        for k in range(n_services):
            operator = self.member(rng.randrange(cfg.orgs), avoid_root=True)
            contracting = operator if rng.random() < 0.7 else self.member(operator, avoid_root=False)
            regions = rng.sample(range(n_regions), rng.choice((1, 1, 2, 3)))
            first_region.append(regions[0])
            self.emit(
                f"{_SVC}syn-{k}>",
                g,
                (_A, _P["Service"]),
                (_LABEL, f'"Synthetic IaaS {k}"'),
                (_P["operatedBy"], f"{_ORG}syn-{operator}>"),
                (_P["serviceCategory"], _P["IaaS"]),
                (_P["contractingEntity"], f"{_ORG}syn-{contracting}>"),
                (_SOURCE, src),
                *((_P["hostedIn"], f"{_REG}syn-{r}>") for r in regions),
            )
            t.services += 1
        g = _G["assets"]
        for k in range(max(1, n_services // cfg.services_per_asset)):
            s = f"<{asset_iri(k)}>"
            hosts = rng.sample(range(n_services), 1 if rng.random() < 0.85 or n_services < 2 else 2)
            self.emit(
                s,
                g,
                (_A, _P["DataAsset"]),
                (_LABEL, f'"Synthetic data asset {k}"'),
                (_SOURCE, src),
                *((_P["hostedOn"], f"{_SVC}syn-{h}>") for h in hosts),
                *((_P["storedIn"], f"{_JUR}{c}>") for c in sorted({region_jur[first_region[h]] for h in hosts})),
            )
            if rng.random() < 0.5:
                self.emit(s, g, (_P["dataCategory"], _P["PersonalData"]))
            if rng.random() < 0.5:  # a customer of the group; some keep their own keys
                controller = f"{_ORG}syn-{rng.randrange(cfg.orgs)}>"
                self.emit(s, g, (_P["dataController"], controller))
                if rng.random() < 0.3:
                    self.emit(s, g, (_P["keysHeldBy"], controller))
            t.assets += 1


def small_update(orgs: int) -> tuple[str, str]:
    """A write of the size users make (N-Triples text) and the asset it adds.

    A new US company takes 60 % of a synthetic company, and a new data asset is hosted
    on the first synthetic service: the kind of change a projection is patched for
    instead of rebuilt (:mod:`longarm.graph.projection.patch`).
    """
    added = str(entity_iri("asset", "syn-update"))
    buyer, target, asset = f"{_ORG}syn-update-buyer>", f"{_ORG}syn-{orgs // 2}>", f"<{added}>"
    rows = [
        (buyer, _A, _P["Organization"]),
        (buyer, _LABEL, '"Synthetic buyer (US)"'),
        (buyer, _P["organizationKind"], _P["Company"]),
        (buyer, _P["incorporatedIn"], f"{_JUR}US>"),
        (buyer, _SOURCE, f"{_SRC}synthetic-lei>"),
        (f"{_INT}syn-update>", _A, _P["OwnershipInterest"]),
        (f"{_INT}syn-update>", _P["owner"], buyer),
        (f"{_INT}syn-update>", _P["owned"], target),
        (f"{_INT}syn-update>", _P["interestKind"], _P["Shareholding"]),
        (f"{_INT}syn-update>", _P["shareOfCapital"], f'"60.00"{_DEC}'),
        (f"{_INT}syn-update>", _SOURCE, f"{_SRC}synthetic-rr>"),
        (asset, _A, _P["DataAsset"]),
        (asset, _LABEL, '"Synthetic data asset added by an update"'),
        (asset, _P["hostedOn"], f"{_SVC}syn-0>"),
        (asset, _SOURCE, f"{_SRC}synthetic-catalogue>"),
    ]
    return "".join(f"{s} {p} {o} .\n" for s, p, o in rows), added


def generate(config: SyntheticConfig, tally: Tally | None = None) -> Iterator[str]:
    """Yield the synthetic dataset as chunks of N-Quads text, counting what it makes in `tally`."""
    if config.orgs < 1:
        raise ValueError("orgs must be at least 1")
    return _Generator(config, tally if tally is not None else Tally()).run()
