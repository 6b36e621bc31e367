"""Layered (Sugiyama) layout of a small directed graph: boxes, edge labels and routes, no overlaps.

The steps: break cycles (depth-first, back edges reversed), longest-path ranking (sources
pulled down next to their successors), a dummy vertex on every rank a long edge crosses —
a labelled edge spans two ranks and its label *is* the dummy on the first, so labels are
laid out like nodes —, barycentre ordering sweeps keeping the order with fewest
crossings, then positions and routes (:mod:`~longarm.graph.drawing.layout_place`): no box
overlaps another and no edge runs through a box. Ties are broken by the caller's keys
(labels, then IRIs): the same input gives the same layout. Pure: no drawing, no I/O.

Examples
--------
>>> lay = layered_layout({"a": (40, 20), "b": (40, 20), "c": (40, 20)}, [("a", "b"), ("a", "c")])
>>> [lay.ranks[n] for n in "abc"]
[0, 1, 1]
>>> lay.nodes["b"].y > lay.nodes["a"].y + 20
True
>>> lay.routes[0][0], lay.routes[0][-1]  # from a's bottom to b's top
((43.3, 20.0), (20.0, 46.0))
"""

from __future__ import annotations

import heapq
from bisect import bisect_right, insort
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any, Literal

from ..base.errors import InputError
from .layout_place import LINE, Box, Layout, Placement, Vertex

__all__ = ["MAX_LAYOUT_NODES", "Box", "Layout", "layered_layout"]

MAX_LAYOUT_NODES = 400
_SWEEPS = 10


def layered_layout(
    sizes: Mapping[str, tuple[float, float]],
    edges: Sequence[tuple[str, str]],
    *,
    labels: Mapping[int, tuple[float, float]] | None = None,
    keys: Mapping[str, str] | None = None,
    min_rank: Mapping[str, int] | None = None,
    direction: Literal["down", "right"] = "down",
    node_gap: float = 20.0,
    rank_gap: float = 26.0,
) -> Layout:
    """Lay out nodes of the given `sizes` (width, height) and `edges` in ranks, top-down or left-right.

    Parameters
    ----------
    sizes : mapping of node to (width, height)
    edges : sequence of (source, target)
        Self-loops are not drawn (their route is empty); cycles are drawn with some edges
        pointing backwards.
    labels : mapping of edge index to (width, height), optional
        A box beside the edge, laid out like a node.
    keys : mapping of node to str, optional
        Tie-break keys (e.g. labels); the node name breaks remaining ties.
    min_rank : mapping of node to int, optional
        Lowest rank of a node (columns of a chart).
    direction : {"down", "right"}
    """
    if len(sizes) > MAX_LAYOUT_NODES:
        raise InputError(f"too many nodes to draw ({len(sizes)} > {MAX_LAYOUT_NODES})")
    for u, v in edges:
        if u not in sizes or v not in sizes:
            raise InputError(f"edge ({u!r}, {v!r}) has an endpoint without a size")
    if direction not in ("down", "right"):
        raise InputError(f"unknown direction {direction!r}: use 'down' or 'right'")
    opts = {"labels": labels, "keys": keys, "min_rank": min_rank, "direction": direction}
    return _Sugiyama(sizes, edges, **opts, node_gap=node_gap, rank_gap=rank_gap).run()


