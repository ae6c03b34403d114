"""Issuing, rotating, revoking and checking API keys. Every check reads PostgreSQL: there is
no cache of keys, so a revocation or an expiry holds from the next request on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe import ratelimit
from garderobe.accounts.apikeys import tokens
from garderobe.accounts.apikeys.errors import (
    ApiKeyInactive,
    ApiKeyNotFound,
    ExpiredApiKey,
    InvalidApiKey,
    RevokedApiKey,
)
from garderobe.accounts.apikeys.models import ApiKey
from garderobe.accounts.apikeys.schemas import ApiKeyIn
from garderobe.accounts.models import User
from garderobe.errors import InvalidInput

# Last-used times are written at most once per key and this many seconds.
LAST_USED_RESOLUTION_SECONDS = 60
RATE_WINDOW_SECONDS = 60


def _now() -> datetime:
    return datetime.now(UTC)


async def create(session: AsyncSession, admin: User, data: ApiKeyIn) -> tuple[ApiKey, str]:
    """A new key and its full string (shown once: only its hash is stored)."""
    if data.expires_at is not None and data.expires_at <= _now():
        raise InvalidInput("expires_at is in the past.")
    secret = tokens.new_secret()
    key = ApiKey(
        id=uuid.uuid4(),
        public_id=tokens.new_public_id(),
        name=data.name,
        scopes=sorted({scope.value for scope in data.scopes}),
        secret_hash=tokens.digest(secret),
        expires_at=data.expires_at,
        created_by=admin.id,
    )
    session.add(key)
    await session.flush()
    return key, tokens.compose(key.public_id, secret)


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))


async def get(session: AsyncSession, key_id: uuid.UUID, *, lock: bool = False) -> ApiKey:
    query = select(ApiKey).where(ApiKey.id == key_id)
    key = await session.scalar(query.with_for_update() if lock else query)
    if key is None:
        raise ApiKeyNotFound(f"No API key {key_id}.")
    return key


def _usable(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


async def rotate(session: AsyncSession, key: ApiKey, overlap_seconds: int) -> str:
    """A new secret for the key; the current one keeps working for `overlap_seconds`
    (an earlier rotation's previous secret stops at once). Returns the new full key."""
    now = _now()
    if not _usable(key, now):
        raise ApiKeyInactive("A revoked or expired key cannot be rotated; issue a new one.")
    secret = tokens.new_secret()
    key.previous_secret_hash = key.secret_hash if overlap_seconds else None
    key.previous_valid_until = now + timedelta(seconds=overlap_seconds) if overlap_seconds else None
    key.secret_hash = tokens.digest(secret)
    await session.flush()
    return tokens.compose(key.public_id, secret)


async def revoke(session: AsyncSession, key: ApiKey) -> ApiKey:
    """Refused from the next request on (idempotent: a second revoke keeps the first time)."""
    if key.revoked_at is None:
        key.revoked_at = _now()
        await session.flush()
    return key


def _secret_matches(key: ApiKey, secret: str, now: datetime) -> bool:
    current = tokens.matches(secret, key.secret_hash)
    previous = tokens.matches(secret, key.previous_secret_hash)
    in_overlap = key.previous_valid_until is not None and key.previous_valid_until > now
    return current or (previous and in_overlap)


async def authenticate(session: AsyncSession, token: str) -> ApiKey:
    """The key a bearer token names, if its secret matches and it is neither revoked nor
    expired; otherwise a 401 problem saying which."""
    parts = tokens.parse(token)
    if parts is None:
        raise InvalidApiKey("The API key is malformed.")
    key = await session.scalar(select(ApiKey).where(ApiKey.public_id == parts.public_id))
    now = _now()
    if key is None or not _secret_matches(key, parts.secret, now):
        raise InvalidApiKey("The API key is not valid.")
    if key.revoked_at is not None:
        raise RevokedApiKey("The API key has been revoked.")
    if key.expires_at is not None and key.expires_at <= now:
        raise ExpiredApiKey("The API key has expired.")
    return key


async def count_request(redis: Redis, key: ApiKey, limit: int) -> None:
    """One request against the key's per-minute budget; 429 past `limit`."""
    await ratelimit.hit(
        redis, f"ratelimit:api-key:{key.id}", limit=limit, window_seconds=RATE_WINDOW_SECONDS
    )


async def mark_used(
    redis: Redis, sessionmaker: async_sessionmaker[AsyncSession], key: ApiKey
) -> None:
    """Record the key's last use, at most once a minute (a Redis marker throttles it), in its
    own transaction: a use counts even when the request it authenticated fails."""
    marker = f"api-key:used:{key.id}"
    if not await redis.set(marker, 1, ex=LAST_USED_RESOLUTION_SECONDS, nx=True):
        return
    async with sessionmaker() as session, session.begin():
        await session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=_now()))
