"""Assessments: does a provider, or each provider of an offer, meet a requirement a buyer must apply?"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from ...graph.engine.assess import assess, assessed_organizations, find_requirement
from ...graph.views.assessment import assessment_to_dict
from ..deps import AsOfDep, ProjectionDep
from ..models import AssessmentsOut, errors

__all__ = ["router"]

router = APIRouter(tags=["assessments"])

RefPath = Annotated[str, Path(description="an organization or a service: a slug, full IRI, LEI or exact name")]


@router.get(
    "/assessments/{ref:path}",
    responses=errors(400, 404, 409),
    summary="Does a provider (or each provider of an offer) meet a requirement? Criterion by criterion",
    description="Each criterion passes, fails or is unknown (a fact it needs is not on record), with its reasons, "
    "the facts and sources behind them, and warnings when a figure lies near a threshold; the qualifications on "
    "record beside it. The JSON is the same as `longarm assess --format json`.",
    response_model_exclude_unset=True,
)
def get_assessment(
    p: ProjectionDep,
    ref: RefPath,
    as_of: AsOfDep,
    requirement: Annotated[str, Query(description="the requirement's id")] = "secnumcloud-3-2-19-6",
    method: Annotated[
        Literal["multiplicative", "control"], Query(description="look-through of indirect holdings")
    ] = "multiplicative",
) -> AssessmentsOut:
    req = find_requirement(p, requirement)
    found = [assess(p, org, req, as_of, method=method) for org in assessed_organizations(p, ref)]
    return AssessmentsOut.model_validate({"assessments": [assessment_to_dict(p, a) for a in found]})
