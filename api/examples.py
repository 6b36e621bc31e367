"""OpenAPI examples for the REST routes, on the bundled dataset (real references, real dates).

The Turtle example is built from :mod:`longarm.ontology.namespace`, so that no IRI is
spelled outside ``ontology/``; it loads as it stands into the bundled store.

>>> "a lx:Organization" in TURTLE
True
"""

from __future__ import annotations

from typing import Any, Final

from fastapi.openapi.models import Example

from ..graph.text.rdfio import FORMATS_BY_MEDIA_TYPE
from ..ontology.namespace import PREFIXES, entity_iri

__all__ = [
    "ASSET_REFS",
    "AS_OF",
    "DESCRIBED_ASSETS",
    "DIRECTIONS",
    "ENTITY_REFS",
    "GRAPH_NAMES",
    "INSTRUMENT_REFS",
    "MODES",
    "ORG_REFS",
    "QUERIES",
    "TURTLE",
    "data_body",
]


def _ex(summary: str, value: Any) -> Example:
    return Example(summary=summary, value=value)


AS_OF: Final = {
    "hdh-2024": _ex("June 2024: the Health Data Hub case (FISA 702 in force)", "2024-06-01"),
    "cloudwatt-2014": _ex("June 2014: Cloudwatt before Orange bought out its partners", "2014-06-01"),
    "after-fisa-lapse": _ex("September 2026: FISA 702 residual, e-Evidence applies", "2026-09-01"),
}
MODES: Final = {
    "strict": _ex("Keep contested exposures", "strict"),
    "practical": _ex("Drop contested exposures", "practical"),
}
DIRECTIONS: Final = {
    "up": _ex("Owners, up to the ultimate parents", "up"),
    "down": _ex("Holdings, down to the subsidiaries", "down"),
}
QUERIES: Final = {
    "name": _ex("A name or alias", "microsoft"),
    "lei": _ex("An LEI", "INR2EJN1ERAN0W5ZP974"),
    "qid": _ex("A Wikidata Q-id", "Q2283"),
}
ENTITY_REFS: Final = {
    "slug": _ex("A slug", "bleu"),
    "alias": _ex("An alias", "MIOL"),
    "lei": _ex("An LEI", "INR2EJN1ERAN0W5ZP974"),
    "ambiguous": _ex("Ambiguous: an organization and a data asset (409)", "health-data-hub"),
}
ORG_REFS: Final = {
    "cloudwatt": _ex("Cloudwatt (try as_of 2014-06-01)", "cloudwatt"),
    "bleu": _ex("Bleu, jointly controlled by Orange and Capgemini", "bleu"),
    "ovh-down": _ex("OVH Groupe (try direction=down)", "ovh-groupe"),
}
ASSET_REFS: Final = {
    "hdh": _ex("The Health Data Hub's data on Microsoft Azure", "health-data-hub"),
    "doctolib": _ex("Doctolib's vaccination appointments on AWS", "doctolib-vaccination"),
}
INSTRUMENT_REFS: Final = {
    "cloud-act": _ex("US CLOUD Act (notation)", "us-cloud-act"),
    "nil": _ex("China National Intelligence Law", "cn-nil"),
    "alias": _ex("By alias", "CLOUD Act"),
}
GRAPH_NAMES: Final = {"name": _ex("A user graph name (slugs separated by '/')", "acme/suppliers")}
DESCRIBED_ASSETS: Final = {
    "miol": _ex(
        "The Health Data Hub's host, by provider (MIOL), stored in France, June 2024",
        {"provider": ["MIOL"], "location": ["FR"], "as_of": "2024-06-01", "mode": "strict"},
    ),
    "bleu": _ex(
        "Data in France on Bleu's offer: Microsoft is a dependency, not a custodian",
        {"service": ["bleu-cloud-de-confiance"], "location": ["FR"], "as_of": "2026-11-01"},
    ),
    "keys": _ex(
        "Keys held by a trusted third party: content is reachable only as ciphertext",
        {
            "provider": ["MIOL"],
            "location": ["FR"],
            "keys_held_by": ["doctolib-trusted-third-party"],
            "as_of": "2025-01-01",
        },
    ),
}

_ORG, _SRC = entity_iri("org", "example-cloud-sas"), entity_iri("source", "example-cloud-kbis")
_FR = entity_iri("jur", "FR")
TURTLE: Final = "\n".join(
    [
        *(f"@prefix {p}: <{PREFIXES[p]}> ." for p in ("lx", "rdfs", "xsd", "dcterms")),
        "",
        f'<{_SRC}> a lx:Source ; rdfs:label "Example Cloud SAS, Kbis extract" ; dcterms:date "2026-01-15"^^xsd:date .',
        f'<{_ORG}> a lx:Organization ; rdfs:label "Example Cloud SAS" ; lx:organizationKind lx:Company ;',
        f"    lx:incorporatedIn <{_FR}> ; dcterms:source <{_SRC}> .",
        "",
    ]
)


def data_body() -> dict[str, Any]:
    """The OpenAPI request body of ``POST /data``: RDF in any syntax, with its media type."""
    content: dict[str, Any] = {m: {"schema": {"type": "string"}} for m in FORMATS_BY_MEDIA_TYPE}
    content["text/turtle"]["example"] = TURTLE
    return {"requestBody": {"required": True, "content": content}}
