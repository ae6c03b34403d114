"""Repair the search projection from MongoDB (the source of truth).

Run by `garderobe search reindex` and hourly by the worker: item writes update the projection
in the same request, so this only mends what a crash between the two stores left behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId
from beanie.operators import In
from sqlalchemy import delete, select

from garderobe.catalog import search
from garderobe.catalog.documents import Brand, Category, Item, ItemStatus
from garderobe.catalog.search_models import ItemSearch
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class ReconcileReport:
    upserted: int
    removed: int
    unchanged: int


async def reconcile(stores: Stores) -> ReconcileReport:
    """Upsert rows missing or stale (by revision), delete rows of items not active anymore."""
    active = {
        str(doc["_id"]): doc["revision"]
        async for doc in Item.get_pymongo_collection().find(
            {"status": ItemStatus.ACTIVE.value}, {"revision": 1}
        )
    }
    async with stores.sessionmaker() as session:
        indexed_rows = await session.execute(select(ItemSearch.item_id, ItemSearch.revision))
        indexed: dict[str, int] = dict(indexed_rows.all())
    stale = [i for i, revision in active.items() if indexed.get(i) != revision]
    orphans = [i for i in indexed if i not in active]
    categories = {c.slug: c.name for c in await Category.find_all().to_list()}
    brands = {b.slug: b.name for b in await Brand.find_all().to_list()}
    for start in range(0, len(stale), BATCH):
        ids = [PydanticObjectId(i) for i in stale[start : start + BATCH]]
        items = await Item.find(In(Item.id, ids)).to_list()
        rows: list[tuple[Item, list[str], str | None]] = [
            (
                item,
                [categories.get(s, s) for s in item.category_path],
                brands.get(item.brand) if item.brand else None,
            )
            for item in items
        ]
        async with unit_of_work(stores) as session:
            await search.index_items_bulk(session, rows)
    if orphans:
        async with unit_of_work(stores) as session:
            await session.execute(delete(ItemSearch).where(ItemSearch.item_id.in_(orphans)))
    report = ReconcileReport(len(stale), len(orphans), len(active) - len(stale))
    if stale or orphans:
        log.info("search projection repaired", extra=vars(report))
    return report


async def reconcile_search(ctx: dict[str, Any]) -> dict[str, int]:
    """arq cron job."""
    return vars(await reconcile(ctx["stores"]))
