"""Open and close every store the service talks to, with one clear error when one is missing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis
from beanie import Document
from pymongo import AsyncMongoClient
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from garderobe.infra import jobs, mail, mongo, postgres, storage
from garderobe.infra import redis as redis_infra
from garderobe.settings import Settings, redact_url

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """A store could not be reached; the message is one line a person can act on."""

    def __init__(self, store: str, env_key: str, url: str | None, cause: BaseException) -> None:
        where = redact_url(url) if url else "(not configured)"
        reason = f"{type(cause).__name__}: {cause}".splitlines()[0][:200]
        super().__init__(
            f"cannot reach {store} at {where} ({reason}). Start it or fix {env_key}; "
            "`garderobe dev` starts embedded stores for anything left unset."
        )
        self.store = store


@dataclass
class Stores:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    mongo: AsyncMongoClient[Any]
    redis: Redis
    storage: storage.ObjectStorage
    queue: ArqRedis
    reader: async_sessionmaker[AsyncSession]  # reads only (`postgres.create_reader`)

    async def close(self) -> None:
        await self.queue.aclose()
        await self.redis.aclose()
        await self.mongo.close()
        await self.engine.dispose()


def _require(value: str | None, store: str, env_key: str) -> str:
    if not value:
        raise StoreUnavailable(store, env_key, None, RuntimeError(f"{env_key} is empty"))
    return value


async def _checked(
    store: str, env_key: str, url: str | None, probe: Callable[[], Awaitable[Any]], seconds: float
) -> None:
    try:
        await asyncio.wait_for(probe(), seconds)
    except Exception as exc:
        raise StoreUnavailable(store, env_key, url, exc) from exc


def _storage(settings: Settings, url: str) -> storage.ObjectStorage:
    return storage.ObjectStorage(
        url,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key.get_secret_value(),
        bucket=settings.s3_bucket,
        region=settings.s3_region,
        public_base_url=settings.s3_public_base_url,
    )


async def open_stores(settings: Settings, documents: Sequence[type[Document]]) -> Stores:
    """Connect to everything, check each store answers, bind Beanie documents, ensure the bucket."""
    timeout = max(settings.store_check_timeout_seconds, 5.0)
    db_url = _require(settings.database_url, "PostgreSQL", "DATABASE_URL")
    mongo_url = _require(settings.mongodb_url, "MongoDB", "MONGODB_URL")
    redis_url = _require(settings.redis_url, "Redis", "REDIS_URL")
    s3_url = _require(settings.s3_endpoint_url, "S3", "S3_ENDPOINT_URL")
    _require(settings.smtp_host, "SMTP", "SMTP_HOST")

    engine = postgres.create_engine(db_url, pool_size=settings.database_pool_size)
    mongo_client = mongo.create_client(mongo_url, timeout_seconds=timeout)
    redis_client = redis_infra.create_client(redis_url, timeout_seconds=timeout)
    object_storage = _storage(settings, s3_url)
    try:
        await _checked("PostgreSQL", "DATABASE_URL", db_url, lambda: postgres.ping(engine), timeout)
        await _checked(
            "MongoDB",
            "MONGODB_URL",
            mongo_url,
            lambda: mongo.init_documents(mongo_client, settings.mongodb_database, documents),
            timeout * 4,
        )
        await _checked(
            "Redis", "REDIS_URL", redis_url, lambda: redis_infra.ping(redis_client), timeout
        )
        await _checked("S3", "S3_ENDPOINT_URL", s3_url, object_storage.ensure_bucket, timeout)
        smtp_url = f"smtp://{settings.smtp_host}:{settings.smtp_port}"
        await _checked("SMTP", "SMTP_HOST", smtp_url, lambda: mail.ping(settings), timeout)
        queue = await jobs.create_queue(settings)
    except BaseException:
        await redis_client.aclose()
        await mongo_client.close()
        await engine.dispose()
        raise
    return Stores(
        settings,
        engine,
        postgres.create_sessionmaker(engine),
        mongo_client,
        redis_client,
        object_storage,
        queue,
        postgres.create_reader(engine),
    )


def store_probes(stores: Stores) -> dict[str, Callable[[], Awaitable[Any]]]:
    """One cheap round trip per store, by the name the store probe reports it under."""
    return {
        "postgres": lambda: postgres.ping(stores.engine),
        "mongodb": lambda: mongo.ping(stores.mongo),
        "redis": lambda: redis_infra.ping(stores.redis),
        "s3": stores.storage.ping,
        "smtp": lambda: mail.ping(stores.settings),
    }
