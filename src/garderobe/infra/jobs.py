"""The arq job queue on Redis.

arq is in maintenance mode upstream, so nothing that must happen relies on an enqueue alone:
the outbox row written in the same PostgreSQL transaction is the record, the job its delivery.
"""

from __future__ import annotations

from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from garderobe.settings import Settings


def redis_settings(settings: Settings) -> RedisSettings:
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not configured")
    return RedisSettings.from_dsn(settings.redis_url)


async def create_queue(settings: Settings) -> ArqRedis:
    return await create_pool(redis_settings(settings), default_queue_name=settings.arq_queue_name)


async def enqueue(queue: ArqRedis, function: str, *args: Any, job_id: str | None = None) -> bool:
    """Enqueue a job; with a job_id, a job already queued under that id is not queued twice."""
    job = await queue.enqueue_job(function, *args, _job_id=job_id)
    return job is not None
