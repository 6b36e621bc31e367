"""Imports over HTTP: a file of open ownership data into a graph of its own; list; remove (bearer token to write).

The body is the file itself: a GLEIF Golden Copy CSV or zip, an OpenSanctions entity stream,
a DORA register package as a zip. It is written to a temporary file as it arrives (within
the body limit) and imported as ``longarm import`` does (:mod:`longarm.graph.imports.importer`):
validated, all or nothing unless ``skip_bad``, the same file again changing nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from ...graph.base.errors import InputError
from ...graph.imports.importer import (
    FORMATS,
    ImportReport,
    import_assets,
    import_files,
    list_imports,
    remove_import,
)
from ...graph.projection.cache import projection_for
from ...graph.reports.register import register_report, render_report
from ...graph.store.embedded import Store
from ..deps import StoreDep, WriteTokenDep
from ..models import DeleteOut, ImportOut, ImportsOut, errors

__all__ = ["router"]

router = APIRouter(tags=["imports"])

_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$"


@router.post(
    "/imports",
    responses=errors(400, 401, 403, 422),
    status_code=201,
    summary="Import a file of open ownership data or a register into a graph of its own (all or nothing)",
    description=f"`format`: one of {', '.join(sorted(FORMATS))}. The body is the file; `name` is its file name "
    "(its extension tells a zip). 201 when imported, 200 when the store already holds this import. A record "
    "that cannot be taken refuses the import (400, each listed) unless `skip_bad` is true.",
)
async def post_import(
    request: Request,
    response: Response,
    store: StoreDep,
    _: WriteTokenDep,
    format: Annotated[str, Query(description="the file's format")],
    name: Annotated[str, Query(pattern=_NAME, description="the file's name, e.g. lei2.csv or register.zip")],
    skip_bad: Annotated[bool, Query(description="import the good records and list the others")] = False,
) -> ImportOut:
    if format not in FORMATS:
        raise InputError(f"unknown import format {format!r}; known: {', '.join(sorted(FORMATS))}")
    with tempfile.TemporaryDirectory(prefix="longarm-import-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        report = await run_in_threadpool(_import, store, format, path, skip_bad)
    response.status_code = 201 if report.status == "imported" else 200
    return ImportOut.model_validate(report.as_dict())


@router.get("/imports", summary="The imports in the store, with the label of each one's source")
def get_imports(store: StoreDep) -> ImportsOut:
    return ImportsOut(imports=[{"id": i, "source": label} for i, label in list_imports(store)])


@router.delete(
    "/imports/{import_id}",
    responses=errors(401, 403, 404, 422),
    summary="Take an import out of the store, whole",
)
def delete_import(
    store: StoreDep, _: WriteTokenDep, import_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
) -> DeleteOut:
    removed = remove_import(store, import_id)
    return DeleteOut(graph=import_id, triples_removed=removed, refreshed_exposures=None)


_MEDIA = {"json": "application/json", "html": "text/html", "csv": "text/csv", "md": "text/markdown"}


@router.get(
    "/imports/{import_id}/report",
    responses=errors(404),
    summary="Who can compel access, for every asset of an import (an inventory or a DORA register)",
    description="One row per asset (verdict, instruments by tier, compellable entities, mitigations, gaps), "
    "totals per instrument and provider, the incomplete answers and why; as JSON, one offline HTML file with "
    "each asset's exposure map, CSV or Markdown (`format`).",
)
def get_import_report(
    store: StoreDep,
    import_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")],
    format: Annotated[Literal["json", "html", "csv", "md"], Query()] = "json",
    as_of: Annotated[dt.date | None, Query(description="default: today")] = None,
    mode: Annotated[Literal["strict", "practical"], Query()] = "strict",
) -> Response:
    assets = import_assets(store, import_id)
    p = projection_for(store)
    report = register_report(p, assets, as_of or dt.date.today(), mode, title=f"Import {import_id}")
    return Response(render_report(p, report, format), media_type=_MEDIA[format])


def _import(store: Store, fmt: str, path: Path, skip_bad: bool) -> ImportReport:
    return import_files(store, fmt, [path], skip_bad=skip_bad)
