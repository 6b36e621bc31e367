"""Dependencies point one way (api -> graph -> ontology): checked on the imports of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
    text = (ROOT / "graph" / "errors.py").read_text(encoding="utf-8")
    assert "class BodyTooLargeError" not in text
    assert "class BodyTooLargeError" in (ROOT / "api" / "body_limit.py").read_text(encoding="utf-8")
