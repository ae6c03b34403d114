"""Redis: cache, token revocation, rate limits, short-lived codes (arq has its own pool)."""

from __future__ import annotations

from redis.asyncio import Redis


def create_client(url: str, *, timeout_seconds: float = 5.0) -> Redis:
    client: Redis = Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=timeout_seconds,
        socket_timeout=timeout_seconds,
        health_check_interval=30,
    )
    return client


async def ping(client: Redis) -> None:
    await client.ping()
