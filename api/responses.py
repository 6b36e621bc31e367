"""Large JSON answers sent without FastAPI's second pass, and without a model built at run time.

FastAPI validates what a route returns against its response model, turns it into Python
data, and has the standard library encode that: for a "who can compel" answer (tens of
kilobytes: every exposure with its path, sources and caveats) that is about half of the
time of a request. The engine's dictionary (:func:`~longarm.graph.views.report.answer_to_dict`)
already has the response model's shape, so :class:`DictJSON` has pydantic-core encode it
as it is: the same bytes as the model serialised with ``exclude_unset``, which
``tests/test_responses.py`` checks for every stored asset, date and mode (and the REST
tests validate every answer against the model). The route keeps ``response_model=`` so
that OpenAPI still documents the shape.

Examples
--------
>>> DictJSON({"asset": {"id": "a", "label": "A"}, "exposures": []}).body
b'{"asset":{"id":"a","label":"A"},"exposures":[]}'
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from fastapi.responses import Response

__all__ = ["DictJSON"]


class DictJSON(Response):
    """`content`, a dictionary of JSON-able values (dates become ISO strings), as compact JSON."""

    media_type = "application/json"

    def __init__(self, content: dict[str, Any], status_code: int = 200) -> None:
        super().__init__(pydantic_core.to_json(content), status_code=status_code)
