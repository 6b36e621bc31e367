"""Request dependencies and parameters, as ``Annotated`` aliases for route signatures.

Path and query parameters shared by several routes carry their description and OpenAPI
examples here, once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from ..graph.engine.neighbourhood import asset_question
from ..graph.engine.resolve import resolve
from ..graph.projection.cache import cached_projection, projection_for
from ..graph.projection.model import Projection
from ..graph.store.embedded import Store
from ..graph.store.remote import RemoteStore
from .examples import AS_OF, ASSET_REFS, ENTITY_REFS, INSTRUMENT_REFS, MODES, ORG_REFS
from .models import Mode
from .settings import Settings

__all__ = [
    "AsOfDep",
    "AssetPath",
    "AssetQuestionDep",
    "BearerDep",
    "EntityPath",
    "InstrumentPath",
    "ModeQuery",
    "OrgPath",
    "ProjectionDep",
    "SettingsDep",
    "StoreDep",
    "WriteTokenDep",
    "check_write_token",
]

_bearer = HTTPBearer(auto_error=False, description="The server's write token (LONGARM_WRITE_TOKEN).")


# The dependencies that only read the app's state are `async`: FastAPI runs a plain `def`
# dependency in the thread pool, a hop that costs more than the lookup itself.
async def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]


async def _projection(store: StoreDep) -> Projection:
    # Made already: no thread needed. Else built (or loaded from its snapshot) in the
    # thread pool, so that the server keeps answering meanwhile.
    made = cached_projection(store)
    return made if made is not None else await run_in_threadpool(projection_for, store)


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def _write_token(settings: SettingsDep, credentials: BearerDep) -> None:
    check_write_token(settings, credentials)


def check_write_token(settings: Settings, credentials: HTTPAuthorizationCredentials | None) -> None:
    """Writes need ``Authorization: Bearer <token>`` (401); 403 if the server has no token at all.

    :data:`WriteTokenDep` runs this for a route that always writes; a route that writes only
    sometimes (``POST /sparql``: a query or an update) takes :data:`BearerDep` and calls it.
    """
    if not settings.write_token:
        raise HTTPException(403, "writes are disabled: the server has no write token (set LONGARM_WRITE_TOKEN)")
    given = credentials.credentials.encode("utf-8") if credentials is not None else b""
    if not secrets.compare_digest(given, settings.write_token.encode("utf-8")):
        raise HTTPException(
            401, "writes need the header 'Authorization: Bearer <write token>'", headers={"WWW-Authenticate": "Bearer"}
        )


async def _as_of(
    as_of: Annotated[
        dt.date | None,
        Query(description="the date of the answer, YYYY-MM-DD (default: today)", openapi_examples=AS_OF),
    ] = None,
) -> dt.date:
    return as_of or dt.date.today()


AsOfDep = Annotated[dt.date, Depends(_as_of)]
ProjectionDep = Annotated[Projection, Depends(_projection)]
WriteTokenDep = Annotated[None, Depends(_write_token)]

_REF = "a slug, full IRI, LEI, Wikidata Q-id, or exact name or alias (case-insensitive)"

EntityPath = Annotated[str, Path(description=_REF, openapi_examples=ENTITY_REFS)]
OrgPath = Annotated[str, Path(description="an organization: " + _REF, openapi_examples=ORG_REFS)]
AssetPath = Annotated[str, Path(description="a stored data asset: " + _REF, openapi_examples=ASSET_REFS)]
InstrumentPath = Annotated[
    str, Path(description="a legal instrument: its notation, " + _REF, openapi_examples=INSTRUMENT_REFS)
]
ModeQuery = Annotated[
    Mode, Query(description="strict keeps contested exposures; practical drops them", openapi_examples=MODES)
]


async def _asset_question(
    store: StoreDep, settings: SettingsDep, ref: AssetPath, as_of: AsOfDep
) -> tuple[Projection, str]:
    # On a remote store with LONGARM_NEIGHBOURHOODS, the asset's neighbourhood
    # (graph/engine/neighbourhood.py), read in a thread: its queries wait on the network.
    # Else the whole projection, as every route.
    if isinstance(store, RemoteStore) and settings.neighbourhoods:
        p, resolved = await run_in_threadpool(asset_question, store, ref, as_of)
        return p, resolved.iri
    p = await _projection(store)
    return p, resolve(p, ref, "asset")


#: The projection to answer about a stored asset with, and the asset's IRI.
AssetQuestionDep = Annotated[tuple[Projection, str], Depends(_asset_question)]
