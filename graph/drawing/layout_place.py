"""Positions and routes of a layered graph: the second half of :mod:`~longarm.graph.drawing.layout`.

Within each rank, positions minimise the squared length of edges (long edges weigh
more, so they stay straight) by block coordinate descent, one rank at a time; each step
is an exact isotonic regression (pool adjacent violators), so order and gaps always
hold. Ranks are bands: an edge leaves a box straight across its own band, slants only
in the gaps between bands (a gap widens with its widest slant) and crosses other bands
through its own dummy vertices, so it never runs through another box.

Examples
--------
>>> Box(0, 0, 10, 10).overlaps(Box(10, 0, 5, 5)), Box(0, 0, 10, 10).overlaps(Box(9, 9, 5, 5))
(False, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["Box", "Layout", "Placement", "Point", "Vertex"]

_PLACE_SWEEPS = 40
_EDGE_WEIGHT = (1.0, 2.0, 8.0)  # by the number of dummy ends: long edges are kept straight
LINE = 8.0  # a label vertex: the edge runs along its leading side, the text starts this far in

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle: top-left corner, width, height."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        """True if the two boxes share interior points.

        >>> Box(0, 0, 10, 10).overlaps(Box(10, 0, 5, 5)), Box(0, 0, 10, 10).overlaps(Box(9, 9, 5, 5))
        (False, True)
        """
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything goes: node boxes, edge-label boxes and edge polylines (source to target)."""

    width: float
    height: float
    nodes: dict[str, Box]
    labels: dict[int, Box]
    routes: dict[int, tuple[Point, ...]]
    ranks: dict[str, int]


@dataclass(slots=True)
class Vertex:
    """A vertex of the layered graph, in abstract coordinates (along the rank, across ranks)."""

    key: tuple[str, ...]
    along: float  # extent along the rank
    across: float  # extent across ranks
    rank: int = 0
    pos: float = 0.0  # centre along the rank
    dummy: bool = False
    anchor: float = 0.0  # where edges meet it, from its centre (a label's line runs along its side)


