"""Assessments (does a provider, or each provider of an offer, meet a requirement?), the comparison, what-if."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...graph.base.errors import UnsupportedFormatError
from ...graph.engine.assess import assessments
from ...graph.text.rdfio import FORMATS_BY_MEDIA_TYPE
from ...graph.views.assessment import assessment_to_dict
from ...graph.views.comparison import compare_offers, comparison_csv
from ...graph.views.whatif import what_if_to_dict
from ...graph.write.whatif import what_if
from ..deps import AsOfDep, ProjectionDep, StoreDep
from ..examples import data_body
from ..models import AssessmentsOut, errors

__all__ = ["router"]

router = APIRouter(tags=["assessments"])

_MEDIA = ", ".join(FORMATS_BY_MEDIA_TYPE)
RefPath = Annotated[str, Path(description="an organization, a service or a data asset: a slug, IRI, LEI or name")]


@router.get(
    "/assessments/{ref:path}",
    responses=errors(400, 404, 409),
    summary="Does a provider (or each provider of an offer) meet a requirement? Criterion by criterion",
    description="Each criterion passes, fails or is unknown (a fact it needs is not on record), with its reasons, "
    "the facts and sources behind them, and warnings when a figure lies near a threshold; the qualifications on "
    "record beside it. For a requirement graded in levels (the EU Cloud Sovereignty Framework's SEAL), `level` "
    "gives the levels the facts show reached. An offer is also assessed, under a requirement on data (the French "
    "doctrine, SREN Art. 31), for data of its categories hosted on it. The JSON is the same as "
    "`longarm assess --format json`.",
    response_model_exclude_unset=True,
)
def get_assessment(
    p: ProjectionDep,
    ref: RefPath,
    as_of: AsOfDep,
    requirement: Annotated[
        str | None, Query(description="the requirement's id (default: each the store knows)")
    ] = None,
    method: Annotated[
        Literal["multiplicative", "control"], Query(description="look-through of indirect holdings")
    ] = "multiplicative",
) -> AssessmentsOut:
    found = assessments(p, ref, requirement, as_of, method)
    return AssessmentsOut.model_validate({"assessments": [assessment_to_dict(p, a) for a in found]})


@router.post(
    "/what-if",
    responses=errors(400, 404, 409, 415, 422),
    summary="Hypothetical facts tried on a copy of the store: the assessments and exposures they change",
    description=f"The body is RDF in the ontology's terms, in the syntax its Content-Type names ({_MEDIA}): a stake "
    "added or changed, a contract or access grant, a location, a key holder; a stored fact is closed by giving it "
    "an end date. They are validated like any write and tried on a copy of the store, which stays untouched. New "
    "nodes are cited to the hypothesis and marked assumed. `assess` names organizations or offers, `compel` data "
    "assets; each is answered before and after. The JSON is the same as `longarm what-if --format json`.",
    openapi_extra=data_body(),
)
async def post_what_if(
    request: Request,
    store: StoreDep,
    as_of: AsOfDep,
    assess: Annotated[list[str], Query(description="organizations or offers to assess")] = [],  # noqa: B006
    compel: Annotated[list[str], Query(description="data assets to answer 'who can compel' for")] = [],  # noqa: B006
    requirement: Annotated[str | None, Query(description="default: each requirement the store knows")] = None,
    method: Annotated[Literal["multiplicative", "control"], Query()] = "multiplicative",
    mode: Annotated[Literal["strict", "practical"], Query()] = "strict",
) -> dict[str, Any]:
    media = request.headers.get("content-type")
    if not media:
        raise UnsupportedFormatError(f"send the facts with their Content-Type: one of {_MEDIA}")
    body = await request.body()
    result = await run_in_threadpool(
        what_if,
        store,
        body,
        "what-if facts",
        media_type=media,
        assessing=assess,
        answering=compel,
        requirement=requirement,
        as_of=as_of,
        method=method,
        mode=mode,
    )
    return what_if_to_dict(result)


@router.get(
    "/comparison",
    summary="Offers side by side: each requirement's outcome and who can compel under each instrument",
    description="One row per service in operation on `as_of`: the assessment of its providers and operators under "
    "each requirement (the worst of them), and the surest tier of the exposures an asset hosted on it would have, "
    "per instrument. Each cell gives the path of its explanation. `format=csv` gives the same as CSV.",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def get_comparison(
    p: ProjectionDep,
    as_of: AsOfDep,
    method: Annotated[Literal["multiplicative", "control"], Query()] = "multiplicative",
    mode: Annotated[Literal["strict", "practical"], Query()] = "strict",
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Response:
    table = compare_offers(p, as_of, method=method, mode=mode)
    if format == "csv":
        return Response(comparison_csv(table), media_type="text/csv; charset=utf-8")
    return JSONResponse(table)
