"""A unit of work: one PostgreSQL transaction, then what must follow its commit.

After the commit, and before the caller answers: the caches the transaction made obsolete
get a new generation, and its outbox rows are handed to the job queue.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra import cache
from garderobe.infra.stores import Stores
from garderobe.outbox import service as outbox


@asynccontextmanager
async def unit_of_work(stores: Stores) -> AsyncIterator[AsyncSession]:
    """Commit on success, roll back on error; after the commit bump the caches it marked
    and enqueue its outbox rows."""
    async with stores.sessionmaker() as session:
        try:
            async with session.begin():
                yield session
        finally:
            # Also after a rollback: MongoDB may have been written before the commit failed.
            for namespace in cache.marked(session):
                await cache.bump(stores.redis, namespace)
        await outbox.enqueue(stores.queue, outbox.take_pending(session))
