"""Short-lived secrets sent by mail: 6-digit confirmation codes and password reset tokens.

Both are stored hashed in Redis with a TTL, so a Redis dump reveals nothing usable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from redis.asyncio import Redis

from garderobe.accounts import keys
from garderobe.settings import Settings

CODE_TTL_SECONDS = 15 * 60
CODE_ATTEMPTS = 5
RESET_TTL_SECONDS = 30 * 60


def _digest(settings: Settings, value: str) -> str:
    key = settings.jwt_secret.get_secret_value().encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


async def new_confirmation_code(settings: Settings, redis: Redis, user_id: uuid.UUID) -> str:
    """A fresh code (any earlier one stops working); returned once, to be mailed."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    key = keys.confirmation_code(user_id)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(key)
        pipe.hset(key, mapping={"digest": _digest(settings, code), "attempts": CODE_ATTEMPTS})
        pipe.expire(key, CODE_TTL_SECONDS)
        await pipe.execute()
    return code


async def check_confirmation_code(
    settings: Settings, redis: Redis, user_id: uuid.UUID, code: str
) -> bool | None:
    """True when right (the code is used up), False when wrong, None when no code is left."""
    key = keys.confirmation_code(user_id)
    stored: str | None = await redis.hget(key, "digest")  # type: ignore[misc]
    if stored is None:
        return None
    if hmac.compare_digest(stored, _digest(settings, code)):
        await redis.delete(key)
        return True
    left: int = await redis.hincrby(key, "attempts", -1)  # type: ignore[misc]
    if left <= 0:
        await redis.delete(key)  # out of attempts: a new code must be requested
    return False


async def new_reset_token(settings: Settings, redis: Redis, user_id: uuid.UUID) -> str:
    token = secrets.token_urlsafe(32)
    await redis.set(
        keys.password_reset(_digest(settings, token)), str(user_id), ex=RESET_TTL_SECONDS
    )
    return token


async def burn_dummy_reset_token(settings: Settings, redis: Redis) -> None:
    """The same Redis work as a real reset, for addresses with no account (equal timing)."""
    digest = _digest(settings, secrets.token_urlsafe(32))
    await redis.set(keys.password_reset(digest), "", ex=1)


async def take_reset_token(settings: Settings, redis: Redis, token: str) -> uuid.UUID | None:
    """The user a reset token was made for; the token is single-use (GETDEL)."""
    user_id = await redis.getdel(keys.password_reset(_digest(settings, token)))
    return uuid.UUID(user_id) if user_id else None
