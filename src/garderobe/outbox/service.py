"""Write outbox rows, hand them to arq, and process them exactly once per row."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from arq.connections import ArqRedis
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe.infra import jobs
from garderobe.infra.postgres import utcnow
from garderobe.observability import tracing
from garderobe.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

PROCESS_JOB = "process_outbox_message"
MAX_ATTEMPTS = 20
PENDING_KEY = "garderobe.outbox.pending"

Handler = Callable[[dict[str, Any], dict[str, Any]], Awaitable[None]]
"""A handler gets the job context (stores, settings) and the row's payload."""


def add(session: AsyncSession, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Record a side effect in the caller's transaction; it happens only if that commits.

    The id is remembered on the session so the unit of work can enqueue it after commit.
    """
    message = OutboxMessage(
        id=uuid.uuid4(),
        topic=topic,
        payload=payload,
        created_at=utcnow(),
        traceparent=tracing.current_traceparent(),
    )
    session.add(message)
    session.info.setdefault(PENDING_KEY, []).append(message.id)
    return message


def take_pending(session: AsyncSession) -> list[uuid.UUID]:
    """The outbox ids added in this session since the last call."""
    pending: list[uuid.UUID] = session.info.pop(PENDING_KEY, [])
    return pending


async def enqueue(queue: ArqRedis, message_ids: list[uuid.UUID]) -> None:
    """Best-effort fast path right after commit; the scheduled requeue is the guarantee."""
    for message_id in message_ids:
        try:
            await jobs.enqueue(queue, PROCESS_JOB, str(message_id), job_id=f"outbox:{message_id}")
        except Exception:
            log.warning(
                "could not enqueue outbox message %s; the requeue job will",
                message_id,
                exc_info=True,
            )


async def process(
    sessionmaker: async_sessionmaker[AsyncSession],
    message_id: uuid.UUID,
    handlers: Mapping[str, Handler],
    ctx: dict[str, Any],
) -> bool:
    """Run the handler of one row unless it already ran. Returns True when it ran now.

    The row stays locked while its handler runs, so two deliveries of the same job
    cannot both carry it out.
    """
    async with sessionmaker() as session, session.begin():
        message = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .with_for_update(skip_locked=True)
        )
        if message is None or message.processed_at is not None:
            return False
        handler = handlers.get(message.topic)
        if handler is None:
            message.last_error = f"no handler for topic {message.topic!r}"
            return False
        message.attempts += 1
        try:
            with tracing.tracer().start_as_current_span(
                f"outbox {message.topic}",
                links=tracing.link_to(message.traceparent),
                attributes={"outbox.id": str(message.id), "outbox.attempt": message.attempts},
            ):
                await handler(ctx, {**message.payload, "outbox_id": str(message.id)})
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("outbox %s (%s) failed: %s", message.id, message.topic, exc)
            return False
        message.processed_at = utcnow()
        message.last_error = None
        return True


async def requeue_stale(
    sessionmaker: async_sessionmaker[AsyncSession],
    queue: ArqRedis,
    *,
    older_than: timedelta,
    limit: int = 500,
) -> int:
    """Enqueue again the rows never enqueued, or enqueued long ago and still not processed."""
    cutoff = utcnow() - older_than
    async with sessionmaker() as session, session.begin():
        rows = (
            await session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.processed_at.is_(None),
                    OutboxMessage.attempts < MAX_ATTEMPTS,
                    # Untouched rows get the same grace as enqueued ones: the fast path
                    # after commit is probably handling them right now.
                    func.coalesce(OutboxMessage.enqueued_at, OutboxMessage.created_at) < cutoff,
                )
                .order_by(OutboxMessage.created_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if rows:
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(rows)).values(enqueued_at=utcnow())
            )
    for message_id in rows:
        # A fresh job id per requeue: arq keeps the result of a finished job under its id
        # and would refuse to queue the same id again.
        await jobs.enqueue(
            queue,
            PROCESS_JOB,
            str(message_id),
            job_id=f"outbox:{message_id}:{uuid.uuid4().hex[:8]}",
        )
    return len(rows)


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many rows wait to be processed, and when the oldest of them was written."""
    row = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.processed_at.is_(None)
            )
        )
    ).one()
    return int(row[0]), row[1]
