"""Carrying events out: one delivery per matching subscription, each sent and retried.

A delivery is claimed (its next attempt pushed past the timeout, so no second worker sends
it meanwhile), sent outside any transaction, and its attempt recorded afterwards. Failures
are retried on RETRY_DELAYS; a subscription failing continuously for
WEBHOOK_DISABLE_AFTER_HOURS is disabled and the admins are mailed.
"""

from __future__ import annotations

import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra import jobs
from garderobe.infra.postgres import utcnow
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.uow import unit_of_work
from garderobe.webhooks import notices, signing, transport
from garderobe.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

log = logging.getLogger(__name__)

DELIVER_JOB = "deliver_webhook"
# The wait after each failed attempt: the first attempt goes at once, the last of the eight
# about 27.6 hours after it (docs/webhooks.md, "Retries"). Each wait is jittered.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
JITTER = 0.1  # each wait is drawn from ±10 % of its nominal value
LEASE_MARGIN = timedelta(seconds=60)


def message_id(delivery_id: uuid.UUID) -> str:
    """The `webhook-id` of every attempt of the delivery (one event, one subscription)."""
    return f"msg_{delivery_id.hex}"


def body_of(payload: dict[str, Any]) -> bytes:
    """The JSON body sent: {type, timestamp, data}."""
    document = {"type": payload["type"], "timestamp": payload["timestamp"], "data": payload["data"]}
    return json.dumps(document, separators=(",", ":")).encode()


def next_attempt_after(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts; None once the schedule is over."""
    if attempts > len(RETRY_DELAYS):
        return None
    delay = RETRY_DELAYS[attempts - 1].total_seconds()
    return now + timedelta(seconds=delay * random.uniform(1 - JITTER, 1 + JITTER))  # noqa: S311


async def queue_deliveries(stores: Stores, delivery_ids: list[uuid.UUID]) -> None:
    """Hand deliveries to the worker; a lost enqueue is caught up by `retry_due_webhooks`."""
    for delivery_id in delivery_ids:
        # A fresh job id each time: arq refuses an id whose finished result it still keeps.
        job_id = f"webhook:{delivery_id}:{uuid.uuid4().hex[:8]}"
        await jobs.enqueue(stores.queue, DELIVER_JOB, str(delivery_id), job_id=job_id)


async def fan_out(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler of an event: one delivery per active subscription to its type, then
    their jobs. Run twice for one event (a retried outbox row), it adds none twice."""
    stores: Stores = ctx["stores"]
    async with stores.sessionmaker() as session, session.begin():
        subscribers = list(
            await session.scalars(
                select(WebhookSubscription.id).where(
                    WebhookSubscription.active.is_(True),
                    WebhookSubscription.event_types.contains([payload["type"]]),
                )
            )
        )
        if not subscribers:
            return
        rows = [_delivery_row(payload, subscription_id) for subscription_id in subscribers]
        added = list(
            await session.scalars(
                insert(WebhookDelivery)
                .values(rows)
                .on_conflict_do_nothing()
                .returning(WebhookDelivery.id)
            )
        )
    await queue_deliveries(stores, added)


def _delivery_row(payload: dict[str, Any], subscription_id: uuid.UUID) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "subscription_id": subscription_id,
        "event_id": uuid.UUID(payload["event_id"]),
        "event_type": payload["type"],
        "payload": {key: payload[key] for key in ("type", "timestamp", "data")},
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": utcnow(),
        "created_at": utcnow(),
    }


@dataclass(frozen=True)
class Claimed:
    delivery_id: uuid.UUID
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def deliver(
    stores: Stores, settings: Settings, delivery_id: uuid.UUID, *, manual: bool
) -> bool:
    """Send the delivery if it is due (`manual`: even to a disabled subscription); True
    when it arrived."""
    claimed = await _claim(stores, settings, delivery_id, manual=manual)
    if claimed is None:
        return False
    outcome = await send(settings, claimed)
    await _record(stores, settings, claimed, outcome, manual=manual)
    return outcome.ok


async def _claim(
    stores: Stores, settings: Settings, delivery_id: uuid.UUID, *, manual: bool
) -> Claimed | None:
    now = utcnow()
    async with stores.sessionmaker() as session, session.begin():
        found = (
            await session.execute(
                select(WebhookDelivery, WebhookSubscription)
                .join(WebhookSubscription)
                .where(WebhookDelivery.id == delivery_id)
                .with_for_update(of=WebhookDelivery, skip_locked=True)
            )
        ).one_or_none()
        if found is None:
            return None
        delivery, subscription = found
        due = delivery.next_attempt_at is not None and delivery.next_attempt_at <= now
        # A manual redelivery goes even to a disabled subscription; it is due at once.
        if delivery.status != DeliveryStatus.PENDING or not (
            due and (manual or subscription.active)
        ):
            return None
        lease = timedelta(seconds=settings.webhook_timeout_seconds) + LEASE_MARGIN
        delivery.next_attempt_at = now + lease
        delivery.attempts += 1
        return Claimed(
            delivery.id, subscription.url, subscription.secret, body_of(delivery.payload)
        )


async def send(settings: Settings, claimed: Claimed) -> Outcome:
    """One signed POST of the body; a refused destination, a timeout or a non-2xx answer
    is a failed attempt with its reason."""
    body = claimed.body
    headers = {
        **signing.headers(claimed.secret, message_id(claimed.delivery_id), int(time.time()), body),
        "content-type": "application/json",
        "user-agent": "garderobe-webhooks",
    }
    started = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        async with (
            transport.client(settings) as http,
            http.stream("POST", claimed.url, content=body, headers=headers) as response,
        ):
            status_code = response.status_code  # the body is not read: only the status counts
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    latency_ms = round((time.perf_counter() - started) * 1000)
    return Outcome(status_code, latency_ms, error)


async def _record(
    stores: Stores, settings: Settings, claimed: Claimed, outcome: Outcome, *, manual: bool
) -> None:
    async with unit_of_work(stores) as session:
        delivery = await session.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
        if delivery is None:  # its subscription was deleted meanwhile
            return
        subscription = await session.get(
            WebhookSubscription, delivery.subscription_id, with_for_update=True
        )
        assert subscription is not None
        session.add(
            WebhookAttempt(
                id=uuid.uuid4(),
                delivery_id=delivery.id,
                attempted_at=utcnow(),
                status_code=outcome.status_code,
                latency_ms=outcome.latency_ms,
                error=outcome.error,
                manual=manual,
            )
        )
        if outcome.ok:
            _arrived(delivery, subscription)
        else:
            await _failed(session, settings, delivery, subscription)


def _arrived(delivery: WebhookDelivery, subscription: WebhookSubscription) -> None:
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = utcnow()
    delivery.next_attempt_at = None
    subscription.failing_since = None


async def _failed(
    session: AsyncSession,
    settings: Settings,
    delivery: WebhookDelivery,
    subscription: WebhookSubscription,
) -> None:
    now = utcnow()
    delivery.next_attempt_at = next_attempt_after(delivery.attempts, now)
    if delivery.next_attempt_at is None:
        delivery.status = DeliveryStatus.FAILED
    if subscription.failing_since is None:
        subscription.failing_since = now
    failing_for = now - subscription.failing_since
    if subscription.active and failing_for >= timedelta(hours=settings.webhook_disable_after_hours):
        subscription.active = False
        subscription.disabled_at = now
        await notices.mail_disabled(session, subscription)
        log.warning(
            "webhook subscription %s disabled after failing since %s",
            subscription.id,
            subscription.failing_since,
        )
