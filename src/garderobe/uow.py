"""A unit of work: one PostgreSQL transaction, then its outbox rows handed to the job queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra.stores import Stores
from garderobe.outbox import service as outbox


@asynccontextmanager
async def unit_of_work(stores: Stores) -> AsyncIterator[AsyncSession]:
    """Commit on success, roll back on error; enqueue the outbox rows only after the commit."""
    async with stores.sessionmaker() as session:
        async with session.begin():
            yield session
        await outbox.enqueue(stores.queue, outbox.take_pending(session))
