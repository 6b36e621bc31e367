"""A remote SPARQL endpoint spoken to over the SPARQL 1.1 Protocol: where it is, and one HTTP call at a time.

:class:`Endpoint` names the query URL, the update URL (none: the store is read-only) and an
optional header sent with every request (``"Authorization: Bearer …"``). Calls go over
keep-alive connections, one per thread (:mod:`http.client`, no dependency): a query to an
``oxigraph serve`` on the same machine costs a fraction of a millisecond more than the
query itself. A connection the server closed is opened again once.

Examples
--------
>>> e = Endpoint.parse("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "Authorization: Bearer x")
>>> e.query.port, e.update is not None, e.headers
(7878, True, {'Authorization': 'Bearer x'})
>>> Endpoint.parse("ftp://example.org/sparql")
Traceback (most recent call last):
...
longarm.graph.base.errors.InputError: a SPARQL endpoint is an http:// or https:// URL: 'ftp://example.org/sparql'
"""

from __future__ import annotations

import http.client
import threading
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..base.errors import InputError, QueryError, StoreError

__all__ = ["Endpoint", "EndpointURL"]


@dataclass(frozen=True)
class EndpointURL:
    """One URL of an endpoint, split once."""

    scheme: str
    host: str
    port: int
    path: str
    text: str

    @classmethod
    def parse(cls, url: str) -> EndpointURL:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"a SPARQL endpoint is an http:// or https:// URL: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(parts.scheme, parts.hostname, port, path, url)


@dataclass(frozen=True)
class Endpoint:
    """A remote SPARQL endpoint: its query URL, its update URL if it takes writes, the headers it needs."""

    query: EndpointURL
    update: EndpointURL | None = None
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # may hold a secret: never in a repr
    timeout: float = 120.0
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)
    _opened: list[http.client.HTTPConnection] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Connections of every thread are closed with the endpoint (or at exit), not left to the collector.
        weakref.finalize(self, _close_all, self._opened)

    def close(self) -> None:
        """Close the connections kept open to the endpoint (they are opened again when needed)."""
        _close_all(self._opened)
        self._local.__dict__.clear()

    @classmethod
    def parse(
        cls, query: str, update: str | None = None, auth: str | None = None, *, timeout: float = 120.0
    ) -> Endpoint:
        """An endpoint from its URLs and an optional ``"Name: value"`` header (e.g. for authentication)."""
        headers: dict[str, str] = {}
        if auth:
            name, sep, value = auth.partition(":")
            if not sep or not name.strip() or any(c in auth for c in "\r\n"):
                raise InputError("the endpoint's header is 'Name: value', on one line (e.g. 'Authorization: Bearer …')")
            headers[name.strip()] = value.strip()
        return cls(EndpointURL.parse(query), EndpointURL.parse(update) if update else None, headers, timeout)

    def post(self, url: EndpointURL, body: bytes, content_type: str, accept: str) -> tuple[str, bytes]:
        """POST `body` to `url`; the answer's media type and body.

        Raises
        ------
        QueryError
            When the endpoint refuses the request (4xx): its words are given.
        StoreError
            When it cannot be reached or fails (5xx).
        """
        headers = {**self.headers, "Content-Type": content_type, "Accept": accept}
        for attempt in (0, 1):
            connection = self._connection(url)
            try:
                connection.request("POST", url.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._drop(url)
                if attempt == 0:
                    continue  # a kept-alive connection the server had closed: once more
                raise StoreError(f"the SPARQL endpoint at {url.text} closed the connection: {exc}") from exc
            except OSError as exc:
                self._drop(url)
                raise StoreError(f"cannot reach the SPARQL endpoint at {url.text}: {exc}") from exc
            if response.status >= 500:
                raise StoreError(f"the SPARQL endpoint at {url.text} failed ({response.status}): {_words(data)}")
            if response.status >= 400:
                raise QueryError(
                    f"the SPARQL endpoint at {url.text} refused it ({response.status}: a syntax error, or what "
                    f"it does not support): {_words(data)}"
                )
            media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            return media, data
        raise AssertionError("unreachable")

    def _connection(self, url: EndpointURL) -> http.client.HTTPConnection:
        pool: dict[tuple[str, str, int], http.client.HTTPConnection] = self._local.__dict__.setdefault("pool", {})
        key = (url.scheme, url.host, url.port)
        connection = pool.get(key)
        if connection is None:
            kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
            connection = pool[key] = kind(url.host, url.port, timeout=self.timeout)
            self._opened.append(connection)
        return connection

    def _drop(self, url: EndpointURL) -> None:
        pool = self._local.__dict__.get("pool", {})
        connection = pool.pop((url.scheme, url.host, url.port), None)
        if connection is not None:
            connection.close()
            if connection in self._opened:
                self._opened.remove(connection)


def _close_all(connections: list[http.client.HTTPConnection]) -> None:
    while connections:
        connections.pop().close()


def _words(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace").strip()
    return text[:500] + ("…" if len(text) > 500 else "")
