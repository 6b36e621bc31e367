"""Ownership analytics over the projection: parents, controllers, effective ownership.

Every function takes the projection first and an ``as_of`` date, and bounds its
traversal with ``max_depth``; ownership cycles (cross-holdings) are walked once per
path, never forever. Whether an interest confers control depends on a control test and
a threshold, as an instrument's control rule states them (:func:`confers_control`).

Examples
--------
>>> import datetime as dt
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.cache import projection_for
>>> from longarm.graph.projection.model import iri
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> p = projection_for(store)
>>> today = dt.date(2026, 11, 29)
>>> [p.label(c.controller) for c in controllers(p, iri("org", "microsoft-ireland-operations"), today)]
['Microsoft Corporation']
>>> sorted(p.label(c.controller) for c in controllers(p, iri("org", "bleu"), today))
['Capgemini S.E.', 'Orange S.A.']
>>> [p.label(h.owner) for h in direct_owners(p, iri("org", "numergy"), dt.date(2013, 6, 1))]
['Bull', 'Caisse des Dépôts', 'SFR']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from ...ontology.namespace import LX, LXS
from ..base.errors import InputError
from ..base.memo import Memo
from ..projection.model import Interest, Projection, valid_at

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "ChainLink",
    "Control",
    "ControlChain",
    "EffectiveShare",
    "Holding",
    "ancestors",
    "capital_and_votes",
    "confers_control",
    "controllers",
    "controllers_of_any",
    "direct_holdings",
    "direct_owners",
    "effective_ownership",
    "ownership_chain",
    "share_of",
    "share_phrase",
    "subsidiaries",
    "ultimate_controllers",
]

DEFAULT_MAX_DEPTH = 12
_SOLE, _JOINT = str(LX.SoleControl), str(LX.JointControl)
_VETO, _BOARD = str(LX.VetoRight), str(LX.BoardAppointment)
_INFLUENCE_TESTS = {str(LX.DecisiveInfluence), str(LX.FrenchCommercialCodeControl)}
_MAJORITY = str(LX.MajorityOwnership)

Method = Literal["multiplicative", "control"]


@dataclass(frozen=True, slots=True)
class Holding:
    """One interest seen from one side: the other party and the interest."""

    owner: str
    owned: str
    interest: Interest


@dataclass(frozen=True, slots=True)
class Control:
    """Why an interest confers control: ``sole``, ``majority``, ``joint``, ``influence`` or ``consolidation``."""

    how: str
    interest: Interest


@dataclass(frozen=True, slots=True)
class ControlChain:
    """A controller of an organization and the chain of controlling interests, top first."""

    controller: str
    links: tuple[Control, ...]

    @property
    def joint(self) -> bool:
        """True if any link is joint control (the controller shares control)."""
        return any(link.how == "joint" for link in self.links)

    @property
    def consolidated(self) -> bool:
        """True if any link is accounting consolidation: control read from consolidated accounts, not a stake."""
        return any(link.how == "consolidation" for link in self.links)


@dataclass(frozen=True, slots=True)
class EffectiveShare:
    """Look-through ownership of one owner, with the paths it sums over."""

    owner: str
    percent: float | None
    paths: tuple[tuple[Interest, ...], ...]
    complete: bool


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One interest in an ownership chain, at a depth, with effective ownership."""

    depth: int
    interest: Interest
    effective: float | None


def _check(max_depth: int) -> None:
    if max_depth < 0:
        raise InputError(f"max_depth must be >= 0, not {max_depth}")


def share_of(interest: Interest) -> float | None:
    """The best-known share of an interest in percent (votes first, then capital, then lower bounds).

    >>> share_of(Interest("x", capital=44.4))
    44.4
    >>> share_of(Interest("x", capital_max=10.0)) is None
    True
    """
    for value in (interest.votes, interest.capital, interest.votes_min, interest.capital_min):
        if value is not None:
            return value
    return None


def share_phrase(exact: float | None, low: float | None = None, high: float | None = None) -> str | None:
    """A share in words, as precise as it is known: the one wording of every picture and text.

    >>> [share_phrase(44.4), share_phrase(None, 10.0, 20.0), share_phrase(None, 50.0), share_phrase(None, None, 10.0)]
    ['44.4 %', '10–20 %', 'at least 50 %', 'less than 10 %']
    >>> share_phrase(None) is None
    True
    """
    if exact is not None:
        return f"{exact:g} %"
    if low is not None and high is not None:
        return f"{low:g}–{high:g} %"
    if low is not None:
        return f"at least {low:g} %"
    return f"less than {high:g} %" if high is not None else None


