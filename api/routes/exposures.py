"""Who can compel access: to a stored data asset, or to one described in the request body."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Body

from ...graph.engine.reach import Answer, compel
from ...graph.engine.resolve import Resolved, describe_asset_resolved
from ...graph.projection.model import Projection
from ...graph.views.report import answer_to_dict
from ..deps import AsOfDep, AssetQuestionDep, ModeQuery, ProjectionDep
from ..examples import DESCRIBED_ASSETS
from ..models import AnswerOut, AssetDescription, errors
from ..responses import DictJSON

__all__ = ["answer_described", "router"]

router = APIRouter(tags=["exposures"])

# The two routes are `async`: an answer takes ~1 ms of Python on the projection, under the
# GIL either way, and running it on the event loop saves the hop to a thread and the GIL's
# hand-offs between that thread and the loop. Measured at 1M organizations, 32 clients
# (`longarm bench rest`): 291 -> 408 answers a second saturated, p50 at 150 req/s offered
# 5.2-5.4 -> 4.3-4.7 ms. (Charts and exports, which take longer, stay in threads.)

_WHAT = (
    "Each exposure names the instrument, the authority, the entity that may be compelled, its basis and confidence "
    "tier, what can be compelled, mitigations, conflicts, and the path of sourced facts behind it. The JSON is the "
    "same as `longarm compel --format json`. A reading of recorded facts, not legal advice."
)


@router.get(
    "/assets/{ref:path}/exposures",
    response_model=AnswerOut,
    responses=errors(404, 409),
    summary="Who can compel access to a stored data asset",
    description=_WHAT,
)
async def get_asset_exposures(question: AssetQuestionDep, as_of: AsOfDep, mode: ModeQuery = "strict") -> DictJSON:
    p, asset = question
    answer = compel(p, asset, as_of, mode)
    return DictJSON(answer_to_dict(p, answer))  # the AnswerOut shape (tests/test_responses.py)


@router.post(
    "/exposures",
    responses=errors(404, 409),
    summary="Who can compel access to an asset described by its provider or service",
    description=_WHAT + " The asset is described by `provider` or `service` (one or several references), "
    "`location` (where the data is stored) and `keys_held_by`; `resolved` says what each reference named, and how "
    "it matched (id, label, alias, prefix or words).",
    response_model=AnswerOut,
)
async def post_exposures(
    p: ProjectionDep, body: Annotated[AssetDescription, Body(openapi_examples=DESCRIBED_ASSETS)]
) -> DictJSON:
    answer, resolved = _described(p, body)
    return DictJSON({**answer_to_dict(p, answer), "resolved": [r.as_dict() for r in resolved]})


def answer_described(p: Projection, body: AssetDescription) -> Answer:
    """Who can compel access to the asset `body` describes (also drawn by ``POST /exposures.svg``)."""
    return _described(p, body)[0]


def _described(p: Projection, body: AssetDescription) -> tuple[Answer, list[Resolved]]:
    spec, resolved = describe_asset_resolved(
        p, services=body.service, providers=body.provider, locations=body.location, keys_held_by=body.keys_held_by
    )
    return compel(p, spec, body.as_of or dt.date.today(), body.mode), resolved
