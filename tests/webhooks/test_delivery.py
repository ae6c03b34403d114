"""Deliveries to a real local receiver: signed per Standard Webhooks, retried with one
webhook-id, none lost while the receiver is down, redelivered on demand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import shopper, stocked_item
from tests.webhooks.helpers import attempts, deliveries, subscribe, travel
from tests.webhooks.receiver import Receiver

RunJobs = Callable[[], Awaitable[int]]


async def _place_orders(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, count: int = 1
) -> list[str]:
    ann = await shopper(client, stores, settings)
    numbers = []
    for _ in range(count):
        await ann.add(await stocked_item(stores, on_hand=5))
        response = await ann.order()
        assert response.status_code == 201, response.text
        numbers.append(response.json()["number"])
    return numbers


async def test_signature_verifies_with_the_reference_implementation(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    subscription = await subscribe(client, admin, receiver.url, "order.created")
    (number,) = await _place_orders(client, stores, settings)
    await run_jobs()
    (request,) = receiver.received
    verified = Webhook(subscription["secret"]).verify(request.body, request.headers)
    assert verified["type"] == "order.created"
    assert verified["data"]["number"] == number
    assert set(verified) == {"type", "timestamp", "data"}
    assert request.headers["webhook-signature"].startswith("v1,")
    tampered = request.body.replace(number.encode(), b"GD-9999999")
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription["secret"]).verify(tampered, request.headers)


async def test_retries_keep_one_webhook_id_so_a_deduplicating_receiver_sees_one_event(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    await subscribe(client, admin, receiver.url, "order.created")
    receiver.answers = [500, 503]
    await _place_orders(client, stores, settings)
    await run_jobs()
    await travel(stores, timedelta(minutes=2))  # the first retry waits about a minute
    await run_jobs()
    await travel(stores, timedelta(minutes=6))  # the second about five
    await run_jobs()
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len(receiver.deduplicated()) == 1
    (delivery,) = await deliveries(stores)
    assert delivery.status == "delivered"
    logged = await attempts(client, admin, delivery.id)
    assert [a["status_code"] for a in logged] == [500, 503, 200]
    assert all(a["latency_ms"] >= 0 for a in logged)
    assert [a["error"] for a in logged] == ["HTTP 500", "HTTP 503", None]


async def test_a_receiver_down_for_a_while_gets_every_event_afterwards(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    await subscribe(client, admin, receiver.url, "order.created")
    await receiver.stop()
    numbers = await _place_orders(client, stores, settings, count=4)
    await run_jobs()
    await travel(stores, timedelta(minutes=2))
    await run_jobs()  # still down: a second failed attempt for each
    assert all(d.status == "pending" and d.attempts == 2 for d in await deliveries(stores))
    await receiver.start()
    await travel(stores, timedelta(minutes=6))
    await run_jobs()
    received = sorted(r.event["data"]["number"] for r in receiver.deduplicated().values())
    assert received == sorted(numbers)
    assert all(d.status == "delivered" for d in await deliveries(stores))
    first = (await deliveries(stores))[0]
    errors = [a["error"] for a in await attempts(client, admin, first.id)]
    assert errors[0].startswith("ConnectError")
    assert errors[-1] is None


async def test_manual_redelivery_sends_again_with_the_same_webhook_id(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    await subscribe(client, admin, receiver.url, "order.created")
    await _place_orders(client, stores, settings)
    await run_jobs()
    (delivery,) = await deliveries(stores)
    response = await client.post(
        f"/api/v1/admin/webhook-deliveries/{delivery.id}/redeliver", headers=admin
    )
    assert response.status_code == 202
    assert response.json()["webhook_id"] == receiver.received[0].headers["webhook-id"]
    await run_jobs()
    assert len(receiver.received) == 2
    assert len(receiver.deduplicated()) == 1
    logged = await attempts(client, admin, delivery.id)
    assert [(a["status_code"], a["manual"]) for a in logged] == [(200, False), (200, True)]


async def test_redelivering_an_unknown_delivery_is_404(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/admin/webhook-deliveries/00000000-0000-0000-0000-000000000000/redeliver",
        headers=admin,
    )
    assert response.status_code == 404
    assert response.json()["type"].endswith("/webhook-delivery-not-found")
