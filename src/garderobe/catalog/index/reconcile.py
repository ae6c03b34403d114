"""Repair the catalog's read index (`item_search`) from MongoDB (the source of truth).

Run by `garderobe search reindex`, by the worker at start and hourly: item writes update the
index in the same request, so this only mends what a crash between the two stores left
behind (or rows an older schema of the index wrote: those carry revision 0).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from beanie import PydanticObjectId
from beanie.operators import In
from sqlalchemy import select

from garderobe.catalog import cache
from garderobe.catalog.documents import Item
from garderobe.catalog.index import counts, writer
from garderobe.catalog.index.models import ItemSearch
from garderobe.catalog.taxonomy.documents import Brand, Category
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class ReconcileReport:
    upserted: int
    removed: int
    unchanged: int


async def divergent(
    stores: Stores, documents: dict[str, int] | None = None
) -> tuple[list[str], list[str], int]:
    """Ids whose index row is missing or stale (by revision), ids of index rows whose item is
    gone, and how many items there are. `documents` (id -> revision) saves reading MongoDB
    again when the caller has just read it."""
    if documents is None:
        documents = {
            str(doc["_id"]): doc["revision"]
            async for doc in Item.get_pymongo_collection().find({}, {"revision": 1})
        }
    async with stores.sessionmaker() as session:
        indexed_rows = await session.execute(select(ItemSearch.item_id, ItemSearch.revision))
        indexed: dict[str, int] = dict(indexed_rows.all())
    stale = [i for i, revision in documents.items() if indexed.get(i) != revision]
    return stale, [i for i in indexed if i not in documents], len(documents)


async def reconcile(stores: Stores, *, recount: bool = False) -> ReconcileReport:
    """Upsert rows missing or stale (by revision), delete rows of items that are gone, then
    fold the facet count changes (count every item again instead when anything was repaired
    or `recount` asks)."""
    stale, orphans, total = await divergent(stores)
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
            await writer.index_items_bulk(session, rows)
            cache.changed(session)
    if orphans:
        async with unit_of_work(stores) as session:
            await writer.remove_items(session, orphans)
            cache.changed(session)
    async with unit_of_work(stores) as session:
        # Rows that had to be repaired may have been counted wrongly too: count again.
        if recount or stale or orphans:
            await counts.rebuild(session)
            cache.changed(session)
        else:
            await counts.compact(session)
    report = ReconcileReport(len(stale), len(orphans), total - len(stale))
    if stale or orphans:
        log.info("catalog index repaired", extra=vars(report))
    return report
