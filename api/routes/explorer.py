"""The web explorer: HTML shells, styles and scripts in ``api/static/``, served by the app.

The pages are static shells: one frame (``layout.html``: head, header, navigation,
footer) around each page's own content (``index.html``, ``asset.html`` …), put together
once per process from :data:`PAGES`. Their scripts ask the REST API and ``/sparql`` of this
same server and build the answer in the page (text nodes, never markup from data). Nothing is
fetched from anywhere else, so the explorer works offline. Every shell gets the base of
instance IRIs in a ``<meta>`` element (the scripts turn IRIs into explorer links with it)
and a Content-Security-Policy that allows only this origin and no inline script.

=================================  ===============================================
``/``                              what longarm answers, search with suggestions
``/explore/{kind}/{slug}``         an entity: facts and sources; for an organization
                                   its ownership chart and table
``/explore/asset/{slug}``          who can compel access to a stored asset
``/explore/instrument/{slug}``     what a legal instrument reaches
``/explore/check``                 who can compel access to a described asset
``/explore/import``                import a register or ownership data, and its report
``/explore/compare``               offers side by side: requirements and instruments
``/explore/assessment``            one assessment under a requirement, criterion by criterion
``/explore/sparql``                SPARQL with example queries
``/static/{name}``                 the styles and scripts
=================================  ===============================================
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import pyoxigraph as ox
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ...graph.store.embedded import Store
from ...ontology.namespace import ID_BASE, PREFIXES, entity_iri
from ..deps import StoreDep

__all__ = ["CSP", "PAGES", "SPARQL_EXAMPLES", "STATIC", "page_html", "router"]

router = APIRouter(tags=["explorer"], include_in_schema=False)

#: The directory of the shells, styles and scripts.
STATIC: Final = Path(__file__).resolve().parent.parent / "static"
#: Only this origin; no inline script; inline styles only for the SVG charts' own attributes.
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_TYPES: Final = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".csv": "text/csv; charset=utf-8",  # the inventory template
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.(css|js|svg|csv)$")
_BASE_META = '<meta name="longarm-id-base" content="">'
_EXISTS = "SELECT ?node WHERE { ?node ?p ?o } LIMIT 1"


@dataclass(frozen=True, slots=True)
class _Page:
    """What a page adds to the frame: ``data-page``, title, scripts, current navigation link, site search."""

    page: str
    title: str
    scripts: tuple[str, ...]
    current: str | None = None  # the navigation link marked aria-current
    search: bool = True  # the header's search form (the home page has its own)


#: The pages, by the file of their content in :data:`STATIC`.
PAGES: Final = {
    "index.html": _Page("home", "longarm — who can compel access to this data?", ("home.js",), "/", search=False),
    "check.html": _Page("check", "Check an asset — longarm", ("answer.js", "check.js"), "/explore/check"),
    "sparql.html": _Page("sparql", "SPARQL — longarm", ("sparql.js",), "/explore/sparql"),
    "import.html": _Page("import", "Import a register — longarm", ("import.js",), "/explore/import"),
    "compare.html": _Page("compare", "Compare offers — longarm", ("compare.js",), "/explore/compare"),
    "assessment.html": _Page("assessment", "Does it meet the rule? — longarm", ("assessment.js",)),
    "entity.html": _Page("entity", "Entity — longarm", ("entity.js",)),
    "asset.html": _Page("asset", "Who can compel access — longarm", ("answer.js", "asset.js")),
    "instrument.html": _Page("instrument", "Legal instrument — longarm", ("answer.js", "instrument.js")),
    "404.html": _Page("notfound", "Not found — longarm", ("home.js",)),
}

#: Example queries of the SPARQL page: (title, what it shows, query without its prefixes).
SPARQL_EXAMPLES: Final = (
    (
        "Ownership chain (property path)",
        "Every organization above Bleu, through any number of ownership interests.",
        """SELECT DISTINCT ?ancestor ?name WHERE {
  lxorg:bleu (^lx:owned/lx:owner)+ ?ancestor .
  ?ancestor rdfs:label ?name .
}
ORDER BY ?name""",
    ),
    (
        "Direct owners with sources",
        "Who holds Bleu, how, since when, and how sure the sources are.",
        """SELECT ?owner ?kind ?from ?confidence ?source WHERE {
  ?i lx:owned lxorg:bleu ;
     lx:owner/rdfs:label ?owner ;
     lx:interestKind ?kind ;
     lx:confidence ?confidence ;
     dcterms:source/rdfs:label ?source .
  OPTIONAL { ?i lx:validFrom ?from }
}
ORDER BY ?owner ?source""",
    ),
    (
        "Exposures of an asset (inferred graph)",
        "The exposures materialised by `longarm infer` (empty until it has run): who may be compelled, "
        "under which instrument, with which confidence tier.",
        """SELECT ?instrument ?entity ?tier WHERE {
  ?e a lx:Exposure ;
     lx:asset asset:health-data-hub ;
     lx:instrument/skos:notation ?instrument ;
     lx:compellableEntity/rdfs:label ?entity ;
     lx:confidenceTier/skos:prefLabel ?t .
  FILTER(lang(?t) = "en")
  BIND(STR(?t) AS ?tier)
}
ORDER BY ?instrument ?entity""",
    ),
    (
        "SecNumCloud qualifications",
        "The SecNumCloud-qualified offers of the ANSSI catalogue, with their holders and decision numbers.",
        """SELECT ?service ?holder ?from ?until ?decision WHERE {
  ?c lx:scheme lx:SecNumCloud ;
     lx:status lx:Qualified ;
     lx:certifies/rdfs:label ?service ;
     lx:holder/rdfs:label ?holder .
  OPTIONAL { ?c lx:validFrom ?from }
  OPTIONAL { ?c lx:validUntil ?until }
  OPTIONAL { ?c lx:decisionNumber ?decision }
}
ORDER BY ?from ?holder""",
    ),
    (
        "Instruments and their dates",
        "When each legal instrument applies, and until when a lapsed one still has effect.",
        """SELECT ?id ?enacted ?from ?until ?residual WHERE {
  ?i a lx:LegalInstrument ;
     skos:notation ?id ;
     lx:enactedBy/lx:isoCode ?enacted ;
     lx:inForceFrom ?from .
  OPTIONAL { ?i lx:inForceUntil ?until }
  OPTIONAL { ?i lx:residualUntil ?residual }
}
ORDER BY ?enacted ?id""",
    ),
    (
        "Any owner of S3NS outside the EU?",
        "An ASK query: is any owner of S3NS, at any depth and whatever its share, incorporated outside the "
        "European Union? (Owning is not controlling: see the ownership table for the shares.)",
        """ASK {
  lxorg:s3ns (^lx:owned/lx:owner)+ ?owner .
  ?owner lx:incorporatedIn ?j .
  FILTER NOT EXISTS { ?j lx:memberOf jur:EU }
  FILTER(?j != jur:EU)
}""",
    ),
)


@router.get("/", response_class=HTMLResponse)
def home() -> Response:
    return _shell("index.html")


@router.get("/explore", response_class=HTMLResponse)
def explore() -> Response:
    return _shell("index.html")


@router.get("/explore/check", response_class=HTMLResponse)
def check() -> Response:
    return _shell("check.html")


@router.get("/explore/import", response_class=HTMLResponse)
def import_page() -> Response:
    return _shell("import.html")


@router.get("/explore/compare", response_class=HTMLResponse)
def compare_page() -> Response:
    return _shell("compare.html")


@router.get("/explore/assessment", response_class=HTMLResponse)
def assessment_page() -> Response:
    return _shell("assessment.html")


@router.get("/explore/sparql", response_class=HTMLResponse)
def sparql() -> Response:
    return _shell("sparql.html")


@router.get("/explore/sparql/examples.json")
def sparql_examples() -> JSONResponse:
    """The example queries, each with the prefixes it uses declared."""
    return JSONResponse(
        [{"title": t, "description": d, "query": _with_prefixes(q)} for t, d, q in SPARQL_EXAMPLES],
        headers=_HEADERS,
    )


@router.get("/explore/{kind}/{slug}", response_class=HTMLResponse)
def entity(kind: str, slug: str, store: StoreDep) -> Response:
    """The page of one entity; 404 for an unknown kind or a node the store does not have."""
    try:
        node = ox.NamedNode(str(entity_iri(kind, slug)))
    except ValueError:
        return _shell("404.html", 404)
    if not _exists(store, node):
        return _shell("404.html", 404)
    return _shell({"asset": "asset.html", "instrument": "instrument.html"}.get(kind, "entity.html"))


@router.get("/static/{name}")
def static(name: str) -> Response:
    """A style sheet, script or picture of the explorer."""
    path = STATIC / name
    if not _NAME.match(name) or not path.is_file():
        return Response("not found\n", status_code=404, media_type="text/plain; charset=utf-8")
    return Response(path.read_bytes(), media_type=_TYPES[path.suffix], headers={"Cache-Control": "no-cache"})


def _shell(name: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(page_html(name), status_code=status, headers=_HEADERS)


@cache
def page_html(name: str) -> str:
    """The whole page `name` of :data:`PAGES`: its content in the frame, with the base of instance IRIs."""
    spec = PAGES[name]
    head, _, rest = (STATIC / "layout.html").read_text(encoding="utf-8").partition("<!--search-->\n")
    form, _, tail = rest.partition("<!--/search-->\n")
    frame = head + (form if spec.search else "") + tail
    if spec.current is not None:
        link = f'<li><a href="{spec.current}">'
        frame = frame.replace(link, link[:-1] + ' aria-current="page">', 1)
    frame = (
        frame.replace("{{title}}", html.escape(spec.title, quote=False))
        .replace("{{scripts}}", "".join(f'<script src="/static/{s}" defer></script>\n' for s in spec.scripts))
        .replace("{{page}}", spec.page)
        .replace(_BASE_META, f'<meta name="longarm-id-base" content="{ID_BASE}">')
    )
    return frame.replace("{{main}}", (STATIC / name).read_text(encoding="utf-8"))


def _exists(store: Store, node: ox.NamedNode) -> bool:
    return any(True for _ in store.query(_EXISTS, {"node": node}))


def _with_prefixes(query: str) -> str:
    used = sorted({p for p in re.findall(r"(?<![\w<])([a-z]+):", query) if p in PREFIXES})
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used]
    return "\n".join([*lines, "", query])
