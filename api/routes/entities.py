"""Entities: search by name, alias, slug, LEI or Wikidata Q-id, and everything recorded about one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ...graph.engine.resolve import KINDS, resolve, search
from ...graph.views.describe import entity_details
from ...graph.views.report import entity_ref
from ..deps import AsOfDep, EntityPath, ProjectionDep
from ..examples import QUERIES
from ..models import EntityDetailsOut, Kind, SearchHitOut, SearchOut, errors

__all__ = ["router"]

router = APIRouter(tags=["entities"])


@router.get(
    "/entities",
    responses=errors(400),
    summary="Search entities by name, alias, slug, LEI or Wikidata Q-id",
    description="Exact matches first, then names starting with `q`, then names containing it; case-insensitive.",
    response_model_exclude_unset=True,
)
def search_entities(
    p: ProjectionDep,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="the text to look for", openapi_examples=QUERIES)
    ],
    kind: Annotated[list[Kind] | None, Query(description="only these kinds (repeatable)")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SearchOut:
    page = search(p, q, kind or KINDS, limit, offset)
    items = [
        SearchHitOut.model_validate({**entity_ref(p, h.iri), "kind": h.kind, "matched": h.matched, "match": h.match})
        for h in page.hits
    ]
    return SearchOut(query=q, total=page.total, limit=limit, offset=offset, items=items)


@router.get(
    "/entities/{ref:path}",
    responses=errors(404, 409),
    summary="Everything recorded about one entity, with its sources",
    description="Organizations also list their direct owners and holdings on `as_of`; instruments their reach rules. "
    "An unknown reference gives 404 with suggestions; one naming several entities gives 409 with the candidates.",
    response_model_exclude_unset=True,
)
def get_entity(p: ProjectionDep, ref: EntityPath, as_of: AsOfDep) -> EntityDetailsOut:
    return EntityDetailsOut.model_validate(entity_details(p, resolve(p, ref), as_of))
