"""The REST API under /api/v1: every route, its errors, the write token, and the CLI's JSON contract."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.cli import main
from longarm.api.examples import TURTLE
from longarm.api.models import Kind, Mode
from longarm.api.settings import Settings
from longarm.graph.engine.reach import MODES
from longarm.graph.engine.resolve import KINDS
from longarm.graph.projection.model import iri
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import META_GRAPH, ONTOLOGY_GRAPH, user_graph
from longarm.ontology.namespace import PREFIXES, entity_iri, graph_iri

V1 = "/api/v1"
AUTH = {"authorization": "Bearer t0k"}
TTL = {"content-type": "text/turtle"}


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.in_memory()


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(Settings(store_path=Path("unused"), write_token="t0k"), store=store)
    with TestClient(app) as c:  # the lifespan loads the bundled dataset into the empty store
        yield c


def _labels(items: list[dict[str, Any]], key: str) -> set[str]:
    return {i[key]["label"] for i in items}


Check = Callable[[Any], bool]

READS: list[tuple[str, Check]] = [
    ("/healthz", lambda b: b == {"status": "ok"}),
    ("/readyz", lambda b: b["status"] == "ready"),
    (
        f"{V1}/entities?q=microsoft",
        lambda b: (b["items"][0]["id"], b["items"][0]["match"]) == ("microsoft-corporation", "exact"),
    ),
    (f"{V1}/entities?q=INR2EJN1ERAN0W5ZP974", lambda b: [i["id"] for i in b["items"]] == ["microsoft-corporation"]),
    (f"{V1}/entities?q=q2283&kind=org", lambda b: b["items"][0]["matched"] == "Q2283"),
    (
        f"{V1}/entities?q=azure&kind=service",
        lambda b: b["total"] >= 2 and {i["kind"] for i in b["items"]} == {"service"},
    ),
    (f"{V1}/entities?q=cloud&limit=2", lambda b: len(b["items"]) == 2 and b["total"] > 2),
    (
        f"{V1}/entities/MIOL",
        lambda b: b["kind"] == "org" and _labels(b["owners"], "owner") == {"Microsoft Corporation"},
    ),
    (f"{V1}/entities/{iri('org', 'bleu')}", lambda b: b["id"] == "bleu" and b["sources"] and b["holdings"] == []),
    (f"{V1}/entities/FR", lambda b: b["kind"] == "jur" and "EU" in {j["id"] for j in b["links"]["member_of"]}),
    (
        f"{V1}/entities/doctolib-vaccination",
        lambda b: b["kind"] == "asset" and b["owners"] is None and "hosted_on" in b["links"],
    ),
    (
        f"{V1}/organizations/cloudwatt/ownership?as_of=2014-06-01",
        lambda b: {x["owner"]["label"]: x["share_of_capital"] for x in b["links"]}["Orange S.A."] == 44.4,
    ),
    (f"{V1}/organizations/ovh-groupe/ownership?direction=down", lambda b: "OVH US LLC" in _labels(b["links"], "owned")),
    (f"{V1}/organizations/cloudwatt/ownership?as_of=2014-06-01&depth=0", lambda b: b["links"] == []),
    (
        f"{V1}/assets/health-data-hub/exposures?as_of=2024-06-01",
        lambda b: (
            (b["exposures"][0]["instrument"]["id"], b["exposures"][0]["compellable_entity"]["label"])
            == ("us-cloud-act", "Microsoft Corporation")
            and all(step["source"] for step in b["exposures"][0]["path"])
        ),
    ),
    (
        f"{V1}/assets/health-data-hub/exposures?as_of=2026-09-01",
        lambda b: "eu-e-evidence" in {e["instrument"]["id"] for e in b["exposures"]},
    ),
    (
        f"{V1}/instruments?as_of=2026-09-01",
        lambda b: {i["id"]: i["status"] for i in b}["us-fisa-702"] == "residual" and len(b) >= 15,
    ),
    (f"{V1}/instruments/CLOUD Act", lambda b: b["id"] == "us-cloud-act" and len(b["instrument"]["rules"]) >= 4),
    (
        f"{V1}/instruments/cn-nil/reach?as_of=2026-11-01",
        lambda b: "Alibaba Group Holding Limited" in _labels(b["reach"], "compellable_entity"),
    ),
]


@pytest.mark.parametrize(("url", "check"), READS, ids=[r[0] for r in READS])
def test_reads(client: TestClient, url: str, check: Check) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert check(r.json())


POSTS: list[tuple[dict[str, Any], Check]] = [
    (
        {"provider": "MIOL", "location": ["FR"], "as_of": "2024-06-01"},
        lambda b: (
            b["asset"] == {"id": None, "label": "the described asset (MIOL)"}
            and "Microsoft Corporation" in _labels(b["exposures"], "compellable_entity")
        ),
    ),
    (
        {
            "provider": ["MIOL"],
            "location": ["FR"],
            "keys_held_by": ["doctolib-trusted-third-party"],
            "as_of": "2025-01-01",
        },
        lambda b: any("ciphertext" in m for e in b["exposures"] for m in e["mitigations"]),
    ),
    (
        {"service": ["bleu-cloud-de-confiance"], "location": ["FR"], "as_of": "2026-11-01"},
        lambda b: _labels(b["dependencies"], "entity") == {"Microsoft Corporation"},
    ),
    (
        {"service": "ovhcloud-europe", "as_of": "2026-11-01"},
        lambda b: "OVH Groupe SA" in _labels(b["exposures"], "compellable_entity"),
    ),
    (
        {"service": "ovhcloud-europe", "as_of": "2026-11-01", "mode": "practical"},
        lambda b: "OVH Groupe SA" not in _labels(b["exposures"], "compellable_entity"),
    ),
    (
        {"provider": "OVHcloud", "location": "FR"},
        lambda b: (
            b["resolved"]
            == [
                {
                    "ref": "OVHcloud",
                    "iri": iri("org", "ovh-groupe"),
                    "label": "OVH Groupe SA",
                    "kind": "org",
                    "match": "alias",
                },
                {"ref": "FR", "iri": iri("jur", "FR"), "label": "France", "kind": "jur", "match": "id"},
            ]
        ),
    ),
]


@pytest.mark.parametrize(("body", "check"), POSTS)
def test_described_assets(client: TestClient, body: dict[str, Any], check: Check) -> None:
    r = client.post(f"{V1}/exposures", json=body)
    assert r.status_code == 200, r.text
    assert check(r.json())


ERRORS: list[tuple[str, str, dict[str, Any] | None, int, Check]] = [
    ("get", f"{V1}/entities/Bleux", None, 404, lambda d: iri("org", "bleu") in {s["id"] for s in d["suggestions"]}),
    ("get", f"{V1}/organizations/Microsft Corporation/ownership", None, 404, lambda d: d["suggestions"] != []),
    (
        "get",
        f"{V1}/assets/bleu/exposures",
        None,
        404,
        lambda d: d["message"].startswith("bleu is an organization (Bleu), not a data asset: POST /api/v1/exposures"),
    ),
    (
        "get",
        f"{V1}/organizations/us-cloud-act/ownership",
        None,
        404,
        lambda d: (
            d["message"].endswith("not an organization: GET /api/v1/instruments/us-cloud-act/reach")
            and [(s["id"], s["kind"]) for s in d["suggestions"]] == [(iri("instrument", "us-cloud-act"), "instrument")]
        ),
    ),
    (
        "get",
        f"{V1}/instruments/us-cloud-actt/reach",
        None,
        404,
        lambda d: d["suggestions"][0]["label"].startswith("US CLOUD"),
    ),
    (
        "get",
        f"{V1}/entities/health-data-hub",
        None,
        409,
        lambda d: (
            {c["id"] for c in d["candidates"]} == {iri("org", "health-data-hub"), iri("asset", "health-data-hub")}
        ),
    ),
    ("get", f"{V1}/entities?q=%20%20", None, 400, lambda d: "empty" in d),
    ("get", f"{V1}/entities?q=bleu&kind=planet", None, 422, lambda d: d[0]["loc"] == ["query", "kind", 0]),
    ("get", f"{V1}/assets/health-data-hub/exposures?mode=lax", None, 422, lambda d: d[0]["loc"] == ["query", "mode"]),
    (
        "get",
        f"{V1}/assets/health-data-hub/exposures?as_of=2024-13-01",
        None,
        422,
        lambda d: d[0]["loc"] == ["query", "as_of"],
    ),
    ("get", f"{V1}/organizations/bleu/ownership?direction=sideways", None, 422, lambda d: True),
    ("get", f"{V1}/organizations/bleu/ownership?depth=-1", None, 422, lambda d: True),
    ("post", f"{V1}/exposures", {"location": ["FR"]}, 422, lambda d: "provider" in d[0]["msg"]),
    (
        "post",
        f"{V1}/exposures",
        {"provider": "MIOL", "providers": "x"},
        422,
        lambda d: d[0]["type"] == "extra_forbidden",
    ),
    ("post", f"{V1}/exposures", {"provider": "Bleux"}, 404, lambda d: "did you mean: Bleu" in d["message"]),
    ("post", f"{V1}/exposures", {"service": "no-such-service"}, 404, lambda d: True),
    ("post", f"{V1}/exposures", {"provider": "MIOL", "location": "Atlantis"}, 404, lambda d: True),
]


@pytest.mark.parametrize(("method", "url", "body", "status", "check"), ERRORS, ids=[f"{e[3]}-{e[1]}" for e in ERRORS])
def test_errors(
    client: TestClient, method: str, url: str, body: dict[str, Any] | None, status: int, check: Check
) -> None:
    r = client.request(method, url, json=body)
    assert r.status_code == status, r.text
    assert set(r.json()) == {"detail"}
    assert check(r.json()["detail"])


@pytest.mark.parametrize(
    ("server_token", "headers", "status"),
    [
        ("t0k", {}, 401),
        ("t0k", {"authorization": "Bearer wrong"}, 401),
        ("t0k", {"authorization": "Basic dDBrOnQwaw=="}, 401),
        (None, AUTH, 403),
        (None, {}, 403),
    ],
)
@pytest.mark.parametrize("method", ["post", "delete"])
def test_writes_need_the_token(
    store: Store, server_token: str | None, headers: dict[str, str], status: int, method: str
) -> None:
    # The same store (already loaded by the module's client): this app's lifespan loads nothing.
    app = create_app(Settings(store_path=Path("unused"), write_token=server_token), store=store)
    with TestClient(app) as c:
        r = c.request(method, f"{V1}/data?graph=t", content=TURTLE, headers={**TTL, **headers})
    assert r.status_code == status
    assert isinstance(r.json()["detail"], str)
    if status == 401:
        assert r.headers["www-authenticate"] == "Bearer"


def _as(media: str) -> str:
    fmt = {
        "application/n-triples": ox.RdfFormat.N_TRIPLES,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
    }.get(media)
    if fmt is None:
        return TURTLE
    return (ox.serialize(ox.parse(TURTLE, ox.RdfFormat.TURTLE), format=fmt) or b"").decode("utf-8")


@pytest.mark.parametrize(
    "media", ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
)
def test_load_find_delete(client: TestClient, media: str) -> None:
    name = "tests/" + media.split("/")[1].replace("+", "-")
    r = client.post(f"{V1}/data", params={"graph": name}, content=_as(media), headers={"content-type": media, **AUTH})
    assert r.status_code == 201, r.text
    assert r.json()["graphs"] == [
        {"graph": user_graph(name), "document": "request body", "triples": 8, "status": "loaded"}
    ]
    try:
        found = client.get(f"{V1}/entities", params={"q": "example cloud"}).json()["items"]
        assert [(i["id"], i["match"]) for i in found] == [("example-cloud-sas", "prefix")]
        details = client.get(f"{V1}/entities/Example Cloud SAS").json()
        assert details["sources"][0]["label"] == "Example Cloud SAS, Kbis extract"
        again = client.post(
            f"{V1}/data", params={"graph": name}, content=_as(media), headers={"content-type": media, **AUTH}
        )
        assert again.status_code == 200 and again.json()["graphs"][0]["status"] == "unchanged"
    finally:
        r = client.delete(f"{V1}/data", params={"graph": name}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json() == {"graph": user_graph(name), "triples_removed": 8, "refreshed_exposures": None}
    assert client.get(f"{V1}/entities/example-cloud-sas").status_code == 404
    assert client.delete(f"{V1}/data", params={"graph": name}, headers=AUTH).status_code == 404


def test_malformed_turtle_is_400_with_line_and_column(client: TestClient) -> None:
    bad = "@prefix e: <https://e.org/> .\ne:a e:b"
    r = client.post(f"{V1}/data?graph=bad", content=bad, headers={**TTL, **AUTH})
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert (detail["line"], detail["column"]) == (2, 8)
    assert detail["message"].startswith("request body:2:8: ")


def test_shacl_violation_is_422_and_loads_nothing(client: TestClient) -> None:
    before = client.get(f"{V1}/stats").json()
    bad = TURTLE.replace("lx:Company", "lx:Nope")
    r = client.post(f"{V1}/data?graph=bad", content=bad, headers={**TTL, **AUTH})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert len(detail) == 1 and "lx:organizationKind: In" in detail[0]
    assert client.get(f"{V1}/stats").json() == before


@pytest.mark.parametrize(
    ("headers", "status"), [({"content-type": "text/plain"}, 415), ({"content-type": ""}, 415), (TTL, 400)]
)
def test_media_types_and_empty_bodies(client: TestClient, headers: dict[str, str], status: int) -> None:
    body = "" if status == 400 else TURTLE
    r = client.post(f"{V1}/data?graph=x", content=body, headers={**headers, **AUTH})
    assert r.status_code == status, r.text


@pytest.mark.parametrize(
    ("graph", "status"),
    [
        (str(graph_iri("data/organizations")), 403),
        (ONTOLOGY_GRAPH, 403),
        (META_GRAPH, 403),
        (str(graph_iri("inferred/exposures")), 403),
        ("../data/organizations", 400),
        ("nothing-here", 404),
    ],
)
def test_delete_refusals(client: TestClient, graph: str, status: int) -> None:
    r = client.delete(f"{V1}/data", params={"graph": graph}, headers=AUTH)
    assert r.status_code == status, r.text


def test_delete_that_would_break_the_shapes_is_422(client: TestClient) -> None:
    stake = "\n".join(
        [
            *(f"@prefix {p}: <{PREFIXES[p]}> ." for p in ("lx", "dcterms")),
            f"<{entity_iri('interest', 'example-stake')}> a lx:OwnershipInterest ;",
            f"    lx:owner <{entity_iri('org', 'example-cloud-sas')}> ; lx:owned <{entity_iri('org', 'bleu')}> ;",
            "    lx:interestKind lx:Shareholding ; lx:shareOfCapital 1.0 ; lx:confidence lx:Primary ;",
            f"    dcterms:source <{entity_iri('source', 'example-cloud-kbis')}> .",
        ]
    )
    assert client.post(f"{V1}/data?graph=org", content=TURTLE, headers={**TTL, **AUTH}).status_code == 201
    try:
        assert client.post(f"{V1}/data?graph=stake", content=stake, headers={**TTL, **AUTH}).status_code == 201
        owners = client.get(f"{V1}/organizations/bleu/ownership").json()["links"]
        assert "Example Cloud SAS" in _labels(owners, "owner")
        r = client.delete(f"{V1}/data?graph=org", headers=AUTH)
        assert r.status_code == 422 and any("lx:owner" in v for v in r.json()["detail"])
    finally:
        assert client.delete(f"{V1}/data?graph=stake", headers=AUTH).status_code == 200
        assert client.delete(f"{V1}/data?graph=org", headers=AUTH).status_code == 200


CLI_SAME: list[tuple[list[str], str, dict[str, Any] | None]] = [
    (
        ["compel", "health-data-hub", "--as-of", "2024-06-01"],
        f"{V1}/assets/health-data-hub/exposures?as_of=2024-06-01",
        None,
    ),
    (
        ["compel", "health-data-hub", "--as-of", "2026-09-01", "--mode", "practical"],
        f"{V1}/assets/health-data-hub/exposures?as_of=2026-09-01&mode=practical",
        None,
    ),
    (
        ["compel", "--provider", "MIOL", "--location", "FR", "--as-of", "2024-06-01"],
        f"{V1}/exposures",
        {"provider": ["MIOL"], "location": ["FR"], "as_of": "2024-06-01"},
    ),
    (
        ["compel", "--service", "bleu-cloud-de-confiance", "--location", "FR", "--as-of", "2026-11-01"],
        f"{V1}/exposures",
        {"service": "bleu-cloud-de-confiance", "location": "FR", "as_of": "2026-11-01"},
    ),
    (["chain", "cloudwatt", "--as-of", "2014-06-01"], f"{V1}/organizations/cloudwatt/ownership?as_of=2014-06-01", None),
    (
        ["chain", "ovh-groupe", "--down", "--as-of", "2026-11-01"],
        f"{V1}/organizations/ovh-groupe/ownership?direction=down&as_of=2026-11-01",
        None,
    ),
    (["reach", "cn-nil", "--as-of", "2026-11-01"], f"{V1}/instruments/cn-nil/reach?as_of=2026-11-01", None),
]


@pytest.mark.parametrize(("argv", "url", "body"), CLI_SAME, ids=[" ".join(c[0][:2]) for c in CLI_SAME])
def test_same_json_as_the_cli(
    client: TestClient,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    url: str,
    body: dict[str, Any] | None,
) -> None:
    monkeypatch.setattr(Store, "open", classmethod(lambda cls, path: store))  # the CLI reads the app's store
    assert main([*argv, "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    if body is None:  # what the reference resolved to: in the CLI's JSON, and for a described asset only in the API's
        assert cli.pop("resolved")[0]["ref"] == argv[1]
    r = client.get(url) if body is None else client.post(url, json=body)
    assert r.status_code == 200
    assert r.json() == cli


def test_openapi_documents_examples_and_the_token(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    body = paths[f"{V1}/exposures"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert body["miol"]["value"] == {"provider": ["MIOL"], "location": ["FR"], "as_of": "2024-06-01", "mode": "strict"}
    params = {p["name"]: p for p in paths[f"{V1}/assets/{{ref}}/exposures"]["get"]["parameters"]}
    assert params["ref"]["examples"]["hdh"]["value"] == "health-data-hub"
    assert params["as_of"]["examples"]["hdh-2024"]["value"] == "2024-06-01"
    upload = paths[f"{V1}/data"]["post"]
    assert "a lx:Organization" in upload["requestBody"]["content"]["text/turtle"]["example"]
    assert upload["security"] == [{"HTTPBearer": []}] and paths[f"{V1}/data"]["delete"]["security"]
    assert {"404", "409"} <= set(paths[f"{V1}/entities/{{ref}}"]["get"]["responses"])


def test_models_follow_the_engine() -> None:
    assert get_args(Mode) == MODES
    assert set(get_args(Kind)) == set(KINDS)
