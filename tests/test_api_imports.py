"""REST imports: POST a file, GET the list, DELETE an import; token, refusals and idempotence."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from longarm.api.app import create_app
from longarm.api.settings import Settings
from longarm.graph.store.embedded import Store

V1 = "/api/v1"
AUTH = {"authorization": "Bearer t0k"}
GLEIF = Path(__file__).parent / "fixtures" / "imports" / "gleif"
DORA = Path(__file__).parent / "fixtures" / "imports" / "dora" / "register"


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(Settings(store_path=Path("unused"), write_token="t0k"), store=Store.in_memory())
    with TestClient(app) as c:  # the lifespan loads the bundled dataset into the empty store
        yield c


def _post(client: TestClient, name: str, body: bytes, **params: str) -> Response:
    return client.post(f"{V1}/imports", params={"name": name, **params}, content=body, headers=AUTH)


def test_an_import_over_http_is_created_listed_and_removed(client: TestClient) -> None:
    body = (GLEIF / "rr.csv").read_bytes()
    r = _post(client, "rr.csv", body, format="gleif")
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["status"], made["counts"]["relationships"]) == ("imported", 2)
    again = _post(client, "rr.csv", body, format="gleif")
    assert again.status_code == 200 and again.json()["id"] == made["id"]
    assert [i["id"] for i in client.get(f"{V1}/imports").json()["imports"]] == [made["id"]]
    gone = client.delete(f"{V1}/imports/{made['id']}", headers=AUTH)
    assert gone.status_code == 200 and gone.json()["triples_removed"] > 0
    assert client.get(f"{V1}/imports").json()["imports"] == []
    assert client.delete(f"{V1}/imports/{made['id']}", headers=AUTH).status_code == 404


def test_a_register_package_as_a_zip(client: TestClient) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(DORA.rglob("*.csv")):
            z.write(f, f"register/{f.relative_to(DORA)}")
    r = _post(client, "register.zip", archive.getvalue(), format="dora", skip_bad="true")
    assert r.status_code == 201, r.text
    assert r.json()["counts"]["data assets"] == 2 and len(r.json()["problems"]) == 1


@pytest.mark.parametrize(
    ("params", "headers", "status", "said"),
    [
        ({"format": "gleif", "name": "lei2.csv"}, {}, 401, None),
        ({"format": "nope", "name": "lei2.csv"}, AUTH, 400, "unknown import format"),
        ({"format": "gleif", "name": "../lei2.csv"}, AUTH, 422, None),
        ({"format": "gleif", "name": "lei2.csv"}, AUTH, 400, "LEI check digits do not verify"),
    ],
)
def test_refusals_write_nothing(
    client: TestClient, params: dict[str, str], headers: dict[str, str], status: int, said: str | None
) -> None:
    r = client.post(f"{V1}/imports", params=params, content=(GLEIF / "lei2.csv").read_bytes(), headers=headers)
    assert r.status_code == status, r.text
    if said is not None:
        assert said in r.text
    if status == 400 and said and "LEI" in said:
        assert r.json()["detail"]["problems"] == ["lei2.csv:5: LEI check digits do not verify: '969500EXAMPLECHLD155'"]
    assert client.get(f"{V1}/imports").json()["imports"] == []


def test_the_report_of_an_import(client: TestClient) -> None:
    template = Path(__file__).resolve().parent.parent / "api" / "static" / "inventory-template.csv"
    made = _post(client, "inventory.csv", template.read_bytes(), format="inventory").json()
    report = client.get(f"{V1}/imports/{made['id']}/report", params={"as_of": "2026-06-01"}).json()
    assert report["totals"]["assets"] == 3 and {a["label"] for a in report["assets"]} >= {"Payroll records"}
    page = client.get(f"{V1}/imports/{made['id']}/report", params={"format": "html", "as_of": "2026-06-01"})
    assert page.headers["content-type"].startswith("text/html") and page.text.count("<svg") == 3
    assert client.get(f"{V1}/imports/0123456789abcdef/report").status_code == 404
