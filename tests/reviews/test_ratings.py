"""Rating summaries: exact under concurrent reviews, shown on item detail and listing cards
(never stale in the cache), and the listing's `sort=rating`, `rating_min` and rating facet."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from garderobe import pagination
from garderobe.catalog.documents import Item
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import Shopper
from tests.factories import index_items
from tests.reviews.helpers import admin_headers, buyer, listed_item, review


async def _buyers(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, item: Item, n: int
) -> list[Shopper]:
    admin = await admin_headers(stores, settings)
    return [await buyer(client, stores, settings, admin, item) for _ in range(n)]


async def test_the_summary_is_exact_after_concurrent_reviews_of_one_item(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await listed_item(stores, on_hand=12)
    buyers = await _buyers(client, stores, settings, item, 10)
    stars = [5, 4, 4, 3, 5, 1, 2, 5, 4, 3]
    created = await asyncio.gather(
        *(review(client, who, item, n) for who, n in zip(buyers, stars, strict=True))
    )
    assert [r.status_code for r in created] == [201] * 10
    summary = (await client.get(f"/api/v1/items/{item.id}/reviews")).json()["rating"]
    assert summary["count"] == 10
    assert summary["average"] == round(sum(stars) / 10, 2)
    assert summary["stars"] == {str(s): stars.count(s) for s in range(1, 6)}
    # Concurrent edits and deletions too: every change is counted against the one before.
    ids = [r.json()["id"] for r in created]
    changes = [
        client.patch(f"/api/v1/reviews/{i}", headers=who.headers, json={"rating": 1})
        for i, who in zip(ids[:5], buyers[:5], strict=True)
    ]
    changes += [
        client.delete(f"/api/v1/reviews/{i}", headers=who.headers)
        for i, who in zip(ids[5:8], buyers[5:8], strict=True)
    ]
    assert {r.status_code for r in await asyncio.gather(*changes)} <= {200, 204}
    after = (await client.get(f"/api/v1/items/{item.id}")).json()["rating"]
    assert after == {
        "average": round((5 * 1 + 4 + 3) / 7, 2),
        "count": 7,
        "stars": {"1": 5, "2": 0, "3": 1, "4": 1, "5": 0},
    }


async def test_a_new_review_shows_at_once_on_a_cached_item_detail_and_listing(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await listed_item(stores)
    (ann,) = await _buyers(client, stores, settings, item, 1)
    url = f"/api/v1/items/{item.id}"
    first = await client.get(url)
    assert first.json()["rating"] == {
        "average": None,
        "count": 0,
        "stars": {str(s): 0 for s in range(1, 6)},
    }
    assert (await client.get(url)).headers["x-cache"] == "hit"
    listing = await client.get("/api/v1/items")
    assert listing.json()["items"][0]["rating"]["count"] == 0
    assert (await review(client, ann, item, 4)).status_code == 201
    detail = await client.get(url)
    assert detail.json()["rating"]["average"] == 4.0
    # A client holding the old ETag gets the new body, not a stale 304.
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 200
    assert detail.headers["etag"] != first.headers["etag"]
    cards = (await client.get("/api/v1/items")).json()["items"]
    assert cards[0]["rating"]["average"] == 4.0


async def _rated(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, stars: list[int], **f: Any
) -> Item:
    item = await listed_item(stores, on_hand=len(stars) + 1, **f)
    for who, n in zip(
        await _buyers(client, stores, settings, item, len(stars)), stars, strict=True
    ):
        assert (await review(client, who, item, n)).status_code == 201
    return item


async def test_listing_sorts_by_rating_filters_by_minimum_and_counts_the_rating_facet(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    great = await _rated(client, stores, settings, [5, 4], title="great")  # 4.5
    good = await _rated(client, stores, settings, [4, 3], title="good")  # 3.5
    poor = await _rated(client, stores, settings, [1], title="poor")  # 1.0
    unrated = await listed_item(stores, title="unrated")
    also = await _rated(client, stores, settings, [4, 5], title="also great")  # 4.5
    ids: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"sort": "rating", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/items", params=params)).json()
        ids += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    top = sorted([str(great.id), str(also.id)], reverse=True)  # ties: item id descending
    assert ids == [*top, str(good.id), str(poor.id), str(unrated.id)]
    at_least_4 = (await client.get("/api/v1/items", params={"rating_min": 4})).json()["items"]
    assert {i["id"] for i in at_least_4} == set(top)
    faceted = await client.get("/api/v1/items", params={"rating_min": 3, "facets": "true"})
    assert {i["id"] for i in faceted.json()["items"]} == {*top, str(good.id)}
    counts = {v["value"]: v["count"] for v in faceted.json()["facets"]["fields"]["rating"]}
    # Disjunctive: the rating facet ignores its own filter.
    assert counts == {"1": 4, "2": 3, "3": 3, "4": 2}
    brand = await client.get(
        "/api/v1/items", params={"rating_min": 4, "brand": "uniqlo", "facets": "true"}
    )
    counts = {v["value"]: v["count"] for v in brand.json()["facets"]["fields"]["rating"]}
    assert counts == {"1": 4, "2": 3, "3": 3, "4": 2}
    assert (await client.get("/api/v1/items", params={"rating_min": 5})).status_code == 422


async def test_reindexing_an_item_keeps_its_rating_in_the_listing(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await _rated(client, stores, settings, [5])
    item.price.amount = 2500
    await item.save()
    await index_items(stores, item)  # what every item write and the reconciliation do
    found = (await client.get("/api/v1/items", params={"rating_min": 4})).json()["items"]
    assert [(i["id"], i["price"]["amount"]) for i in found] == [(str(item.id), 2500)]
    assert found[0]["rating"]["count"] == 1
    rated = (await client.get("/api/v1/items", params={"sort": "rating"})).json()["items"]
    assert [i["id"] for i in rated] == [str(item.id)]


async def test_reviews_page_through_each_sort_without_repeats(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    stars = [3, 5, 1, 5, 3]
    item = await _rated(client, stores, settings, stars)
    url = f"/api/v1/items/{item.id}/reviews"
    for sort, expected in (
        ("rating_desc", [5, 5, 3, 3, 1]),
        ("rating_asc", [1, 3, 3, 5, 5]),
    ):
        seen: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"sort": sort, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(url, params=params)).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [r["rating"] for r in seen] == expected
        assert len({r["id"] for r in seen}) == 5
    newest = (await client.get(url, params={"limit": 5})).json()["items"]
    created = [r["created_at"] for r in newest]
    assert created == sorted(created, reverse=True)
    # A cursor of another sort order is refused, not misread.
    other = pagination.encode_cursor("rating_desc", 5, "2026-12-01T00:00:00+00:00", "x")
    wrong = await client.get(url, params={"sort": "newest", "cursor": other})
    assert wrong.status_code == 422


async def test_the_rated_detail_etag_still_works_as_if_match(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await _rated(client, stores, settings, [4])
    admin = await admin_headers(stores, settings)
    tag = (await client.get(f"/api/v1/items/{item.id}", headers=admin)).headers["etag"]
    assert tag.endswith('.1"')  # the summary changed once
    deleted = await client.delete(f"/api/v1/items/{item.id}", headers={**admin, "If-Match": tag})
    assert deleted.status_code == 204, deleted.text
