"""Deliveries to a real local receiver: signed per Standard Webhooks, retried with one
webhook-id, none lost while the receiver is down, redelivered on demand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import update
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from garderobe.webhooks import delivery
from garderobe.webhooks.jobs import prune_webhook_deliveries
from garderobe.webhooks.models import WebhookDelivery
from tests.webhooks.helpers import Hooks

RunJobs = Callable[[], Awaitable[int]]


async def test_signature_verifies_with_the_reference_implementation(hooks: Hooks) -> None:
    subscription = await hooks.subscribe("order.created")
    (number,) = await hooks.place_orders()
    await hooks.run_jobs()
    (request,) = hooks.receiver.received
    verified = Webhook(subscription["secret"]).verify(request.body, request.headers)
    assert verified["type"] == "order.created"
    assert verified["data"]["number"] == number
    assert set(verified) == {"type", "timestamp", "data"}
    assert request.headers["webhook-signature"].startswith("v1,")
    tampered = request.body.replace(number.encode(), b"GD-9999999")
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription["secret"]).verify(tampered, request.headers)


async def test_retries_keep_one_webhook_id_so_a_deduplicating_receiver_sees_one_event(
    hooks: Hooks,
) -> None:
    await hooks.subscribe("order.created")
    hooks.receiver.answers = [500, 503]
    await hooks.place_orders()
    await hooks.run_jobs()
    await hooks.travel(timedelta(minutes=2))  # the first retry waits about a minute
    await hooks.run_jobs()
    await hooks.travel(timedelta(minutes=6))  # the second about five
    await hooks.run_jobs()
    assert len(hooks.receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in hooks.receiver.received}) == 1
    assert len(hooks.receiver.deduplicated()) == 1
    (delivery,) = await hooks.deliveries()
    assert delivery.status == "delivered"
    logged = await hooks.attempts(delivery.id)
    assert [a["status_code"] for a in logged] == [500, 503, 200]
    assert all(a["latency_ms"] >= 0 for a in logged)
    assert [a["error"] for a in logged] == ["HTTP 500", "HTTP 503", None]


async def test_a_receiver_down_for_a_while_gets_every_event_afterwards(hooks: Hooks) -> None:
    await hooks.subscribe("order.created")
    await hooks.receiver.stop()
    numbers = await hooks.place_orders(count=4)
    await hooks.run_jobs()
    await hooks.travel(timedelta(minutes=2))
    await hooks.run_jobs()  # still down: a second failed attempt for each
    assert all(d.status == "pending" and d.attempts == 2 for d in await hooks.deliveries())
    await hooks.receiver.start()
    await hooks.travel(timedelta(minutes=6))
    await hooks.run_jobs()
    received = sorted(r.event["data"]["number"] for r in hooks.receiver.deduplicated().values())
    assert received == sorted(numbers)
    assert all(d.status == "delivered" for d in await hooks.deliveries())
    first = (await hooks.deliveries())[0]
    errors = [a["error"] for a in await hooks.attempts(first.id)]
    assert errors[0].startswith("ConnectError")
    assert errors[-1] is None


async def test_manual_redelivery_sends_again_with_the_same_webhook_id(hooks: Hooks) -> None:
    await hooks.subscribe("order.created")
    await hooks.place_orders()
    await hooks.run_jobs()
    (delivery,) = await hooks.deliveries()
    response = await hooks.client.post(
        f"/api/v1/admin/webhook-deliveries/{delivery.id}/redeliver", headers=hooks.admin
    )
    assert response.status_code == 202
    assert response.json()["webhook_id"] == hooks.receiver.received[0].headers["webhook-id"]
    await hooks.run_jobs()
    assert len(hooks.receiver.received) == 2
    assert len(hooks.receiver.deduplicated()) == 1
    logged = await hooks.attempts(delivery.id)
    assert [(a["status_code"], a["manual"]) for a in logged] == [(200, False), (200, True)]


async def test_redelivering_an_unknown_delivery_is_404(hooks: Hooks) -> None:
    response = await hooks.client.post(
        "/api/v1/admin/webhook-deliveries/00000000-0000-0000-0000-000000000000/redeliver",
        headers=hooks.admin,
    )
    assert response.status_code == 404
    assert response.json()["type"].endswith("/webhook-delivery-not-found")


async def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(hooks: Hooks) -> None:
    await hooks.subscribe("order.created")
    await hooks.place_orders()
    hooks.receiver.delay = 2.0
    impatient = hooks.settings.model_copy(update={"webhook_timeout_seconds": 0.3})
    pending = await hooks.fanned_out()
    assert await delivery.deliver(hooks.stores, impatient, pending.id, manual=False) is False
    (attempt,) = await hooks.attempts(pending.id)
    assert attempt["error"].startswith("ReadTimeout")
    assert attempt["status_code"] is None
    assert 300 <= attempt["latency_ms"] < 2000


async def test_finished_deliveries_are_pruned_after_the_keep_days(hooks: Hooks) -> None:
    await hooks.subscribe("order.created")
    await hooks.place_orders(2)
    await hooks.run_jobs()
    first, second = await hooks.deliveries()
    keep = timedelta(days=hooks.settings.webhook_keep_days, minutes=1)
    async with hooks.stores.sessionmaker() as session, session.begin():
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == first.id)
            .values(created_at=WebhookDelivery.created_at - keep)
        )
    ctx = {"stores": hooks.stores, "settings": hooks.settings}
    assert await prune_webhook_deliveries(ctx) == 1
    assert [d.id for d in await hooks.deliveries()] == [second.id]
    assert await prune_webhook_deliveries(ctx) == 0
