"""Ownership chains of organizations: owners up to the ultimate parents, or holdings down, at a date."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ...graph.engine.ownership import DEFAULT_MAX_DEPTH, ownership_chain
from ...graph.engine.resolve import resolve
from ...graph.views.report import chain_to_dict
from ..deps import AsOfDep, OrgPath, ProjectionDep
from ..examples import DIRECTIONS
from ..models import ChainOut, errors

__all__ = ["router"]

router = APIRouter(tags=["organizations"])


@router.get(
    "/organizations/{ref:path}/ownership",
    responses=errors(404, 409),
    summary="Owners (up) or holdings (down) of an organization, with effective percentages",
    description="Every interest valid on `as_of`, breadth first, each with its depth, shares, sources and the "
    "effective (look-through, multiplicative) share; cycles are walked once and `depth` bounds the traversal.",
    response_model_exclude_unset=True,
)
def get_ownership(
    p: ProjectionDep,
    ref: OrgPath,
    as_of: AsOfDep,
    direction: Annotated[Literal["up", "down"], Query(openapi_examples=DIRECTIONS)] = "up",
    depth: Annotated[int, Query(ge=0, le=64, description="traversal depth bound")] = DEFAULT_MAX_DEPTH,
) -> ChainOut:
    org = resolve(p, ref, "org")
    links = ownership_chain(p, org, as_of, direction=direction, max_depth=depth)
    return ChainOut.model_validate(chain_to_dict(p, org, as_of, direction, links))
