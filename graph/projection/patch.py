"""Bringing a projection up to date after a small write, instead of re-reading the store.

Reading a million organizations out of the on-disk store takes minutes (Oxigraph looks
every IRI up in RocksDB as it decodes it), while a write usually changes a few hundred
subjects: a new contract, a corrected stake, a document loaded or deleted. The store
logs the subjects each write touched (:meth:`~longarm.graph.store.embedded.Store.changed_subjects`);
:func:`patched_projection` reads only their statements again and makes a new
projection that shares everything else with the old one, so the old one stays valid for
the answers being computed with it.

Every record of the projection is made from the statements of its own subject, except
two: a contract holds its access grants and an instrument its reach rules, which are
nodes of their own. Those are read together: a touched grant brings its contract, a
touched contract its grants (and likewise rules and instruments).

Examples
--------
>>> import pyoxigraph as ox
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> from longarm.graph.projection.reader import build_projection
>>> from longarm.graph.projection.model import iri
>>> from longarm.ontology.namespace import SKOS
>>> store = Store.in_memory()
>>> _ = load_bundled(store)
>>> old, since = build_projection(store), store.version()
>>> bleu = ox.NamedNode(iri("org", "bleu"))
>>> alias = ox.Triple(bleu, ox.NamedNode(str(SKOS.altLabel)), ox.Literal("Bleu (Paris)"))
>>> store.replace_graphs({"https://e.org/g": [alias]})
>>> new = patched_projection(store, old, store.changed_subjects(since))
>>> "Bleu (Paris)" in new.orgs[iri("org", "bleu")].aliases, "Bleu (Paris)" in old.orgs[iri("org", "bleu")].aliases
(True, False)
>>> len(new.orgs) == len(old.orgs) and new.ownership.number_of_edges() == old.ownership.number_of_edges()
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import fields

import networkx as nx
import pyoxigraph as ox

from ...ontology.namespace import LX
from ..base.acyclic import making_acyclic_objects
from ..store.embedded import Store, fact_graphs
from .model import ControlEpoch, Projection, consolidation_key
from .reader import ProjectionReader, term_key
from .rows import Rows

__all__ = ["patched_projection"]

_PARTS = (str(LX.grantsAccess), str(LX.reachRule), str(LX.criterion), str(LX.level))  # records made of several nodes


def patched_projection(store: Store, old: Projection, subjects: Collection[ox.NamedNode | ox.BlankNode]) -> Projection:
    """`old` brought up to date with what the store now says of `subjects`.

    `old` is left as it was (answers under way may still use it); the result shares
    with it every record that did not change. The engine's caches start empty, but for
    those keyed by the :attr:`~longarm.graph.projection.model.Projection.control_epoch`,
    which the result keeps when the write changed no control fact (an organization added
    with no interest, a service, a contract, a source).

    Parameters
    ----------
    store : Store
        The store `old` was built from, since written.
    old : Projection
        The projection before the writes.
    subjects : collection of NamedNode or BlankNode
        Every subject whose statements the writes changed
        (:meth:`~longarm.graph.store.embedded.Store.changed_subjects`).
    """
    graphs = fact_graphs(store.named_graphs())
    with making_acyclic_objects():
        quads = _statements(store.oxigraph, set(subjects), graphs)
        touched = {term_key(q.subject) for q in quads} | {term_key(s) for s in subjects}
        fresh = ProjectionReader(_statement_rows(quads, graphs)).build()
        return _merge(old, fresh, touched)


def _statements(inner: ox.Store, subjects: set[ox.NamedNode | ox.BlankNode], graphs: list[str]) -> list[ox.Quad]:
    """The data-graph statements of `subjects`, widened to whole grants/contracts, rules/instruments."""
    allowed = {ox.NamedNode(g) for g in graphs}
    parts = [ox.NamedNode(p) for p in _PARTS]
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    todo = list(subjects)
    out: list[ox.Quad] = []
    while todo:  # at most two rounds: a part brings its whole, the whole its parts
        term = todo.pop()
        if term in seen:
            continue
        seen.add(term)
        for predicate in parts:  # the whole this node is a part of
            for q in inner.quads_for_pattern(None, predicate, term, None):
                if q.graph_name in allowed and isinstance(q.subject, ox.NamedNode | ox.BlankNode):
                    todo.append(q.subject)
        for q in inner.quads_for_pattern(term, None, None, None):
            if q.graph_name not in allowed:
                continue
            out.append(q)
            if q.predicate.value in _PARTS and isinstance(q.object, ox.NamedNode | ox.BlankNode):
                todo.append(q.object)  # the parts of this whole
    return out


def _statement_rows(quads: list[ox.Quad], graphs: list[str]) -> Rows:
    """Rows of given statements, each subject's values in the order a whole-store scan gives them:
    graph by graph in the reader's order, then as the store orders them within a graph."""
    order = {g: i for i, g in enumerate(graphs)}

    def rank(item: tuple[int, ox.Quad]) -> tuple[int, int]:
        graph = item[1].graph_name
        return order.get(graph.value if isinstance(graph, ox.NamedNode) else "", 0), item[0]

    by_predicate: dict[str, list[tuple[object, object]]] = defaultdict(list)
    for _, q in sorted(enumerate(quads), key=rank):
        by_predicate[q.predicate.value].append((q.subject, q.object))
    return lambda predicate: by_predicate.get(predicate, ())