class _Sugiyama(Placement):
    def __init__(self, sizes: Mapping[str, tuple[float, float]], edges: Sequence[tuple[str, str]], **opts: Any) -> None:
        self.down = opts["direction"] == "down"
        self.edges = [(u, v) for u, v in edges]
        self.labels: Mapping[int, tuple[float, float]] = opts["labels"] or {}
        self.min_rank: Mapping[str, int] = opts["min_rank"] or {}
        self.node_gap, self.rank_gap = float(opts["node_gap"]), float(opts["rank_gap"])
        keys: Mapping[str, str] = opts["keys"] or {}
        self.v = {n: Vertex((keys.get(n, n), n), *self.flip(*sizes[n])) for n in sizes}
        self.order = sorted(self.v, key=lambda n: self.v[n].key)
        self.reversed: set[int] = set()

    def flip(self, w: float, h: float) -> tuple[float, float]:
        """(width, height) to (along the rank, across ranks), and back."""
        return (w, h) if self.down else (h, w)

    def run(self) -> Layout:
        dag = self._break_cycles()
        self._rank(dag)
        chains = self._chains(dag)
        layers = self._order(chains)
        self._place(layers)
        return self._result(layers, chains)

    # ------------------------------------------------------------------ ranks

    def _break_cycles(self) -> dict[int, tuple[str, str]]:
        """Edge index -> (upper, lower): depth-first in key order; back edges reversed."""
        out_edges: dict[str, list[tuple[tuple[str, ...], int, str]]] = {n: [] for n in self.v}
        for i, (u, v) in enumerate(self.edges):
            if u != v:
                out_edges[u].append((self.v[v].key, i, v))
        state: dict[str, int] = {}  # 1 on the stack, 2 done
        dag: dict[int, tuple[str, str]] = {}
        for root in self.order:
            if root in state:
                continue
            state[root] = 1
            stack = [(root, iter(sorted(out_edges[root])))]
            while stack:  # bounded: each node enters the stack once
                node, it = stack[-1]
                step = next(it, None)
                if step is None:
                    state[node] = 2
                    stack.pop()
                    continue
                _, i, nxt = step
                dag[i] = (nxt, node) if state.get(nxt) == 1 else (node, nxt)
                if state.get(nxt) == 1:
                    self.reversed.add(i)
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(sorted(out_edges[nxt]))))
        return dag

    def _rank(self, dag: dict[int, tuple[str, str]]) -> None:
        succ: dict[str, list[tuple[str, int]]] = {n: [] for n in self.v}
        indeg = dict.fromkeys(self.v, 0)
        for i, (u, v) in sorted(dag.items()):
            succ[u].append((v, 2 if i in self.labels else 1))
            indeg[v] += 1
        rank = {n: self.min_rank.get(n, 0) for n in self.v}
        ready = [self.v[n].key for n in self.v if indeg[n] == 0]
        heapq.heapify(ready)
        topo = []
        while ready:
            n = heapq.heappop(ready)[-1]
            topo.append(n)
            for v, length in succ[n]:
                rank[v] = max(rank[v], rank[n] + length)
                indeg[v] -= 1
                if indeg[v] == 0:
                    heapq.heappush(ready, self.v[v].key)
        sources = set(self.v) - {v for _, v in dag.values()}
        for n in topo:  # pull sources down next to their nearest successor
            if n in sources and succ[n] and n not in self.min_rank:
                rank[n] = max(rank[n], min(rank[v] - length for v, length in succ[n]))
        low = min(rank.values(), default=0)
        for n, r in rank.items():
            self.v[n].rank = r - low

    def _chains(self, dag: dict[int, tuple[str, str]]) -> dict[int, list[str]]:
        """Edge index -> the layered path from upper to lower end, with dummies between."""
        chains = {}
        for i, (u, v) in sorted(dag.items()):
            path = [u]
            for r in range(self.v[u].rank + 1, self.v[v].rank):
                name = f"\x00{i}\x00{r}"
                along, across, anchor = 10.0, 0.0, 0.0
                if i in self.labels and r == self.v[u].rank + 1:
                    along, across = self.flip(*self.labels[i])
                    along, anchor = along + LINE, 1 - (along + LINE) / 2
                key = (*self.v[u].key, *self.v[v].key, f"{r:06d}")
                self.v[name] = Vertex(key, along, across, r, dummy=True, anchor=anchor)
                path.append(name)
            chains[i] = [*path, v]
        return chains

    # ------------------------------------------------------------------ order within ranks

    def _order(self, chains: dict[int, list[str]]) -> list[list[str]]:
        n_ranks = 1 + max((x.rank for x in self.v.values()), default=0)
        self.up: dict[str, list[str]] = {n: [] for n in self.v}
        self.dn: dict[str, list[str]] = {n: [] for n in self.v}
        for path in chains.values():
            for a, b in pairwise(path):
                self.dn[a].append(b)
                self.up[b].append(a)
        layers: list[list[str]] = [[] for _ in range(n_ranks)]
        for n in sorted(self.v, key=lambda n: self.v[n].key):
            layers[self.v[n].rank].append(n)
        index = {n: i for layer in layers for i, n in enumerate(layer)}
        best, best_cross = [list(x) for x in layers], self._crossings(layers)
        for sweep in range(_SWEEPS):
            ranks = range(1, n_ranks) if sweep % 2 == 0 else range(n_ranks - 2, -1, -1)
            nbrs = self.up if sweep % 2 == 0 else self.dn
            for r in ranks:
                bary = {
                    n: sum(index[m] for m in nbrs[n]) / len(nbrs[n]) if nbrs[n] else float(index[n]) for n in layers[r]
                }
                layers[r].sort(key=lambda n: (bary[n], self.v[n].key))
                index.update({n: i for i, n in enumerate(layers[r])})
            cross = self._crossings(layers)
            if cross < best_cross:
                best, best_cross = [list(x) for x in layers], cross
        return best

    def _crossings(self, layers: list[list[str]]) -> int:
        total = 0
        for upper, lower in pairwise(layers):
            pos = {n: i for i, n in enumerate(lower)}
            pairs = sorted((i, pos[m]) for i, n in enumerate(upper) for m in self.dn[n])
            seen: list[int] = []
            for _, j in pairs:
                total += len(seen) - bisect_right(seen, j)
                insort(seen, j)
        return total
