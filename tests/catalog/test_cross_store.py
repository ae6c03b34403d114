"""Item writes reach PostgreSQL (stock, read index) in the same request, or not at all."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from garderobe.catalog import service
from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.index import writer
from garderobe.catalog.index.models import ItemSearch
from garderobe.infra.stores import Stores
from garderobe.stock import service as stock
from garderobe.stock.models import Stock
from garderobe.uow import unit_of_work
from tests.catalog.helpers import TSHIRT, create, etag
from tests.factories import create_item

ITEMS = "/api/v1/items"


async def _index_row(shop: Stores, item_id: str) -> tuple[int, str] | None:
    """(revision, status) of the item's read-index row."""
    async with shop.sessionmaker() as session:
        row = (
            await session.execute(
                select(ItemSearch.revision, ItemSearch.status).where(ItemSearch.item_id == item_id)
            )
        ).one_or_none()
    return None if row is None else (row.revision, row.status)


async def _listed(client: httpx.AsyncClient, item_id: str) -> bool:
    page = (await client.get(ITEMS, params={"limit": 100})).json()
    return item_id in {i["id"] for i in page["items"]}


async def _found(client: httpx.AsyncClient, title: str) -> bool:
    hits = (await client.get("/api/v1/search", params={"q": title})).json()["items"]
    return title in {h["title"] for h in hits}


async def _available(shop: Stores, item: dict[str, Any]) -> int:
    """The units available of the item's one variant."""
    [variant] = item["variants"]
    async with shop.sessionmaker() as session:
        return (await stock.available(session, [variant["id"]]))[variant["id"]]


async def test_creating_an_item_writes_its_stock_row_and_search_row(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    three = await create(client, admin, stock=3)
    one = await create(client, admin)
    assert await _available(shop, three) == 3
    assert await _available(shop, one) == 1  # one-off resale items by default
    assert await _index_row(shop, three["id"]) == (1, "active")


async def test_updates_and_deletes_keep_the_index_row_in_step(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    item = await create(client, admin)
    url = f"{ITEMS}/{item['id']}"
    await client.patch(url, json={"title": "Renamed"}, headers={**admin, "If-Match": etag(item, 1)})
    assert await _index_row(shop, item["id"]) == (2, "active")
    assert await _listed(client, item["id"])
    assert await _found(client, "Renamed")
    await client.patch(url, json={"status": "draft"}, headers={**admin, "If-Match": etag(item, 2)})
    assert await _index_row(shop, item["id"]) == (3, "draft")
    assert not await _listed(client, item["id"])  # only active items are listed and found
    assert not await _found(client, "Renamed")
    await client.delete(url, headers={**admin, "If-Match": etag(item, 3)})
    assert await _index_row(shop, item["id"]) is None


async def test_a_failing_mongodb_write_leaves_nothing_in_postgresql(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(self: Item, *args: object, **kwargs: object) -> None:
        raise RuntimeError("MongoDB went away")

    monkeypatch.setattr(Item, "insert", refuse)
    response = await client.post(ITEMS, json=TSHIRT, headers=admin)
    assert response.status_code == 500
    async with shop.sessionmaker() as session:
        assert (await session.execute(select(ItemSearch))).all() == []
        assert (await session.execute(select(Stock))).all() == []
    assert await Item.find_all().count() == 0


async def test_a_failing_postgresql_write_leaves_nothing_in_mongodb(
    client: httpx.AsyncClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("PostgreSQL went away")

    monkeypatch.setattr(writer, "index_item", refuse)
    response = await client.post(ITEMS, json=TSHIRT, headers=admin)
    assert response.status_code == 500
    assert await Item.find_all().count() == 0


async def test_mark_items_sold_is_idempotent_and_bumps_the_revision(shop: Stores) -> None:
    active = await create_item()
    draft = await create_item(status=ItemStatus.DRAFT)
    await service.mark_items_sold([str(active.id), str(draft.id)])
    await service.mark_items_sold([str(active.id)])
    sold = await service.get_item(str(active.id))
    assert (sold.status, sold.revision) == (ItemStatus.SOLD, 2)
    assert (await service.get_item(str(draft.id))).status is ItemStatus.DRAFT
    await service.mark_items_available([str(active.id)])
    relisted = await service.get_item(str(active.id))
    assert (relisted.status, relisted.revision) == (ItemStatus.ACTIVE, 3)


async def test_other_domains_read_items_names_and_brands_through_the_service(
    shop: Stores,
) -> None:
    item = await create_item()
    assert list(await service.get_items([str(item.id)])) == [str(item.id)]
    assert await service.category_names(["t-shirts", "nope"]) == {"t-shirts": "T-shirts"}
    assert await service.brand_names(["levis"]) == {"levis": "Levi's"}
    with pytest.raises(service.ItemNotFound):
        await service.get_item("0123456789abcdef01234567")


async def test_sold_items_leave_listing_and_search_and_relisted_ones_return(
    client: httpx.AsyncClient, admin: dict[str, str], shop: Stores
) -> None:
    item = await create(client, admin)
    assert await _listed(client, item["id"])  # now cached: the change below must show anyway
    async with unit_of_work(shop) as session:
        await service.mark_items_sold([item["id"]], session=session)
    assert await _index_row(shop, item["id"]) == (2, "sold")
    assert not await _listed(client, item["id"])
    assert not await _found(client, item["title"])
    async with unit_of_work(shop) as session:
        await service.mark_items_available([item["id"]], session=session)
    assert await _index_row(shop, item["id"]) == (3, "active")
    assert await _listed(client, item["id"])
