"""The listing against a brute-force reference computed in Python from the item documents.

Random small catalogues (many items sharing `created_at`, some not active, some rated, some
edited through the API after insertion) and random filter/sort combinations (rating sort and
minimum included): every page's contents
and order, every cursor page (nothing repeated, nothing skipped) and every facet count must
equal what the obvious, slow computation over the MongoDB documents gives.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from garderobe.catalog.browse.facets import PRICE_BOUNDARIES
from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.index import ratings
from garderobe.catalog.index.models import FacetCount, ItemFacets, ItemRating, ItemSearch
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work
from tests.catalog.helpers import etag
from tests.factories import create_item, index_items

ITEMS = "/api/v1/items"
LEAVES = {
    "jeans": ["clothes", "bottoms", "jeans"],
    "trousers": ["clothes", "bottoms", "trousers"],
    "t-shirts": ["clothes", "tops", "t-shirts"],
    "sneakers": ["shoes", "footwear", "sneakers"],
}
CATEGORIES = ["clothes", "bottoms", "jeans", "t-shirts", "shoes"]
FITS = ["slim", "regular", "relaxed"]
COLOURS = ["black", "blue", "white"]
BRANDS = ["levis", "zara", "uniqlo"]
SIZES = ["S", "M", "L"]
# Few instants for many items: ties on the sort key are where keyset paging goes wrong.
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
FACETS = {"brand": "brand", "size": "size", "colour": "colours", "attr.fit": "fit"}
AVERAGES: dict[str, float] = {}  # item id -> average stars of the current catalogue

item_rows = st.fixed_dictionaries(
    {
        "leaf": st.sampled_from(sorted(LEAVES)),
        "fit": st.sampled_from(FITS),
        "brand": st.sampled_from(BRANDS),
        "size": st.sampled_from(SIZES),
        "colours": st.lists(st.sampled_from(COLOURS), min_size=1, max_size=2, unique=True),
        "price": st.sampled_from([900, 1500, 1500, 3000, 7000, 120000]),
        "minute": st.integers(0, 2),
        "status": st.sampled_from([ItemStatus.ACTIVE] * 4 + [ItemStatus.DRAFT, ItemStatus.SOLD]),
        "stars": st.lists(st.integers(1, 5), max_size=3),  # its visible reviews
    }
)
edits = st.lists(
    st.tuples(
        st.integers(0, 30),
        st.sampled_from(
            [{"price": {"amount": 2500, "currency": "EUR"}}, {"colours": ["white"]}, {"size": "L"}]
        ),
    ),
    max_size=4,
)
queries = st.fixed_dictionaries(
    {
        "category": st.one_of(st.none(), st.sampled_from(CATEGORIES)),
        "brand": st.sets(st.sampled_from(BRANDS), max_size=2),
        "size": st.sets(st.sampled_from(SIZES), max_size=1),
        "colour": st.sets(st.sampled_from(COLOURS), max_size=2),
        "attr.fit": st.sets(st.sampled_from(FITS), max_size=2),
        "price_max": st.one_of(st.none(), st.sampled_from([1500, 5000])),
        "rating_min": st.one_of(st.none(), st.sampled_from([2, 4])),
        "sort": st.sampled_from(["newest", "price_asc", "price_desc", "rating"]),
        "limit": st.integers(1, 7),
    }
)


async def _catalogue(stores: Stores, rows: list[dict[str, Any]]) -> list[Item]:
    await Item.get_pymongo_collection().delete_many({})
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(delete(ItemSearch))
        await session.execute(delete(ItemFacets))
        await session.execute(delete(FacetCount))  # each example starts a new catalogue
        await session.execute(delete(ItemRating))
    items = [
        await create_item(
            title=f"{row['brand']} {row['leaf']}",
            category=row["leaf"],
            category_path=LEAVES[row["leaf"]],
            brand=row["brand"],
            price=row["price"],
            status=row["status"],
            size=row["size"],
            colours=row["colours"],
            attributes={} if row["leaf"] == "sneakers" else {"fit": row["fit"]},
            created_at=EPOCH + timedelta(minutes=row["minute"]),
        )
        for row in rows
    ]
    await index_items(stores, *items)
    async with unit_of_work(stores) as session:  # as the reviews domain reports them
        for item, row in zip(items, rows, strict=True):
            for stars in row["stars"]:
                await ratings.apply_rating_change(session, str(item.id), None, stars)
    AVERAGES.clear()
    AVERAGES.update(
        {
            str(i.id): sum(r["stars"]) / len(r["stars"])
            for i, r in zip(items, rows, strict=True)
            if r["stars"]
        }
    )
    return items


async def _edit(
    client: httpx.AsyncClient, admin: dict[str, str], item: Item, change: dict[str, Any]
) -> None:
    current = await Item.get(item.id)
    assert current is not None
    response = await client.patch(
        f"{ITEMS}/{item.id}",
        json=change,
        headers={**admin, "If-Match": etag({"id": str(item.id)}, current.revision)},
    )
    assert response.status_code == 200, response.text


def _average(doc: dict[str, Any]) -> float:
    return AVERAGES.get(str(doc["_id"]), 0.0)


def _values(doc: dict[str, Any], facet: str) -> list[Any]:
    if facet == "rating":  # "N and up"
        return [str(n) for n in (1, 2, 3, 4) if _average(doc) >= n]
    raw = doc["attributes"].get("fit") if facet == "attr.fit" else doc[FACETS[facet]]
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def _passes(doc: dict[str, Any], query: dict[str, Any], skip: str | None = None) -> bool:
    if doc["status"] != "active":
        return False
    if query["category"] and query["category"] not in doc["category_path"]:
        return False
    for facet in FACETS:
        if facet != skip and query[facet] and not set(_values(doc, facet)) & query[facet]:
            return False
    if skip != "rating" and query["rating_min"] and _average(doc) < query["rating_min"]:
        return False
    return (
        skip == "price"
        or query["price_max"] is None
        or doc["price"]["amount"] <= query["price_max"]
    )


def _reference_order(docs: list[dict[str, Any]], sort: str) -> list[str]:
    if sort == "newest":
        ordered = sorted(docs, key=lambda d: (d["created_at"], str(d["_id"])), reverse=True)
    elif sort == "rating":
        ordered = sorted(docs, key=lambda d: (_average(d), str(d["_id"])), reverse=True)
    else:
        ordered = sorted(
            docs, key=lambda d: (d["price"]["amount"], str(d["_id"])), reverse=sort == "price_desc"
        )
    return [str(d["_id"]) for d in ordered]


def _params(query: dict[str, Any]) -> list[tuple[str, Any]]:
    params: list[tuple[str, Any]] = [("sort", query["sort"]), ("limit", query["limit"])]
    if query["category"]:
        params.append(("category", query["category"]))
    if query["price_max"] is not None:
        params.append(("price_max", query["price_max"]))
    if query["rating_min"] is not None:
        params.append(("rating_min", query["rating_min"]))
    for facet in FACETS:
        params += [(facet, value) for value in sorted(query[facet])]
    return params


async def _all_pages(client: httpx.AsyncClient, params: list[tuple[str, Any]]) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(200):
        extra = [("cursor", cursor)] if cursor else []
        page = (await client.get(ITEMS, params=params + extra)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("paging did not end")


def _expected_facets(docs: list[dict[str, Any]], query: dict[str, Any]) -> dict[str, Counter[Any]]:
    expected = {
        facet: Counter(v for d in docs if _passes(d, query, facet) for v in _values(d, facet))
        for facet in FACETS
    }
    expected["rating"] = Counter(
        v for d in docs if _passes(d, query, "rating") for v in _values(d, "rating")
    )
    expected["category"] = Counter(
        slug for d in docs if _passes(d, query) for slug in d["category_path"]
    )
    return expected


def _expected_price(docs: list[dict[str, Any]], query: dict[str, Any]) -> dict[str, Any]:
    prices = [d["price"]["amount"] for d in docs if _passes(d, query, "price")]
    buckets = Counter(max(b for b in PRICE_BOUNDARIES if b <= p) for p in prices)
    return {
        "min": min(prices, default=None),
        "max": max(prices, default=None),
        "buckets": {b: buckets.get(b, 0) for b in PRICE_BOUNDARIES},
    }


async def _check_facets(
    client: httpx.AsyncClient, docs: list[dict[str, Any]], query: dict[str, Any]
) -> None:
    body = (await client.get(ITEMS, params=[*_params(query), ("facets", "true")])).json()
    fields = body["facets"]["fields"]
    for facet, counts in _expected_facets(docs, query).items():
        if facet not in fields:  # attr.fit is a facet where the schema or a filter has it
            assert facet == "attr.fit"
            assert not query["attr.fit"]
            continue
        got = Counter({f["value"]: f["count"] for f in fields[facet]})
        assert got == counts, facet
    price = body["facets"]["price"]
    expected = _expected_price(docs, query)
    assert (price["min"], price["max"]) == (expected["min"], expected["max"])
    assert {b["min"]: b["count"] for b in price["buckets"]} == expected["buckets"]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(item_rows, max_size=30), changes=edits, query=queries)
async def test_listing_matches_a_brute_force_reference(
    client: httpx.AsyncClient,
    shop: Stores,
    admin: dict[str, str],
    rows: list[dict[str, Any]],
    changes: list[tuple[int, dict[str, Any]]],
    query: dict[str, Any],
) -> None:
    items = await _catalogue(shop, rows)
    for position, change in changes:
        if items:
            await _edit(client, admin, items[position % len(items)], change)
    docs = await Item.get_pymongo_collection().find({}).to_list()
    expected = _reference_order([d for d in docs if _passes(d, query)], query["sort"])
    first = (await client.get(ITEMS, params=_params(query))).json()
    assert [i["id"] for i in first["items"]] == expected[: query["limit"]]
    assert await _all_pages(client, _params(query)) == expected
    await _check_facets(client, docs, query)
