"""Pictures as SVG: the ownership chart of an organization and the exposure map of an asset.

The same references, dates, modes and errors as the JSON routes; each node links to its
page in the explorer (``/explore/{kind}/{slug}``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response

from ...graph.drawing.charts import exposure_svg, ownership_svg
from ...graph.engine.ownership import DEFAULT_MAX_DEPTH
from ...graph.engine.reach import compel
from ...graph.engine.resolve import resolve
from ..deps import AsOfDep, AssetQuestionDep, ModeQuery, OrgPath, ProjectionDep
from ..examples import DESCRIBED_ASSETS
from ..models import AssetDescription, errors
from .exposures import answer_described

__all__ = ["router"]

router = APIRouter(tags=["charts"])

SVG = "image/svg+xml"
EXPLORER = "/explore/"
_PICTURE: dict[int | str, dict[str, Any]] = {
    200: {"content": {SVG: {}}, "description": "an SVG picture (valid XML, no external reference)"},
    **errors(404, 409),
}
_MAP = (
    "Columns asset → services → custodians → controllers → jurisdictions → instruments → authorities; paths "
    "coloured by confidence tier (established, likely, contested, residual), mitigated paths dashed. The same "
    "answer as the JSON route. A reading of recorded facts, not legal advice."
)


@router.get(
    "/organizations/{ref:path}/ownership.svg",
    response_class=Response,
    responses=_PICTURE,
    summary="Ownership chart of an organization (SVG)",
    description="Owners `up` levels up and holdings `down` levels down, valid on `as_of`: arrows from owner to "
    "owned labelled with the recorded share, joint control dashed, indirect holdings dotted, a jurisdiction "
    "badge on every node, EU/EEA in its own colour. At most 60 organizations, nearest first.",
)
def get_ownership_svg(
    p: ProjectionDep,
    ref: OrgPath,
    as_of: AsOfDep,
    up: Annotated[int, Query(ge=0, le=64, description="levels of owners")] = DEFAULT_MAX_DEPTH,
    down: Annotated[int, Query(ge=0, le=64, description="levels of holdings")] = 1,
) -> Response:
    org = resolve(p, ref, "org")
    svg = ownership_svg(p, org, as_of=as_of, up_depth=up, down_depth=down, link_base=EXPLORER)
    return Response(svg, media_type=SVG)


@router.get(
    "/assets/{ref:path}/exposures.svg",
    response_class=Response,
    responses=_PICTURE,
    summary="Exposure map of a stored data asset (SVG)",
    description=_MAP,
)
def get_exposures_svg(question: AssetQuestionDep, as_of: AsOfDep, mode: ModeQuery = "strict") -> Response:
    p, asset = question
    answer = compel(p, asset, as_of, mode)
    return Response(exposure_svg(p, answer, link_base=EXPLORER), media_type=SVG)


@router.post(
    "/exposures.svg",
    response_class=Response,
    responses=_PICTURE,
    summary="Exposure map of an asset described by its provider or service (SVG)",
    description=_MAP + " The body is the one of `POST /api/v1/exposures`.",
)
def post_exposures_svg(
    p: ProjectionDep, body: Annotated[AssetDescription, Body(openapi_examples=DESCRIBED_ASSETS)]
) -> Response:
    return Response(exposure_svg(p, answer_described(p, body), link_base=EXPLORER), media_type=SVG)
