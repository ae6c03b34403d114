"""The catalog's response cache: listings, item detail, categories and search in Redis.

Everything a shopper reads from the catalog is cached under one generation, bumped by every
item, stock, image or taxonomy write before that write answers (`infra.cache`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra import cache
from garderobe.settings import Settings

NAMESPACE = "catalog"


def changed(session: AsyncSession) -> None:
    """This unit of work changes what the catalog shows: bump the generation on commit."""
    cache.bump_after_commit(session, NAMESPACE)


async def bump(redis: Redis) -> None:
    """A catalog write outside any PostgreSQL transaction (MongoDB only) has just happened."""
    await cache.bump(redis, NAMESPACE)


def response_cache(redis: Redis, settings: Settings) -> cache.ResponseCache:
    """Cached bodies carry image URLs: presigned ones must keep at least half their life."""
    ttl = settings.catalog_cache_ttl_seconds
    if not settings.s3_public_base_url:
        ttl = min(ttl, settings.media_url_expires_seconds // 2)
    return cache.ResponseCache(redis, NAMESPACE, max(ttl, 1))


def key(kind: str, parameters: Mapping[str, Any]) -> str:
    """One key per meaning: callers pass parameters already parsed and normalized (sorted,
    deduplicated), so parameter order and repeated values never make a new entry."""
    canonical = json.dumps(parameters, sort_keys=True, separators=(",", ":"), default=str)
    return f"{kind}:{hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()}"
