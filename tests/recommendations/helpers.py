"""Listed items with stock, paid and unpaid orders, the co-purchase job, for the
recommendation tests."""

from __future__ import annotations

from typing import Any

import httpx

from garderobe.catalog.documents import Item
from garderobe.infra.stores import Stores
from garderobe.recommendations.jobs import recompute_co_purchases
from tests.commerce.helpers import Shopper, stocked_item
from tests.factories import index_items

TEST_CARD = "4242424242424242"
TSHIRTS = ["clothes", "tops", "t-shirts"]
JEANS = ["clothes", "bottoms", "jeans"]


async def listed(stores: Stores, category_path: list[str] = TSHIRTS, **fields: Any) -> Item:
    """An active item in MongoDB, the read index and the stock table (5 units: buying one
    never sells it out)."""
    item = await stocked_item(
        stores, 5, category=category_path[-1], category_path=category_path, **fields
    )
    await index_items(stores, item)
    return item


async def order(shopper: Shopper, *items: Item, paid: bool) -> dict[str, Any]:
    """One order of `items`, paid with the test card or left unpaid."""
    for item in items:
        assert (await shopper.add(item)).status_code == 201
    placed = await shopper.order()
    assert placed.status_code == 201, placed.text
    body: dict[str, Any] = placed.json()
    if paid:
        response = await shopper.client.post(
            f"/api/v1/orders/{body['id']}/pay",
            headers=shopper.headers,
            json={"card_number": TEST_CARD},
        )
        assert response.json()["approved"] is True, response.text
    return body


async def recompute(stores: Stores) -> int:
    """The scheduled job, run as the worker runs it."""
    return await recompute_co_purchases({"stores": stores})


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]
