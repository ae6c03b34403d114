"""facet_counts: the per-category counts behind listings with one filter or none stay equal
to counting the items, through edits, sales, deletes, compaction and a full recount; and the
two ways of counting (CATALOG_INDEX=database, and the in-process bitmaps) always agree."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from garderobe.catalog import cache
from garderobe.catalog.documents import Item
from garderobe.catalog.index import counts as facet_counts
from garderobe.catalog.index import reconcile
from garderobe.catalog.index.models import FacetCount
from garderobe.catalog.memory.index import MemoryIndex
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work
from tests.catalog.helpers import etag
from tests.factories import create_listed_item

ITEMS = "/api/v1/items"
QUERIES: list[dict[str, Any]] = [
    {"facets": "true"},
    {"facets": "true", "category": "bottoms"},
    {"facets": "true", "category": "bottoms", "colour": "blue"},
    {"facets": "true", "category": "jeans", "price_min": 2000},
    {"facets": "true", "category": "jeans", "colour": ["blue", "black"], "size": "m"},
]


async def _facets(client: httpx.AsyncClient, app: FastAPI, shop: Stores) -> list[Any]:
    """The facets of QUERIES counted by the database statements, checked equal to those the
    in-process bitmaps count (each computed afresh: the cached pages are dropped first)."""
    memory = app.state.memory_index
    assert memory is not None
    answers = []
    for memory_index in (None, memory):
        app.state.memory_index = memory_index
        try:
            await cache.bump(shop.redis)
            answers.append([(await client.get(ITEMS, params=q)).json()["facets"] for q in QUERIES])
        finally:
            app.state.memory_index = memory
    assert answers[0] == answers[1]
    return answers[0]


async def _write(
    client: httpx.AsyncClient, admin: dict[str, str], item: Item, change: dict[str, Any] | None
) -> None:
    """PATCH the item with `change`, or DELETE it when None, as an admin (If-Match)."""
    current = await Item.get(item.id)
    assert current is not None
    headers = {**admin, "If-Match": etag({"id": str(item.id)}, current.revision)}
    url = f"{ITEMS}/{item.id}"
    if change is None:
        response = await client.delete(url, headers=headers)
    else:
        response = await client.patch(url, headers=headers, json=change)
    assert response.is_success, response.text


async def _rows(stores: Stores) -> int:
    async with stores.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(FacetCount)) or 0)


async def test_counts_survive_writes_compaction_and_recount(
    client: httpx.AsyncClient, app: FastAPI, shop: Stores, admin: dict[str, str]
) -> None:
    items = [
        await create_listed_item(
            shop,
            title=f"jeans {n}",
            category="jeans",
            category_path=["clothes", "bottoms", "jeans"],
            colours=[["blue"], ["black"], ["blue", "white"]][n % 3],
            size=["s", "m"][n % 2],
            price=1000 + 700 * n,
            attributes={"fit": ["slim", "regular"][n % 2]},
        )
        for n in range(9)
    ]
    for item in items[:4]:  # edits, a sale and a delete, through the API
        await _write(
            client, admin, item, {"colours": ["grey"], "price": {"amount": 900, "currency": "EUR"}}
        )
    await _write(client, admin, items[0], {"status": "sold"})
    await _write(client, admin, items[5], None)
    counted = await _facets(client, app, shop)
    colours = {v["value"]: v["count"] for v in counted[1]["fields"]["colour"]}
    assert colours == {"grey": 3, "blue": 2, "black": 2, "white": 1}  # sold and deleted gone

    appended = await _rows(shop)
    async with unit_of_work(shop) as session:
        await facet_counts.compact(session)
    assert await _rows(shop) < appended
    assert await _facets(client, app, shop) == counted

    await reconcile.reconcile(shop, recount=True)
    assert await _facets(client, app, shop) == counted


async def test_a_process_still_loading_its_index_answers_from_the_statements(
    client: httpx.AsyncClient, app: FastAPI, shop: Stores
) -> None:
    for n in range(3):
        await create_listed_item(
            shop,
            title=f"jeans {n}",
            category="jeans",
            category_path=["clothes", "bottoms", "jeans"],
            colours=[["blue"], ["black"]][n % 2],
            price=1000 + 500 * n,
        )
    expected = await _facets(client, app, shop)
    warm = app.state.memory_index
    app.state.memory_index = loading = MemoryIndex()  # as in a process just started
    try:
        await cache.bump(shop.redis)
        answers = [(await client.get(ITEMS, params=q)).json()["facets"] for q in QUERIES]
        assert answers == expected
        for _ in range(200):  # the first listing started the load in the background
            if loading.loaded:
                break
            await asyncio.sleep(0.05)
        assert loading.loaded
        await cache.bump(shop.redis)
        assert [(await client.get(ITEMS, params=q)).json()["facets"] for q in QUERIES] == expected
    finally:
        app.state.memory_index = warm
        await loading.close()
