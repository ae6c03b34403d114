"""/api/v1/imports: bulk imports of items (admins, or API keys with `catalog:write` to
import and `catalog:read` to follow one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from garderobe.accounts.apikeys.dependencies import CatalogReader, CatalogWriter
from garderobe.api.deps import DbSession, ReadSession, SettingsDep, StorageDep, StoresDep
from garderobe.imports import service
from garderobe.imports.models import ImportRun
from garderobe.imports.schemas import ImportOut
from garderobe.infra.stores import Stores

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Problem: not logged in, or an API key that may not be used"},
    403: {"description": "Problem: admin role (or the key's scope) needed"},
}
_FOUND: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    404: {"description": "Problem: no such import"},
}


async def valid_import(import_id: str, session: ReadSession, _: CatalogReader) -> ImportRun:
    return await service.get_import(session, import_id)


ImportDep = Annotated[ImportRun, Depends(valid_import)]


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportOut,
    summary="Import items from a CSV or NDJSON file (catalog:write); runs as a job",
    description="The body is the file itself (`text/csv` or `application/x-ndjson`, or any "
    "type such as `application/octet-stream` with `?format=`), streamed to storage up to "
    "IMPORT_MAX_BYTES. Lines upsert by SKU: see the documentation's import page for the "
    "columns and fields. Follow the progress at `Location`; refused lines are in the report.",
    responses={
        **_ERRORS,
        413: {"description": "Problem: the file is larger than IMPORT_MAX_BYTES"},
        415: {"description": "Problem: neither CSV nor NDJSON"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            # Declared as bytes (what generated clients can send); sent as text/csv or
            # application/x-ndjson, or as anything with ?format=.
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def start_import(
    request: Request,
    session: DbSession,
    caller: CatalogWriter,
    storage: StorageDep,
    settings: SettingsDep,
    response: Response,
    format: Annotated[Literal["csv", "ndjson"] | None, Query()] = None,
) -> ImportOut:
    fmt = service.import_format(request.headers.get("content-type", ""), format)
    run = await service.start_import(
        session,
        storage,
        request.stream(),
        fmt=fmt,
        max_bytes=settings.import_max_bytes,
        user_id=caller.user.id if caller.user is not None else None,
    )
    response.headers["Location"] = f"/api/v1/imports/{run.id}"
    return ImportOut.of(run)


@router.get(
    "/{import_id}",
    response_model=ImportOut,
    responses=_FOUND,
    summary="An import's progress: state, counts, rate (lines/s) and ETA (catalog:read)",
)
async def get_import(run: ImportDep) -> ImportOut:
    return ImportOut.of(run)


@router.get(
    "/{import_id}/report",
    responses={
        **_FOUND,
        200: {
            "description": "Per refused line, its number and the problem (as the API answers)",
            "content": {"application/x-ndjson": {}, "text/csv": {}},
        },
    },
    response_class=StreamingResponse,
    summary="The refused lines of an import, as NDJSON (default) or CSV (catalog:read)",
)
async def import_report(
    run: ImportDep,
    stores: StoresDep,
    format: Annotated[Literal["csv", "ndjson"], Query()] = "ndjson",
) -> StreamingResponse:
    lines = _report_lines(stores, run, format)
    disposition = f'attachment; filename="import-{run.id}-report.{format}"'
    return StreamingResponse(
        lines,
        media_type=service.CONTENT_TYPES[format],
        headers={"Content-Disposition": disposition},
    )


async def _report_lines(stores: Stores, run: ImportRun, fmt: str) -> AsyncIterator[str]:
    # Its own session: the response streams after the route's dependencies are done.
    async with stores.reader() as session:
        async for text in service.report_lines(session, run.id, fmt):
            yield text
