"""`garderobe dev`: the API and the worker in one process, on embedded stores where needed.

The embedded servers start first, side by side and in a thread, while the application's
modules load (about as long on a busy machine); garderobe.dev.server does the rest.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from garderobe.dev.first_start import FirstStart
from garderobe.infra.devstack import DevStackError
from garderobe.infra.embedded import EmbeddedStack
from garderobe.logs import configure_logging
from garderobe.settings import Settings

log = logging.getLogger("garderobe.dev")


def _browser_host(host: str) -> str:
    return "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - a comparison


def run_dev(settings: Settings, *, host: str, port: int, first: FirstStart) -> None:
    configure_logging(settings.log_level, json_lines=settings.json_logs)
    settings = settings.model_copy(update={"dev_data_dir": settings.dev_data_dir.resolve()})
    stack = EmbeddedStack(Path(settings.dev_data_dir), persistent=True)
    began = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            starting = pool.submit(stack.provide, settings)
            from garderobe.dev import banner, server  # the slow imports, meanwhile

            settings = starting.result()
        report = banner.StartReport(api_url=f"http://{_browser_host(host)}:{port}")
        if "public_url" not in settings.model_fields_set:
            # Mailed links (password reset) open the shop this command serves, on its port.
            settings = settings.model_copy(update={"public_url": report.api_url})
        report.phases["stores"] = time.perf_counter() - began
        report.store_seconds = dict(stack.timings)
        server.serve_dev(settings, host=host, port=port, first=first, report=report)
    except DevStackError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        log.info("stopping embedded stores")
        stack.close()
