"""Opening the stores is safe when the API and the worker start at the same moment."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from garderobe import registry
from garderobe.infra import mongo
from garderobe.infra.stores import Stores, open_stores
from garderobe.settings import Settings


async def test_two_processes_opening_stores_at_once_both_succeed(
    settings: Settings, stores: Stores
) -> None:
    fresh = settings.model_copy(update={"s3_bucket": settings.s3_bucket + "-race"})
    opened = await asyncio.gather(
        *(open_stores(fresh, registry.document_models()) for _ in range(3))
    )
    try:
        for other in opened:
            assert isinstance(other, Stores)
            await other.close()
    finally:
        # Beanie's documents are bound process-wide to the client opened last: bound back
        # to the suite's, or every later test's MongoDB call meets a closed client.
        await mongo.init_documents(
            stores.mongo, settings.mongodb_database, registry.document_models()
        )


async def test_read_sessions_open_no_transaction(stores: Stores) -> None:
    """Read-only routes' sessions send no BEGIN/COMMIT: each statement is its own
    transaction (request sessions keep one transaction for all their statements)."""
    current = text("SELECT txid_current()")
    async with stores.reader() as session:
        assert await session.scalar(current) != await session.scalar(current)
    async with stores.sessionmaker() as session, session.begin():
        assert await session.scalar(current) == await session.scalar(current)
