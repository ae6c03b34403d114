"""Subscriptions, clocks and deliveries for the webhook tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, text

from garderobe.infra.stores import Stores
from garderobe.webhooks.models import WebhookDelivery


async def subscribe(
    client: httpx.AsyncClient, admin: dict[str, str], url: str, *event_types: str
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/admin/webhooks",
        headers=admin,
        json={"url": url, "event_types": list(event_types or ["order.created"])},
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def travel(stores: Stores, delta: timedelta) -> None:
    """Move the webhook clocks `delta` into the past, as if that much time had gone by:
    the retries scheduled within it fall due, the failure clock runs on."""
    async with stores.sessionmaker() as session, session.begin():
        for table, column in (
            ("webhook_deliveries", "next_attempt_at"),
            ("webhook_subscriptions", "failing_since"),
        ):
            # Both names come from the tuple above, never from input.
            statement = f"UPDATE {table} SET {column} = {column} - make_interval(secs => :seconds)"  # noqa: S608
            await session.execute(text(statement), {"seconds": delta.total_seconds()})


async def deliveries(stores: Stores) -> list[WebhookDelivery]:
    async with stores.sessionmaker() as session:
        return list(
            await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at))
        )


async def attempts(
    client: httpx.AsyncClient, admin: dict[str, str], delivery_id: object
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/admin/webhook-deliveries/{delivery_id}/attempts", headers=admin
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
