"""Webhook subscriptions and their deliveries, as the admins manage them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.errors import InvalidInput, NotFound
from garderobe.infra.postgres import utcnow
from garderobe.outbox import service as outbox
from garderobe.pagination import decode_newest_first, encode_newest_first
from garderobe.settings import Settings
from garderobe.webhooks import events, signing
from garderobe.webhooks.jobs import REDELIVER_TOPIC
from garderobe.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from garderobe.webhooks.schemas import SubscriptionIn, SubscriptionPatch

MAX_SUBSCRIPTIONS_LISTED = 200


class SubscriptionNotFound(NotFound):
    slug = "webhook-subscription-not-found"
    title = "Webhook subscription not found"


class DeliveryNotFound(NotFound):
    slug = "webhook-delivery-not-found"
    title = "Webhook delivery not found"


class InsecureWebhookUrl(InvalidInput):
    slug = "webhook-url-not-https"
    title = "Webhook URL must use HTTPS"


def check_url(settings: Settings, url: str) -> str:
    """The URL if this environment may send to it: HTTPS, or plain HTTP in development and
    test (where receivers run on the developer's machine)."""
    if not url.startswith("https://") and settings.environment not in ("development", "test"):
        raise InsecureWebhookUrl("Webhook URLs must start with https://.")
    return url


async def create_subscription(
    session: AsyncSession, settings: Settings, body: SubscriptionIn
) -> WebhookSubscription:
    """A new subscription with a fresh signing secret (the caller shows it once)."""
    subscription = WebhookSubscription(
        id=uuid.uuid4(),
        url=check_url(settings, str(body.url)),
        event_types=sorted(set(body.event_types)),
        description=body.description,
        secret=signing.new_secret(),
        active=body.active,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    session.add(subscription)
    events.subscriptions_changed(session)
    await session.flush()
    return subscription


async def list_subscriptions(session: AsyncSession) -> list[WebhookSubscription]:
    return list(
        await session.scalars(
            select(WebhookSubscription)
            .order_by(WebhookSubscription.created_at.desc(), WebhookSubscription.id)
            .limit(MAX_SUBSCRIPTIONS_LISTED)
        )
    )


async def get_subscription(
    session: AsyncSession, subscription_id: uuid.UUID, *, for_update: bool = False
) -> WebhookSubscription:
    subscription = await session.get(
        WebhookSubscription, subscription_id, with_for_update=for_update
    )
    if subscription is None:
        raise SubscriptionNotFound(f"No webhook subscription {subscription_id}.")
    return subscription


async def update_subscription(
    session: AsyncSession, settings: Settings, subscription_id: uuid.UUID, body: SubscriptionPatch
) -> WebhookSubscription:
    """Change the given fields. Turned active again, a subscription starts afresh: its
    failure clock is reset and its waiting deliveries are due now."""
    subscription = await get_subscription(session, subscription_id, for_update=True)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude_none=True)
    if "url" in changes:
        subscription.url = check_url(settings, str(body.url))
    if "event_types" in changes:
        subscription.event_types = sorted(set(changes["event_types"]))
    if "description" in changes:
        subscription.description = changes["description"]
    if changes.get("active") is True and not subscription.active:
        await _resume(session, subscription)
    elif changes.get("active") is False:
        subscription.active = False
    subscription.updated_at = utcnow()
    events.subscriptions_changed(session)
    await session.flush()
    return subscription


async def _resume(session: AsyncSession, subscription: WebhookSubscription) -> None:
    subscription.active = True
    subscription.failing_since = None
    subscription.disabled_at = None
    await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
        .values(next_attempt_at=utcnow())
    )


async def delete_subscription(session: AsyncSession, subscription_id: uuid.UUID) -> None:
    """The subscription goes with its deliveries and their attempts."""
    await session.delete(await get_subscription(session, subscription_id))
    events.subscriptions_changed(session)
    await session.flush()


async def deliveries(
    session: AsyncSession,
    subscription_id: uuid.UUID,
    status: DeliveryStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[WebhookDelivery], str | None]:
    """The subscription's deliveries, newest first, keyset paged on (created_at, id)."""
    await get_subscription(session, subscription_id)
    order = (WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(*order)
        .limit(limit + 1)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if cursor:
        key = tuple_(WebhookDelivery.created_at, WebhookDelivery.id)
        query = query.where(key < tuple_(*decode_newest_first(cursor)))
    rows = list(await session.scalars(query))
    last = rows[limit - 1] if len(rows) > limit else None
    return rows[:limit], encode_newest_first(last.created_at, last.id) if last else None


async def get_delivery(session: AsyncSession, delivery_id: uuid.UUID) -> WebhookDelivery:
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise DeliveryNotFound(f"No webhook delivery {delivery_id}.")
    return delivery


async def attempts(session: AsyncSession, delivery_id: uuid.UUID) -> list[WebhookAttempt]:
    """Every attempt of the delivery, oldest first."""
    await get_delivery(session, delivery_id)
    return list(
        await session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
        )
    )


async def redeliver(session: AsyncSession, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send the delivery again once this commits (same `webhook-id`), whatever its status;
    a failure starts the retry schedule afresh."""
    delivery = await get_delivery(session, delivery_id)
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    outbox.add(session, REDELIVER_TOPIC, {"delivery_id": str(delivery.id)})
    await session.flush()
    return delivery
