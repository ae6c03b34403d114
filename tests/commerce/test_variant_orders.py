"""Carts and orders of items sold in variants: a line is one variant, its stock is that
variant's, an item of several variants stays listed when one sells out, and listings follow
the availability of each variant as checkout and cancellations move it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import Shopper, shopper, stock_of
from tests.factories import create_listed_item, variant

TEES = ["clothes", "tops", "t-shirts"]


async def _tee(stores: Stores, units: list[int], **fields: Any) -> Item:
    """A T-shirt in S (black), M (black, 25.00) and L (white), listed with `units` each."""
    await loading.load_file()
    sizes = [variant("S", "black"), variant("M", "black", price=2500), variant("L", "white")]
    return await create_listed_item(
        stores,
        title="Pocket tee",
        category="t-shirts",
        category_path=TEES,
        colours=["black", "white"],
        price=2000,
        variants=sizes,
        on_hand=units,
        **fields,
    )


def _ids(item: Item) -> list[str]:
    return [v.id for v in item.sellable_variants()]


async def _listed(client: httpx.AsyncClient, *params: tuple[str, str]) -> list[str]:
    query = [("category", "t-shirts"), *params]
    page = (await client.get("/api/v1/items", params=query)).json()
    return [card["id"] for card in page["items"]]


async def test_a_line_is_one_variant_with_its_size_colour_and_price(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    tee = await _tee(stores, [3, 3, 3])
    small, medium, _ = _ids(tee)
    ann = await shopper(client, stores, settings)
    assert (await ann.add(tee, 1, medium)).status_code == 201
    assert (await ann.add(tee, 2, small)).status_code == 201
    response = await ann.add(tee, 1, medium)  # the same variant adds to its line
    lines = {line["variant_id"]: line for line in response.json()["lines"]}
    assert set(lines) == {small, medium}
    assert lines[medium]["quantity"] == 2
    assert (lines[medium]["size"], lines[medium]["colour"]) == ("M", "black")
    assert (lines[medium]["unit_price"], lines[medium]["line_total"]) == (2500, 5000)
    assert (lines[small]["unit_price"], lines[small]["sku"]) == (2000, tee.variant(small).sku)  # type: ignore[union-attr]
    assert response.json()["subtotal"] == 5000 + 4000


async def test_an_item_of_several_variants_needs_one_named(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    tee = await _tee(stores, [1, 1, 1])
    ann = await shopper(client, stores, settings)
    unnamed = await ann.add(tee)
    assert unnamed.status_code == 422
    assert unnamed.json()["type"].endswith("/variant-required")
    assert unnamed.json()["variant_ids"] == _ids(tee)
    unknown = await ann.add(tee, 1, "0" * 24)
    assert unknown.status_code == 404
    assert unknown.json()["type"].endswith("/variant-not-found")
    too_many = await ann.add(tee, 2, _ids(tee)[0])
    assert too_many.status_code == 409
    assert (too_many.json()["variant_id"], too_many.json()["available"]) == (_ids(tee)[0], 1)
    cart = (await client.get("/api/v1/cart", headers=ann.headers)).json()
    assert cart["lines"] == []


async def test_checkout_reserves_the_variant_and_the_listing_follows_at_once(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    tee = await _tee(stores, [2, 1, 4])
    small, medium, large = _ids(tee)
    ann = await shopper(client, stores, settings)
    await ann.add(tee, 1, medium)
    assert await _listed(client, ("size", "M"), ("in_stock", "true")) == [str(tee.id)]
    order = await ann.order()
    assert order.status_code == 201
    (line,) = order.json()["items"]
    assert (line["variant_id"], line["size"], line["colour"]) == (medium, "M", "black")
    assert (line["unit_price"], order.json()["subtotal"]) == (2500, 2500)
    assert (await stock_of(stores, tee, medium)).reserved == 1
    assert (await stock_of(stores, tee, small)).reserved == 0
    # M sold out: no longer found in M, still listed (S and L are left), not sold.
    assert await _listed(client, ("size", "M"), ("in_stock", "true")) == []
    assert await _listed(client, ("size", "L"), ("in_stock", "true")) == [str(tee.id)]
    detail = (await client.get(f"/api/v1/items/{tee.id}")).json()
    assert detail["status"] == "active"
    assert "M" not in detail["sizes_in_stock"]
    assert large in {v["id"] for v in detail["variants"] if v["availability"] != "sold_out"}

    cancelled = await client.post(
        f"/api/v1/orders/{order.json()['id']}/cancel", headers=ann.headers
    )
    assert cancelled.status_code == 200
    assert (await stock_of(stores, tee, medium)).reserved == 0
    assert await _listed(client, ("size", "M"), ("in_stock", "true")) == [str(tee.id)]


async def test_an_item_of_several_variants_stays_listed_when_all_are_sold_out(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    tee = await _tee(stores, [1, 1, 0])
    small, medium, _ = _ids(tee)
    ann = await shopper(client, stores, settings)
    await ann.add(tee, 1, small)
    await ann.add(tee, 1, medium)
    assert (await ann.order()).status_code == 201
    await run_jobs()
    found = await Item.get(tee.id)
    assert found is not None
    assert found.status is ItemStatus.ACTIVE  # a range sold out is not a one-off sold
    assert await _listed(client) == [str(tee.id)]
    assert await _listed(client, ("in_stock", "true")) == []
    detail = (await client.get(f"/api/v1/items/{tee.id}")).json()
    assert (detail["availability"], detail["sizes_in_stock"]) == ("sold_out", [])


async def test_forty_buyers_race_for_the_last_five_of_one_size_while_others_sell(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    tee = await _tee(stores, [40, 5, 40])
    small, medium, large = _ids(tee)
    buyers: list[Shopper] = [await shopper(client, stores, settings) for _ in range(40)]
    for n, buyer in enumerate(buyers):  # everyone wants M; each also an S or an L
        assert (await buyer.add(tee, 1, medium)).status_code == 201
        assert (await buyer.add(tee, 1, small if n % 2 else large)).status_code == 201
    responses = await asyncio.gather(*(buyer.order() for buyer in buyers))
    codes = [r.status_code for r in responses]
    assert (codes.count(201), codes.count(409)) == (5, 35)
    refusals = [r.json() for r in responses if r.status_code == 409]
    assert {(r["variant_id"], r["available"]) for r in refusals} == {(medium, 0)}
    row = await stock_of(stores, tee, medium)
    assert (row.on_hand, row.reserved) == (5, 5)
    placed = [line for r in responses if r.status_code == 201 for line in r.json()["items"]]
    assert sum(line["variant_id"] == medium for line in placed) == 5
    for other in (small, large):
        sold = sum(line["variant_id"] == other for line in placed)
        assert (await stock_of(stores, tee, other)).reserved == sold  # none held by refusals
