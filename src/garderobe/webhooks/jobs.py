"""The worker's side of webhooks: the delivery job, the redelivery handler, the retry scan."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from garderobe.infra.postgres import utcnow
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.webhooks import delivery
from garderobe.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

# Stored in outbox rows: the name stays while rows may be pending.
REDELIVER_TOPIC = "webhooks.redeliver"
DUE_BATCH = 500
PRUNE_BATCH = 5000


async def deliver_webhook(ctx: dict[str, Any], delivery_id: str) -> bool:
    """One attempt of a delivery, if it is still due (a duplicate job finds it claimed)."""
    return await delivery.deliver(
        ctx["stores"], ctx["settings"], uuid.UUID(delivery_id), manual=False
    )


async def redeliver(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler of an admin's redelivery: one attempt now, whatever the schedule."""
    await delivery.deliver(
        ctx["stores"], ctx["settings"], uuid.UUID(payload["delivery_id"]), manual=True
    )


async def retry_due_webhooks(ctx: dict[str, Any]) -> int:
    """Queue every delivery whose next attempt is due (retries, and lost enqueues)."""
    stores: Stores = ctx["stores"]
    async with stores.reader() as session:
        due = list(
            await session.scalars(
                select(WebhookDelivery.id)
                .join(WebhookSubscription)
                .where(
                    WebhookDelivery.status == DeliveryStatus.PENDING,
                    WebhookDelivery.next_attempt_at <= utcnow(),
                    WebhookSubscription.active.is_(True),
                )
                .order_by(WebhookDelivery.next_attempt_at)
                .limit(DUE_BATCH)
            )
        )
    await delivery.queue_deliveries(stores, due)
    if due:
        log.info("queued %d due webhook deliveries", len(due))
    return len(due)


async def prune_webhook_deliveries(ctx: dict[str, Any]) -> int:
    """Delete deliveries finished (delivered or given up) more than WEBHOOK_KEEP_DAYS ago,
    with their attempts; pending ones stay, however old. In batches, one per run."""
    stores: Stores = ctx["stores"]
    settings: Settings = ctx["settings"]
    cutoff = utcnow() - timedelta(days=settings.webhook_keep_days)
    finished = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
    async with stores.sessionmaker() as session, session.begin():
        old = (
            select(WebhookDelivery.id)
            .where(WebhookDelivery.status.in_(finished), WebhookDelivery.created_at < cutoff)
            .limit(PRUNE_BATCH)
        )
        deleted = await session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(old)))
    count = int(getattr(deleted, "rowcount", 0) or 0)
    if count:
        log.info("pruned %d finished webhook deliveries", count)
    return count
