"""`garderobe import FILE`: the same import as `POST /api/v1/imports`, run by this process
(or, with --queue, by the worker), with a progress bar."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from garderobe.commandline import opened_stores, preflight, store_settings
from garderobe.imports import jobs, service
from garderobe.imports.models import ImportRun
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.uow import unit_of_work

CHUNK = 1024 * 1024
POLL_SECONDS = 0.5


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk


async def _current(stores: Stores, run_id: uuid.UUID) -> ImportRun:
    async with stores.sessionmaker() as session:
        return await service.get_import(session, str(run_id))


async def _work_with_bar(stores: Stores, settings: Settings, run: ImportRun) -> ImportRun:
    """Run the import's shares here until it is finished (waiting while a worker holds it),
    the bar following its checkpoints."""
    stale = timedelta(seconds=settings.import_stale_seconds)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with Progress(*columns, TimeRemainingColumn()) as bar:
        task = bar.add_task("0 lines", total=run.size_bytes)
        while run.state in jobs.ACTIVE:
            share = asyncio.create_task(jobs.run_slice(stores, settings, run.id, stale_after=stale))
            while not share.done():
                await asyncio.wait({share}, timeout=POLL_SECONDS)
                run = await _current(stores, run.id)
                bar.update(task, completed=run.byte_offset, description=f"{run.lines_read} lines")
            if share.result() is None:  # a worker holds it: follow its progress
                await asyncio.sleep(POLL_SECONDS)
            run = await _current(stores, run.id)
        bar.update(task, completed=run.size_bytes, description=f"{run.lines_read} lines")
    return run


async def _import(
    settings: Settings, path: Path, fmt: str, queue: bool, report: Path | None
) -> None:
    async with opened_stores(settings) as stores:
        async with unit_of_work(stores) as session:
            run = await service.start_import(
                session,
                stores.storage,
                _chunks(path),
                fmt=fmt,
                max_bytes=settings.import_max_bytes,
                user_id=None,
            )
        click.echo(f"import {run.id}: {run.size_bytes} bytes of {fmt}")
        if queue:
            click.echo(f"queued; progress: GET /api/v1/imports/{run.id}")
            return
        started = time.perf_counter()
        run = await _work_with_bar(stores, settings, run)
        _summary(run, time.perf_counter() - started)
        if report is not None:
            async with stores.sessionmaker() as session:
                with report.open("w", encoding="utf-8") as out:
                    async for text in service.report_lines(session, run.id, "ndjson"):
                        out.write(text)
            click.echo(f"report: {report} ({run.refused} refused lines)")
        else:
            click.echo(f"report: GET /api/v1/imports/{run.id}/report ({run.refused} refused lines)")


def _summary(run: ImportRun, seconds: float) -> None:
    rate = run.lines_read / seconds if seconds > 0 else 0.0
    click.echo(
        f"{run.state}: {run.lines_read} lines read, {run.created} created, {run.updated} "
        f"updated, {run.unchanged} unchanged, {run.refused} refused in {seconds:.1f} s "
        f"({rate:,.0f} lines/s)" + (f"; {run.error}" if run.error else "")
    )


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "ndjson"]),
    default=None,
    help="default: by the file's extension (.csv, else NDJSON)",
)
@click.option("--queue", is_flag=True, help="only upload and queue it: the worker imports it")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="write the refused lines (NDJSON: line and problem) to this file",
)
def import_command(file: Path, fmt: str | None, queue: bool, report: Path | None) -> None:
    """Import items with their variants and stock from a CSV or NDJSON FILE (upsert by SKU;
    docs/import.md)."""
    settings = store_settings()
    preflight(settings)
    chosen = fmt or ("csv" if file.suffix.lower() == ".csv" else "ndjson")
    asyncio.run(_import(settings, file, chosen, queue, report))
