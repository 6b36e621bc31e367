"""Dependencies point one way (api -> graph -> ontology, and down graph's wings): checked on the imports of every module.

The import graph is read from the source (every import statement, those inside functions
and under ``TYPE_CHECKING`` included), relative imports resolved against the module's
package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from longarm.graph import WINGS

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    """The modules `path` imports, relative imports as written (".x", "..graph.y")."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            out.add("." * node.level + (node.module or ""))
    return out


GRAPH = sorted((ROOT / "graph").rglob("*.py"))


@pytest.mark.parametrize("path", GRAPH, ids=[p.name for p in GRAPH])
def test_graph_knows_nothing_of_http_or_the_api(path: Path) -> None:
    imported = _imports(path)
    assert not {m for m in imported if m.split(".")[0] in ("fastapi", "starlette", "pydantic", "uvicorn")}
    assert not {m for m in imported if m.lstrip(".").startswith("api") or "longarm.api" in m}


def test_the_fast_path_imports_no_route_module() -> None:
    imported = _imports(ROOT / "api" / "sparql_fast_path.py")
    assert not {m for m in imported if "routes" in m}, imported
    assert ".sparql_protocol" in imported


def test_http_errors_live_in_api() -> None:
    text = (ROOT / "graph" / "base" / "errors.py").read_text(encoding="utf-8")
    assert "class BodyTooLargeError" not in text
    assert "class BodyTooLargeError" in (ROOT / "api" / "body_limit.py").read_text(encoding="utf-8")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["longarm", *parts])


def _absolute(module: str, package: str, name: str) -> str:
    """`name` as imported from `module` (in `package`), made absolute."""
    if not name.startswith("."):
        return name
    level = len(name) - len(name.lstrip("."))
    base = package.split(".")[: len(package.split(".")) - (level - 1)]
    rest = name.lstrip(".")
    return ".".join(base + ([rest] if rest else []))


def _graph_imports() -> nx.DiGraph[str]:
    """Module -> module edges between longarm.graph's modules (an imported name that is a module counts)."""
    modules = {_module_name(p): p for p in GRAPH}
    edges: nx.DiGraph[str] = nx.DiGraph()
    edges.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(name, package, "." * node.level + (node.module or ""))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    edges.add_edge(name, target)
    return edges


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else None


def test_the_import_graph_has_every_wing_and_only_wings() -> None:
    found = {_wing(m) for m in _graph_imports()}
    assert found == {None, *WINGS}  # None: longarm.graph's own __init__, which imports no wing
    assert not [m for m in _graph_imports() if _wing(m) is None and m != "longarm.graph"]


def test_no_wing_imports_one_above_it() -> None:
    rank = {w: i for i, w in enumerate(WINGS)}
    upward = [
        (a, b)
        for a, b in _graph_imports().edges
        if _wing(a) is None or _wing(b) is None or rank[_wing(b)] > rank[_wing(a)]  # type: ignore[index]
    ]
    assert upward == []


def test_no_module_imports_itself_through_others() -> None:
    assert list(nx.simple_cycles(_graph_imports())) == []


def test_the_import_graph_check_sees_an_upward_import_and_a_circle() -> None:
    """The checks above can fail: the same reading, on a made-up pair of modules."""
    assert (
        _absolute("longarm.graph.engine.reach", "longarm.graph.engine", "..sparql.pool") == "longarm.graph.sparql.pool"
    )
    assert _absolute("longarm.graph.store", "longarm.graph.store", ".embedded") == "longarm.graph.store.embedded"
    made_up: nx.DiGraph[str] = nx.DiGraph([("a", "b"), ("b", "a")])
    assert list(nx.simple_cycles(made_up)) != []
    edges = _graph_imports()
    assert edges.has_edge("longarm.graph.engine.reach", "longarm.graph.projection.model")
    assert edges.has_edge("longarm.graph.projection.cache", "longarm.graph.projection.patch")


def test_every_wing_is_a_package_the_distribution_ships() -> None:
    import tomllib

    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert {f"longarm.graph.{w}" for w in WINGS} <= set(listed)
    assert {p.name for p in (ROOT / "graph").iterdir() if (p / "__init__.py").is_file()} == set(WINGS)
