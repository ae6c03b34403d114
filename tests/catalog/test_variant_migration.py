"""Data written before variants migrates: migration 0014 (stock rows, index columns) and
`garderobe catalog migrate-variants` (the documents), with the same stock and facets after
as before, sizes typed where the category's size systems read them, the rest reported."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
from bson import ObjectId
from sqlalchemy import text

from garderobe import migrate
from garderobe.catalog.documents import Item
from garderobe.catalog.index import reconcile
from garderobe.catalog.variants.migration import migrate_items
from garderobe.infra.stores import Stores
from garderobe.settings import Settings

# (category, path, size, colours, units)
OLD_ITEMS = [
    ("t-shirts", ["clothes", "tops", "t-shirts"], "M", ["black"], 3),
    ("t-shirts", ["clothes", "tops", "t-shirts"], "m", ["white"], 1),
    ("t-shirts", ["clothes", "tops", "t-shirts"], "Size M/L", ["black"], 2),
    ("blouses", ["clothes", "tops", "blouses"], "38", ["white"], 1),
    ("jeans", ["clothes", "bottoms", "jeans"], "32/34", ["blue"], 4),
    ("sneakers", ["shoes", "footwear", "sneakers"], "42", ["white"], 1),
    ("bags", ["other", "accessories", "bags"], "One size", ["black"], 1),
    ("bags", ["other", "accessories", "bags"], None, ["black"], 2),
]


async def _old_catalogue(stores: Stores) -> list[str]:
    """Documents and stock rows as the code before variants wrote them."""
    ids = []
    docs = []
    for n, (category, path, size, colours, _) in enumerate(OLD_ITEMS):
        item_id = ObjectId()
        ids.append(str(item_id))
        docs.append(
            {
                "_id": item_id,
                "title": f"Old item {n}",
                "description": "",
                "category": category,
                "category_path": path,
                "brand": "zara",
                "size": size,
                "colours": colours,
                "price": {"amount": 1000 + n, "currency": "EUR"},
                "attributes": {},
                "images": [],
                "status": "active",
                "revision": 3,
            }
        )
    await Item.get_pymongo_collection().insert_many(docs)
    async with stores.engine.begin() as conn:
        for item_id, (*_, units) in zip(ids, OLD_ITEMS, strict=True):
            await conn.execute(
                text("INSERT INTO stock (item_id, on_hand, reserved) VALUES (:i, :q, 0)"),
                {"i": item_id, "q": units},
            )
    return ids


async def _facets(client: httpx.AsyncClient) -> dict[str, Counter[str]]:
    body = (await client.get("/api/v1/items", params={"facets": "true"})).json()
    fields = body["facets"]["fields"]
    return {name: Counter({v["value"]: v["count"] for v in fields[name]}) for name in fields}


async def test_items_of_before_variants_become_items_of_one_variant(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    assert settings.database_url
    await shop.engine.dispose()
    await asyncio.to_thread(migrate.downgrade, settings.database_url, "0013")
    try:
        ids = await _old_catalogue(shop)
    finally:
        await asyncio.to_thread(migrate.upgrade, settings.database_url, "head")
        await shop.engine.dispose()  # the tables are new: no cached statement or type
    report = await migrate_items(shop)
    await reconcile.reconcile(shop, recount=True)
    assert (report.migrated, report.typed, report.without_size) == (8, 6, 1)
    assert [(category, size) for _, category, size in report.other] == [("t-shirts", "Size M/L")]

    docs = {str(d["_id"]): d for d in await Item.get_pymongo_collection().find({}).to_list()}
    sizes = [docs[i]["variants"][0]["size"] for i in ids]
    assert [s and f"{s['system']}:{s['value']}" for s in sizes] == [
        "letter:M",
        "letter:M",
        "other:Size M/L",
        "eu_women:38",
        "jeans:W32 L34",
        "shoe_eu:42",
        "one_size:One size",
        None,
    ]
    assert all(docs[i]["variants"][0]["id"] == i for i in ids)  # its stock row's id

    async with shop.engine.connect() as conn:
        rows = (
            await conn.execute(text("SELECT variant_id, item_id, sku, on_hand FROM stock"))
        ).all()
    assert sorted((r.item_id, r.on_hand) for r in rows) == sorted(
        (i, old[4]) for i, old in zip(ids, OLD_ITEMS, strict=True)
    )
    assert all(r.variant_id == r.item_id and r.sku == f"GD-{r.item_id.upper()}" for r in rows)

    facets = await _facets(client)
    assert facets["brand"] == Counter({"zara": 8})
    assert facets["colour"] == Counter({"black": 4, "white": 3, "blue": 1})
    assert facets["size"]["letter:M"] == 2
    assert facets["category"]["clothes"] == 5

    again = await migrate_items(shop)
    assert again.migrated == 0
    assert await _facets(client) == facets


async def test_a_listing_answers_between_the_schema_and_the_documents_migrations(
    client: httpx.AsyncClient, shop: Stores, settings: Settings
) -> None:
    """After `db upgrade` and before the command, items read as one variant each (their
    size kept as given) and the reconciliation lists them with their stock."""
    assert settings.database_url
    await shop.engine.dispose()
    await asyncio.to_thread(migrate.downgrade, settings.database_url, "0013")
    try:
        await _old_catalogue(shop)
    finally:
        await asyncio.to_thread(migrate.upgrade, settings.database_url, "head")
        await shop.engine.dispose()
    await reconcile.reconcile(shop, recount=True)
    body: dict[str, Any] = (await client.get("/api/v1/items", params={"limit": 50})).json()
    assert len(body["items"]) == 8
    card = next(c for c in body["items"] if c["title"] == "Old item 0")
    assert card["availability"] == "few_left"  # 3 units
    assert card["sizes_in_stock"] == ["M"]
    detail = (await client.get(f"/api/v1/items/{card['id']}")).json()
    (only,) = detail["variants"]
    assert (only["id"], only["size"]["label"]) == (card["id"], "M")  # the item's own id
