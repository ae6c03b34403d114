"""Shoppers with carts and addresses, and items with stock, for the commerce tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from garderobe.accounts import addresses
from garderobe.catalog.documents import Item
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.stock.models import Stock
from tests.factories import auth_headers, create_item, create_user, stock_items

ADDRESS = {
    "recipient": "Ann Smith",
    "line1": "1 Main St",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


async def stocked_item(stores: Stores, on_hand: int | list[int] = 1, **fields: Any) -> Item:
    """An item with stock rows: `on_hand` units of each variant (or one number each)."""
    item = await create_item(**fields)
    await stock_items(stores, item, on_hand=on_hand)
    return item


async def stock_of(stores: Stores, item: Item, variant_id: str | None = None) -> Stock:
    """The stock row of the item's variant (its first without `variant_id`)."""
    async with stores.sessionmaker() as session:
        row = await session.get(Stock, variant_id or item.sellable_variants()[0].id)
        assert row is not None
        return row


class Shopper:
    """A confirmed customer with a default address, talking to the API."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        headers: dict[str, str],
        user_id: uuid.UUID,
        address_id: uuid.UUID,
    ) -> None:
        self.client, self.headers, self.user_id, self.address_id = (
            client,
            headers,
            user_id,
            address_id,
        )
        self.orders: list[str] = []  # ids of the orders a test placed, for it to come back to

    async def add(
        self, item: Item, quantity: int = 1, variant_id: str | None = None
    ) -> httpx.Response:
        body: dict[str, Any] = {"item_id": str(item.id), "quantity": quantity}
        if variant_id is not None:
            body["variant_id"] = variant_id
        return await self.client.post("/api/v1/cart/items", headers=self.headers, json=body)

    async def order(self, key: str | None = None) -> httpx.Response:
        headers = {**self.headers, "Idempotency-Key": key or uuid.uuid4().hex}
        return await self.client.post(
            "/api/v1/orders", headers=headers, json={"address_id": str(self.address_id)}
        )


async def shopper(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    *,
    confirmed: bool = True,
    **user: Any,
) -> Shopper:
    account = await create_user(stores.sessionmaker, confirmed=confirmed, **user)
    async with stores.sessionmaker() as session, session.begin():
        address = await addresses.create_address(session, account.id, dict(ADDRESS))
    return Shopper(client, auth_headers(settings, account), account.id, address.id)
