"""The webhook tests' shop: the API client, the stores, an admin, a receiver, the worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, text

from garderobe.infra.stores import Stores
from garderobe.outbox.models import OutboxMessage
from garderobe.settings import Settings
from garderobe.webhooks import delivery
from garderobe.webhooks.events import EVENT_TOPIC
from garderobe.webhooks.models import WebhookDelivery
from tests.commerce.helpers import Shopper, shopper, stocked_item
from tests.webhooks.receiver import Receiver


@dataclass
class Hooks:
    client: httpx.AsyncClient
    stores: Stores
    settings: Settings
    admin: dict[str, str]
    receiver: Receiver
    run_jobs: Callable[[], Awaitable[int]]

    async def subscribe(self, *event_types: str, url: str | None = None) -> dict[str, Any]:
        """A subscription of the receiver (or `url`) to `event_types`, made by the admin."""
        response = await self.client.post(
            "/api/v1/admin/webhooks",
            headers=self.admin,
            json={"url": url or self.receiver.url, "event_types": list(event_types)},
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def shopper(self) -> Shopper:
        return await shopper(self.client, self.stores, self.settings)

    async def place_orders(self, count: int = 1) -> list[str]:
        """`count` orders of one shopper, one item each; their numbers."""
        ann = await self.shopper()
        numbers = []
        for _ in range(count):
            await ann.add(await stocked_item(self.stores, on_hand=5))
            response = await ann.order()
            assert response.status_code == 201, response.text
            numbers.append(response.json()["number"])
        return numbers

    async def fanned_out(self) -> WebhookDelivery:
        """The one event in the outbox fanned out as the worker would, without sending:
        its one delivery, for a test to send under settings of its own."""
        async with self.stores.sessionmaker() as session:
            (message,) = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.topic == EVENT_TOPIC)
            )
        await delivery.fan_out({"stores": self.stores}, message.payload)
        (pending,) = await self.deliveries()
        return pending

    async def travel(self, delta: timedelta) -> None:
        """Move the webhook clocks `delta` into the past, as if that much time had gone by:
        the retries scheduled within it fall due, the failure clock runs on."""
        async with self.stores.sessionmaker() as session, session.begin():
            for table, column in (
                ("webhook_deliveries", "next_attempt_at"),
                ("webhook_subscriptions", "failing_since"),
            ):
                # Both names come from the tuple above, never from input.
                statement = f"UPDATE {table} SET {column} = {column} - make_interval(secs => :s)"  # noqa: S608
                await session.execute(text(statement), {"s": delta.total_seconds()})

    async def deliveries(self) -> list[WebhookDelivery]:
        async with self.stores.sessionmaker() as session:
            query = select(WebhookDelivery).order_by(WebhookDelivery.created_at)
            return list(await session.scalars(query))

    async def attempts(self, delivery_id: object) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/api/v1/admin/webhook-deliveries/{delivery_id}/attempts", headers=self.admin
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items
