"""What a write must be validated on: the subjects it touches, and what they point to.

A write replaces some named graphs (a load, an upload, a Graph Store write, a removal:
:func:`write_scope`), or adds and removes statements in them (a SPARQL update, whose
effect is known once tried on a copy of the store: :func:`delta_scope`).
Validating the whole store as it would be costs what the store weighs (minutes at a
hundred thousand organizations); the shapes of longarm only constrain a node through its
own statements and the types of the nodes it points to. So a write is validated on its
**scope**:

- the subjects whose statements it adds or removes, and the subjects that point to them
  (a removed organization breaks the interest that names it);
- their blank-node parts (a reach rule, an access grant), whole;
- as context only, every statement of the nodes those point to (so ``sh:class`` sees their
  types).

Only violations whose focus node is in the scope are reported (the context was validated
when it was written). The cost follows the size of the write, not of the store.

Blank nodes are given IRIs in the scope (``urn:longarm:bnode:…``), so that a violation on a
reach rule can be named and kept.

Examples
--------
>>> import pyoxigraph as ox
>>> from longarm.graph.store.embedded import Store
>>> store = Store.in_memory()
>>> a, p, b = ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p"), ox.NamedNode("https://e.org/b")
>>> store.replace_graphs({"https://e.org/g1": [ox.Triple(a, p, b)]})
>>> store.replace_graphs({"https://e.org/g2": [ox.Triple(b, p, ox.Literal("x"))]})
>>> scope = write_scope(store, {"https://e.org/g3": [ox.Triple(b, p, ox.Literal("y"))]}, store.named_graphs())
>>> sorted(scope.focus)  # b is written; a points to b
['<https://e.org/a>', '<https://e.org/b>']
>>> len(scope.data)  # a -> b, b -> "x", b -> "y": a store of its own
3
>>> removed = {"https://e.org/g2": {ox.Triple(b, p, ox.Literal("x"))}}
>>> scope = delta_scope(store, {}, removed, store.named_graphs())
>>> sorted(scope.focus), len(scope.data)  # b loses "x"; a still points to it
(['<https://e.org/a>', '<https://e.org/b>'], 1)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import rdflib

from .embedded import Store

__all__ = ["WriteScope", "delta_scope", "quads_about", "write_scope"]

#: A node of the scope. pyoxigraph types a triple's subject as possibly a quoted triple
#: (RDF-star); the data longarm writes has none, and they are handled as any other node.
Node = Any
_SKOLEM = "urn:longarm:bnode:"


@dataclass(frozen=True)
class WriteScope:
    """The data to validate a write on, and the focus nodes (as violations name them) to report."""

    data: ox.Store
    focus: frozenset[str]


def write_scope(store: Store, replacements: Mapping[str, Sequence[ox.Triple]], graphs: Iterable[str]) -> WriteScope:
    """The scope of replacing `replacements`' graphs (an empty list removes one), among the data `graphs`.

    Parameters
    ----------
    store : Store
        The store before the write.
    replacements : mapping of graph IRI to triples
        The new content of each graph the write replaces.
    graphs : iterable of str
        The data graphs of the store (those the shapes apply to), replaced ones included.
    """
    return _Scope(store, graphs, replaced=set(replacements), added=replacements, removed={}).build()


def delta_scope(
    store: Store,
    added: Mapping[str, Sequence[ox.Triple]],
    removed: Mapping[str, Collection[ox.Triple]],
    graphs: Iterable[str],
) -> WriteScope:
    """The scope of adding `added` and removing `removed` (triples by graph IRI), among the data `graphs`.

    Only the subjects of those statements, and the subjects pointing to them, are focus
    nodes: the rest of the graphs they are in is not validated again.
    """
    return _Scope(store, graphs, replaced=set(), added=added, removed=removed).build()


class _Scope:
    def __init__(
        self,
        store: Store,
        graphs: Iterable[str],
        *,
        replaced: set[str],
        added: Mapping[str, Sequence[ox.Triple]],
        removed: Mapping[str, Collection[ox.Triple]],
    ) -> None:
        self.store = store
        self.replaced = replaced
        self.removed = {g: set(ts) for g, ts in removed.items() if ts}
        self.kept = {g for g in graphs if g not in replaced} | set(added)
        self.new_by_subject: dict[Node, list[ox.Triple]] = defaultdict(list)
        self.new_by_object: dict[Node, list[ox.Triple]] = defaultdict(list)
        for triples in added.values():
            for t in triples:
                self.new_by_subject[t.subject].append(t)
                if isinstance(t.object, ox.NamedNode | ox.BlankNode):
                    self.new_by_object[t.object].append(t)

    def _kept(self, q: ox.Quad) -> bool:
        """True if `q`, a statement of the store before the write, is still there after it."""
        if not isinstance(q.graph_name, ox.NamedNode):
            return False
        g = q.graph_name.value
        if g in self.replaced or g not in self.kept:
            return False
        gone = self.removed.get(g)
        return gone is None or q.triple not in gone

    def statements(self, nodes: Collection[Node]) -> dict[Node, list[ox.Triple]]:
        """The statements of each of `nodes` in the store as it would be after the write."""
        out: dict[Node, list[ox.Triple]] = defaultdict(list)
        for q in quads_about(self.store.oxigraph, nodes, "s"):
            if self._kept(q):
                out[q.subject].append(q.triple)
        for node in nodes:
            out[node] += self.new_by_subject.get(node, [])
        return out

    def referrers(self, nodes: Collection[Node]) -> set[Node]:
        """The subjects that point to any of `nodes` in the store as it would be."""
        out: set[Node] = {q.subject for q in quads_about(self.store.oxigraph, nodes, "o") if self._kept(q)}
        for node in nodes:
            out |= {t.subject for t in self.new_by_object.get(node, [])}
        return out

    def build(self) -> WriteScope:
        touched: set[Node] = set(self.new_by_subject)
        for g in self.replaced:
            touched |= {t.subject for t in self.store.triples(g)}
        for gone in self.removed.values():
            touched |= {t.subject for t in gone}
        focus = touched | self.referrers(touched)
        data: dict[ox.Triple, None] = {}
        todo = set(focus)
        while todo:  # the focus nodes and their blank-node parts, whole
            parts: set[Node] = set()
            for triples in self.statements(todo).values():
                for t in triples:
                    data.setdefault(t)
                    if isinstance(t.object, ox.BlankNode) and t.object not in focus:
                        parts.add(t.object)
            focus |= parts
            todo = parts
        pointed = {t.object for t in data if isinstance(t.object, ox.NamedNode)} - focus
        for triples in self.statements(pointed).values():  # context: what the focus nodes point to
            for t in triples:
                data.setdefault(t)
        scope = ox.Store()  # in memory; literals take their canonical form, as in the store
        scope.extend(ox.Quad(_named(t.subject), t.predicate, _named(t.object)) for t in data)
        return WriteScope(scope, frozenset(_name(_named(n)) for n in focus))


#: IRIs per query when the store is asked about many nodes at once.
_BATCH = 2_000


def quads_about(store: ox.Store, nodes: Collection[Node], position: str) -> Iterator[ox.Quad]:
    """The quads of `store` whose subject (`position` "s") or object ("o") is one of `nodes`.

    IRIs are asked in batches, one SPARQL query each (``VALUES`` of IRIs serialised by
    Oxigraph, never text from elsewhere): thousands of index lookups made in Oxigraph
    instead of a call from Python each. Blank nodes, which a query cannot name, are
    looked up one by one.
    """
    iris = [n for n in nodes if isinstance(n, ox.NamedNode)]
    for n in nodes:
        if not isinstance(n, ox.NamedNode):
            pattern = (n, None, None, None) if position == "s" else (None, None, n, None)
            yield from store.quads_for_pattern(*pattern)
    variable = "?s" if position == "s" else "?o"
    for start in range(0, len(iris), _BATCH):
        values = " ".join(str(n) for n in iris[start : start + _BATCH])
        query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES {variable} {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        for s, p, o, g in solutions:
            yield ox.Quad(s, p, o, g)


def _named(term: Any) -> Any:
    """A blank node as an IRI of the scope (so that a violation on it can be named and kept)."""
    return ox.NamedNode(_SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term


def _name(term: ox.NamedNode) -> str:
    """A node as :class:`~longarm.graph.base.errors.Violation` names its focus node (from the rdflib report)."""
    from .validation import short_name

    return short_name(rdflib.URIRef(term.value))
