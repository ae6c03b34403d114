"""Which shop changes become which events, each delivered to the subscriptions naming it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.catalog import helpers as catalog
from tests.commerce.helpers import shopper, stocked_item
from tests.reviews.helpers import buyer, listed_item, review
from tests.webhooks.helpers import subscribe
from tests.webhooks.receiver import Receiver

RunJobs = Callable[[], Awaitable[int]]
ORDER_EVENTS = ("order.created", "order.paid", "order.shipped", "order.delivered")
STOCK_EVENTS = ("item.sold_out", "item.back_in_stock", "stock.low")


def _types(receiver: Receiver) -> list[str]:
    return [request.event["type"] for request in receiver.deduplicated().values()]


async def test_an_order_tells_its_life_and_the_stock_it_moves(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    await subscribe(client, admin, receiver.url, *ORDER_EVENTS, *STOCK_EVENTS)
    ann = await shopper(client, stores, settings)
    few = await stocked_item(stores, on_hand=settings.webhook_stock_low_threshold + 1)
    await ann.add(few)
    order = (await ann.order()).json()
    pay = {"card_number": "4242424242424242"}
    assert (
        await client.post(f"/api/v1/orders/{order['id']}/pay", headers=ann.headers, json=pay)
    ).status_code == 200
    for step in ("shipped", "delivered"):
        url = f"/api/v1/orders/{order['id']}/status"
        assert (await client.patch(url, headers=admin, json={"status": step})).status_code == 200
    await run_jobs()
    assert sorted(_types(receiver)) == sorted([*ORDER_EVENTS, "stock.low"])
    low = next(r.event for r in receiver.received if r.event["type"] == "stock.low")
    assert low["data"]["item_id"] == str(few.id)
    assert low["data"]["available"] == settings.webhook_stock_low_threshold


async def test_the_last_unit_sold_then_given_back(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    await subscribe(client, admin, receiver.url, "order.cancelled", *STOCK_EVENTS)
    ann = await shopper(client, stores, settings)
    item = await stocked_item(stores, on_hand=1)
    await ann.add(item)
    order = (await ann.order()).json()
    assert (
        await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=ann.headers)
    ).status_code == 200
    await run_jobs()
    assert sorted(_types(receiver)) == ["item.back_in_stock", "item.sold_out", "order.cancelled"]
    assert {r.event["data"].get("item_id") for r in receiver.received[:2]} == {str(item.id)}


async def test_item_writes_are_events(
    client: httpx.AsyncClient,
    stores: Stores,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    await loading.load_file()
    await subscribe(client, admin, receiver.url, "item.created", "item.updated")
    item = await catalog.create(client, admin)
    headers = {**admin, "If-Match": catalog.etag(item, 1)}
    patched = await client.patch(
        f"/api/v1/items/{item['id']}", headers=headers, json={"title": "Worn once"}
    )
    assert patched.status_code == 200, patched.text
    await run_jobs()
    events = sorted((r.event["type"], r.event["data"]["revision"]) for r in receiver.received)
    assert events == [("item.created", 1), ("item.updated", 2)]
    assert {r.event["data"]["item_id"] for r in receiver.received} == {item["id"]}


async def test_a_published_review_is_an_event(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    admin: dict[str, str],
    receiver: Receiver,
    run_jobs: RunJobs,
) -> None:
    await subscribe(client, admin, receiver.url, "review.published")
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, admin, item)
    written = await review(client, ann, item, 4, title="Soft", body="Fits well")
    assert written.status_code == 201, written.text
    await run_jobs()
    (request,) = receiver.received
    assert request.event["type"] == "review.published"
    assert request.event["data"] == {
        "review_id": written.json()["id"],
        "item_id": str(item.id),
        "rating": 4,
        "title": "Soft",
        "body": "Fits well",
    }
