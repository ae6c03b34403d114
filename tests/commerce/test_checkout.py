"""Checkout: one transaction, idempotent, never oversells, all or nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from pymongo import AsyncMongoClient
from sqlalchemy import func, select

from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item, ItemImage, ItemStatus
from garderobe.commerce.models import CartItem, Order
from garderobe.infra.devstack import free_port
from garderobe.infra.mailsink import MailSink
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from garderobe.stock import service as stock
from tests.commerce.helpers import shopper, stock_of, stocked_item

RunJobs = Callable[[], Awaitable[int]]


async def _orders(stores: Stores) -> int:
    async with stores.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_order_snapshots_prices_empties_cart_and_mails(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    mail_sink: MailSink,
    run_jobs: RunJobs,
) -> None:
    ann = await shopper(client, stores, settings, email="ann@example.org")
    item = await stocked_item(stores, on_hand=3, price=2500, title="Slim jeans", size="32")
    await ann.add(item, 2)
    response = await ann.order()
    assert response.status_code == 201
    order = response.json()
    assert order["status"] == "pending_payment"
    assert order["number"].startswith("GD-")
    assert order["subtotal"] == 5000
    assert order["total"] == 5000 + settings.shipping_fee
    (variant,) = item.sellable_variants()
    assert order["items"] == [
        {
            "item_id": str(item.id),
            "variant_id": variant.id,
            "sku": variant.sku,
            "title": "Slim jeans",
            "brand": "uniqlo",
            "size": "EU 32",
            "colour": None,
            "image": None,
            "unit_price": 2500,
            "quantity": 2,
        }
    ]
    assert order["shipping_address"]["city"] == "Berlin"
    assert order["history"][0]["to_status"] == "pending_payment"
    assert (await client.get("/api/v1/cart", headers=ann.headers)).json()["lines"] == []
    row = await stock_of(stores, item)
    assert (row.on_hand, row.reserved) == (3, 2)
    # A later price change does not touch the order.
    await Item.get_pymongo_collection().update_one(
        {"_id": item.id}, {"$set": {"price.amount": 9999}}
    )
    again = await client.get(f"/api/v1/orders/{order['id']}", headers=ann.headers)
    assert again.json()["items"][0]["unit_price"] == 2500
    await run_jobs()
    assert any(order["number"] in m.subject for m in mail_sink.to("ann@example.org"))


async def test_same_key_returns_the_same_order_and_another_body_is_422(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    await ann.add(await stocked_item(stores))
    first = await ann.order(key="k-1")
    again = await ann.order(key="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    other = await client.post(
        "/api/v1/orders",
        headers={**ann.headers, "Idempotency-Key": "k-1"},
        json={"address_id": str(uuid.uuid4())},
    )
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")


async def test_twenty_concurrent_retries_of_one_key_make_one_order(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    await ann.add(await stocked_item(stores))
    responses = await asyncio.gather(*(ann.order(key="same-key") for _ in range(20)))
    assert {r.status_code for r in responses} <= {200, 201, 409}
    ids = {r.json()["id"] for r in responses if r.status_code in (200, 201)}
    assert len(ids) == 1
    assert [r.status_code for r in responses].count(201) == 1
    assert await _orders(stores) == 1


async def test_fifty_buyers_racing_for_five_units_never_oversell(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await stocked_item(stores, on_hand=5)
    buyers = [await shopper(client, stores, settings) for _ in range(50)]
    for buyer in buyers:
        async with stores.sessionmaker() as session, session.begin():
            from garderobe.commerce import cart as carts

            cart = await carts.get_or_create_cart(session, carts.Shopper(buyer.user_id))
            session.add(
                CartItem(
                    id=uuid.uuid4(),
                    cart_id=cart.id,
                    item_id=str(item.id),
                    variant_id=_only(item),
                    quantity=1,
                )
            )
    responses = await asyncio.gather(*(buyer.order() for buyer in buyers))
    codes = [r.status_code for r in responses]
    assert codes.count(201) == 5
    assert codes.count(409) == 45
    row = await stock_of(stores, item)
    assert row.on_hand - row.reserved == 0
    assert row.reserved == 5
    assert await _orders(stores) == 5


async def test_unconfirmed_email_cannot_order(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    eve = await shopper(client, stores, settings, confirmed=False)
    assert (await eve.add(await stocked_item(stores))).status_code == 201  # carts are fine
    response = await eve.order()
    assert response.status_code == 403
    assert response.json()["type"].endswith("/email-not-confirmed")


async def test_missing_key_empty_cart_and_sold_item_are_refused(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    no_key = await client.post(
        "/api/v1/orders", headers=ann.headers, json={"address_id": str(ann.address_id)}
    )
    assert no_key.status_code == 428
    assert (await ann.order()).json()["type"].endswith("/cart-empty")
    item = await stocked_item(stores)
    await ann.add(item)
    await Item.get_pymongo_collection().update_one(
        {"_id": item.id}, {"$set": {"status": ItemStatus.ARCHIVED.value}}
    )
    gone = await ann.order()
    assert gone.status_code == 409
    assert gone.json()["type"].endswith("/item-unavailable")
    assert (await stock_of(stores, item)).reserved == 0


async def test_catalog_unreachable_is_503_and_changes_nothing(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ann = await shopper(client, stores, settings)
    item = await stocked_item(stores, on_hand=2)
    await ann.add(item)
    dead = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port()}", serverSelectionTimeoutMS=300)

    async def unreachable(ids: list[str]) -> dict[str, Item]:
        # A real client against a closed port: the driver's own failure, not a fake one.
        await dead["garderobe"]["items"].find_one({"_id": {"$in": ids}})
        return {}

    monkeypatch.setattr(catalog, "get_items", unreachable)
    response = await ann.order()
    assert response.status_code == 503
    assert response.json()["type"].endswith("/service-unavailable")
    assert await _orders(stores) == 0
    row = await stock_of(stores, item)
    assert (row.on_hand, row.reserved) == (2, 0)
    monkeypatch.undo()
    cart = (await client.get("/api/v1/cart", headers=ann.headers)).json()
    assert len(cart["lines"]) == 1  # the cart was not emptied either
    await dead.close()


async def test_last_unit_sold_marks_the_item_sold_through_the_outbox(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, run_jobs: RunJobs
) -> None:
    ann = await shopper(client, stores, settings)
    item = await stocked_item(stores, on_hand=1)
    await ann.add(item)
    assert (await ann.order()).status_code == 201
    await run_jobs()
    refreshed = await Item.get(item.id)
    assert refreshed is not None
    assert refreshed.status is ItemStatus.SOLD


async def test_the_order_line_keeps_the_key_of_the_items_first_image(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    images = [
        ItemImage(
            id=name * 64,
            key=f"items/{name}.jpg",
            content_type="image/jpeg",
            width=10,
            height=10,
            size_bytes=100,
        )
        for name in ("a", "b")
    ]
    await ann.add(await stocked_item(stores, images=images))
    order = (await ann.order()).json()
    assert order["items"][0]["image"] == "items/a.jpg"


async def test_an_item_gone_from_the_catalog_is_named_in_the_refusal(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    item = await stocked_item(stores)
    await ann.add(item)
    await item.delete()
    response = await ann.order()
    assert response.status_code == 409
    body = response.json()
    assert body["type"].endswith("/item-unavailable")
    assert body["detail"] == f"Item {item.id} can no longer be bought."
    assert body["item_id"] == str(item.id)


async def test_a_cart_mixing_currencies_is_refused_and_reserves_nothing(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    euros = await stocked_item(stores, currency="EUR")
    pounds = await stocked_item(stores, currency="GBP")
    await ann.add(euros)
    await ann.add(pounds)
    response = await ann.order()
    assert response.status_code == 409
    assert response.json()["type"].endswith("/conflict")
    assert response.json()["detail"] == "The cart mixes currencies; order them separately."
    assert [(await stock_of(stores, i)).reserved for i in (euros, pounds)] == [0, 0]
    assert await _orders(stores) == 0


def _only(item: Item) -> str:
    (variant,) = item.sellable_variants()
    return variant.id


async def test_one_line_out_of_stock_reserves_none_of_the_others(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    plenty = await stocked_item(stores, on_hand=5)
    scarce = await stocked_item(stores, on_hand=1)
    await ann.add(plenty, 2)
    await ann.add(scarce)
    async with stores.sessionmaker() as session, session.begin():
        await stock.reserve(session, str(scarce.id), _only(scarce), 1)  # another buyer took it
    response = await ann.order()
    assert response.status_code == 409
    body = response.json()
    assert body["type"].endswith("/out-of-stock")
    assert (body["item_id"], body["available"]) == (str(scarce.id), 0)
    assert (await stock_of(stores, plenty)).reserved == 0
    assert await _orders(stores) == 0
    cart = (await client.get("/api/v1/cart", headers=ann.headers)).json()
    assert len(cart["lines"]) == 2
