"""Listing filters, sorting, cursors (complete under concurrent inserts) and facets."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from garderobe.catalog.documents import Item
from garderobe.infra.stores import Stores
from tests.factories import create_item

ITEMS = "/api/v1/items"
FITS = ["skinny", "slim", "regular", "relaxed"]
COLOURS = ["black", "blue", "grey", "white"]
BRANDS = ["levis", "zara", "uniqlo"]


async def _jeans(fit: str, colours: list[str], brand: str, price: int, **extra: Any) -> Item:
    return await create_item(
        title=f"{brand} {fit} jeans",
        category="jeans",
        category_path=["clothes", "bottoms", "jeans"],
        brand=brand,
        price=price,
        colours=colours,
        attributes={"fit": fit},
        **extra,
    )


async def _all_pages(client: httpx.AsyncClient, params: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        page = (
            await client.get(ITEMS, params={**params, **({"cursor": cursor} if cursor else {})})
        ).json()
        ids += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


async def test_filters_or_within_a_field_and_across_fields(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    slim_blue = await _jeans("slim", ["blue"], "levis", 5000)
    regular_blue = await _jeans("regular", ["blue"], "zara", 3000)
    await _jeans("slim", ["black"], "levis", 4000)
    await _jeans("relaxed", ["blue"], "levis", 6000)
    params = [
        ("category", "bottoms"),
        ("attr.fit", "slim"),
        ("attr.fit", "regular"),
        ("colour", "blue"),
    ]
    page = (await client.get(ITEMS, params=params)).json()
    assert {i["id"] for i in page["items"]} == {str(slim_blue.id), str(regular_blue.id)}
    cheap = (await client.get(ITEMS, params=[*params, ("price_max", 4000)])).json()
    assert [i["id"] for i in cheap["items"]] == [str(regular_blue.id)]


async def test_sorting_by_price_both_ways(client: httpx.AsyncClient, shop: Stores) -> None:
    for price in (3000, 1000, 2000):
        await _jeans("slim", ["blue"], "levis", price)
    asc = (await client.get(ITEMS, params={"sort": "price_asc"})).json()["items"]
    desc = (await client.get(ITEMS, params={"sort": "price_desc"})).json()["items"]
    assert [i["price"]["amount"] for i in asc] == [1000, 2000, 3000]
    assert [i["price"]["amount"] for i in desc] == [3000, 2000, 1000]


async def test_only_active_items_are_listed(client: httpx.AsyncClient, shop: Stores) -> None:
    from garderobe.catalog.documents import ItemStatus

    active = await _jeans("slim", ["blue"], "levis", 1000)
    await _jeans("slim", ["blue"], "levis", 1000, status=ItemStatus.DRAFT)
    await _jeans("slim", ["blue"], "levis", 1000, status=ItemStatus.SOLD)
    assert [i["id"] for i in (await client.get(ITEMS)).json()["items"]] == [str(active.id)]


async def _assert_pages_complete_during_inserts(
    client: httpx.AsyncClient, prices: Iterator[int]
) -> None:
    before = [await _jeans(random.choice(FITS), ["blue"], "levis", next(prices)) for _ in range(23)]
    for sort in ("newest", "price_asc", "price_desc"):
        stop = asyncio.Event()

        async def insert_meanwhile(stop: asyncio.Event = stop) -> None:
            while not stop.is_set():
                await _jeans("slim", ["blue"], "zara", next(prices))
                await asyncio.sleep(0)

        writer = asyncio.create_task(insert_meanwhile())
        try:
            seen = await _all_pages(client, {"limit": 4, "sort": sort})
        finally:
            stop.set()
            await writer
        assert len(seen) == len(set(seen)), f"{sort}: an item was repeated"
        assert {str(i.id) for i in before} <= set(seen), f"{sort}: an item was skipped"


async def test_pages_are_complete_while_items_are_inserted(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    # Few distinct prices on purpose: ties are where a keyset cursor goes wrong.
    await _assert_pages_complete_during_inserts(client, itertools.cycle([1000, 2000, 3000]))


async def test_bad_cursor_and_relevance_without_q_are_422(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    assert (await client.get(ITEMS, params={"cursor": "nonsense"})).status_code == 422
    assert (await client.get(ITEMS, params={"sort": "relevance"})).status_code == 422
    assert (await client.get(ITEMS, params={"limit": 101})).status_code == 422


def _brute_force(
    items: list[dict[str, Any]], chosen: dict[str, set[str]], price_max: int | None
) -> dict[str, Counter[str]]:
    """Disjunctive counts the slow, obvious way."""

    def passes(item: dict[str, Any], skip: str | None) -> bool:
        for name, values in chosen.items():
            if name == skip or not values:
                continue
            have = set(item[name]) if isinstance(item[name], list) else {item[name]}
            if not have & values:
                return False
        return price_max is None or item["price"] <= price_max

    return {
        name: Counter(
            v
            for item in items
            if passes(item, name)
            for v in (item[name] if isinstance(item[name], list) else [item[name]])
        )
        for name in ("fit", "colour", "brand")
    }


catalogue = st.lists(
    st.fixed_dictionaries(
        {
            "fit": st.sampled_from(FITS),
            "brand": st.sampled_from(BRANDS),
            "colour": st.lists(st.sampled_from(COLOURS), min_size=1, max_size=2, unique=True),
            "price": st.integers(1, 200).map(lambda p: p * 100),
        }
    ),
    min_size=0,
    max_size=25,
)
choice = st.fixed_dictionaries(
    {
        "fit": st.sets(st.sampled_from(FITS), max_size=2),
        "colour": st.sets(st.sampled_from(COLOURS), max_size=2),
        "brand": st.sets(st.sampled_from(BRANDS), max_size=1),
    }
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=catalogue, chosen=choice, price_max=st.one_of(st.none(), st.integers(1, 200)))
async def test_facet_counts_match_brute_force(
    client: httpx.AsyncClient,
    shop: Stores,
    items: list[dict[str, Any]],
    chosen: dict[str, set[str]],
    price_max: int | None,
) -> None:
    await Item.get_pymongo_collection().delete_many({})
    for row in items:
        await _jeans(row["fit"], row["colour"], row["brand"], row["price"])
    params: list[tuple[str, Any]] = [("category", "jeans"), ("facets", "true"), ("limit", 100)]
    params += [("attr.fit", v) for v in chosen["fit"]] + [("colour", v) for v in chosen["colour"]]
    params += [("brand", v) for v in chosen["brand"]]
    if price_max is not None:
        params.append(("price_max", price_max * 100))
    response = (await client.get(ITEMS, params=params)).json()
    fields = response["facets"]["fields"]
    got = {
        "fit": Counter({f["value"]: f["count"] for f in fields["attr.fit"]}),
        "colour": Counter({f["value"]: f["count"] for f in fields["colour"]}),
        "brand": Counter({f["value"]: f["count"] for f in fields["brand"]}),
    }
    expected = _brute_force(
        [{**r, "colour": r["colour"]} for r in items],
        chosen,
        price_max * 100 if price_max is not None else None,
    )
    assert got == expected
    matching = [
        r
        for r in items
        if _brute_force([r], chosen, None)
        and all(
            not v or (set(r[k]) if isinstance(r[k], list) else {r[k]}) & v
            for k, v in chosen.items()
        )
    ]
    prices = [r["price"] for r in matching]
    assert response["facets"]["price"]["min"] == (min(prices) if prices else None)
    assert sum(b["count"] for b in response["facets"]["price"]["buckets"]) == len(prices)


async def test_category_facet_counts_the_subcategories_of_the_chosen_one(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    await _jeans("slim", ["blue"], "levis", 1000)
    await _jeans("slim", ["black"], "levis", 1000)
    await create_item(category="trousers", category_path=["clothes", "bottoms", "trousers"])
    await create_item(category="t-shirts")
    params = {"category": "bottoms", "colour": "blue", "facets": "true"}
    fields = (await client.get(ITEMS, params=params)).json()["facets"]["fields"]
    counts = {f["value"]: f["count"] for f in fields["category"]}
    assert counts == {"clothes": 1, "bottoms": 1, "jeans": 1}
    params.pop("colour")
    fields = (await client.get(ITEMS, params=params)).json()["facets"]["fields"]
    counts = {f["value"]: f["count"] for f in fields["category"]}
    assert counts == {"clothes": 3, "bottoms": 3, "jeans": 2, "trousers": 1}


async def test_a_cursor_with_a_key_of_the_wrong_type_is_422(
    client: httpx.AsyncClient, shop: Stores
) -> None:
    from garderobe.catalog.listing import encode_cursor

    cursor = encode_cursor("price_asc", "cheap", "0123456789abcdef01234567")
    response = await client.get(ITEMS, params={"sort": "price_asc", "cursor": cursor})
    assert response.status_code == 422
