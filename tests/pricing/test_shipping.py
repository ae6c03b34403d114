"""Shipping through the API: the default flat method, zones with bands by subtotal or
weight, the free-shipping threshold, and checkout's refusals."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from garderobe.commerce.models import Order
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import stocked_item
from tests.pricing.helpers import admin_headers, buyer, order, priced, zone

STANDARD = {
    "name": "Standard",
    "bands": [{"up_to": 5000, "price": 490}, {"price": 290}],
    "free_over": 10_000,
}
EXPRESS = {"name": "Express", "bands": [{"price": 1500}]}
BY_WEIGHT = {
    "name": "Royal Mail",
    "basis": "weight",
    "bands": [{"up_to": 1000, "price": 700}, {"up_to": 5000, "price": 1200}],
}


async def _orders(stores: Stores) -> int:
    async with stores.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


def _options(pricing: dict[str, object]) -> list[tuple[str, int]]:
    methods = pricing["shipping_methods"]
    assert isinstance(methods, list)
    return [(m["name"], m["price"]) for m in methods]


async def test_without_zones_the_flat_fee_is_the_standard_method(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await buyer(client, stores, settings, country="US")
    await ann.add(await stocked_item(stores, price=2000))
    quote = await priced(ann)
    assert quote["shipping_methods"] == [
        {"id": "standard", "name": "Standard", "price": settings.shipping_fee}
    ]
    placed = await order(ann)
    assert placed.status_code == 201, placed.text
    assert placed.json()["shipping_method_id"] == "standard"
    assert placed.json()["shipping"] == settings.shipping_fee


async def test_methods_of_the_address_zone_are_listed_cheapest_first_by_subtotal_band(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await zone(client, admin, "EU", ["DE", "FR"], STANDARD, EXPRESS)
    await zone(client, admin, "UK", ["GB"], BY_WEIGHT)
    ann = await buyer(client, stores, settings, country="DE")
    item = await stocked_item(stores, on_hand=10, price=3000)
    await ann.add(item)
    assert _options(await priced(ann)) == [("Standard", 490), ("Express", 1500)]
    await ann.add(item)  # 6000: the second band
    assert _options(await priced(ann)) == [("Standard", 290), ("Express", 1500)]
    await ann.add(item, 2)  # 12000: past the free-shipping threshold
    assert _options(await priced(ann)) == [("Standard", 0), ("Express", 1500)]


async def test_checkout_keeps_the_chosen_method_and_its_price(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    _, express = await zone(client, admin, "EU", ["DE"], STANDARD, EXPRESS)
    ann = await buyer(client, stores, settings, country="DE")
    await ann.add(await stocked_item(stores, price=3000))
    placed = await order(ann, method=express)
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert (body["shipping_method_id"], body["shipping_method"]) == (express, "Express")
    assert (body["shipping"], body["total"]) == (1500, 4500)
    default = await buyer(client, stores, settings, country="DE")
    await default.add(await stocked_item(stores, price=3000))
    assert (await order(default)).json()["shipping_method"] == "Standard"  # the cheapest


async def test_shipping_by_weight_follows_the_items_weights(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await zone(client, admin, "UK", ["GB"], BY_WEIGHT)
    ann = await buyer(client, stores, settings, country="GB")
    coat = await stocked_item(stores, on_hand=20, price=9000, weight_grams=400)
    await ann.add(coat, 2)  # 800 g
    assert _options(await priced(ann)) == [("Royal Mail", 700)]
    await ann.add(coat)  # 1200 g
    assert _options(await priced(ann)) == [("Royal Mail", 1200)]
    await ann.add(coat, 12)  # 6000 g: above every band, not served
    assert _options(await priced(ann)) == []


async def test_checkout_refuses_an_address_no_method_serves_and_a_foreign_method(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    await zone(client, admin, "EU", ["DE"], STANDARD)
    (royal_mail,) = await zone(client, admin, "UK", ["GB"], BY_WEIGHT)
    far = await buyer(client, stores, settings, country="US")
    await far.add(await stocked_item(stores, price=3000))
    nowhere = await order(far)
    assert nowhere.status_code == 409
    assert nowhere.json()["type"].endswith("/shipping-unavailable")
    ann = await buyer(client, stores, settings, country="DE")
    await ann.add(await stocked_item(stores, price=3000))
    foreign = await order(ann, method=royal_mail)
    assert foreign.status_code == 409
    assert foreign.json()["type"].endswith("/shipping-method-unavailable")
    assert await _orders(stores) == 0


async def test_admin_refuses_bad_zones_and_bands(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    zones = "/api/v1/admin/shipping/zones"
    bad_country = await client.post(zones, headers=admin, json={"name": "X", "countries": ["XX"]})
    assert bad_country.status_code == 422
    (method_id,) = await zone(client, admin, "EU", ["DE"], STANDARD)
    taken = await client.post(zones, headers=admin, json={"name": "EU", "countries": ["FR"]})
    assert taken.status_code == 409
    open_first = {"name": "Odd", "bands": [{"price": 100}, {"up_to": 10, "price": 50}]}
    url = f"/api/v1/admin/shipping/methods/{method_id}"
    assert (await client.put(url, headers=admin, json=open_first)).status_code == 422
    listed = (await client.get(zones, headers=admin)).json()
    assert [(z["name"], [m["name"] for m in z["methods"]]) for z in listed] == [
        ("EU", ["Standard"])
    ]
    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.delete(url, headers=admin)).status_code == 404
