"""The layered layout: no box overlaps another, no edge runs through a box, the same input gives the same layout."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from itertools import combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longarm.graph.base.errors import InputError
from longarm.graph.drawing.layout import MAX_LAYOUT_NODES, Box, Layout, layered_layout

Sizes = dict[str, tuple[float, float]]
Edges = list[tuple[str, str]]
Labels = dict[int, tuple[float, float]]


def _random_dag(seed: int, n: int) -> tuple[Sizes, Edges, Labels]:
    """A random DAG of `n` nodes (each later node has 1 or 2 earlier parents), mostly labelled edges."""
    rng = random.Random(seed)
    nodes = [f"n{i:02d}" for i in range(n)]
    sizes = {v: (round(rng.uniform(40, 190), 1), rng.choice([44.0, 59.0])) for v in nodes}
    edges = [(nodes[rng.randrange(i)], nodes[i]) for i in range(1, n) for _ in range(rng.choice([1, 1, 2]))]
    labels = {
        i: (round(rng.uniform(30, 110), 1), rng.choice([13.0, 26.0])) for i in range(len(edges)) if rng.random() < 0.8
    }
    return sizes, edges, labels


def _chain(n: int) -> tuple[Sizes, Edges, Labels]:
    nodes = [f"c{i:02d}" for i in range(n)]
    return {v: (120.0, 44.0) for v in nodes}, list(pairwise(nodes)), {i: (70.0, 13.0) for i in range(n - 1)}


def _star(n: int) -> tuple[Sizes, Edges, Labels]:
    leaves = [f"leaf{i:02d}" for i in range(n - 1)]
    return (
        {"hub": (150.0, 44.0), **{v: (100.0, 44.0) for v in leaves}},
        [("hub", v) for v in leaves],
        {i: (60.0, 13.0) for i in range(n - 1)},
    )


def _diamond() -> tuple[Sizes, Edges, Labels]:
    sizes = {v: (90.0, 44.0) for v in "abcd"}
    return sizes, [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], {0: (60.0, 13.0), 3: (60.0, 26.0)}


def _crosses_interior(p: tuple[float, float], q: tuple[float, float], b: Box, eps: float = 0.5) -> bool:
    """True if segment p-q passes through the interior of box `b` (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = b.x + eps, b.y + eps, b.x + b.w - eps, b.y + b.h - eps
    if x1 <= x0 or y1 <= y0:
        return False
    dx, dy = q[0] - p[0], q[1] - p[1]
    lo, hi = 0.0, 1.0
    for den, num in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if den == 0:
            if num < 0:
                return False
            continue
        t = num / den
        if den < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return False
    return lo < hi


def _check(
    lay: Layout, sizes: Mapping[str, tuple[float, float]], edges: Sequence[tuple[str, str]], labels: Labels
) -> None:
    boxes = [("node", k, b) for k, b in lay.nodes.items()] + [("label", k, b) for k, b in lay.labels.items()]
    for (k1, n1, b1), (k2, n2, b2) in combinations(boxes, 2):
        assert not b1.overlaps(b2), f"{k1} {n1} overlaps {k2} {n2}"
    for _, _, b in boxes:
        assert b.x >= 0 and b.y >= 0 and b.x + b.w <= lay.width + 0.1 and b.y + b.h <= lay.height + 0.1
    for n, (w, h) in sizes.items():
        assert (lay.nodes[n].w, lay.nodes[n].h) == pytest.approx((w, h), abs=0.2)
    assert set(lay.labels) == {i for i in labels if edges[i][0] != edges[i][1]}
    for i, (u, v) in enumerate(edges):
        route = lay.routes[i]
        if u == v:
            assert route == ()
            continue
        assert len(route) >= 2
        for p, q in pairwise(route):
            for kind, name, b in boxes:
                if kind == "node" and name in (u, v):
                    continue
                assert not _crosses_interior(p, q, b), f"edge {u}->{v} runs through {kind} {name}"


CASES = {
    "chain of 60": _chain(60),
    "star of 60": _star(60),
    "diamond": _diamond(),
    **{f"random DAG {seed}": _random_dag(seed, 10 + seed * 5) for seed in range(11)},
}


@pytest.mark.parametrize("direction", ["down", "right"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_no_overlaps(name: str, direction: str) -> None:
    sizes, edges, labels = CASES[name]
    lay = layered_layout(sizes, edges, labels=labels, direction=direction)  # type: ignore[arg-type]
    _check(lay, sizes, edges, labels)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=60), st.booleans())
def test_no_overlaps_on_random_dags(seed: int, n: int, cycle: bool) -> None:
    sizes, edges, labels = _random_dag(seed, n)
    if cycle and n > 2:
        edges.append((f"n{n - 1:02d}", "n00"))  # an ownership cycle: one edge drawn backwards
    lay = layered_layout(sizes, edges, labels=labels)
    _check(lay, sizes, edges, labels)


def test_ranks_follow_edges_and_labels_take_a_rank() -> None:
    sizes, edges, labels = _diamond()
    lay = layered_layout(sizes, edges, labels=labels)
    assert lay.ranks == {"a": 0, "b": 2, "c": 1, "d": 3}  # labelled edges span two ranks, the label on the first
    assert lay.nodes["a"].y < lay.labels[0].y < lay.nodes["b"].y


def test_chain_and_star_shapes() -> None:
    sizes, edges, labels = _chain(5)
    lay = layered_layout(sizes, edges, labels=labels)
    xs = [b.x for b in lay.nodes.values()]
    assert max(xs) - min(xs) < 1  # a chain is one straight column
    sizes, edges, labels = _star(7)
    lay = layered_layout(sizes, edges, labels=labels)
    leaves = [lay.nodes[v] for v in sizes if v != "hub"]
    assert len({b.y for b in leaves}) == 1
    centre = lay.nodes["hub"].x + lay.nodes["hub"].w / 2
    assert min(b.x for b in leaves) < centre < max(b.x + b.w for b in leaves)  # the hub sits over its leaves


def test_routes_run_from_source_to_target_even_backwards() -> None:
    sizes = {v: (60.0, 30.0) for v in "abc"}
    edges = [("a", "b"), ("b", "c"), ("c", "a")]
    lay = layered_layout(sizes, edges)
    for i, (u, v) in enumerate(edges):
        start, end = lay.routes[i][0], lay.routes[i][-1]
        su, sv = lay.nodes[u], lay.nodes[v]
        assert su.x <= start[0] <= su.x + su.w and start[1] in (su.y, su.y + su.h)
        assert sv.x <= end[0] <= sv.x + sv.w and end[1] in (sv.y, sv.y + sv.h)


def test_left_to_right_columns_and_min_rank() -> None:
    sizes = {v: (80.0, 30.0) for v in ("asset", "svc", "org", "law")}
    edges = [("asset", "svc"), ("svc", "org"), ("asset", "org"), ("org", "law")]
    lay = layered_layout(sizes, edges, min_rank={"asset": 0, "svc": 2, "org": 4, "law": 8}, direction="right")
    assert [lay.ranks[n] for n in ("asset", "svc", "org", "law")] == [0, 2, 4, 8]
    xs = [lay.nodes[n].x for n in ("asset", "svc", "org", "law")]
    assert xs == sorted(xs) and len(set(xs)) == 4


def test_deterministic_and_independent_of_insertion_order() -> None:
    sizes, edges, labels = _random_dag(7, 45)
    keys = {n: f"label {n[::-1]}" for n in sizes}
    first = layered_layout(sizes, edges, labels=labels, keys=keys)
    again = layered_layout(dict(reversed(list(sizes.items()))), edges, labels=labels, keys=keys)
    assert first == again == layered_layout(sizes, edges, labels=labels, keys=keys)


def test_tie_breaks_follow_keys() -> None:
    sizes = {v: (50.0, 20.0) for v in ("root", "x", "y")}
    by_name = layered_layout(sizes, [("root", "x"), ("root", "y")])
    by_key = layered_layout(sizes, [("root", "x"), ("root", "y")], keys={"x": "b", "y": "a"})
    assert by_name.nodes["x"].x < by_name.nodes["y"].x
    assert by_key.nodes["y"].x < by_key.nodes["x"].x


@pytest.mark.parametrize(
    ("sizes", "edges", "kwargs", "message"),
    [
        ({"a": (1.0, 1.0)}, [("a", "b")], {}, "without a size"),
        ({"a": (1.0, 1.0)}, [], {"direction": "up"}, "unknown direction"),
        ({f"n{i}": (1.0, 1.0) for i in range(MAX_LAYOUT_NODES + 1)}, [], {}, "too many nodes"),
    ],
)
def test_bad_input(sizes: Sizes, edges: Edges, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        layered_layout(sizes, edges, **kwargs)  # type: ignore[arg-type]


def test_empty_and_self_loop() -> None:
    assert layered_layout({}, []).nodes == {}
    lay = layered_layout({"a": (10.0, 10.0)}, [("a", "a")], labels={0: (5.0, 5.0)})
    assert lay.routes == {0: ()} and lay.labels == {}
