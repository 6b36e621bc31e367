"""Pydantic models of the REST API: the shared JSON shapes of :mod:`longarm.graph.views.report`.

The shapes are built once, in ``graph/`` (``answer_to_dict``, ``chain_to_dict``,
``reach_to_dict``, ``entity_details`` …), and the CLI prints the same dictionaries as
JSON. These models document them in OpenAPI and check them on the way out. Routes
serialise with ``response_model_exclude_unset``, and every model keeps extra keys, so a
response is the engine's dictionary as it stands: a key the engine leaves out (an
entity's ``jurisdiction`` when it is not an organization) stays out, and a key it adds
passes through.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "AnswerOut",
    "AssessmentsOut",
    "AssetDescription",
    "ChainOut",
    "DeleteOut",
    "EntityDetailsOut",
    "EntityRef",
    "ErrorOut",
    "ImportOut",
    "ImportsOut",
    "InstrumentSummaryOut",
    "Kind",
    "LoadOut",
    "Mode",
    "ReachOut",
    "SearchOut",
    "errors",
]

Mode = Literal["strict", "practical"]
Kind = Literal["org", "service", "asset", "instrument", "jur"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class EntityRef(_Out):
    """A node: slug id (an instrument's notation), IRI and label; an organization's jurisdictions."""

    id: str | None
    iri: str | None = None
    label: str
    jurisdiction: list[str] | None = None
    citation: str | None = None


class SourceOut(_Out):
    id: str
    label: str
    date: str | None
    url: str | None


class StepOut(_Out):
    """One asserted fact of a path, with its sources."""

    subject: str
    predicate: str
    object: str
    fact: str | None
    statement: str
    source: list[SourceOut]


class ConflictOut(_Out):
    instrument: EntityRef
    note: str


class ExposureOut(_Out):
    """Who may be compelled under which instrument, on which basis, how surely, and why."""

    instrument: EntityRef
    status: str
    authority: list[EntityRef]
    compellable_entity: EntityRef
    custodian: EntityRef | None
    basis: str
    bases: list[str]
    confidence: str
    scope: list[str]
    mitigations: list[str]
    conflicts: list[ConflictOut]
    challenge_routes: list[str]
    secrecy: list[str]
    path: list[StepOut]
    explanation: str
    caveats: list[str]


class CustodianOut(_Out):
    entity: EntityRef
    basis: str
    confidence: str
    path: list[StepOut]


class DependencyOut(_Out):
    entity: EntityRef
    reason: str
    path: list[StepOut]


class ResolvedOut(_Out):
    """What a reference of the request resolved to, and how it matched: id, label, alias, prefix or words."""

    ref: str
    iri: str
    label: str
    kind: Kind
    match: str


class GapOut(_Out):
    """A fact the answer needed and did not find (see ``docs``: gap kinds)."""

    kind: Literal[
        "no_service",
        "no_location",
        "no_operator",
        "uncertain_fact",
        "not_in_existence",
        "subsidiaries_not_recorded",
        "owners_not_recorded",
        "jurisdiction_unknown",
        "category_unknown",
    ]
    subject: str
    subject_label: str
    message: str
    caveats: list[str]


class AnswerOut(_Out):
    """Who can compel access to one asset, as of a date (the shape of ``longarm compel --format json``).

    `verdict` is ``exposed`` (someone may be compelled), ``none_found`` (nothing reaches the data and
    every rule could be evaluated) or ``incomplete`` (nothing found, but facts are missing: see `gaps`).
    """

    asset: EntityRef
    as_of: dt.date
    mode: Mode
    verdict: Literal["exposed", "none_found", "incomplete"]
    gaps: list[GapOut]
    exposures: list[ExposureOut]
    availability: list[ExposureOut]
    custodians: list[CustodianOut]
    dependencies: list[DependencyOut]
    notes: list[str]
    caveats: list[str]
    disclaimer: str
    resolved: list[ResolvedOut] | None = None  # what each reference named (POST /exposures, the CLI)


class BoundsOut(_Out):
    capital_min: float | None
    capital_max: float | None
    votes_min: float | None
    votes_max: float | None


class ChainLinkOut(_Out):
    """One ownership interest, with its depth and the effective (look-through) share in percent."""

    depth: int
    owner: EntityRef
    owned: EntityRef
    kind: str
    share_of_capital: float | None
    share_of_votes: float | None
    bounds: BoundsOut
    effective: float | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    from_text: str | None = None  # the start as precise as its sources ("2025, not before 2025-07-07")
    until_text: str | None = None
    confidence: str | None
    interest: str
    caveats: list[str]
    sources: list[SourceOut]


class ChainOut(_Out):
    """Owners (``up``) or holdings (``down``) of an organization (``longarm chain --format json``)."""

    organization: EntityRef
    as_of: dt.date
    direction: Literal["up", "down"]
    links: list[ChainLinkOut]


class ReachItemOut(ExposureOut):
    service: EntityRef


class ReachOut(_Out):
    """What an instrument reaches among the recorded services (``longarm reach --format json``)."""

    instrument: EntityRef
    as_of: dt.date
    mode: Mode
    reach: list[ReachItemOut]


class SearchHitOut(EntityRef):
    kind: Kind
    matched: str = Field(description="the name, alias or identifier that matched")
    match: Literal["exact", "prefix", "substring"]


class SearchOut(_Out):
    query: str
    total: int
    limit: int
    offset: int
    items: list[SearchHitOut]


class InstrumentSummaryOut(EntityRef):
    status: Literal["in force", "residual", "not in force"]
    kinds: list[str]
    enacted_by: EntityRef | None


class RuleOut(_Out):
    """One reach rule as data; only the parameters the rule states are present."""

    kind: str


class InstrumentDetailsOut(_Out):
    status: Literal["in force", "residual", "not in force"]
    kinds: list[str]
    in_force_from: dt.date | None
    in_force_until: dt.date | None
    residual_until: dt.date | None
    compels: list[str]
    challenge_routes: list[str]
    secrecy: list[str]
    has_gag: bool | None
    rules: list[RuleOut]


class EntityDetailsOut(EntityRef):
    """Everything recorded about one node, with its sources; owners and holdings for an organization."""

    kind: Kind
    aliases: list[str]
    identifiers: dict[str, str]
    jurisdictions: dict[str, list[EntityRef]]
    valid_from: dt.date | None
    valid_until: dt.date | None
    confidence: str | None
    caveats: list[str]
    sources: list[SourceOut]
    links: dict[str, list[EntityRef]]
    owners: list[ChainLinkOut] | None
    holdings: list[ChainLinkOut] | None
    instrument: InstrumentDetailsOut | None


class GraphLoadOut(_Out):
    graph: str
    document: str
    triples: int
    status: Literal["loaded", "replaced", "unchanged"]


class LoadOut(_Out):
    graphs: list[GraphLoadOut]
    refreshed_exposures: int | None = Field(
        description="inferred exposures recomputed; null if nothing changed or no exposures are materialised"
    )


class DeleteOut(_Out):
    graph: str
    triples_removed: int
    refreshed_exposures: int | None


class ImportOut(_Out):
    """What an import did (``longarm import --json`` gives the same)."""

    id: str
    format: str
    graph: str
    status: Literal["imported", "unchanged"]
    files: list[dict[str, Any]]
    counts: dict[str, int]
    merged: int = Field(description="entities merged with ones the store knew (by LEI, Wikidata id, number, name)")
    triples: int
    conflicts: list[str] = Field(description="disagreements with other sources, kept side by side")
    problems: list[dict[str, str]] = Field(description="records not imported (with skip_bad): where, and why")


class ImportsOut(_Out):
    imports: list[dict[str, str]]


class CriterionOut(_Out):
    clause: str | None
    required_for: str | None = Field(
        default=None, description="for a requirement graded in levels: the lowest level that requires it"
    )
    label: str
    kind: str
    status: Literal["pass", "fail", "unknown"]
    reasons: list[str]
    warnings: list[str]
    holders: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    source: list[SourceOut]
    caveats: list[str]


class LevelOut(_Out):
    label: str
    rank: int
    definition: str
    status: Literal["pass", "fail", "unknown"] = Field(description="reached, ruled out, or not told by the facts")
    failed: list[str] = Field(description="the criteria that rule it out")
    unknown: list[str] = Field(description="the criteria that leave it open")


class LevelsOut(_Out):
    words: str = Field(description='"SEAL-1", "SEAL-2 to SEAL-3", "at most SEAL-2" or "none of its levels"')
    reached: str | None = Field(description="the highest level the facts show reached")
    at_most: str | None = Field(description="the highest level the facts do not rule out")
    levels: list[LevelOut]


class AssessmentOut(_Out):
    subject: EntityRef
    requirement: dict[str, Any]
    as_of: str
    method: Literal["multiplicative", "control", "strict", "practical"] = Field(
        description="the look-through method, for a requirement on providers; the mode of the answer to who can "
        "compel, for a requirement on data"
    )
    status: Literal["pass", "fail", "unknown"]
    level: LevelsOut | None = Field(
        default=None, description="for a requirement graded in levels (SEAL): the levels the facts show reached"
    )
    criteria: list[CriterionOut]
    qualifications: list[dict[str, Any]]
    caveats: list[str]


class AssessmentsOut(_Out):
    """One assessment per organization assessed (a service's providers each)."""

    assessments: list[AssessmentOut]


class ErrorOut(BaseModel):
    """Every error: ``{"detail": …}``, a message, or an object with the message and suggestions or candidates."""

    detail: Any


_ERRORS = {
    400: "bad input: malformed RDF (detail names the line and column), an empty body",
    401: "no bearer token, or a wrong one",
    403: "the server has no write token, or the graph is the ontology, bundled data, provenance or inferences",
    404: "nothing matches the reference; detail.suggestions lists close names",
    409: "the reference names several entities; detail.candidates lists them",
    415: "no RDF parser for the Content-Type",
    422: "the request, or the data it would load or leave, breaks a rule (SHACL violations listed one by one)",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can return."""
    return {code: {"model": ErrorOut, "description": _ERRORS[code]} for code in codes}


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


Refs = Annotated[list[str], BeforeValidator(_as_list)]


class AssetDescription(BaseModel):
    """An asset described by its host rather than stored: a provider or service (one or several),
    where the data is stored (ISO codes or jurisdiction names) and who holds the keys."""

    model_config = ConfigDict(extra="forbid")

    provider: Refs = Field(default=[], description="organizations hosting the data (slug, IRI, LEI, Q-id or name)")
    service: Refs = Field(default=[], description="services hosting the data")
    location: Refs = Field(default=[], description="where the data is stored (ISO code)")
    keys_held_by: Refs = Field(default=[], description="who holds the encryption keys")
    as_of: dt.date | None = Field(default=None, description="the date of the answer (default: today)")
    mode: Mode = "strict"

    @model_validator(mode="after")
    def _hosted(self) -> AssetDescription:
        if not self.provider and not self.service:
            raise ValueError("describe the asset by at least one 'provider' or 'service'")
        return self
