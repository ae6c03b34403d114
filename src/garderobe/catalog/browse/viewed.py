"""Recently viewed items per user: a capped list in Redis, newest first.

Recorded on item detail views (`browse.service.item_detail`); read by the recommendations. A view
is a hint, not a record: when Redis fails it is dropped, never the view itself.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

MAX_VIEWED = 20
# A shopper who comes back after a quarter has other interests.
VIEWED_TTL = timedelta(days=90)


def _key(user_id: uuid.UUID) -> str:
    return f"catalog:viewed:{user_id}"


async def record_view(redis: Redis, user_id: uuid.UUID, item_id: str) -> None:
    """Put `item_id` first in the user's list (once), keeping the newest MAX_VIEWED."""
    key = _key(user_id)
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.lrem(key, 0, item_id)
            pipe.lpush(key, item_id)
            pipe.ltrim(key, 0, MAX_VIEWED - 1)
            pipe.expire(key, VIEWED_TTL)
            await pipe.execute()
    except (RedisError, OSError):
        log.warning("view of %s not recorded: Redis unavailable", item_id)


async def recently_viewed(redis: Redis, user_id: uuid.UUID, limit: int = MAX_VIEWED) -> list[str]:
    """The ids of the items the user last viewed, newest first."""
    found = redis.lrange(_key(user_id), 0, limit - 1)
    assert not isinstance(found, list)  # the asyncio client's commands are awaitables
    return [str(item_id) for item_id in await found]
