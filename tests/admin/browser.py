"""What the browser tests need: the app served over HTTP by uvicorn, and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import uvicorn

from garderobe import registry
from garderobe.infra import mongo
from garderobe.infra.devstack import free_port
from garderobe.infra.stores import Stores
from garderobe.main import create_app
from garderobe.settings import Settings

SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "build/screenshots"))


def chromium_path() -> str:
    """Chromium from the system (Playwright's own download is not used); a clear failure
    names the package to install instead of skipping the tests."""
    wanted = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    found = shutil.which(wanted) or shutil.which("chromium")
    if found is None:
        raise RuntimeError(
            f"the admin browser tests need Chromium at {wanted}: `apt-get install -y chromium` "
            "(Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium/Chrome binary"
        )
    return found


@asynccontextmanager
async def served_app(settings: Settings, stores: Stores) -> AsyncIterator[str]:
    """`serving` the app, then Beanie bound back to this loop's client: the server's lifespan
    bound the documents to its own, which dies with its loop."""
    try:
        with serving(settings) as base:
            yield base
    finally:
        await mongo.init_documents(
            stores.mongo, settings.mongodb_database, registry.document_models()
        )


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The app in a uvicorn server on its own thread and event loop (it opens its own store
    connections: connection pools belong to one loop). Yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start for the browser tests")
        time.sleep(0.05)
    try:
        # localhost, not 127.0.0.1: Chromium keeps Secure cookies on http://localhost.
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
