"""Settings, read once from the environment into a typed object.

Only this module reads ``os.environ``. Each setting has a default that lets
``longarm serve`` run on a fresh machine with nothing configured.

==========================  ==========================================  ==============================
variable                    meaning                                      default
==========================  ==========================================  ==============================
``LONGARM_STORE``           directory of the embedded Oxigraph store     ``$XDG_DATA_HOME/longarm/store``
``LONGARM_HOST``            address ``longarm serve`` listens on         ``127.0.0.1``
``LONGARM_PORT``            port ``longarm serve`` listens on            ``8000``
``LONGARM_WRITE_TOKEN``     bearer token required for writes             none: writes are refused
``LONGARM_QUERY_TIMEOUT``   SPARQL query deadline, seconds               ``30``
``LONGARM_RESULT_CAP``      most rows (triples) a SPARQL query returns   ``10000``
``LONGARM_QUERY_WORKERS``   processes answering SPARQL queries           ``2``
``LONGARM_MAX_BODY``        largest request body accepted, bytes         ``67108864`` (64 MiB)
``LONGARM_ACCESS_LOG``      log each request (``1``, ``true``, ``yes``)   off
``LONGARM_SPARQL_ENDPOINT`` a remote SPARQL query URL: the store there   none: the embedded store
``LONGARM_UPDATE_ENDPOINT`` its SPARQL update URL (writes go there)      none: the remote is read-only
``LONGARM_ENDPOINT_AUTH``   a header sent to the endpoint (``Name: v``)  none
``LONGARM_NEIGHBOURHOODS``  on a remote store, answer about a stored     off: from the whole graph
                            asset from its neighbourhood (``1``, …)
==========================  ==========================================  ==============================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..graph.base.errors import InputError
from ..graph.store.endpoint import Endpoint

__all__ = ["Settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    """Typed settings of the CLI and the server."""

    store_path: Path
    host: str = "127.0.0.1"
    port: int = 8000
    write_token: str | None = field(default=None, repr=False)  # a secret: never in a repr
    query_timeout: float = 30.0
    result_cap: int = 10_000
    query_workers: int = 2
    max_body: int = 64 * 1024 * 1024
    access_log: bool = False
    #: True when `store_path` is the default place (neither ``LONGARM_STORE`` nor ``--store``
    #: names one): read commands then load the bundled dataset into it if it is empty.
    store_is_default: bool = False
    #: A remote SPARQL engine to use instead of the embedded store (:mod:`longarm.graph.store.remote`).
    sparql_endpoint: str | None = None
    update_endpoint: str | None = None
    endpoint_auth: str | None = field(default=None, repr=False)  # may hold a secret
    #: On a remote store, answer "who can compel" about a stored asset from its neighbourhood
    #: (graph/engine/neighbourhood.py) instead of a projection of the whole graph.
    neighbourhoods: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `env` (default: the process environment)."""
        e = os.environ if env is None else env
        data_home = Path(e.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        return cls(
            store_path=Path(e.get("LONGARM_STORE") or data_home / "longarm" / "store"),
            host=e.get("LONGARM_HOST", "127.0.0.1"),
            port=int(e.get("LONGARM_PORT", "8000")),
            write_token=e.get("LONGARM_WRITE_TOKEN") or None,
            query_timeout=float(e.get("LONGARM_QUERY_TIMEOUT", "30")),
            result_cap=int(e.get("LONGARM_RESULT_CAP", "10000")),
            query_workers=int(e.get("LONGARM_QUERY_WORKERS", "2")),
            max_body=int(e.get("LONGARM_MAX_BODY", str(64 * 1024 * 1024))),
            access_log=e.get("LONGARM_ACCESS_LOG", "").strip().lower() in ("1", "true", "yes"),
            store_is_default=not e.get("LONGARM_STORE"),
            sparql_endpoint=e.get("LONGARM_SPARQL_ENDPOINT") or None,
            update_endpoint=e.get("LONGARM_UPDATE_ENDPOINT") or None,
            endpoint_auth=e.get("LONGARM_ENDPOINT_AUTH") or None,
            neighbourhoods=e.get("LONGARM_NEIGHBOURHOODS", "").strip().lower() in ("1", "true", "yes"),
        )

    def endpoint(self) -> Endpoint | None:
        """The remote SPARQL endpoint to use, if one is set (else the embedded store at `store_path`)."""
        if self.sparql_endpoint is None:
            if self.update_endpoint is not None:
                raise InputError("an update endpoint needs its query endpoint too (--sparql-endpoint)")
            return None
        return Endpoint.parse(self.sparql_endpoint, self.update_endpoint, self.endpoint_auth)

    def where(self) -> str:
        """Where the store is, for messages: its directory or its endpoint."""
        return f"the SPARQL endpoint at {self.sparql_endpoint}" if self.sparql_endpoint else str(self.store_path)

    def with_(self, **changes: object) -> Settings:
        """A copy with some settings changed (e.g. from command-line options)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]
