"""Legal instruments: the list with their status at a date, one with its reach rules, and what it reaches."""

from __future__ import annotations

from fastapi import APIRouter

from ...graph.engine.reach import instrument_reach
from ...graph.engine.resolve import resolve
from ...graph.views.describe import entity_details, instrument_list
from ...graph.views.report import reach_to_dict
from ..deps import AsOfDep, InstrumentPath, ModeQuery, ProjectionDep
from ..models import EntityDetailsOut, InstrumentSummaryOut, ReachOut, errors

__all__ = ["router"]

router = APIRouter(tags=["instruments"])


@router.get(
    "/instruments",
    summary="Every recorded legal instrument, with its status on a date",
    response_model_exclude_unset=True,
)
def list_instruments(p: ProjectionDep, as_of: AsOfDep) -> list[InstrumentSummaryOut]:
    return [InstrumentSummaryOut.model_validate(i) for i in instrument_list(p, as_of)]


# Registered before /instruments/{ref:path}, which would otherwise take ".../reach" as part of the reference.
@router.get(
    "/instruments/{ref:path}/reach",
    responses=errors(404, 409),
    summary="What an instrument can reach among the recorded services, and who may be compelled",
    description="Each service in operation on `as_of` is taken as hosting data where its regions are. "
    "The JSON is the same as `longarm reach --format json`.",
    response_model_exclude_unset=True,
)
def get_instrument_reach(p: ProjectionDep, ref: InstrumentPath, as_of: AsOfDep, mode: ModeQuery = "strict") -> ReachOut:
    ins = resolve(p, ref, "instrument")
    return ReachOut.model_validate(reach_to_dict(p, ins, as_of, mode, instrument_reach(p, ins, as_of, mode)))


@router.get(
    "/instruments/{ref:path}",
    responses=errors(404, 409),
    summary="One legal instrument: status, scope, challenge routes, secrecy and its reach rules as data",
    response_model_exclude_unset=True,
)
def get_instrument(p: ProjectionDep, ref: InstrumentPath, as_of: AsOfDep) -> EntityDetailsOut:
    return EntityDetailsOut.model_validate(entity_details(p, resolve(p, ref, "instrument"), as_of))
