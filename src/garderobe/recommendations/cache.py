"""Cached recommendation answers in Redis.

An answer depends on the catalog (which items are active, their attributes and prices) and
on the co-purchase tables. Its key embeds the catalog's generation (bumped by every catalog
write) and is stored under this namespace's own generation (bumped when the co-purchase
job changed a row), so either kind of change makes it unreachable at once. Answers that
depend on a shopper carry what they depend on (viewed, cart and ordered items) in the key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache as catalog_cache
from garderobe.infra import cache
from garderobe.infra.cache import Cached, ResponseCache
from garderobe.settings import Settings

NAMESPACE = "recommendations"


def changed(session: AsyncSession) -> None:
    """This unit of work changes the co-purchase tables: bump the generation on commit."""
    cache.bump_after_commit(session, NAMESPACE)


async def answer(
    redis: Redis,
    settings: Settings,
    kind: str,
    parameters: Mapping[str, Any],
    compute: Callable[[], Awaitable[tuple[bytes, str]]],
) -> Cached:
    """The cached answer of `kind` for `parameters`, or `compute()`'s, stored for the next
    caller. The catalog generation is read before computing (see infra.cache)."""
    try:
        generation = await redis.get(cache.generation_key(catalog_cache.NAMESPACE)) or "0"
    except (RedisError, OSError):
        return Cached(*await compute(), "bypass")
    key = catalog_cache.key(kind, {**parameters, "catalog": generation})
    # Bodies carry image URLs: the catalog's lifetime rule applies (presigned URLs).
    ttl = catalog_cache.response_cache(redis, settings).ttl
    return await ResponseCache(redis, NAMESPACE, ttl).get_or_compute(key, compute)
