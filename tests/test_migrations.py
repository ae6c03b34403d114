"""Models and migrations agree, and the whole chain goes down and up again."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from garderobe import migrate, registry
from garderobe.infra.postgres import Base
from garderobe.settings import Settings
from tests.stores import _create_database, _drop_database_quietly


def _diff(url: str) -> list[object]:
    registry.import_models()

    def compare(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))

    async def run() -> list[object]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            diff = await conn.run_sync(compare)
        await engine.dispose()
        return diff

    return asyncio.run(run())


def test_autogenerate_finds_no_difference(settings: Settings) -> None:
    assert settings.database_url
    assert _diff(settings.database_url) == []


def test_downgrade_to_base_then_upgrade_again(settings: Settings) -> None:
    # On a database of its own: dropping and recreating the enum types under the suite's
    # pooled connections would leave them with stale type ids ("cache lookup failed for
    # type …") for every test that runs after this one.
    assert settings.database_url
    name = f"{make_url(settings.database_url).database}_chain"
    url = asyncio.run(_create_database(settings.database_url, name))
    try:
        migrate.upgrade(url, "head")
        migrate.downgrade(url, "base")
        migrate.upgrade(url, "head")
        assert _diff(url) == []
    finally:
        _drop_database_quietly(settings.database_url, name)
