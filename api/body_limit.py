"""A limit on the size of request bodies (RDF uploads, SPARQL queries and updates).

Without it, one upload could make the server hold gigabytes in memory before it even
starts parsing. A request that declares a longer ``Content-Length`` is answered 413 at
once, without reading its body; a body sent without a length (chunked) is counted as it
arrives and stopped with the same error as soon as it goes over.

Examples
--------
>>> from starlette.applications import Starlette
>>> from starlette.responses import PlainTextResponse
>>> from starlette.routing import Route
>>> from starlette.testclient import TestClient
>>> async def echo(request):
...     return PlainTextResponse(str(len(await request.body())))
>>> app = BodyLimitMiddleware(Starlette(routes=[Route("/", echo, methods=["POST"])]), max_body=10)
>>> client = TestClient(app)
>>> client.post("/", content=b"short").text
'5'
>>> r = client.post("/", content=b"far too long for it")
>>> r.status_code, r.json()["detail"][:35]
(413, 'the request body is over the server')
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..graph.base.errors import InputError

__all__ = ["BodyLimitMiddleware", "BodyTooLargeError"]


class BodyTooLargeError(InputError):
    """A request body longer than the server accepts (``LONGARM_MAX_BODY``): an HTTP concern,
    so it lives here, with the middleware; ``api/errors.py`` maps it to 413."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"the request body is over the server's limit of {limit:,} bytes: "
            "load large files with `longarm load` on the server's machine"
        )


class BodyLimitMiddleware:
    """ASGI middleware refusing bodies over `max_body` bytes with 413 ``{"detail": …}``."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _refuse(send, BodyTooLargeError(self.max_body))
            return
        received = 0
        limit = self.max_body

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)  # mapped to 413 with the other domain errors
            return message

        await self.app(scope, counted, send)


async def _refuse(send: Send, error: BodyTooLargeError) -> None:
    body = json.dumps({"detail": str(error)}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # The client may still be sending: say the connection closes, as the body is not read.
    await send({"type": "http.response.start", "status": 413, "headers": [*headers, (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
