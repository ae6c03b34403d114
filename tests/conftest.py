"""Fixtures: one set of real stores per test session, a clean slate for every test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from sqlalchemy import text

from garderobe import migrate, registry
from garderobe.infra.devstack import MailSink
from garderobe.infra.embedded import EmbeddedStack
from garderobe.infra.postgres import Base
from garderobe.infra.stores import Stores
from garderobe.main import create_app
from garderobe.settings import Settings
from garderobe.worker import create_worker
from tests.stores import test_stack

STORE_FIXTURES = {"stack", "settings", "app", "stores", "client", "mail_sink", "run_jobs"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that touch a store are `integration`, the rest `unit` (so `-m unit` is quick)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        marker = "integration" if fixtures & STORE_FIXTURES else "unit"
        if not item.get_closest_marker("integration") and not item.get_closest_marker("unit"):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def stack() -> Iterator[tuple[Settings, EmbeddedStack]]:
    # Not under pytest's tmp_path: its root is 0700 and reset by every pytest run, and the
    # embedded PostgreSQL runs as its own system user, which must be able to reach its data.
    data_dir = Path(tempfile.mkdtemp(prefix="garderobe-test-"))
    try:
        with test_stack(data_dir) as (settings, embedded):
            assert settings.database_url is not None
            migrate.upgrade(settings.database_url)
            yield settings, embedded
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def settings(stack: tuple[Settings, EmbeddedStack]) -> Settings:
    return stack[0]


@pytest.fixture(scope="session")
def mail_sink(stack: tuple[Settings, EmbeddedStack]) -> MailSink:
    sink = stack[1].mail_sink
    assert sink is not None, "the suite reads mail from its own SMTP sink"
    return sink


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=30):
        yield application


async def _clean(stores: Stores) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with stores.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    database = stores.mongo[stores.settings.mongodb_database]
    for name in await database.list_collection_names():
        await database[name].delete_many({})
    await stores.redis.flushdb()
    for obj in await stores.storage.list():
        await stores.storage.delete(obj.key)


@pytest.fixture
async def stores(app: FastAPI, mail_sink: MailSink) -> Stores:
    """The session's stores, emptied before the test: every test starts from nothing."""
    opened: Stores = app.state.stores
    await _clean(opened)
    mail_sink.clear()
    # The truncation above can only be followed by a full load of the in-memory index:
    # done here, so that every test's requests are served by it as a warm process's are.
    if (memory := app.state.memory_index) is not None:
        async with opened.sessionmaker() as session:
            await memory.sync(session)
    return opened


@pytest.fixture
async def client(app: FastAPI, stores: Stores) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
def run_jobs(stores: Stores, settings: Settings) -> Callable[[], Awaitable[int]]:
    """Run the arq worker in burst mode until the queue is empty; returns jobs completed."""

    async def run() -> int:
        worker = create_worker(settings, burst=True, stores=stores, handle_signals=False)
        try:
            await worker.main()
        finally:
            await worker.close()
        return int(worker.jobs_complete)

    return run


def pytest_configure(config: pytest.Config) -> None:
    registry.import_models()
