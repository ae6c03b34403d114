"""Alembic environment on the async engine; the URL comes from garderobe's settings."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from garderobe import registry
from garderobe.infra.postgres import Base
from garderobe.settings import Settings

registry.import_models()
target_metadata = Base.metadata
config = context.config


def _database_url() -> str:
    url = config.attributes.get("database_url") or Settings().database_url
    if not url:
        raise SystemExit("DATABASE_URL is not set; nothing to migrate.")
    return str(url)


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # Tables owned by PostgreSQL extensions are not ours to manage.
    return not (
        type_ == "table" and reflected and compare_to is None and name in {"spatial_ref_sys"}
    )


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        include_object=_include_object,
    )


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_database_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync)
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # called from garderobe.migrate with an open connection
        _run_sync(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
