"""Listings of items sold in variants: one card per item, filters met by one variant, facets
counting items and only what is available, sizes in scale order. Through the in-memory
index and the statements alike (`index_mode`)."""

from __future__ import annotations

from typing import Any

import httpx

from garderobe.infra.stores import Stores
from tests.factories import create_listed_item, variant

ITEMS = "/api/v1/items"
TEES = ["clothes", "tops", "t-shirts"]


async def _tee(stores: Stores, title: str, variants: list[Any], units: list[int]) -> str:
    item = await create_listed_item(
        stores,
        title=title,
        category="t-shirts",
        category_path=TEES,
        colours=["black", "white"],
        price=2000,
        variants=variants,
        on_hand=units,
    )
    return str(item.id)


async def _ids(client: httpx.AsyncClient, *params: tuple[str, Any]) -> list[str]:
    page = (await client.get(ITEMS, params=[("category", "t-shirts"), *params])).json()
    return [item["id"] for item in page["items"]]


async def _facets(client: httpx.AsyncClient, *params: tuple[str, Any]) -> dict[str, Any]:
    query = [("category", "t-shirts"), ("facets", "true"), *params]
    facets: dict[str, Any] = (await client.get(ITEMS, params=query)).json()["facets"]
    return facets


def _counts(facets: dict[str, Any], name: str) -> dict[str, int]:
    return {v["value"]: v["count"] for v in facets["fields"][name]}


async def test_size_and_colour_must_meet_in_one_variant(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    split = await _tee(
        shop, "Black S, white M", [variant("S", "black"), variant("M", "white")], [1, 1]
    )
    both = await _tee(shop, "Black M", [variant("M", "black")], [1])
    assert await _ids(client, ("size", "M"), ("colour", "black")) == [both]
    assert set(await _ids(client, ("size", "letter:M"))) == {split, both}
    assert await _ids(client, ("size", "S"), ("colour", "black")) == [split]
    black = await _facets(client, ("colour", "black"))
    assert _counts(black, "size") == {"letter:S": 1, "letter:M": 1}
    medium = await _facets(client, ("size", "letter:M"))
    assert _counts(medium, "colour") == {"white": 1, "black": 1}
    both_filters = await _facets(client, ("size", "letter:M"), ("colour", "black"))
    assert _counts(both_filters, "size") == {"letter:S": 1, "letter:M": 1}
    assert _counts(both_filters, "colour") == {"black": 1, "white": 1}
    assert _counts(both_filters, "category") == {"clothes": 1, "tops": 1, "t-shirts": 1}


async def test_a_sold_out_variant_matches_nothing_and_counts_for_nothing(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    item = await _tee(shop, "Only S left", [variant("S"), variant("M")], [2, 0])
    gone = await _tee(shop, "Sold out", [variant("L")], [0])
    assert await _ids(client, ("size", "M")) == []
    assert set(await _ids(client)) == {item, gone}  # a sold-out item stays listed …
    assert await _ids(client, ("in_stock", "true")) == [item]  # … unless asked otherwise
    facets = await _facets(client)
    assert _counts(facets, "size") == {"letter:S": 1}
    page = (await client.get(ITEMS, params={"category": "t-shirts"})).json()
    shown = {card["id"]: card for card in page["items"]}
    assert shown[gone]["availability"] == "sold_out"
    assert shown[item]["availability"] == "few_left"
    assert shown[item]["sizes_in_stock"] == ["S"]


async def test_a_variant_of_its_own_price_is_filtered_and_sorted_at_it(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    dearer_xl = await _tee(shop, "XL costs more", [variant("M"), variant("XL", price=3000)], [1, 1])
    plain = await _tee(shop, "All 2500", [variant("XL", price=2500)], [1])
    assert await _ids(client, ("price_min", 2800)) == [dearer_xl]  # its XL is priced so
    by_price = await _ids(client, ("size", "XL"), ("sort", "price_asc"))
    assert by_price == [plain, dearer_xl]  # 2500, then 3000 (its M at 2000 is no XL)
    assert await _ids(client, ("sort", "price_asc")) == [dearer_xl, plain]  # 2000 first
    price = (await _facets(client))["price"]
    assert (price["min"], price["max"]) == (2000, 3000)
    buckets = {b["min"]: b["count"] for b in price["buckets"] if b["count"]}
    assert buckets == {1000: 1, 2500: 2}  # each item once per bucket it sells in
    card = next(c for c in (await client.get(ITEMS)).json()["items"] if c["id"] == dearer_xl)
    assert card["price_range"]["min"]["amount"] == 2000
    assert card["price_range"]["max"]["amount"] == 3000


async def test_the_size_facet_comes_in_scale_order_with_labels(
    client: httpx.AsyncClient, shop: Stores, index_mode: str
) -> None:
    sizes = ["XL", "S", "M", "XS", "L"]
    await _tee(shop, "Five sizes", [variant(s) for s in sizes], [1] * 5)
    await _tee(shop, "More L", [variant("L")], [1])
    await _tee(shop, "EU sizes", [variant("eu_women:40"), variant("eu_women:36")], [1, 1])
    facet = (await _facets(client))["fields"]["size"]
    assert [v["label"] for v in facet] == ["XS", "S", "M", "L", "XL", "EU 36", "EU 40"]
    card = next(c for c in (await client.get(ITEMS)).json()["items"] if c["title"] == "Five sizes")
    assert card["sizes_in_stock"] == ["XS", "S", "M", "L", "XL"]
    detail = (await client.get(f"{ITEMS}/{card['id']}")).json()
    assert [v["size"]["label"] for v in detail["variants"]] == sizes  # the shop's own order