class Placement:
    """Positions and routes, for a layered graph built by :func:`~longarm.graph.drawing.layout.layered_layout`."""

    v: dict[str, Vertex]
    up: dict[str, list[str]]
    dn: dict[str, list[str]]
    edges: list[tuple[str, str]]
    labels: Mapping[int, tuple[float, float]]
    reversed: set[int]
    order: list[str]
    down: bool
    node_gap: float
    rank_gap: float

    # ------------------------------------------------------------------ positions

    def _gap(self, a: str, b: str) -> float:
        va, vb = self.v[a], self.v[b]
        return (va.along + vb.along) / 2 + (6.0 if va.dummy or vb.dummy else self.node_gap)

    def _place(self, layers: list[list[str]]) -> None:
        for layer in layers:
            x = 0.0
            for i, n in enumerate(layer):
                x = x + self._gap(layer[i - 1], n) if i else self.v[n].along / 2
                self.v[n].pos = x
        # Block coordinate descent on sum of w * (x_u - x_v)^2 over edges, one rank at a time:
        # each step is exact (isotonic regression), so the energy only decreases.
        for sweep in range(_PLACE_SWEEPS):
            for r in range(len(layers)) if sweep % 2 == 0 else range(len(layers) - 1, -1, -1):
                targets, weights = [], []
                for n in layers[r]:
                    total = weight = 0.0
                    for m in self.up[n] + self.dn[n]:
                        w = _EDGE_WEIGHT[self.v[n].dummy + self.v[m].dummy]
                        total, weight = total + w * (self.v[m].pos + self.v[m].anchor), weight + w
                    targets.append(total / weight - self.v[n].anchor if weight else self.v[n].pos)
                    weights.append(weight or 0.01)
                self._fit(layers[r], targets, weights)
        low = min((x.pos - x.along / 2 for x in self.v.values()), default=0.0)
        for vertex in self.v.values():
            vertex.pos -= low

    def _fit(self, layer: list[str], targets: list[float], weights: list[float]) -> None:
        """Closest positions (weighted least squares) to `targets` that keep the order and gaps."""
        if not layer:
            return
        offsets = [0.0]
        for a, b in pairwise(layer):
            offsets.append(offsets[-1] + self._gap(a, b))
        blocks: list[tuple[float, float, int]] = []  # pool adjacent violators: (weighted sum, weight, count)
        for t, c, w in zip(targets, offsets, weights, strict=True):
            block = (w * (t - c), w, 1)
            while blocks and blocks[-1][0] / blocks[-1][1] > block[0] / block[1]:
                last = blocks.pop()
                block = (last[0] + block[0], last[1] + block[1], last[2] + block[2])
            blocks.append(block)
        i = 0
        for total, weight, count in blocks:
            for _ in range(count):
                self.v[layer[i]].pos = total / weight + offsets[i]
                i += 1

    # ------------------------------------------------------------------ result

    def _result(self, layers: list[list[str]], chains: dict[int, list[str]]) -> Layout:
        starts, y = [], 0.0
        thick = [max((self.v[n].across for n in layer), default=0.0) for layer in layers]
        for r, t in enumerate(thick):
            starts.append(y)
            # A gap grows with the widest slant across it (up to 2.5 gaps), so no edge lies flat.
            slant = max((abs(self.v[n].pos - self.v[m].pos) for n in layers[r] for m in self.dn[n]), default=0.0)
            y += t + min(max(self.rank_gap, 0.07 * slant), 2.5 * self.rank_gap)
        across_total = max(y - self.rank_gap, 0.0)
        along_total = max((x.pos + x.along / 2 for x in self.v.values()), default=0.0)

        def box(n: str) -> tuple[float, float, float, float]:  # abstract (left, top, along, across)
            x, r = self.v[n], self.v[n].rank
            return x.pos - x.along / 2, starts[r] + (thick[r] - x.across) / 2, x.along, x.across

        def real(p: Point) -> Point:
            return (round(p[0], 1), round(p[1], 1)) if self.down else (round(p[1], 1), round(p[0], 1))

        def real_box(b: tuple[float, float, float, float]) -> Box:
            (x0, y0), (x1, y1) = real((b[0], b[1])), real((b[0] + b[2], b[1] + b[3]))
            return Box(x0, y0, round(x1 - x0, 1), round(y1 - y0, 1))

        ports = self._ports(chains)
        routes: dict[int, tuple[Point, ...]] = {i: () for i in range(len(self.edges))}
        labels: dict[int, Box] = {}
        for i, path in chains.items():
            r0, r1 = self.v[path[0]].rank, self.v[path[-1]].rank
            top, bottom = box(path[0]), box(path[-1])
            pts = [(ports[i, 0], top[1] + top[3]), (ports[i, 0], starts[r0] + thick[r0])]
            for n in path[1:-1]:
                left, t, along, across = box(n)
                r, line = self.v[n].rank, self.v[n].pos
                if i in self.labels and r == r0 + 1:
                    line = self.v[n].pos + self.v[n].anchor
                    labels[i] = real_box((left + LINE, t, along - LINE, across))
                pts += [(line, starts[r]), (line, starts[r] + thick[r])]
            pts += [(ports[i, 1], starts[r1]), (ports[i, 1], bottom[1])]
            clean = [real(p) for k, p in enumerate(pts) if k == 0 or p != pts[k - 1]]
            routes[i] = tuple(reversed(clean) if i in self.reversed else clean)
        return Layout(
            width=round(along_total if self.down else across_total, 1),
            height=round(across_total if self.down else along_total, 1),
            nodes={n: real_box(box(n)) for n in self.order},
            labels=labels,
            routes=routes,
            ranks={n: self.v[n].rank for n in self.order},
        )

    def _ports(self, chains: dict[int, list[str]]) -> dict[tuple[int, int], float]:
        """Where each edge leaves its upper node (0) and enters its lower node (1), spread along the side."""
        ends: dict[tuple[str, int], list[tuple[float, tuple[str, ...], int]]] = {}
        for i, path in chains.items():
            for end, nbr, side in ((path[0], self.v[path[1]], 0), (path[-1], self.v[path[-2]], 1)):
                ends.setdefault((end, side), []).append((nbr.pos + nbr.anchor, nbr.key, i))
        out = {}
        for (n, side), items in ends.items():
            x = self.v[n]
            for j, (_, _, i) in enumerate(sorted(items)):
                out[i, side] = x.pos - x.along / 2 + x.along * (j + 1) / (len(items) + 1)
        return out
