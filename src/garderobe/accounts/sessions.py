"""Sessions: access/refresh token pairs, refresh rotation with reuse detection, revocation.

Every login starts a token *family*. Redis keeps, per family, the jti of the one refresh
token that may still be used; refreshing replaces it. Presenting any other refresh token of
the family means a token was stolen and replayed: the whole family is revoked.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass

from redis.asyncio import Redis

from garderobe.accounts import keys
from garderobe.accounts.dependencies import is_revoked
from garderobe.accounts.security import InvalidToken, TokenClaims, decode_token, issue_token
from garderobe.errors import Unauthorized
from garderobe.settings import Settings


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: uuid.UUID


async def start(settings: Settings, redis: Redis, user_id: uuid.UUID) -> TokenPair:
    """A new session (login): a new family and its first token pair."""
    return await _issue(settings, redis, user_id, uuid.uuid4().hex)


async def _issue(settings: Settings, redis: Redis, user_id: uuid.UUID, family: str) -> TokenPair:
    access, _ = issue_token(settings, user_id, "access", family=family)
    refresh, claims = issue_token(settings, user_id, "refresh", family=family)
    await redis.set(keys.family(family), claims.jti, ex=settings.refresh_token_ttl_seconds)
    return TokenPair(access, refresh, settings.access_token_ttl_seconds, user_id)


async def rotate(settings: Settings, redis: Redis, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair; a replayed old token revokes the family."""
    try:
        claims = decode_token(settings, refresh_token, "refresh")
    except InvalidToken as exc:
        raise Unauthorized("The refresh token is invalid or expired.") from exc
    if claims.family is None or await is_revoked(redis, claims):
        raise Unauthorized("The refresh token has been revoked.")
    current = await redis.get(keys.family(claims.family))
    if current != claims.jti:
        # Either the family was ended (logout) or this token was already exchanged: a replay.
        await redis.delete(keys.family(claims.family))
        raise Unauthorized("The refresh token was already used; the session is revoked.")
    return await _issue(settings, redis, claims.subject, claims.family)


async def end(
    redis: Redis, access: TokenClaims, refresh_token: str | None, settings: Settings
) -> None:
    """Logout: void the access token until it expires and end its session family."""
    await redis.set(keys.revoked_access(access.jti), "1", ex=access.seconds_left)
    families = {access.family}
    if refresh_token:
        with contextlib.suppress(InvalidToken):
            families.add(decode_token(settings, refresh_token, "refresh").family)
    for family in families:
        if family is not None:
            await redis.delete(keys.family(family))


async def revoke_all(settings: Settings, redis: Redis, user_id: uuid.UUID) -> None:
    """Void every token issued to the user until now (password reset, deactivation)."""
    await redis.set(
        keys.sessions_revoked_at(user_id), repr(time.time()), ex=settings.refresh_token_ttl_seconds
    )
