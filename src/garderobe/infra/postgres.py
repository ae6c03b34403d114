"""PostgreSQL through SQLAlchemy 2 async + asyncpg: engine, sessions and the declarative base."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from sqlalchemy import DateTime, MetaData, String, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext import asyncio as sqlalchemy_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names keep Alembic autogenerate diffs empty and migrations portable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# How PostgreSQL rows of every domain (stock, carts, orders, reviews …) name a catalog item:
# its MongoDB ObjectId in hex.
ITEM_ID = String(24)


def utcnow() -> datetime:
    return datetime.now(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=text("now()")
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=text("now()")
    )


def create_engine(url: str, *, pool_size: int = 10, connect_timeout: float = 5.0) -> AsyncEngine:
    # Looked up on the module at each call: tracing's SQLAlchemy instrumentation wraps
    # `sqlalchemy.ext.asyncio.create_async_engine` there, and traces the engines it makes.
    return sqlalchemy_asyncio.create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"timeout": connect_timeout},
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the edge commits (responses, jobs).
    return async_sessionmaker(engine, expire_on_commit=False)


def create_reader(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for requests that only read: no transaction, so no BEGIN and COMMIT round
    trips. Each statement reads its own snapshot, as it does in a READ COMMITTED
    transaction, so a read sees nothing less consistent. Never write through them: each
    statement would commit on its own."""
    reading = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(reading, expire_on_commit=False)


async def run_admin_statement(server_url: str, statement: str) -> None:
    """Run one statement that cannot run inside a transaction (CREATE/DROP DATABASE) on the
    server of `server_url`, connected to that URL's database (default `postgres`)."""
    url = make_url(server_url)
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("select 1"))
