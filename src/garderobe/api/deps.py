"""Annotated dependency aliases shared by every domain's routes.

The user aliases (CurrentUser, OptionalUser, AdminUser) live in
`garderobe.accounts.dependencies`, next to the token logic they rely on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from arq.connections import ArqRedis
from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra.storage import ObjectStorage
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.uow import unit_of_work


# The dependencies below do no I/O, but are `async def` all the same: FastAPI runs a plain
# `def` dependency in its thread pool, a thread hop per dependency and request (measured: a
# cached listing served 1.2-1.5 times as many requests without them).
async def get_stores(request: Request) -> Stores:
    stores: Stores = request.app.state.stores
    return stores


StoresDep = Annotated[Stores, Depends(get_stores)]


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_db_session(stores: StoresDep) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed before the response is sent."""
    async with unit_of_work(stores) as session:
        yield session


# scope="function": the transaction ends when the route returns, before the response goes
# out, so a failed commit turns into an error response instead of a lost write.
DbSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]


async def get_read_session(stores: StoresDep) -> AsyncIterator[AsyncSession]:
    """For routes that only read PostgreSQL: a session without a transaction (no BEGIN and
    COMMIT round trips; see `postgres.create_reader`)."""
    async with stores.reader() as session:
        yield session


ReadSession = Annotated[AsyncSession, Depends(get_read_session)]


async def get_redis(stores: StoresDep) -> Redis:
    return stores.redis


RedisDep = Annotated[Redis, Depends(get_redis)]


async def get_storage(stores: StoresDep) -> ObjectStorage:
    return stores.storage


StorageDep = Annotated[ObjectStorage, Depends(get_storage)]


async def get_queue(stores: StoresDep) -> ArqRedis:
    return stores.queue


QueueDep = Annotated[ArqRedis, Depends(get_queue)]
