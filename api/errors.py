"""The one mapping from domain errors to HTTP responses ``{"detail": …}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..graph.base.errors import (
    AmbiguousReferenceError,
    ImportRefusedError,
    InputError,
    LongarmError,
    ProtectedGraphError,
    QueryError,
    QueryTimeoutError,
    RdfSyntaxError,
    StoreError,
    UnknownReferenceError,
    UnsupportedFormatError,
    ValidationError,
    WrongKindError,
)
from .body_limit import BodyTooLargeError

__all__ = ["error_response", "install_error_handlers", "status_for"]


def status_for(exc: LongarmError) -> int:
    """The HTTP status of a domain error."""
    if isinstance(exc, ValidationError):
        return 422
    if isinstance(exc, UnknownReferenceError):
        return 404
    if isinstance(exc, AmbiguousReferenceError):
        return 409
    if isinstance(exc, ProtectedGraphError):
        return 403
    if isinstance(exc, UnsupportedFormatError):
        return 415
    if isinstance(exc, BodyTooLargeError):
        return 413
    if isinstance(exc, InputError | QueryError):
        return 400
    if isinstance(exc, StoreError | QueryTimeoutError):
        return 503
    return 400


def error_response(exc: LongarmError) -> JSONResponse:
    """The response for a domain error: its status and ``{"detail": …}``."""
    detail: object = str(exc)
    if isinstance(exc, ValidationError):
        detail = [str(v) for v in exc.violations]
    elif isinstance(exc, WrongKindError):
        found = [{"id": i, "label": label, "kind": kind} for i, kind, label in exc.found]
        detail = {"message": _where_to_ask(exc), "suggestions": found}
    elif isinstance(exc, UnknownReferenceError):
        detail = {"message": str(exc), "suggestions": [{"id": i, "label": label} for i, label in exc.suggestions]}
    elif isinstance(exc, AmbiguousReferenceError):
        detail = {"message": str(exc), "candidates": [{"id": i, "label": label} for i, label in exc.candidates]}
    elif isinstance(exc, ImportRefusedError):
        detail = {"message": str(exc).split("\n", 1)[0], "problems": [str(p) for p in exc.problems]}
    elif isinstance(exc, RdfSyntaxError):
        detail = {"message": str(exc), "line": exc.line, "column": exc.column, "reason": exc.reason}
    return JSONResponse({"detail": detail}, status_code=status_for(exc))


#: The route that answers about each kind of node, by its slug.
_ROUTES = {
    "org": "GET /api/v1/organizations/{}/ownership",
    "instrument": "GET /api/v1/instruments/{}/reach",
    "asset": "GET /api/v1/assets/{}/exposures",
    "service": 'POST /api/v1/exposures {{"service": "{}"}}',
    "jur": "GET /api/v1/entities/{}",
}


def _where_to_ask(exc: WrongKindError) -> str:
    """What a reference of another kind than asked is, and the route to ask about it.

    >>> from longarm.ontology.namespace import entity_iri
    >>> found = [(str(entity_iri("instrument", "us-cloud-act")), "instrument", "US CLOUD Act")]
    >>> _where_to_ask(WrongKindError("us-cloud-act", ["org"], found))
    'us-cloud-act is an instrument (US CLOUD Act), not an organization: GET /api/v1/instruments/us-cloud-act/reach'
    """
    return exc.with_where_to_ask(_ROUTES, provider='POST /api/v1/exposures {{"provider": "{}"}}')


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LongarmError)
    return error_response(exc)


def install_error_handlers(app: FastAPI) -> None:
    """Map every :class:`LongarmError` raised by a route to its HTTP response."""
    app.add_exception_handler(LongarmError, _handle)
