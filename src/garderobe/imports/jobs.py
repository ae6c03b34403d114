"""Running an import as arq jobs: each job claims the import, reads it from its checkpoint
in batches (one transaction each: the lines' writes, their refusals, the counts and the new
checkpoint), and after IMPORT_JOB_SECONDS hands on to a new job. A worker that dies leaves
its claim without a heartbeat; the scheduled requeue (also at the worker's start) queues the
import again and the next job resumes at the checkpoint. A replayed batch is harmless:
lines upsert by SKU, and what a line already wrote it finds unchanged."""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.images.imported import ImageSources
from garderobe.catalog.taxonomy import service as taxonomy
from garderobe.errors import DomainError
from garderobe.imports.lines import AttributeTypes
from garderobe.imports.models import ImportRefusal, ImportRun, ImportState
from garderobe.imports.reading import Record, csv_header, csv_records, ndjson_records
from garderobe.imports.upsert import Outcome, apply_batch
from garderobe.infra import jobs
from garderobe.infra.postgres import utcnow
from garderobe.infra.stores import Stores
from garderobe.media import fetch
from garderobe.settings import Settings
from garderobe.uow import unit_of_work

log = logging.getLogger(__name__)

RUN_JOB = "run_import"
ACTIVE = (ImportState.QUEUED.value, ImportState.RUNNING.value)


class LostClaim(Exception):
    """Another job took the import over (this one was presumed dead): stop, roll back."""


async def enqueue_run(stores: Stores, import_id: str) -> None:
    # A fresh job id each time: arq refuses a job id whose result it still keeps.
    job_id = f"import:{import_id}:{uuid.uuid4().hex[:8]}"
    await jobs.enqueue(stores.queue, RUN_JOB, import_id, job_id=job_id)


async def start_job(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler: the upload committed, its import can start."""
    await enqueue_run(ctx["stores"], payload["import_id"])


async def run_import(ctx: dict[str, Any], import_id: str) -> str:
    """arq job: a share of the import's work; queues the next share when not finished."""
    settings: Settings = ctx["settings"]
    stores: Stores = ctx["stores"]
    stale = timedelta(seconds=settings.import_stale_seconds)
    run = await run_slice(stores, settings, uuid.UUID(import_id), stale_after=stale)
    if run is None:
        return "claimed elsewhere"
    if run.state in ACTIVE:
        await enqueue_run(stores, import_id)
    return run.state


async def requeue_imports(ctx: dict[str, Any]) -> int:
    """Cron (and at the worker's start): queue the imports no live job holds."""
    settings: Settings = ctx["settings"]
    return await requeue_stale(ctx["stores"], timedelta(seconds=settings.import_stale_seconds))


async def requeue_stale(stores: Stores, older_than: timedelta) -> int:
    cutoff = utcnow() - older_than
    async with stores.sessionmaker() as session:
        ids = (
            await session.scalars(
                select(ImportRun.id).where(
                    ImportRun.state.in_(ACTIVE),
                    func.coalesce(ImportRun.heartbeat_at, ImportRun.created_at) < cutoff,
                )
            )
        ).all()
    for run_id in ids:
        await enqueue_run(stores, str(run_id))
    if ids:
        log.info("requeued %d imports", len(ids))
    return len(ids)


async def _claim(
    stores: Stores, run_id: uuid.UUID, token: str, stale_after: timedelta
) -> ImportRun | None:
    cutoff = utcnow() - stale_after
    async with stores.sessionmaker() as session, session.begin():
        claimed = await session.scalar(
            update(ImportRun)
            .where(
                ImportRun.id == run_id,
                ImportRun.state.in_(ACTIVE),
                (ImportRun.claimed_by.is_(None)) | (ImportRun.heartbeat_at < cutoff),
            )
            .values(
                claimed_by=token,
                state=ImportState.RUNNING.value,
                heartbeat_at=utcnow(),
                started_at=func.coalesce(ImportRun.started_at, utcnow()),
            )
            .returning(ImportRun)
        )
        if claimed is not None:
            session.expunge(claimed)
        return claimed


async def _settle(stores: Stores, run_id: uuid.UUID, token: str, **values: Any) -> ImportRun:
    """Let go of the claim (with a final state, when given)."""
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id, ImportRun.claimed_by == token)
            .values(claimed_by=None, **values)
        )
        run = await session.get(ImportRun, run_id)
        assert run is not None
        session.expunge(run)
        return run


