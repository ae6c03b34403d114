"""`garderobe dev` once its stores answer: migrations, the dev-stack file, the sample shop
and dev accounts on a first start, then the API and the worker in one process, the banner,
and the sample pictures filling in behind the API. (garderobe.dev.launch starts the stores.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import time
from collections.abc import Iterator

import click
import uvicorn
from fastapi import FastAPI

from garderobe import migrate, registry
from garderobe.dev import accounts, banner, sample
from garderobe.dev.first_start import FirstStart
from garderobe.infra import stackfile
from garderobe.infra.stores import open_stores
from garderobe.main import create_app
from garderobe.settings import Settings
from garderobe.worker import create_worker

log = logging.getLogger("garderobe.dev")


class _DevServer(uvicorn.Server):
    """uvicorn re-raises a captured SIGINT/SIGTERM after shutdown, which would kill the
    process before the embedded servers are stopped; here the signal only ends serving."""

    background: list[asyncio.Task[None]]
    listening: asyncio.Event

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.listening.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        originals = {
            sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Background work uses the app's stores: stop it before the lifespan closes them.
        for task in getattr(self, "background", []):
            task.cancel()
        for task in getattr(self, "background", []):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await super().shutdown(sockets)


def _report_worker_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error(
            "the worker stopped: %s (API still serving; jobs wait in the queue)",
            task.exception(),
            exc_info=task.exception(),
        )


async def _prepare(settings: Settings, first: FirstStart, report: banner.StartReport) -> None:
    """Sample shop and dev accounts, before the API opens (its own store connections)."""
    began = time.perf_counter()
    data_dir = settings.dev_data_dir
    stores = await open_stores(settings, registry.document_models())
    try:
        if not first.empty:
            report.sample = await sample.load_sample_shop(
                stores, data_dir, items=first.sample_items
            )
        report.new_accounts = await accounts.ensure_dev_accounts(stores, data_dir)
    finally:
        await stores.close()
    report.credentials_file = accounts.credentials_file(data_dir)
    report.pictures_pending = len(sample.pending_pictures(data_dir))
    report.phases["sample shop and accounts"] = time.perf_counter() - began


async def _after_start(
    server: _DevServer, app: FastAPI, report: banner.StartReport, began: float
) -> None:
    await server.listening.wait()
    report.phases["API"] = time.perf_counter() - began
    click.echo(banner.render(report))
    try:
        # The app's own stores: one Beanie binding for the whole process.
        await sample.fill_pictures(app.state.stores, app.state.settings.dev_data_dir)
    except Exception:
        log.exception("sample pictures stopped (the shop works without them)")


async def _serve(
    settings: Settings, host: str, port: int, first: FirstStart, report: banner.StartReport
) -> None:
    if settings.is_development:
        await _prepare(settings, first, report)
    began = time.perf_counter()
    app = create_app(settings)
    server = _DevServer(uvicorn.Config(app, host=host, port=port, log_config=None, lifespan="on"))
    worker = create_worker(settings, handle_signals=False)
    worker_task = asyncio.create_task(worker.main())
    worker_task.add_done_callback(_report_worker_exit)
    server.listening = asyncio.Event()
    server.background = [asyncio.create_task(_after_start(server, app, report, began))]
    try:
        await server.serve()  # returns on Ctrl-C / SIGTERM (uvicorn handles the signals)
    finally:
        for task in server.background:
            task.cancel()
        worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task
        await worker.close()


def serve_dev(
    settings: Settings, *, host: str, port: int, first: FirstStart, report: banner.StartReport
) -> None:
    """Migrate, publish the dev-stack file, then serve until Ctrl-C (stores already up)."""
    began = time.perf_counter()
    assert settings.database_url is not None
    migrate.upgrade(settings.database_url)
    report.phases["migrations"] = time.perf_counter() - began
    try:
        if settings.is_development:
            report.stack_file = stackfile.write(settings, api_url=report.api_url)
        asyncio.run(_serve(settings, host, port, first, report))
    finally:
        stackfile.remove(settings)
