"""The catalog cache: never stale after a write, one computation per miss, ETags and 304s,
and answers without Redis when Redis is gone."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from redis.asyncio import Redis

from garderobe.infra.cache import ResponseCache, digested
from garderobe.infra.devstack import free_port
from garderobe.infra.stores import Stores
from tests.catalog.helpers import create, etag

ITEMS = "/api/v1/items"


async def test_an_item_write_is_visible_in_the_very_next_listing(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    item = await create(client, admin)
    params = {"category": "tops", "facets": "true"}
    before = await client.get(ITEMS, params=params)
    assert (await client.get(ITEMS, params=params)).headers["x-cache"] == "hit"
    changed = await client.patch(
        f"{ITEMS}/{item['id']}",
        json={"price": {"amount": 4321, "currency": "EUR"}},
        headers={**admin, "If-Match": etag(item, 1)},
    )
    assert changed.status_code == 200
    after = await client.get(ITEMS, params=params)
    assert after.headers["x-cache"] == "miss"
    assert after.json()["items"][0]["price"]["amount"] == 4321
    assert after.json()["facets"]["price"]["min"] == 4321
    assert after.headers["etag"] != before.headers["etag"]
    detail = await client.get(f"{ITEMS}/{item['id']}")
    assert detail.json()["price"]["amount"] == 4321


async def test_taxonomy_writes_refresh_the_cached_category_tree(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    await client.get("/api/v1/categories")
    body = {"name": "Capes", "parent": "outerwear"}
    assert (await client.post("/api/v1/categories", json=body, headers=admin)).status_code == 201
    tree = (await client.get("/api/v1/categories")).text
    assert '"capes"' in tree


async def test_parameter_order_and_repeats_share_one_cache_entry(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    await create(client, admin)
    first = await client.get(ITEMS, params=[("colour", "white"), ("brand", "uniqlo")])
    again = await client.get(
        ITEMS, params=[("brand", "uniqlo"), ("colour", "white"), ("colour", "white"), ("x", "1")]
    )
    assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
    assert again.content == first.content


async def test_sixteen_identical_misses_compute_once(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    await create(client, admin)
    params = {"category": "clothes", "facets": "true"}
    answers = await asyncio.gather(*(client.get(ITEMS, params=params) for _ in range(16)))
    outcomes = sorted(a.headers["x-cache"] for a in answers)
    assert outcomes == ["hit"] * 15 + ["miss"]
    assert len({a.content for a in answers}) == 1


async def test_if_none_match_is_answered_304_on_every_catalog_read(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    item = await create(client, admin)
    for url in (
        ITEMS + "?facets=true",
        f"{ITEMS}/{item['id']}",
        "/api/v1/categories",
        "/api/v1/categories/t-shirts",
        "/api/v1/search?q=uniqlo",
        "/api/v1/search/suggest?q=uni",
    ):
        first = await client.get(url)
        assert first.status_code == 200, url
        assert "no-cache" in first.headers["cache-control"]
        again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, url
        assert again.content == b""
        other = await client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200, url


async def test_item_detail_keeps_its_revision_etag(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    item = await create(client, admin)
    detail = await client.get(f"{ITEMS}/{item['id']}")
    assert detail.headers["etag"] == etag(item, 1)
    assert (await client.get(f"{ITEMS}/{item['id']}")).headers["x-cache"] == "hit"


async def test_without_redis_the_answer_is_computed_not_an_error() -> None:
    gone = Redis(port=free_port(), socket_connect_timeout=0.5, decode_responses=True)
    calls = 0

    async def compute() -> tuple[bytes, str]:
        nonlocal calls
        calls += 1
        return digested(b'{"items": []}')

    try:
        cache = ResponseCache(gone, "catalog", ttl_seconds=60)
        first = await cache.get_or_compute("items:x", compute)
        second = await cache.get_or_compute("items:x", compute)
    finally:
        await gone.aclose()
    assert (first.outcome, second.outcome, calls) == ("bypass", "bypass", 2)
    assert first.body == b'{"items": []}'


async def test_a_failed_computation_leaves_no_lock_behind(shop: Stores) -> None:
    """The next caller computes at once instead of waiting out a dead leader's lock."""
    cache = ResponseCache(shop.redis, "catalog-test", ttl_seconds=60)

    async def failing() -> tuple[bytes, str]:
        raise RuntimeError("the index is down")

    async def working() -> tuple[bytes, str]:
        return digested(b"{}")

    with pytest.raises(RuntimeError):
        await cache.get_or_compute("items:y", failing)
    started = asyncio.get_running_loop().time()
    answer = await cache.get_or_compute("items:y", working)
    assert answer.outcome == "miss"
    assert asyncio.get_running_loop().time() - started < 1
    assert (await cache.get_or_compute("items:y", working)).outcome == "hit"
    assert await shop.redis.keys("catalog-test:*:lock") == []
