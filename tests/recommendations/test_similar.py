"""GET /api/v1/items/{id}/similar: same leaf category, ranked by shared values and price."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import shopper
from tests.recommendations.helpers import JEANS, ids, listed, order

SLIM_POLO = {"fit": "slim", "sleeves": "short", "collar": "polo"}


async def test_similar_ranks_the_item_sharing_attributes_first(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    target = await listed(stores, attributes=SLIM_POLO, colours=["white"], price=2000)
    twin = await listed(stores, attributes=SLIM_POLO, colours=["white"], price=2200)
    other = await listed(
        stores,
        attributes={"fit": "oversized", "sleeves": "long", "collar": "crew"},
        colours=["black"],
        brand="zara",
        price=2000,
    )
    jeans = await listed(stores, JEANS, attributes={"fit": "slim"}, colours=["white"])

    found = ids(await client.get(f"/api/v1/items/{target.id}/similar"))

    assert found == [str(twin.id), str(other.id)]
    assert str(target.id) not in found
    assert str(jeans.id) not in found


async def test_closer_price_ranks_first_among_equals(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    target = await listed(stores, attributes=SLIM_POLO, price=2000)
    far = await listed(stores, attributes=SLIM_POLO, price=9000)
    near = await listed(stores, attributes=SLIM_POLO, price=2100)

    found = ids(await client.get(f"/api/v1/items/{target.id}/similar", params={"limit": 2}))

    assert found == [str(near.id), str(far.id)]


async def test_similar_leaves_out_an_item_sold_since_it_was_cached(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    target = await listed(stores, attributes=SLIM_POLO)
    twin = await listed(stores, attributes=SLIM_POLO)
    url = f"/api/v1/items/{target.id}/similar"
    assert ids(await client.get(url)) == [str(twin.id)]
    assert (await client.get(url)).headers["x-cache"] == "hit"

    buyer = await shopper(client, stores, settings)
    assert (await buyer.add(twin, 5)).status_code == 201  # every unit: it sells out
    await order(buyer, paid=True)
    await run_jobs()  # the outbox marks the sold-out item sold

    again = await client.get(url)
    assert again.headers["x-cache"] == "miss"
    assert ids(again) == []


async def test_unknown_and_inactive_items_are_404_problems(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    sold = await listed(stores, status="sold")
    for item_id in ("0" * 24, "not-an-id", str(sold.id)):
        for kind in ("similar", "bought-together"):
            response = await client.get(f"/api/v1/items/{item_id}/{kind}")
            assert response.status_code == 404, (item_id, kind)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/item-not-found")


async def test_limit_is_bounded(client: httpx.AsyncClient, stores: Stores) -> None:
    target = await listed(stores)
    url = f"/api/v1/items/{target.id}/similar"
    assert (await client.get(url, params={"limit": 51})).status_code == 422
    assert (await client.get(url, params={"limit": 0})).status_code == 422
