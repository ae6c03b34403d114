"""Which shop changes become which events, each delivered to the subscriptions naming it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from garderobe.catalog.taxonomy import loading
from tests.catalog import helpers as catalog
from tests.commerce.helpers import stocked_item
from tests.reviews.helpers import buyer, listed_item, review
from tests.webhooks.helpers import Hooks
from tests.webhooks.receiver import Receiver

RunJobs = Callable[[], Awaitable[int]]
ORDER_EVENTS = ("order.created", "order.paid", "order.shipped", "order.delivered")
STOCK_EVENTS = ("item.sold_out", "item.back_in_stock", "stock.low")


def _types(receiver: Receiver) -> list[str]:
    return [request.event["type"] for request in receiver.deduplicated().values()]


async def test_an_order_tells_its_life_and_the_stock_it_moves(hooks: Hooks) -> None:
    await hooks.subscribe(*ORDER_EVENTS, *STOCK_EVENTS)
    ann = await hooks.shopper()
    few = await stocked_item(hooks.stores, on_hand=hooks.settings.webhook_stock_low_threshold + 1)
    await ann.add(few)
    order = (await ann.order()).json()
    pay = {"card_number": "4242424242424242"}
    assert (
        await hooks.client.post(f"/api/v1/orders/{order['id']}/pay", headers=ann.headers, json=pay)
    ).status_code == 200
    for step in ("shipped", "delivered"):
        url = f"/api/v1/orders/{order['id']}/status"
        assert (
            await hooks.client.patch(url, headers=hooks.admin, json={"status": step})
        ).status_code == 200
    await hooks.run_jobs()
    assert sorted(_types(hooks.receiver)) == sorted([*ORDER_EVENTS, "stock.low"])
    low = next(r.event for r in hooks.receiver.received if r.event["type"] == "stock.low")
    assert low["data"]["item_id"] == str(few.id)
    assert low["data"]["available"] == hooks.settings.webhook_stock_low_threshold


async def test_the_last_unit_sold_then_given_back(hooks: Hooks) -> None:
    await hooks.subscribe("order.cancelled", *STOCK_EVENTS)
    ann = await hooks.shopper()
    item = await stocked_item(hooks.stores, on_hand=1)
    await ann.add(item)
    order = (await ann.order()).json()
    assert (
        await hooks.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=ann.headers)
    ).status_code == 200
    await hooks.run_jobs()
    assert sorted(_types(hooks.receiver)) == [
        "item.back_in_stock",
        "item.sold_out",
        "order.cancelled",
    ]
    assert {r.event["data"].get("item_id") for r in hooks.receiver.received[:2]} == {str(item.id)}


async def test_item_writes_are_events(hooks: Hooks) -> None:
    await loading.load_file()
    await hooks.subscribe("item.created", "item.updated")
    item = await catalog.create(hooks.client, hooks.admin)
    headers = {**hooks.admin, "If-Match": catalog.etag(item, 1)}
    patched = await hooks.client.patch(
        f"/api/v1/items/{item['id']}", headers=headers, json={"title": "Worn once"}
    )
    assert patched.status_code == 200, patched.text
    await hooks.run_jobs()
    events = sorted((r.event["type"], r.event["data"]["revision"]) for r in hooks.receiver.received)
    assert events == [("item.created", 1), ("item.updated", 2)]
    assert {r.event["data"]["item_id"] for r in hooks.receiver.received} == {item["id"]}


async def test_a_published_review_is_an_event(hooks: Hooks) -> None:
    await hooks.subscribe("review.published")
    item = await listed_item(hooks.stores)
    ann = await buyer(hooks.client, hooks.stores, hooks.settings, hooks.admin, item)
    written = await review(hooks.client, ann, item, 4, title="Soft", body="Fits well")
    assert written.status_code == 201, written.text
    await hooks.run_jobs()
    (request,) = hooks.receiver.received
    assert request.event["type"] == "review.published"
    assert request.event["data"] == {
        "review_id": written.json()["id"],
        "item_id": str(item.id),
        "rating": 4,
        "title": "Soft",
        "body": "Fits well",
    }