def _records(file: BinaryIO, run: ImportRun, settings: Settings) -> Iterator[Record]:
    limit = settings.import_max_line_bytes
    if run.format == "ndjson":
        return ndjson_records(file, run.byte_offset, run.next_line, limit)
    header, offset, line = csv_header(file, limit)
    if run.byte_offset > offset:
        offset, line = run.byte_offset, run.next_line
    return csv_records(file, header, offset, line, limit)


async def _checkpoint(
    session: AsyncSession, run_id: uuid.UUID, token: str, last: Record, outcome: Outcome, ms: int
) -> None:
    if outcome.refusals:
        rows = [{"import_id": run_id, "line": n, "problem": p} for n, p in outcome.refusals]
        await session.execute(insert(ImportRefusal).values(rows).on_conflict_do_nothing())
    counts = outcome.counts
    done = await session.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id, ImportRun.claimed_by == token)
        .values(
            byte_offset=last.end,
            next_line=last.next_line,
            lines_read=ImportRun.lines_read + sum(counts.values()) + len(outcome.refusals),
            created=ImportRun.created + counts["created"],
            updated=ImportRun.updated + counts["updated"],
            unchanged=ImportRun.unchanged + counts["unchanged"],
            refused=ImportRun.refused + len(outcome.refusals),
            busy_ms=ImportRun.busy_ms + ms,
            heartbeat_at=utcnow(),
        )
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise LostClaim(str(run_id))


async def run_slice(
    stores: Stores,
    settings: Settings,
    run_id: uuid.UUID,
    *,
    stale_after: timedelta,
    max_batches: int | None = None,
) -> ImportRun | None:
    """Claim the import and work on it for IMPORT_JOB_SECONDS; None if a live job holds it.
    `max_batches` stops after that many batches without letting go of the claim, as a
    worker killed there would (the tests and the benchmark resume from it)."""
    token = uuid.uuid4().hex
    run = await _claim(stores, run_id, token, stale_after)
    if run is None:
        return None
    with tempfile.TemporaryDirectory(prefix="garderobe-import-") as folder:
        source = str(Path(folder) / "source")
        await stores.storage.download(run.source_key, source)
        # A local file read a line at a time: each read is short, not worth a thread hop.
        with open(source, "rb") as file:  # noqa: ASYNC230
            try:
                finished = await _work(stores, settings, run, token, file, max_batches)
            except DomainError as exc:  # the file itself is unreadable (a CSV without header)
                return await _settle(stores, run_id, token, state="failed", error=exc.detail)
    if finished is None:
        return run
    if finished:
        return await _settle(stores, run_id, token, state="done", finished_at=utcnow())
    return await _settle(stores, run_id, token)


async def _work(
    stores: Stores,
    settings: Settings,
    run: ImportRun,
    token: str,
    file: BinaryIO,
    max_batches: int | None,
) -> bool | None:
    """Batches until the end (True), the job's time is up (False) or max_batches (None)."""
    records, types = _records(file, run, settings), AttributeTypes()
    deadline, batches = time.monotonic() + settings.import_job_seconds, 0
    async with fetch.client(settings) as http:
        sources = ImageSources(http, stores.storage, settings)
        while batch := list(islice(records, settings.import_batch_lines)):
            started = time.perf_counter()
            async with unit_of_work(stores) as session:
                with taxonomy.reads_reused():
                    outcome = await apply_batch(session, batch, types, sources)
                ms = max(1, int((time.perf_counter() - started) * 1000))
                await _checkpoint(session, run.id, token, batch[-1], outcome, ms)
            batches += 1
            if max_batches is not None and batches >= max_batches:
                return None
            if time.monotonic() > deadline:
                return False
    return True
