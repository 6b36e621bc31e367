"""A response model sent as JSON by pydantic itself, for the large answers.

FastAPI validates what a route returns against its response model, turns it into Python
data, and has the standard library encode that: for a "who can compel" answer (tens of
kilobytes: every exposure with its path, sources and caveats) that is about half of the
time of a request. A route that has already built its response model returns
:class:`ModelJSON` instead: one pydantic serialisation, the same bytes. The route keeps
``response_model=`` so that OpenAPI still documents the shape.
"""

from __future__ import annotations

from fastapi.responses import Response
from pydantic import BaseModel

__all__ = ["ModelJSON"]


class ModelJSON(Response):
    """`model` as JSON (fields left unset are left out, as with ``response_model_exclude_unset``)."""

    media_type = "application/json"

    def __init__(self, model: BaseModel, status_code: int = 200) -> None:
        super().__init__(model.model_dump_json(exclude_unset=True), status_code=status_code)