# ---------------------------------------------------------------------- merging

_OWN_KEYED = (
    "labels",
    "jurisdictions",
    "member_of",
    "jurisdiction_sources",
    "region_jurisdiction",
    "region_sources",
    "assets",
    "instruments",
    "requirements",
    "certifications",
    "authority_jurisdiction",
    "sources",
    "reaches_data",
    "implies",
    "binds_kinds",
    "may_imply",
)


def _merge(old: Projection, fresh: Projection, touched: set[str]) -> Projection:
    new = Projection(**{f.name: getattr(old, f.name) for f in fields(Projection)})
    graph = _GraphCopy(old.ownership)
    new.universal_categories = (old.universal_categories - touched) | fresh.universal_categories
    for name in _OWN_KEYED:
        table = dict(getattr(old, name))
        for key in touched:
            table.pop(key, None)
        table.update(getattr(fresh, name))
        setattr(new, name, table)
    orgs, interests, services, contracts = dict(old.orgs), dict(old.interests), dict(old.services), dict(old.contracts)
    branches, by_org = _Inverse(old.branches, set), _Inverse(old.services_by_org, set)
    by_service, by_party = _Inverse(old.contracts_by_service, list), _Inverse(old.contracts_by_party, list)
    loose: set[str] = set()  # nodes that may no longer belong in the ownership graph

    # Take out what the touched subjects said ...
    for key in touched:
        org = orgs.pop(key, None)
        if org is not None:
            loose.add(key)
            if org.branch_of:
                branches.discard(org.branch_of, key)
            for parent in org.consolidated_by:  # its consolidation interests go with it
                interests.pop(consolidation_key(key, parent), None)
                graph.remove_edge(parent, key, consolidation_key(key, parent))
                loose.add(parent)
        interest = interests.pop(key, None)
        if interest is not None:
            graph.remove_edge(interest.owner, interest.owned, key)
            loose.update((interest.owner, interest.owned))
        service = services.pop(key, None)
        if service is not None:
            for org_iri in service.providers | service.operators | service.contracting:
                by_org.discard(org_iri, key)
        contract = contracts.pop(key, None)
        if contract is not None:
            for concerned in contract.services:
                by_service.discard(concerned, key)
            for party in contract.parties:
                by_party.discard(party, key)
    # ... and put in what they say now.
    for key, org in fresh.orgs.items():
        orgs[key] = org
        graph.add_node(key)
        if org.branch_of:
            branches.add(org.branch_of, key)
    for key, interest in fresh.interests.items():
        interests[key] = interest
        graph.add_edge(interest.owner, interest.owned, key)
    for key, service in fresh.services.items():
        services[key] = service
        for org_iri in service.providers | service.operators | service.contracting:
            by_org.add(org_iri, key)
    for key, contract in fresh.contracts.items():
        contracts[key] = contract
        for concerned in contract.services:
            by_service.add(concerned, key)
        for party in contract.parties:
            by_party.add(party, key)
    for node in loose:  # a full build has a node per organization and per interest end
        if node not in orgs:
            graph.remove_if_isolated(node)
    new.orgs, new.interests, new.services, new.contracts = orgs, interests, services, contracts
    new.branches, new.services_by_org = branches.table, by_org.table  # type: ignore[assignment]
    new.contracts_by_service, new.contracts_by_party = by_service.table, by_party.table  # type: ignore[assignment]
    new.ownership = graph.graph
    if not _same_control(old, fresh, touched):
        new.control_epoch = ControlEpoch()
    return new


