"""Run the doctests of every module of the installed package (graph, ontology, api)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import longarm.api
import longarm.graph
import longarm.ontology


def _modules() -> list[str]:
    names = []
    for pkg in (longarm.graph, longarm.ontology, longarm.api):
        names.append(pkg.__name__)
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_graph_modules_have_doctests() -> None:
    """The engine's public modules document themselves with runnable examples."""
    finder = doctest.DocTestFinder()
    without = []
    for name in _modules():
        if not name.startswith("longarm.graph.") or name.endswith(".errors"):
            continue
        module = importlib.import_module(name)
        if hasattr(module, "__path__"):  # a wing: its docstring says what it holds
            assert module.__doc__, f"{name} says nothing of what it holds"
            continue
        if not any(t.examples for t in finder.find(module)):
            without.append(name)
    assert without == []