def capital_and_votes(interest: Interest) -> tuple[str | None, str | None]:
    """The share of capital and the share of votes of `interest` in words (None where unknown)."""
    return (
        share_phrase(interest.capital, interest.capital_min, interest.capital_max),
        share_phrase(interest.votes, interest.votes_min, interest.votes_max),
    )


def confers_control(interest: Interest, test: str | None = None, threshold: float = 50.0) -> Control | None:
    """Whether `interest` gives its owner control under `test` at `threshold` percent.

    A share at or above the threshold controls; so does a stated sole control. Joint
    control counts (flagged ``joint``) except under the majority-ownership test. Veto and
    board-appointment rights count only under decisive-influence tests. An upper bound
    below the threshold ("less than 10 %") never controls, nor does an interest whose
    control an agreement limits (``lx:controlLimitedBy``).

    >>> confers_control(Interest("x", capital=60.0)).how
    'majority'
    >>> confers_control(Interest("x", capital_max=10.0)) is None
    True
    """
    if interest.control_limited_by is not None:
        return None  # an agreement (e.g. a US Special Security Agreement) keeps the owner from control
    share = share_of(interest)
    if share is not None and share >= threshold:
        return Control("majority", interest)
    if interest.kind == _SOLE:
        return Control("sole", interest)
    if interest.kind == LXS.consolidatedBy:  # consolidated accounts: control, read from a register
        return Control("consolidation", interest)
    if interest.kind == _JOINT and test != _MAJORITY:
        return Control("joint", interest)
    if interest.kind in (_VETO, _BOARD) and test in _INFLUENCE_TESTS:
        return Control("influence", interest)
    return None


def direct_owners(p: Projection, org: str, as_of: dt.date) -> list[Holding]:
    """The interests held in `org` on `as_of`, sorted by owner label."""
    return sorted(_owners(p, org, as_of), key=lambda h: p.label(h.owner))


def direct_holdings(p: Projection, org: str, as_of: dt.date) -> list[Holding]:
    """The interests `org` holds in others on `as_of`, sorted by owned label."""
    out = [h for h in _holdings(p, org, as_of)]
    return sorted(out, key=lambda h: p.label(h.owned))


def _holdings(p: Projection, org: str, as_of: dt.date) -> Iterator[Holding]:
    # The graph's adjacency mappings directly: edge views cost more than the walk itself.
    succ = p.ownership.succ.get(org) if org in p.ownership else None
    for owned, keyed in (succ or {}).items():
        for key in keyed:
            interest = p.interests[key]
            if valid_at(interest, as_of):
                yield Holding(org, owned, interest)


def _owners(p: Projection, org: str, as_of: dt.date) -> Iterator[Holding]:
    if org not in p.ownership:
        return
    for owner, keyed in p.ownership.pred[org].items():
        for key in keyed:
            interest = p.interests[key]
            if valid_at(interest, as_of):
                yield Holding(owner, org, interest)


