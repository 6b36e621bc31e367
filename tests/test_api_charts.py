"""Charts over HTTP and on the command line: SVG media type, references and errors as the JSON routes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.cli import EXIT_INPUT, main
from longarm.api.settings import Settings
from longarm.graph.drawing.svg import SVG_NS
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes, load_documents

V1 = "/api/v1"
SVG = "image/svg+xml"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(Settings(store_path=Path("unused")), store=Store.in_memory())
    with TestClient(app) as c:  # the lifespan loads the bundled dataset into the empty store
        yield c


def _svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{{{SVG_NS}}}svg" and root.get("role") == "img"
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{{{SVG_NS}}}text")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{V1}/organizations/bleu/ownership.svg?as_of=2025-01-01", "Ownership of Bleu as of 2025-01-01"),
        (f"{V1}/organizations/Bleu/ownership.svg?as_of=2025-01-01&up=1&down=0", "Capgemini S.E."),
        (
            f"{V1}/organizations/https://w3id.org/longarm/id/org/bleu/ownership.svg",
            "Orange S.A.",
        ),  # an IRI with slashes
        (f"{V1}/organizations/Q2283/ownership.svg?down=2", "Microsoft France SAS"),
        (f"{V1}/assets/health-data-hub/exposures.svg?as_of=2024-06-01", "Microsoft Corporation"),
        (f"{V1}/assets/health-data-hub/exposures.svg?as_of=2024-06-01&mode=practical", "Instruments"),
    ],
)
def test_get_svg(client: TestClient, url: str, expected: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(SVG)
    root = _svg(r.text)
    assert any(expected in t for t in _texts(root))
    assert all((a.get("href") or "").startswith("/explore/") for a in root.iter(f"{{{SVG_NS}}}a"))


def test_json_routes_are_not_swallowed(client: TestClient) -> None:
    r = client.get(f"{V1}/organizations/bleu/ownership?as_of=2025-01-01")
    assert r.headers["content-type"] == "application/json" and r.json()["organization"]["id"] == "bleu"
    r = client.get(f"{V1}/assets/health-data-hub/exposures?as_of=2024-06-01")
    assert r.headers["content-type"] == "application/json" and r.json()["asset"]["id"] == "health-data-hub"
    r = client.get(f"{V1}/organizations/bleu/ownership.svg", headers={"accept": "application/json"})
    assert r.headers["content-type"].startswith(SVG)


def test_svg_links_point_to_the_explorer(client: TestClient) -> None:
    root = _svg(client.get(f"{V1}/organizations/bleu/ownership.svg?as_of=2025-01-01").text)
    links = {a.get("href") for a in root.iter(f"{{{SVG_NS}}}a")}
    assert {"/explore/org/bleu", "/explore/org/orange", "/explore/org/capgemini"} <= links


def test_post_described_asset(client: TestClient) -> None:
    body = {"service": "aws-emea", "keys_held_by": "capgemini", "as_of": "2025-01-01", "mode": "strict"}
    r = client.post(f"{V1}/exposures.svg", json=body)
    assert r.status_code == 200 and r.headers["content-type"].startswith(SVG)
    texts = _texts(_svg(r.text))
    assert "ciphertext only" in texts and any("2025-01-01" in t for t in texts)
    same = client.post(f"{V1}/exposures", json=body).json()  # the JSON route answers the same question
    assert all(e["mitigations"] for e in same["exposures"])


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "check"),
    [
        ("get", f"{V1}/organizations/Bleux/ownership.svg", None, 404, lambda d: d["suggestions"][0]["label"] == "Bleu"),
        ("get", f"{V1}/assets/bleu/exposures.svg", None, 404, lambda d: "bleu is an organization" in d["message"]),
        ("get", f"{V1}/organizations/bleu/ownership.svg?up=-1", None, 422, lambda d: d[0]["loc"] == ["query", "up"]),
        (
            "get",
            f"{V1}/organizations/bleu/ownership.svg?down=65",
            None,
            422,
            lambda d: d[0]["loc"] == ["query", "down"],
        ),
        (
            "get",
            f"{V1}/assets/health-data-hub/exposures.svg?mode=lax",
            None,
            422,
            lambda d: d[0]["loc"] == ["query", "mode"],
        ),
        ("post", f"{V1}/exposures.svg", {"location": ["FR"]}, 422, lambda d: "provider" in d[0]["msg"]),
        ("post", f"{V1}/exposures.svg", {"provider": ["Bleux"]}, 404, lambda d: d["suggestions"] != []),
    ],
)
def test_errors_as_json(client: TestClient, method: str, url: str, body: object, status: int, check: object) -> None:
    r = client.request(method, url, json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert check(r.json()["detail"])  # type: ignore[operator]


TWINS = """
@prefix lx: <https://w3id.org/longarm/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <https://w3id.org/longarm/id/org/> .
@prefix jur: <https://w3id.org/longarm/id/jur/> .
@prefix src: <https://w3id.org/longarm/id/source/> .
src:s a lx:Source ; rdfs:label "Example filing" ; dcterms:date "2024-01-15"^^xsd:date .
jur:FR a lx:Jurisdiction ; rdfs:label "France" ; lx:isoCode "FR" ; lx:jurisdictionKind lx:Country ; dcterms:source src:s .
org:twin-a a lx:Organization ; rdfs:label "Twin SA" ; lx:organizationKind lx:Company ; lx:incorporatedIn jur:FR ; dcterms:source src:s .
org:twin-b a lx:Organization ; rdfs:label "Twin SA" ; lx:organizationKind lx:Company ; lx:incorporatedIn jur:FR ; dcterms:source src:s .
"""


def test_ambiguous_reference_is_409() -> None:
    store = Store.in_memory()
    load_documents(store, [document_from_bytes(TWINS.encode(), "twins.ttl", "https://w3id.org/longarm/graph/twins")])
    with TestClient(create_app(Settings(store_path=Path("unused")), store=store)) as c:
        r = c.get(f"{V1}/organizations/Twin SA/ownership.svg")
        assert r.status_code == 409
        assert len(r.json()["detail"]["candidates"]) == 2
        assert c.get(f"{V1}/organizations/twin-a/ownership.svg").status_code == 200


def test_openapi_declares_svg(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in (
        (f"{V1}/organizations/{{ref}}/ownership.svg", "get"),
        (f"{V1}/assets/{{ref}}/exposures.svg", "get"),
        (f"{V1}/exposures.svg", "post"),
    ):
        responses = paths[path][method]["responses"]
        assert SVG in responses["200"]["content"] and {"404", "409"} <= set(responses)


# ---------------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def bundled_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("charts") / "store"
    assert main(["--store", str(path), "load", "--bundled"]) == 0
    return path


def test_cli_chain_svg(capsys: pytest.CaptureFixture[str], bundled_dir: Path, tmp_path: Path) -> None:
    capsys.readouterr()
    assert main(["--store", str(bundled_dir), "chain", "Bleu", "--as-of", "2025-01-01", "--format", "svg"]) == 0
    out = capsys.readouterr().out
    root = _svg(out)
    assert {"Orange S.A.", "Capgemini S.E."} <= set(_texts(root))
    assert not list(root.iter(f"{{{SVG_NS}}}a"))  # no links outside the web app
    target = tmp_path / "msft.svg"
    argv = ["--store", str(bundled_dir), "chain", "Microsoft Corporation", "--down", "--depth", "2", "--format", "svg"]
    assert main([*argv, "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert "Microsoft France SAS" in _texts(_svg(target.read_text(encoding="utf-8")))


def test_cli_compel_svg(capsys: pytest.CaptureFixture[str], bundled_dir: Path, tmp_path: Path) -> None:
    capsys.readouterr()
    argv = ["--store", str(bundled_dir), "compel", "health-data-hub", "--as-of", "2024-06-01", "--format", "svg"]
    assert main(argv) == 0
    texts = _texts(_svg(capsys.readouterr().out))
    assert "Microsoft Corporation" in texts and "established" in texts
    assert main([*argv, "-o", str(tmp_path / "no" / "such" / "dir.svg")]) == EXIT_INPUT
    assert "cannot write" in capsys.readouterr().err
