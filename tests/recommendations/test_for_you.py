"""GET /api/v1/users/me/recommendations: from what the shopper viewed, holds and ordered."""

from __future__ import annotations

import httpx

from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import shopper
from tests.recommendations.helpers import JEANS, ids, listed, order, recompute

ME = "/api/v1/users/me/recommendations"


async def test_viewed_items_bring_their_category_first(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    jeans = [await listed(stores, JEANS, title=f"Jeans {n}") for n in range(3)]
    shirts = [await listed(stores, title=f"Shirt {n}") for n in range(3)]
    ann = await shopper(client, stores, settings)
    before = ids(await client.get(ME, headers=ann.headers))
    assert set(before) == {str(i.id) for i in jeans + shirts}  # the newest, with no history

    viewed = await client.get(f"/api/v1/items/{jeans[0].id}", headers=ann.headers)
    assert viewed.status_code == 200

    after = ids(await client.get(ME, headers=ann.headers))
    assert str(jeans[0].id) not in after
    assert set(after[:2]) == {str(jeans[1].id), str(jeans[2].id)}
    assert set(after[2:]) == {str(i.id) for i in shirts}


async def test_a_view_served_from_the_cache_still_counts(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    viewed, other = await listed(stores, JEANS), await listed(stores, JEANS)
    await listed(stores)
    assert (await client.get(f"/api/v1/items/{viewed.id}")).status_code == 200  # now cached
    ann = await shopper(client, stores, settings)

    again = await client.get(f"/api/v1/items/{viewed.id}", headers=ann.headers)

    assert again.headers["x-cache"] == "hit"
    assert ids(await client.get(ME, headers=ann.headers))[0] == str(other.id)


async def test_items_bought_with_the_shoppers_orders_come_first_and_sold_ones_never(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    shirt, partner = await listed(stores), await listed(stores, JEANS)
    sold = await listed(stores, JEANS, status="sold")
    newer = [await listed(stores, title=f"Newer {n}") for n in range(3)]
    await order(await shopper(client, stores, settings), shirt, partner, paid=True)
    await recompute(stores)
    ann = await shopper(client, stores, settings)
    await order(ann, shirt, paid=True)

    found = ids(await client.get(ME, headers=ann.headers))

    assert found[0] == str(partner.id)
    assert str(shirt.id) not in found
    assert str(sold.id) not in found
    assert {str(i.id) for i in newer} <= set(found)


async def test_the_row_follows_the_cart(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    shirt, jeans = await listed(stores), await listed(stores, JEANS)
    ann = await shopper(client, stores, settings)
    assert set(ids(await client.get(ME, headers=ann.headers))) == {str(shirt.id), str(jeans.id)}

    assert (await ann.add(shirt)).status_code == 201

    assert ids(await client.get(ME, headers=ann.headers)) == [str(jeans.id)]


async def test_recommendations_need_a_login(client: httpx.AsyncClient, stores: Stores) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
