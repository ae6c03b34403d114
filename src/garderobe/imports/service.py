"""Imports: taking an upload (streamed to a spool file, then to object storage), reading
an import's progress and its refused lines."""

from __future__ import annotations

import csv
import io
import json
import tempfile
import uuid
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.errors import NotFound, PayloadTooLarge, UnsupportedMediaType
from garderobe.imports.models import ImportRefusal, ImportRun, ImportState
from garderobe.infra.storage import ObjectStorage
from garderobe.outbox import service as outbox

START_TOPIC = "imports.start"
FORMATS = {
    "text/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
}
CONTENT_TYPES = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
REPORT_PAGE = 1000
REPORT_COLUMNS = ("line", "type", "title", "status", "detail", "errors")


class ImportNotFound(NotFound):
    slug = "import-not-found"
    title = "Import not found"


class UnknownImportFormat(UnsupportedMediaType):
    slug = "unsupported-import-format"
    title = "Send CSV or NDJSON"


def import_format(content_type: str, chosen: str | None) -> str:
    """`csv` or `ndjson`: as chosen (`?format=`), else from the body's Content-Type."""
    if chosen in CONTENT_TYPES:
        return chosen
    kind = content_type.partition(";")[0].strip().lower()
    if chosen is None and kind in FORMATS:
        return FORMATS[kind]
    raise UnknownImportFormat(
        "An import is CSV (text/csv) or NDJSON (application/x-ndjson), or says which with "
        "?format=csv or ?format=ndjson.",
        extensions={"accepted": sorted(FORMATS)},
    )


async def _spooled(body: AsyncIterator[bytes], max_bytes: int) -> tuple[Any, int]:
    """The body in a temporary file, chunk by chunk; 413 the moment it passes max_bytes."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the caller
    size = 0
    try:
        async for chunk in body:
            size += len(chunk)
            if size > max_bytes:
                raise PayloadTooLarge(
                    f"An import file is at most {max_bytes} bytes.",
                    extensions={"max_bytes": max_bytes},
                )
            await to_thread.run_sync(spool.write, chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size


async def start_import(
    session: AsyncSession,
    storage: ObjectStorage,
    body: AsyncIterator[bytes],
    *,
    fmt: str,
    max_bytes: int,
    user_id: uuid.UUID | None,
) -> ImportRun:
    """Store the upload and queue its import (a job runs it once this transaction commits)."""
    run_id = uuid.uuid4()
    key = f"imports/{run_id}/source.{fmt}"
    spool, size = await _spooled(body, max_bytes)
    try:
        await storage.put_stream(key, spool, size, CONTENT_TYPES[fmt])
    finally:
        spool.close()
    run = ImportRun(
        id=run_id,
        format=fmt,
        source_key=key,
        size_bytes=size,
        state=ImportState.QUEUED.value,
        created_by=user_id,
    )
    session.add(run)
    await session.flush()
    outbox.add(session, START_TOPIC, {"import_id": str(run_id)})
    return run


async def get_import(session: AsyncSession, import_id: str) -> ImportRun:
    try:
        run_id = uuid.UUID(import_id)
    except ValueError as exc:
        raise ImportNotFound(f"No import {import_id!r}.") from exc
    run = await session.get(ImportRun, run_id)
    if run is None:
        raise ImportNotFound(f"No import {import_id!r}.")
    return run


async def refusals(
    session: AsyncSession, run_id: uuid.UUID
) -> AsyncIterator[tuple[int, dict[str, Any]]]:
    """The refused lines in line order, a page at a time (a report may be long)."""
    after = 0
    while True:
        page = (
            await session.execute(
                select(ImportRefusal.line, ImportRefusal.problem)
                .where(ImportRefusal.import_id == run_id, ImportRefusal.line > after)
                .order_by(ImportRefusal.line)
                .limit(REPORT_PAGE)
            )
        ).all()
        for line, problem in page:
            yield line, problem
        if len(page) < REPORT_PAGE:
            return
        after = page[-1][0]


async def report_lines(session: AsyncSession, run_id: uuid.UUID, fmt: str) -> AsyncIterator[str]:
    """The report as text, line by line: NDJSON ({"line", "problem"}) or CSV (the problem's
    members as columns, `errors` as JSON)."""
    if fmt == "csv":
        yield _csv_row(REPORT_COLUMNS)
    async for line, problem in refusals(session, run_id):
        if fmt == "csv":
            errors = json.dumps(problem["errors"]) if problem.get("errors") else ""
            yield _csv_row([line, *(problem.get(c, "") for c in REPORT_COLUMNS[1:5]), errors])
        else:
            yield json.dumps({"line": line, "problem": problem}) + "\n"


def _csv_row(cells: Any) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()
