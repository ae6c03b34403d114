"""GET /api/v1/items/{id}/bought-together: paid co-purchases counted by the scheduled job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import shopper
from tests.recommendations.helpers import JEANS, ids, listed, order, recompute


async def test_paid_orders_count_after_the_job_and_unpaid_ones_never(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    shirt = await listed(stores)
    often = await listed(stores, JEANS, title="Jeans bought twice with it")
    once = await listed(stores, JEANS, title="Jeans bought once with it")
    unpaid = await listed(stores, JEANS, title="Jeans in an unpaid order")
    ann, bob = await shopper(client, stores, settings), await shopper(client, stores, settings)
    await order(ann, shirt, often, paid=True)
    await order(bob, shirt, often, once, paid=True)
    await order(ann, shirt, unpaid, paid=False)
    url = f"/api/v1/items/{shirt.id}/bought-together"
    assert ids(await client.get(url)) == []  # nothing counted before the job ran
    assert (await client.get(url)).headers["x-cache"] == "hit"

    assert await recompute(stores) > 0

    counted = await client.get(url)  # the job made the cached answer obsolete
    assert counted.headers["x-cache"] == "miss"
    found = ids(counted)
    assert found == [str(often.id), str(once.id)]
    assert str(shirt.id) not in found
    assert str(unpaid.id) not in found
    with_once = ids(await client.get(f"/api/v1/items/{once.id}/bought-together"))
    assert set(with_once[:2]) == {str(often.id), str(shirt.id)}  # one order each


async def test_few_co_purchases_are_topped_up_with_similar_items(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    shirt = await listed(stores, colours=["white"])
    partner = await listed(stores, JEANS)
    lookalike = await listed(stores, colours=["white"])
    await order(await shopper(client, stores, settings), shirt, partner, paid=True)
    await recompute(stores)

    found = ids(await client.get(f"/api/v1/items/{shirt.id}/bought-together"))

    assert found == [str(partner.id), str(lookalike.id)]


async def test_a_sold_partner_is_left_out(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    shirt = await listed(stores)
    partner = await listed(stores, JEANS)
    await order(await shopper(client, stores, settings), shirt, partner, paid=True)
    await recompute(stores)
    url = f"/api/v1/items/{shirt.id}/bought-together"
    assert ids(await client.get(url)) == [str(partner.id)]

    buyer = await shopper(client, stores, settings)
    assert (await buyer.add(partner, 4)).status_code == 201  # the last units
    await order(buyer, paid=True)
    await run_jobs()  # the outbox marks the sold-out partner sold

    assert ids(await client.get(url)) == []


async def test_the_job_writes_nothing_when_nothing_changed(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    shirt, jeans = await listed(stores), await listed(stores, JEANS)
    await order(await shopper(client, stores, settings), shirt, jeans, paid=True)
    assert await recompute(stores) == 4  # two pair rows, two popularity rows
    assert await recompute(stores) == 0


async def test_an_order_cancelled_after_payment_stops_counting(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    shirt, jeans = await listed(stores), await listed(stores, JEANS)
    ann = await shopper(client, stores, settings)
    placed = await order(ann, shirt, jeans, paid=True)
    await recompute(stores)
    url = f"/api/v1/items/{shirt.id}/bought-together"
    assert ids(await client.get(url)) == [str(jeans.id)]

    cancelled = await client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=ann.headers)
    assert cancelled.status_code == 200, cancelled.text
    await recompute(stores)

    assert ids(await client.get(url)) == []
