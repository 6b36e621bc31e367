"""Exports by API (GET /api/v1/export) and by `longarm export`: media types, file names, errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import networkx as nx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.cli import main
from longarm.api.routes.export import ExportFormatName
from longarm.api.settings import Settings
from longarm.graph.projection.model import iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes, load_documents
from longarm.graph.views.export import FORMATS
from longarm.ontology.namespace import graph_iri

from .conftest import VALID_TTL
from .test_bods import CLEAN, bods_problems

URL = "/api/v1/export"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(Settings(store_path=Path("unused")), store=Store.in_memory())
    with TestClient(app) as c:  # the lifespan loads the bundled dataset into the empty store
        yield c


def test_the_route_offers_every_format() -> None:
    assert set(get_args(ExportFormatName)) == set(FORMATS)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_media_type_and_file_name(client: TestClient, fmt: str) -> None:
    r = client.get(URL, params={"format": fmt, "ref": "Bleu", "as_of": "2026-11-29", "depth": 1})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == FORMATS[fmt].media_type
    extension = FORMATS[fmt].extension
    assert r.headers["content-disposition"] == f'attachment; filename="bleu-2026-11-29{extension}"'
    assert r.content


def test_graphml_of_a_neighbourhood_loads_in_networkx(client: TestClient) -> None:
    r = client.get(URL, params={"format": "graphml", "ref": "Bleu", "as_of": "2026-11-29", "depth": 1})
    g = nx.read_graphml(io.BytesIO(r.content))
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert {"Bleu", "Orange S.A.", "Capgemini S.E."} <= labels and "Alibaba Group Holding Limited" not in labels


def test_whole_graph_and_as_of(client: TestClient) -> None:
    old = client.get(URL, params={"format": "gexf", "as_of": "2013-06-01"})
    assert old.headers["content-disposition"] == 'attachment; filename="longarm-2013-06-01.gexf"'
    assert iri("org", "cloudwatt") in nx.read_gexf(io.BytesIO(old.content))
    now = client.get(URL, params={"format": "gexf", "as_of": "2026-11-29"})
    assert iri("org", "cloudwatt") not in nx.read_gexf(io.BytesIO(now.content))


def test_bods_by_api_passes_libcovebods(client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = client.get(URL, params={"format": "bods", "ref": "INR2EJN1ERAN0W5ZP974", "depth": 2})
    statements = json.loads(r.content)
    assert any(s["recordId"] == iri("org", "microsoft-corporation") for s in statements)
    assert bods_problems(statements, tmp_path, monkeypatch) == CLEAN


def test_jsonld_by_api_parses(client: TestClient) -> None:
    r = client.get(URL, params={"format": "jsonld", "ref": "s3ns", "depth": 1})
    subjects = {q.subject for q in ox.parse(r.content, ox.RdfFormat.JSON_LD)}
    assert ox.NamedNode(iri("org", "s3ns")) in subjects


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"format": "dot", "ref": "Bleux"}, 404, lambda d: d["suggestions"][0]["label"] == "Bleu"),
        ({"format": "xlsx"}, 422, lambda d: d[0]["loc"] == ["query", "format"]),
        ({}, 422, lambda d: d[0]["loc"] == ["query", "format"]),
        ({"format": "dot", "depth": 7}, 422, lambda d: d[0]["loc"] == ["query", "depth"]),
        ({"format": "dot", "as_of": "yesterday"}, 422, lambda d: d[0]["loc"] == ["query", "as_of"]),
    ],
)
def test_errors(client: TestClient, params: dict[str, object], status: int, detail: object) -> None:
    r = client.get(URL, params=params)
    assert r.status_code == status, r.text
    assert callable(detail) and detail(r.json()["detail"])


def test_ambiguous_reference_is_409(tmp_path: Path) -> None:
    store = Store.in_memory()
    ttl = VALID_TTL.replace('"Child SAS"', '"Parent SA"')
    load_documents(store, [document_from_bytes(ttl.encode(), "twins.ttl", str(graph_iri("user/twins")))])
    with TestClient(create_app(Settings(store_path=tmp_path), store=store)) as c:
        r = c.get(URL, params={"format": "dot", "ref": "Parent SA"})
    assert r.status_code == 409
    assert len(r.json()["detail"]["candidates"]) == 2


def test_openapi_documents_the_route(client: TestClient) -> None:
    route = client.get("/openapi.json").json()["paths"][URL]["get"]
    assert {"404", "409"} <= set(route["responses"])
    assert set(route["responses"]["200"]["content"]) == {f.media_type for f in FORMATS.values()}


# ---------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "store"
    assert main(["--store", str(path), "load", "--bundled"]) == 0
    return path


def test_cli_writes_to_standard_output(store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    argv = ["export", "bleu", "--format", "dot", "--depth", "0", "--as-of", "2026-11-29"]
    assert main(["--store", str(store_path), *argv]) == 0
    out = capsys.readouterr().out
    assert out.startswith("// Bleu, depth 0, as of 2026-11-29 (longarm)\ndigraph") and out.endswith("}\n")


def test_cli_writes_a_file_in_the_format_of_its_extension(
    store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "cloudwatt.graphml"
    capsys.readouterr()
    argv = ["--store", str(store_path), "export", "Cloudwatt", "--depth", "1", "--as-of", "2013-06-01", "-o"]
    assert main([*argv, str(target)]) == 0
    assert capsys.readouterr().out == (
        f"Cloudwatt, depth 1, as of 2013-06-01: 6 nodes, 9 edges (3 ownership interests), GraphML written to {target}\n"
    )
    g = nx.read_graphml(target)
    assert sorted(d["label"] for *_, d in g.edges(data=True) if d["relation"] == "interest") == [
        "owns 22.2 %",
        "owns 33.3 %",
        "owns 44.4 %",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "bleu"], "give --format"),
        (["export", "bleu", "-o", "bleu.json"], "give --format"),
        (["export", "Bleux", "--format", "dot"], "no entity matches 'Bleux'"),
        (["export", "bleu", "--format", "dot", "--depth", "7"], "depth must be between 0 and 6"),
    ],
)
def test_cli_errors(store_path: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--store", str(store_path), *argv]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "bods"])
def test_cli_output_does_not_depend_on_hash_seeds(store_path: Path, fmt: str) -> None:
    """Sets of IRIs iterate in a different order in each process: the files must not."""
    argv = [sys.executable, "-m", "longarm.api.cli", "--store", str(store_path), "export", "bleu", "--format", fmt]
    outputs = {
        subprocess.run(argv, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, check=True).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
