"""Exports: the whole graph or an entity's neighbourhood as GraphML, GEXF, DOT, Cytoscape, BODS or RDF."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ...graph.views.entity_graph import DEFAULT_DEPTH, MAX_DEPTH, entity_graph, resolve_center
from ...graph.views.export import FORMATS, serialize
from ...ontology.namespace import split_entity_iri
from ..deps import AsOfDep, ProjectionDep, StoreDep
from ..examples import ENTITY_REFS
from ..models import errors

__all__ = ["router"]

router = APIRouter(tags=["export"])

ExportFormatName = Literal["graphml", "gexf", "dot", "cytoscape", "bods", "turtle", "jsonld"]
_CONTENT: dict[str, dict[str, object]] = {f.media_type: {} for f in FORMATS.values()}
_FORMATS = "; ".join(f"`{f.name}`: {f.title} ({f.readers})" for f in FORMATS.values())


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": _CONTENT, "description": "the export, as a file to download"}, **errors(404, 409)},
    summary="Export the whole graph or an entity's neighbourhood (GraphML, GEXF, DOT, Cytoscape, BODS, RDF)",
    description=f"Formats: {_FORMATS}. Without `ref`, the whole graph; with it, the entities up to `depth` "
    "relations away (jurisdictions end a walk). Facts not valid on `as_of` are left out. BODS covers the "
    "organizations and ownership interests only; Turtle and JSON-LD carry the triples with their sources.",
)
def get_export(
    store: StoreDep,
    p: ProjectionDep,
    as_of: AsOfDep,
    format: Annotated[ExportFormatName, Query(description="the export format")],
    ref: Annotated[
        str | None,
        Query(
            max_length=500,
            description="the centre: an organization first, else any entity (default: the whole graph)",
            openapi_examples=ENTITY_REFS,
        ),
    ] = None,
    depth: Annotated[int, Query(ge=0, le=MAX_DEPTH, description="relations away from `ref`")] = DEFAULT_DEPTH,
) -> Response:
    center = resolve_center(p, ref) if ref is not None else None
    fmt = FORMATS[format]
    data = serialize(store, entity_graph(store, center, as_of=as_of, depth=depth), format, center)
    name = "longarm" if center is None else _slug(center, p.label(center))
    disposition = f'attachment; filename="{name}-{as_of.isoformat()}{fmt.extension}"'
    return Response(data, media_type=fmt.media_type, headers={"Content-Disposition": disposition})


def _slug(iri: str, label: str) -> str:
    """A file-name-safe name for an entity: its slug, or its label reduced to safe characters."""
    split = split_entity_iri(iri)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", split[1] if split else label).strip("-.") or "entity"
