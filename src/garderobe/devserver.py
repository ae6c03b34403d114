"""`garderobe dev`: the API and the worker in one process, on embedded stores where needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import click
import uvicorn

from garderobe import migrate
from garderobe.infra.devstack import DevStackError
from garderobe.infra.embedded import EmbeddedStack
from garderobe.logs import configure_logging
from garderobe.main import create_app
from garderobe.settings import Settings
from garderobe.worker import create_worker

log = logging.getLogger("garderobe.dev")


class _DevServer(uvicorn.Server):
    """uvicorn re-raises a captured SIGINT/SIGTERM after shutdown, which would kill the
    process before the embedded servers are stopped; here the signal only ends serving."""

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


def _report_worker_exit(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error(
            "the worker stopped: %s (API still serving; jobs wait in the queue)",
            task.exception(),
            exc_info=task.exception(),
        )


async def _serve(settings: Settings, host: str, port: int) -> None:
    server = _DevServer(
        uvicorn.Config(create_app(settings), host=host, port=port, log_config=None, lifespan="on")
    )
    worker = create_worker(settings, handle_signals=False)
    worker_task = asyncio.create_task(worker.main())
    worker_task.add_done_callback(_report_worker_exit)
    try:
        await server.serve()  # returns on Ctrl-C / SIGTERM (uvicorn handles the signals)
    finally:
        worker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task
        await worker.close()


def run_dev(settings: Settings, *, host: str, port: int) -> None:
    configure_logging(settings.log_level, json_lines=settings.json_logs)
    stack = EmbeddedStack(settings.dev_data_dir.resolve(), persistent=True)
    try:
        settings = stack.provide(settings)
    except DevStackError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        assert settings.database_url is not None
        migrate.upgrade(settings.database_url)
        log.info(
            "dev stack ready (embedded: %s); API on http://%s:%d/docs, mails at /dev/mails",
            ", ".join(stack.started) or "none",
            host,
            port,
        )
        asyncio.run(_serve(settings, host, port))
    finally:
        log.info("stopping embedded stores")
        stack.close()