def controllers(
    p: Projection,
    org: str,
    as_of: dt.date,
    *,
    test: str | None = None,
    threshold: float = 50.0,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[ControlChain]:
    """Every entity that controls `org`, directly or through a chain of controlled entities.

    Each controller appears once, with its shortest chain (top first).
    """
    _check(max_depth)
    return list(_controllers(p, org, as_of, test, threshold, max_depth))


def _controllers(
    p: Projection, org: str, as_of: dt.date, test: str | None, threshold: float, max_depth: int
) -> Iterator[ControlChain]:
    """Controllers by stakes and rights first; then those that only accounting consolidation reveals."""
    found: set[str] = set()
    for consolidation in (False, True) if has_consolidation(p) else (False,):
        for chain in _control_walk(p, org, as_of, test, threshold, max_depth, consolidation):
            if chain.controller not in found:
                found.add(chain.controller)
                yield chain


def _control_walk(
    p: Projection, org: str, as_of: dt.date, test: str | None, threshold: float, max_depth: int, consolidation: bool
) -> Iterator[ControlChain]:
    seen = {org}
    frontier: list[tuple[str, tuple[Control, ...]]] = [(org, ())]
    for _ in range(max_depth):
        nxt = []
        for node, chain in frontier:
            for h in sorted(_owners(p, node, as_of), key=_by_owner):
                control = confers_control(h.interest, test, threshold)
                if control is None or h.owner in seen or (control.how == "consolidation" and not consolidation):
                    continue
                seen.add(h.owner)
                links = (control, *chain)
                yield ControlChain(h.owner, links)
                nxt.append((h.owner, links))
        if not nxt:
            return
        frontier = nxt


def _by_owner(h: Holding) -> tuple[str, str]:
    return h.owner, h.interest.iri


def has_consolidation(p: Projection) -> bool:
    """True if any organization of `p` has an accounting-consolidation parent (looked for once per projection)."""
    return _CONSOLIDATED.get(p, (), lambda: any(i.kind == LXS.consolidatedBy for i in p.interests.values()))


_CONSOLIDATED: Memo[tuple[()], bool] = Memo("has consolidation")


def ultimate_controllers(
    p: Projection, org: str, as_of: dt.date, *, threshold: float = 50.0, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[ControlChain]:
    """The controllers of `org` that nobody controls in turn (the top of each chain).

    In an ownership cycle every member is controlled by another, so none is ultimate.
    """
    chains = controllers(p, org, as_of, threshold=threshold, max_depth=max_depth)
    return [
        c
        for c in chains
        if not any(confers_control(h.interest, None, threshold) for h in _owners(p, c.controller, as_of))
    ]


def subsidiaries(
    p: Projection,
    org: str,
    as_of: dt.date,
    *,
    test: str | None = None,
    threshold: float = 50.0,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[ControlChain]:
    """Every entity `org` controls, directly or through controlled entities (chains top first).

    Chains of stakes and rights come first; a company reached only through accounting
    consolidation comes after them, with that chain.
    """
    _check(max_depth)
    out: list[ControlChain] = []
    found: set[str] = set()
    for consolidation in (False, True) if has_consolidation(p) else (False,):
        for chain in _subsidiary_walk(p, org, as_of, test, threshold, max_depth, consolidation):
            if chain.controller not in found:
                found.add(chain.controller)
                out.append(chain)
    return out


def _subsidiary_walk(
    p: Projection, org: str, as_of: dt.date, test: str | None, threshold: float, max_depth: int, consolidation: bool
) -> list[ControlChain]:
    out = []
    seen = {org}
    frontier: list[tuple[str, tuple[Control, ...]]] = [(org, ())]
    for _ in range(max_depth):
        nxt = []
        for node, chain in frontier:
            for h in _holdings(p, node, as_of):
                control = confers_control(h.interest, test, threshold)
                if control is None or h.owned in seen or (control.how == "consolidation" and not consolidation):
                    continue
                seen.add(h.owned)
                links = (*chain, control)
                out.append(ControlChain(h.owned, links))
                nxt.append((h.owned, links))
        if not nxt:
            break
        frontier = nxt
    return out


def controllers_of_any(
    p: Projection,
    targets: Iterable[str],
    as_of: dt.date,
    *,
    test: str | None = None,
    threshold: float = 50.0,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> dict[str, tuple[str, Interest, int]]:
    """Every entity that controls one of `targets` (other than itself), with the way down.

    The answer to "does this group control an entity somewhere in …" for every
    organization at once: one walk up from all the targets together, instead of one walk
    down each group per question. Each controller maps to ``(child, interest, depth)``:
    the entity it controls through `interest` on a shortest chain to a target `depth`
    links below it; follow the children `depth` times to reach that target.

    Examples
    --------
    >>> from longarm.graph.projection.model import Interest, Org
    >>> p = Projection()
    >>> for a, b, share in (("top", "mid", 60.0), ("mid", "leaf", 100.0), ("other", "mid", 40.0)):
    ...     p.interests[a + b] = Interest(a + b, owner=a, owned=b, capital=share)
    ...     _ = p.ownership.add_edge(a, b, key=a + b)
    >>> found = controllers_of_any(p, ["leaf"], dt.date(2026, 1, 1))
    >>> sorted((k, v[0], v[2]) for k, v in found.items())
    [('mid', 'leaf', 1), ('top', 'mid', 2)]
    """
    _check(max_depth)
    targets = list(targets)
    found = _controllers_of_any(p, targets, as_of, test, threshold, max_depth, consolidation=False)
    if not has_consolidation(p):
        return found
    with_consolidation = _controllers_of_any(p, targets, as_of, test, threshold, max_depth, consolidation=True)
    return {**with_consolidation, **found}  # the way down by stakes and rights where there is one


def _controllers_of_any(
    p: Projection,
    targets: list[str],
    as_of: dt.date,
    test: str | None,
    threshold: float,
    max_depth: int,
    *,
    consolidation: bool,
) -> dict[str, tuple[str, Interest, int]]:
    found: dict[str, tuple[str, Interest, int]] = {}
    expanded = set(targets)
    frontier = targets
    for depth in range(1, max_depth + 1):
        nxt = []
        for node in frontier:
            # In IRI order: of two ways down of the same length, the same is found however `p` was read.
            for h in sorted(_owners(p, node, as_of), key=_by_owner):
                control = confers_control(h.interest, test, threshold)
                if h.owner in found or control is None or (control.how == "consolidation" and not consolidation):
                    continue
                found[h.owner] = (node, h.interest, depth)
                if h.owner not in expanded:
                    expanded.add(h.owner)
                    nxt.append(h.owner)
        if not nxt:
            break
        frontier = nxt
    return found


def ancestors(p: Projection, org: str, as_of: dt.date, *, max_depth: int = DEFAULT_MAX_DEPTH) -> set[str]:
    """Every direct or indirect owner of `org`, whatever the share (cycles walked once)."""
    _check(max_depth)
    seen: set[str] = set()
    frontier = {org}
    for _ in range(max_depth):
        nxt = {h.owner for node in frontier for h in _owners(p, node, as_of)} - seen - {org}
        if not nxt:
            break
        seen |= nxt
        frontier = nxt
    return seen


def effective_ownership(
    p: Projection,
    org: str,
    as_of: dt.date,
    *,
    method: Method = "multiplicative",
    threshold: float = 50.0,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> dict[str, EffectiveShare]:
    """Look-through ownership of `org` by each of its direct and indirect owners.

    ``multiplicative`` multiplies shares along each path and sums over paths;
    ``control`` counts a link that confers control (at `threshold`) as 100 % and others at
    their share — the attribution used when a controlled company's holdings count as the
    controller's. A path through an interest without a known share makes the result
    incomplete (``complete=False``) and contributes nothing.
    """
    _check(max_depth)
    if method not in ("multiplicative", "control"):
        raise InputError(f"unknown method {method!r}: use 'multiplicative' or 'control'")
    totals: dict[str, list[tuple[float | None, tuple[Interest, ...]]]] = {}
    for owner, path in _paths_up(p, org, as_of, max_depth):
        factor: float | None = 1.0
        for i, interest in enumerate(path):
            last = i == len(path) - 1
            share = share_of(interest)
            if method == "control" and not last and confers_control(interest, None, threshold):
                continue
            factor = None if share is None or factor is None else factor * share / 100.0
        totals.setdefault(owner, []).append((factor, path))
    out = {}
    for owner, items in totals.items():
        known = [f for f, _ in items if f is not None]
        complete = len(known) == len(items)
        percent = round(sum(known) * 100.0, 4) if known else None
        out[owner] = EffectiveShare(owner, percent, tuple(path for _, path in items), complete)
    return out


def _paths_up(p: Projection, org: str, as_of: dt.date, max_depth: int) -> Iterator[tuple[str, tuple[Interest, ...]]]:
    """Simple paths from `org` upwards: (owner, interests from the owner down to `org`)."""
    stack: list[tuple[str, tuple[Interest, ...], frozenset[str]]] = [(org, (), frozenset({org}))]
    while stack:
        node, path, on_path = stack.pop()
        if len(path) >= max_depth:
            continue
        for h in _owners(p, node, as_of):
            if h.owner in on_path:
                continue  # a cycle: do not walk it again
            new_path = (h.interest, *path)
            yield h.owner, new_path
            stack.append((h.owner, new_path, on_path | {h.owner}))


def ownership_chain(
    p: Projection,
    org: str,
    as_of: dt.date,
    *,
    direction: Literal["up", "down"] = "up",
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> list[ChainLink]:
    """Every interest above (``up``) or below (``down``) `org`, breadth first, with depth.

    Going up, ``effective`` is the multiplicative look-through share the link's owner
    holds in `org`; going down, the share `org` holds in the link's owned entity.
    """
    _check(max_depth)
    if direction not in ("up", "down"):
        raise InputError(f"unknown direction {direction!r}: use 'up' or 'down'")
    out: list[ChainLink] = []
    seen_interests: set[str] = set()
    frontier: list[tuple[str, float | None]] = [(org, 1.0)]
    visited = {org}
    for depth in range(1, max_depth + 1):
        nxt: list[tuple[str, float | None]] = []
        for node, factor in frontier:
            holdings = direct_owners(p, node, as_of) if direction == "up" else direct_holdings(p, node, as_of)
            for h in holdings:
                if h.interest.iri in seen_interests:
                    continue
                seen_interests.add(h.interest.iri)
                share = share_of(h.interest)
                eff = None if share is None or factor is None else factor * share / 100.0
                out.append(ChainLink(depth, h.interest, None if eff is None else round(eff * 100.0, 4)))
                other = h.owner if direction == "up" else h.owned
                if other not in visited:
                    visited.add(other)
                    nxt.append((other, eff))
        if not nxt:
            break
        frontier = nxt
    return out
