"""New items: checked as `POST /api/v1/items` checks them, then written one at a time (the
API) or many together (a bulk import's batch), in the catalog's write order: stock rows and
index rows first (flushed), the documents last."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from beanie import PydanticObjectId
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache, validation
from garderobe.catalog.documents import Item
from garderobe.catalog.index import writer
from garderobe.catalog.schemas import ItemCreate
from garderobe.catalog.suppliers import service as suppliers
from garderobe.catalog.variants.validation import first_variants
from garderobe.stock import service as stock_service
from garderobe.stock.service import NewStock
from garderobe.webhooks import events as webhook_events


@dataclass(frozen=True)
class NewItem:
    """A new item checked and built, with its variants' stock rows; not written yet."""

    item: Item
    stock: list[NewStock]
    names: list[str]  # the category names on its path, for its index row
    brand_name: str | None


async def new_item(
    session: AsyncSession, body: ItemCreate, *, item_id: PydanticObjectId | None = None
) -> NewItem:
    """Validate `body` as a new item (the checks of `POST /api/v1/items`). An `item_id`
    chosen by the caller (a bulk import's, derived from a SKU) replaces a new one."""
    checked = await validation.validated(body.model_dump(exclude={"stock", "variants"}))
    if checked.data.get("supplier"):
        await suppliers.require_supplier(session, checked.data["supplier"])
    item_id = item_id or PydanticObjectId()
    variants, rows = first_variants(
        str(item_id), body.variants, (body.size, body.stock), checked.rules
    )
    data = {**checked.data, "size": validation.single_size(variants)}
    item = Item(id=item_id, **data, variants=variants)
    return NewItem(item, rows, checked.names, checked.brand_name)


async def create_items(session: AsyncSession, items: Sequence[NewItem]) -> None:
    """Write new items in the catalog's order: their stock rows and index rows (flushed, so
    a SKU taken surfaces here), then the documents in one insert."""
    await stock_service.create_for_variants(session, [row for new in items for row in new.stock])
    if len(items) == 1:  # one item (the API's create): as every single write indexes it
        one = items[0]
        await writer.index_item(
            session, one.item, category_names=one.names, brand_name=one.brand_name
        )
    else:
        await writer.index_items_bulk(session, [(n.item, n.names, n.brand_name) for n in items])
    cache.changed(session)
    for new in items:
        await webhook_events.emit(session, "item.created", item_event(new.item))
    await session.flush()
    if len(items) == 1:
        await items[0].item.insert()
    elif items:
        documents = [new.item.model_dump(by_alias=True, mode="python") for new in items]
        await Item.get_pymongo_collection().insert_many(documents, ordered=False)


def item_event(item: Item) -> dict[str, Any]:
    """What `item.created` and `item.updated` carry: enough to decide whether to fetch it."""
    return {
        "item_id": str(item.id),
        "revision": item.revision,
        "title": item.title,
        "category": item.category,
        "status": item.status.value,
    }
