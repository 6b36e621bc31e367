"""The web explorer: every page is served as HTML, its files with the right types, nothing from elsewhere.

The pages themselves run in a real browser in ``tests/browser/test_explorer_browser.py``;
here the test client checks what the server sends, and a scan of ``api/static/`` checks
what the browser would be asked to load: only files of this server, no inline script,
no markup built from data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from longarm.api.app import create_app
from longarm.api.routes.explorer import CSP, PAGES, STATIC, page_html
from longarm.api.settings import Settings
from longarm.graph.store.embedded import Store
from longarm.ontology.namespace import ID_BASE

SHELLS = sorted(PAGES)  # each page: its content in the shared frame (layout.html)
ASSETS = sorted(p.name for p in STATIC.iterdir() if p.suffix in {".css", ".js", ".svg"})
SVG_NS = "http://www.w3.org/2000/svg"

PAGES = [
    ("/", "home.js"),
    ("/explore", "home.js"),
    ("/explore/check", "check.js"),
    ("/explore/sparql", "sparql.js"),
    ("/explore/org/bleu", "entity.js"),
    ("/explore/service/bleu-cloud-de-confiance", "entity.js"),
    ("/explore/jur/FR", "entity.js"),
    ("/explore/authority/us-courts", "entity.js"),
    ("/explore/source/eu-m10855", "entity.js"),
    ("/explore/asset/health-data-hub", "asset.js"),
    ("/explore/instrument/us-cloud-act", "instrument.js"),
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store_path=Path("unused")), store=Store.in_memory())) as c:
        yield c


@pytest.mark.parametrize(("path", "script"), PAGES)
def test_every_page_is_html_with_its_script(client: TestClient, path: str, script: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["content-security-policy"] == CSP
    assert f'<script src="/static/{script}" defer></script>' in r.text
    assert f'<meta name="longarm-id-base" content="{ID_BASE}">' in r.text


@pytest.mark.parametrize(
    "path",
    ["/explore/planet/earth", "/explore/org/no-such-company", "/explore/org/not%20a%20slug", "/explore/asset/bleu"],
)
def test_unknown_kind_or_entity_is_a_404_page(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<h1 id="title">Not found</h1>' in r.text


def test_csp_allows_this_origin_only_and_no_inline_script() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["object-src"] == "'none'"


@pytest.mark.parametrize("name", ASSETS)
def test_static_files_are_served_with_their_type(client: TestClient, name: str) -> None:
    r = client.get(f"/static/{name}")
    expected = {
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".svg": "image/svg+xml",
    }[Path(name).suffix]
    assert r.status_code == 200 and r.headers["content-type"] == expected
    assert r.content == (STATIC / name).read_bytes()


@pytest.mark.parametrize("path", ["/static/index.html", "/static/nope.js", "/static/..%2Fapp.py", "/static/.hidden.js"])
def test_only_styles_scripts_and_pictures_are_static(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_sparql_examples_run_and_declare_their_prefixes(client: TestClient) -> None:
    examples = client.get("/explore/sparql/examples.json").json()
    assert len(examples) >= 5
    counts = {}
    for ex in examples:
        ox.Store().query(ex["query"])  # parses without the server's declared prefixes
        r = client.post("/sparql", data={"query": ex["query"]}, headers={"accept": "application/sparql-results+json"})
        assert r.status_code == 200, (ex["title"], r.text)
        body = r.json()
        counts[ex["title"]] = body["boolean"] if "boolean" in body else len(body["results"]["bindings"])
    assert counts["Ownership chain (property path)"] >= 2
    assert counts["SecNumCloud qualifications"] >= 10


# ---- what the browser would load: a scan of every file in api/static/ ----

_URL = re.compile(r"(?i)\b(?:https?|ftp|wss?):\/\/[^\s\"'<>)`]*")
_PROTOCOL_RELATIVE = re.compile(r"""(?i)(?:src|href|action|url)\s*[=(]\s*["']?\/\/""")


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.iterdir()))
def test_no_external_url_in_static_files(name: str) -> None:
    text = (STATIC / name).read_text(encoding="utf-8")
    assert [u for u in _URL.findall(text) if u != SVG_NS] == []
    assert _PROTOCOL_RELATIVE.findall(text) == []
    assert "@import" not in text and "url(" not in text


def test_the_scan_finds_external_urls() -> None:
    """The patterns above do catch what they are meant to catch."""
    assert _URL.findall('<script src="https://cdn.example.org/x.js">') == ["https://cdn.example.org/x.js"]
    assert _PROTOCOL_RELATIVE.findall('<link href="//cdn.example.org/x.css">')


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC.glob("*.js")))
def test_scripts_never_parse_data_as_markup(name: str) -> None:
    text = (STATIC / name).read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in text, sink


class _Shell(HTMLParser):
    """The facts about a page shell the accessibility and CSP checks need."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_script = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script = True

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


@pytest.mark.parametrize("name", SHELLS)
def test_shells_are_accessible_and_load_only_their_own_files(name: str) -> None:
    shell = _Shell()
    shell.feed(page_html(name))
    assert shell.all("html") == [{"lang": "en"}]
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in shell.all("meta")
    # CSP: scripts are files of this server, deferred; no inline script, style or handler.
    assert not shell.inline_script
    for attrs in shell.all("script"):
        src = attrs["src"] or ""
        assert src.startswith("/static/") and (STATIC / src.removeprefix("/static/")).is_file()
        assert "defer" in attrs
    for attrs in shell.all("link"):
        href = attrs["href"] or ""
        assert href.startswith("/static/") and (STATIC / href.removeprefix("/static/")).is_file()
    assert not any(k == "style" or k.startswith("on") for _, a in shell.tags for k in a)
    # Landmarks, a skip link to the main content, one title, every field labelled, unique ids.
    assert shell.all("a")[0]["href"] == "#main"
    assert shell.all("main") == [{"id": "main", "tabindex": "-1"}]
    assert len(shell.all("header")) == len(shell.all("footer")) == len(shell.all("h1")) == 1
    ids = [a["id"] for _, a in shell.tags if "id" in a]
    assert len(ids) == len(set(ids))
    labelled = {a["for"] for a in shell.all("label")}
    fields = [a for t, a in shell.tags if t in {"input", "select", "textarea"}]
    assert all(f.get("id") in labelled for f in fields)
