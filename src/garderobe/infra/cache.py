"""A Redis cache of response bodies that never serves a page older than the last write.

Each namespace (the catalog) has a generation number. Every write that changes what the
namespace's pages show bumps it after its transaction committed and before it answers
(`bump_after_commit` marks the unit of work; `garderobe.uow` bumps once it committed).
Entry keys embed the generation, so one bump makes every older entry unreachable at once
(they expire on their TTL). A reader takes the generation before it computes: a page
computed from data older than a write can only be stored under a generation that the
write has already left behind.

Single flight: on a miss one caller per key, across processes, computes while the others
wait for its result. Redis failures degrade to computing the answer uncached, never to an
error.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

Outcome = Literal["hit", "miss", "bypass"]
_MARKED = "garderobe.stale_caches"
# How long followers wait for the leader of a miss before computing themselves; a leader
# that dies leaves its lock behind for at most this long.
LOCK_SECONDS = 10
_FAILURES = (RedisError, OSError)


def etag_of(body: bytes) -> str:
    """A strong ETag: the digest of the exact bytes served."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def digested(body: bytes) -> tuple[bytes, str]:
    """A body with its digest ETag, for answers that have no ETag of their own."""
    return body, etag_of(body)


@dataclass(frozen=True)
class Cached:
    body: bytes
    etag: str
    outcome: Outcome


def generation_key(namespace: str) -> str:
    """The Redis key of the namespace's generation number."""
    return f"{namespace}:generation"


def bump_after_commit(session: AsyncSession, namespace: str) -> None:
    """Mark the unit of work: once it commits, the namespace's cached pages are obsolete."""
    session.info.setdefault(_MARKED, set()).add(namespace)


def marked(session: AsyncSession) -> Iterable[str]:
    """The namespaces marked on this session (emptied: each commit bumps once)."""
    found: set[str] = session.info.pop(_MARKED, set())
    return sorted(found)


async def bump(redis: Redis, namespace: str) -> None:
    """Make every page cached so far in `namespace` unreachable.

    A failure is logged, not raised: the write it follows has committed already. Pages
    cached before it stay reachable until their TTL, which bounds how long that lasts.
    """
    try:
        await redis.incr(generation_key(namespace))
    except _FAILURES:
        log.error("cache generation of %s not bumped: Redis unavailable", namespace)


# One round trip for what a read needs first: the generation, the entry under it and, on a
# miss, the single-flight lock (three or four round trips as separate commands). The entry
# key is made inside the script, so it is not for Redis Cluster (one node holds every key).
_LOOKUP = """
local generation = redis.call('GET', KEYS[1]) or '0'
local entry = ARGV[1] .. ':' .. generation .. ':' .. ARGV[2]
local stored = redis.call('GET', entry)
if stored then
    return {entry, 1, stored}
end
local leader = redis.call('SET', entry .. ':lock', '1', 'NX', 'EX', ARGV[3])
return {entry, 0, leader and 1 or 0}
"""


class ResponseCache:
    """Response bodies of one namespace, under its current generation."""

    def __init__(self, redis: Redis, namespace: str, ttl_seconds: int) -> None:
        self.redis, self.namespace, self.ttl = redis, namespace, ttl_seconds

    async def get_or_compute(
        self, key: str, compute: Callable[[], Awaitable[tuple[bytes, str]]]
    ) -> Cached:
        """The cached body for `key`, or the (body, ETag) `compute()` makes, stored for the
        next caller."""
        try:
            lookup = self.redis.register_script(_LOOKUP)
            entry, found, value = await lookup(
                keys=[generation_key(self.namespace)], args=[self.namespace, key, LOCK_SECONDS]
            )
            if found:
                return _decode(value, "hit")
            leader = bool(value)
        except _FAILURES:
            log.warning("cache unavailable; answering uncached")
            return Cached(*await compute(), "bypass")
        if not leader and (waited := await self._wait_for(entry)) is not None:
            return waited
        try:
            body, etag = await compute()
        except BaseException:
            if leader:
                await self._unlock(entry)
            raise
        await self._store(entry, etag, body, unlock=leader)
        return Cached(body, etag, "miss")

    async def _wait_for(self, entry: str) -> Cached | None:
        """The leader's result, or None when it gave up (error, crash) or took too long."""
        deadline = time.monotonic() + LOCK_SECONDS
        pause = 0.005
        while time.monotonic() < deadline:
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    pipe.get(entry)
                    pipe.exists(f"{entry}:lock")
                    stored, locked = await pipe.execute()
            except _FAILURES:
                return None
            if stored is not None:
                return _decode(stored, "hit")
            if not locked:
                return None
        return None

    async def _store(self, entry: str, etag: str, body: bytes, *, unlock: bool) -> None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.set(entry, f"{etag}\n{body.decode()}", ex=self.ttl)
                if unlock:
                    pipe.delete(f"{entry}:lock")
                await pipe.execute()
        except _FAILURES:
            log.warning("cache unavailable; %s not stored", entry)

    async def _unlock(self, entry: str) -> None:
        with contextlib.suppress(*_FAILURES):  # else it expires on its own
            await self.redis.delete(f"{entry}:lock")


def _decode(stored: str, outcome: Outcome) -> Cached:
    etag, _, body = stored.partition("\n")
    return Cached(body.encode(), etag, outcome)