def _same_control(old: Projection, fresh: Projection, touched: set[str]) -> bool:
    """True if a patch leaves the control facts as they were (organizations may be added, with no interest)."""
    if fresh.interests or fresh.jurisdictions or fresh.member_of:
        return False
    # Each touched key looked up (set.isdisjoint would walk the whole of a dict given to it).
    return not any(k in old.orgs or k in old.interests or k in old.jurisdictions for k in touched)


class _Inverse:
    """An index value → keys (sets or lists), copied entry by entry as it is changed."""

    def __init__(
        self, table: dict[str, set[str]] | dict[str, list[str]], kind: type[set[str]] | type[list[str]]
    ) -> None:
        self.table: dict[str, set[str] | list[str]] = dict(table)
        self.kind = kind
        self.owned: set[str] = set()

    def _entry(self, value: str) -> set[str] | list[str] | None:
        entry = self.table.get(value)
        if entry is not None and value not in self.owned:
            entry = self.table[value] = entry.copy()
            self.owned.add(value)
        return entry

    def add(self, value: str, key: str) -> None:
        entry = self._entry(value)
        if entry is None:
            self.table[value] = self.kind([key])
            self.owned.add(value)
        elif isinstance(entry, set):
            entry.add(key)
        elif key not in entry:
            entry.append(key)

    def discard(self, value: str, key: str) -> None:
        entry = self._entry(value)
        if entry is None:
            return
        if isinstance(entry, set):
            entry.discard(key)
        elif key in entry:
            entry.remove(key)
        if not entry:
            del self.table[value]


class _GraphCopy:
    """A copy of a networkx multigraph that shares every adjacency it does not change.

    ``MultiDiGraph.copy()`` takes ten seconds at a million edges; this copies the three
    outer dicts (a fraction of a second) and then a node's adjacency, or an edge's key
    dict, only when a change reaches it. Edges carry no attributes in the projection.
    """

    def __init__(self, original: nx.MultiDiGraph[str]) -> None:
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        graph.graph = original.graph
        graph._node = dict(original._node)  # type: ignore[attr-defined]
        graph._succ = graph._adj = dict(original._succ)  # type: ignore[attr-defined]
        graph._pred = dict(original._pred)  # type: ignore[attr-defined]
        self.graph = graph
        self.succ: dict[str, dict[str, dict[str, dict[str, object]]]] = graph._succ  # type: ignore[attr-defined]
        self.pred: dict[str, dict[str, dict[str, dict[str, object]]]] = graph._pred  # type: ignore[attr-defined]
        self.owned: set[tuple[str, str]] = set()  # ("s", node), ("p", node), (u, v) key dicts

    def _adjacency(self, side: str, node: str) -> dict[str, dict[str, dict[str, object]]]:
        table = self.succ if side == "s" else self.pred
        if (side, node) not in self.owned:
            table[node] = dict(table.get(node, {}))
            self.owned.add((side, node))
        return table[node]

    def add_node(self, node: str) -> None:
        if node not in self.graph._node:  # type: ignore[attr-defined]
            self.graph._node[node] = {}  # type: ignore[attr-defined]
            self._adjacency("s", node)
            self._adjacency("p", node)

    def _keys(self, u: str, v: str) -> dict[str, dict[str, object]]:
        out, into = self._adjacency("s", u), self._adjacency("p", v)
        keys = out.get(v, {})
        if (u, v) not in self.owned:
            keys = dict(keys)
            self.owned.add((u, v))
        out[v] = into[u] = keys
        return keys

    def add_edge(self, u: str, v: str, key: str) -> None:
        self.add_node(u)
        self.add_node(v)
        self._keys(u, v)[key] = {}

    def remove_edge(self, u: str, v: str, key: str) -> None:
        if v not in self.succ.get(u, {}):
            return
        keys = self._keys(u, v)
        keys.pop(key, None)
        if not keys:
            del self.succ[u][v], self.pred[v][u]

    def remove_if_isolated(self, node: str) -> None:
        if node in self.graph._node and not self.succ.get(node) and not self.pred.get(node):  # type: ignore[attr-defined]
            del self.graph._node[node], self.succ[node], self.pred[node]  # type: ignore[attr-defined]
