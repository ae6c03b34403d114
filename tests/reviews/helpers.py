"""Buyers whose orders reached a given status, and items they can review, through the API."""

from __future__ import annotations

from typing import Any

import httpx

from garderobe.accounts.models import Role
from garderobe.catalog.documents import Item
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import Shopper, shopper
from tests.factories import auth_headers, create_listed_item, create_user

STEPS = {"pending_payment": [], "paid": [], "shipped": ["shipped"]}
STEPS["delivered"] = ["shipped", "delivered"]
STEPS["cancelled"] = ["cancelled"]


async def admin_headers(stores: Stores, settings: Settings) -> dict[str, str]:
    return auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))


async def listed_item(stores: Stores, on_hand: int = 5, **fields: Any) -> Item:
    """An active item in MongoDB, the read index and stock."""
    return await create_listed_item(stores, on_hand=on_hand, **fields)


async def buyer(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    item: Item,
    status: str = "delivered",
    **user: Any,
) -> Shopper:
    """A shopper whose order of `item` is at `status` (placed, paid and moved by an admin)."""
    who = await shopper(client, stores, settings, **user)
    assert (await who.add(item)).status_code in (200, 201)
    order = (await who.order()).json()
    if status != "pending_payment":
        paid = await client.post(
            f"/api/v1/orders/{order['id']}/pay",
            headers=who.headers,
            json={"card_number": "4242424242424242"},
        )
        assert paid.status_code == 200, paid.text
    for step in STEPS[status]:
        moved = await client.patch(
            f"/api/v1/orders/{order['id']}/status", headers=admin, json={"status": step}
        )
        assert moved.status_code == 200, moved.text
    return who


async def review(
    client: httpx.AsyncClient, who: Shopper, item: Item, rating: int, **text: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/items/{item.id}/reviews", headers=who.headers, json={"rating": rating, **text}
    )
