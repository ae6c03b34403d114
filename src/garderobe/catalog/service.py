"""Catalog items: validated writes with optimistic concurrency, reads for other domains.

The write order across MongoDB and PostgreSQL: PostgreSQL first (stock and index rows,
flushed, so constraint errors surface), MongoDB last. If MongoDB fails, the exception rolls
PostgreSQL back at the edge; the only window left is a PostgreSQL commit failing after
MongoDB succeeded, which the scheduled index reconciliation repairs (`index.reconcile`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from beanie import PydanticObjectId
from bson.errors import InvalidId
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import cache, validation
from garderobe.catalog.creation import NewItem as NewItem
from garderobe.catalog.creation import create_items as create_items
from garderobe.catalog.creation import item_event as item_event
from garderobe.catalog.creation import new_item as new_item
from garderobe.catalog.documents import Item, ItemStatus, Variant, legacy_sku
from garderobe.catalog.index import writer
from garderobe.catalog.schemas import ItemCreate
from garderobe.catalog.suppliers import service as suppliers
from garderobe.catalog.taxonomy.service import (
    brand_names,
    category_names,
)
from garderobe.catalog.variants.availability import shown_differently

# Re-exported: other domains name the offers and their problems through this service.
from garderobe.catalog.variants.offers import ItemOffer as ItemOffer
from garderobe.catalog.variants.offers import VariantNotFound as VariantNotFound
from garderobe.catalog.variants.offers import VariantOffer as VariantOffer
from garderobe.catalog.variants.offers import VariantRequired, offer_of
from garderobe.catalog.variants.validation import (
    shorthand_size,
)
from garderobe.errors import NotFound, PreconditionFailed
from garderobe.media import service as media
from garderobe.stock import service as stock_service
from garderobe.stock.schemas import StockOut
from garderobe.webhooks import events as webhook_events


class ItemNotFound(NotFound):
    slug = "item-not-found"
    title = "Item not found"


class StaleRevision(PreconditionFailed):
    slug = "stale-revision"
    title = "The item changed since you read it"


def parse_item_id(item_id: str) -> PydanticObjectId:
    """An item id from a URL; anything that is no ObjectId is simply not found."""
    try:
        return PydanticObjectId(item_id)
    except (InvalidId, TypeError) as exc:
        raise ItemNotFound(f"No item {item_id!r}.") from exc


async def get_item(item_id: str, *, include_inactive: bool = True) -> Item:
    """The item, or ItemNotFound; with include_inactive=False only active items are found."""
    item = await Item.get(parse_item_id(item_id))
    if item is None or (not include_inactive and item.status is not ItemStatus.ACTIVE):
        raise ItemNotFound(f"No item {item_id!r}.")
    return item


async def get_items(ids: Sequence[str]) -> dict[str, Item]:
    """The items that exist among `ids`, by id (for carts, checkout and pages)."""
    if not ids:  # asks nothing: the stand-in scans every document for `$in: []`
        return {}
    object_ids = [parse_item_id(i) for i in ids]
    # Whole documents, asked without a projection: Beanie's find names every field in one,
    # which costs the server its work for nothing (a third of a listing page's fetch on
    # the stand-in, measured) and the documents come back the same.
    cursor = Item.get_pymongo_collection().find({"_id": {"$in": object_ids}})
    found = [Item.model_validate(document) for document in await cursor.to_list()]
    return {str(item.id): item for item in found}


async def items_in_order(ids: Sequence[str]) -> list[Item]:
    """The items among `ids`, in that order: an id the index still lists but MongoDB no
    longer has is left out."""
    found = await get_items(ids)
    return [found[i] for i in ids if i in found]


async def _move_status(ids: Sequence[str], old: ItemStatus, new: ItemStatus) -> None:
    await Item.get_pymongo_collection().update_many(
        {"_id": {"$in": [parse_item_id(i) for i in ids]}, "status": old.value},
        {"$set": {"status": new.value, "updated_at": datetime.now(UTC)}, "$inc": {"revision": 1}},
    )


async def reindex_items(session: AsyncSession, ids: Sequence[str]) -> None:
    """Bring the index rows of `ids` in line with their documents."""
    await reindex_documents(session, list((await get_items(ids)).values()))


async def reindex_documents(session: AsyncSession, items: Sequence[Item]) -> None:
    """Bring the index rows of `items` in line with these documents (about to be stored)."""
    names = await category_names(sorted({s for item in items for s in item.category_path}))
    brands = await brand_names(sorted({item.brand for item in items if item.brand}))
    rows = [
        (
            item,
            [names.get(s, s) for s in item.category_path],
            brands.get(item.brand) if item.brand else None,
        )
        for item in items
    ]
    await writer.index_items_bulk(session, rows)
    cache.changed(session)


async def mark_items_sold(ids: Sequence[str], session: AsyncSession | None = None) -> None:
    """Active items become sold (idempotent: sold items stay as they are).

    Called from an outbox job, so MongoDB goes first here: a retry after a failed PostgreSQL
    write finds the items sold already and only redoes the index rows. With `session`, the
    sold items leave the listing and search in that transaction (and the cached pages with
    its commit); without, the scheduled reconciliation mends the index within the hour.
    """
    await _move_status(ids, ItemStatus.ACTIVE, ItemStatus.SOLD)
    if session is not None:
        await reindex_items(session, ids)


async def mark_items_available(ids: Sequence[str], session: AsyncSession | None = None) -> None:
    """Sold items whose stock came back (a cancelled order) are active again (idempotent);
    `session` as for mark_items_sold."""
    await _move_status(ids, ItemStatus.SOLD, ItemStatus.ACTIVE)
    if session is not None:
        await reindex_items(session, ids)


async def create_item(session: AsyncSession, body: ItemCreate) -> Item:
    """Validate, write the stock rows and the index row, then insert the document."""
    await create_items(session, [created := await new_item(session, body)])
    return created.item


async def update_item(
    session: AsyncSession, item: Item, changes: dict[str, Any], expected_revision: int
) -> Item:
    """Apply `changes` if the item is still at `expected_revision`, else StaleRevision (412).
    A `size` among them is its one variant's (the shorthand of clients older than variants)."""
    if "size" in changes:
        changes = dict(changes)
        text = changes.pop("size")
        if text != item.size:
            category = changes.get("category", item.category)
            sized = shorthand_size(item, text, await validation.variant_rules(category))
            changes["variants"] = [v.model_dump() for v in sized]
    return await _write(session, item, changes, expected_revision)


async def set_variants(
    session: AsyncSession, item: Item, variants: Sequence[Variant], expected_revision: int
) -> Item:
    """Store the item's new variants (their stock rows are the caller's, written first)."""
    ordered = sorted(variants, key=lambda v: (v.position, v.id))
    return await _write(
        session, item, {"variants": [v.model_dump() for v in ordered]}, expected_revision
    )


async def _write(
    session: AsyncSession, item: Item, changes: dict[str, Any], expected_revision: int
) -> Item:
    if item.revision != expected_revision:
        raise StaleRevision(f"The item is at revision {item.revision}, not {expected_revision}.")
    stored = item.model_dump(exclude={"id", "images", "revision", "created_at"})
    stored["variants"] = [v.model_dump() for v in item.sellable_variants()]
    checked = await validation.validated({**stored, **changes})
    if checked.data.get("supplier"):
        await suppliers.require_supplier(session, checked.data["supplier"])
    data = dict(checked.data, updated_at=datetime.now(UTC), revision=expected_revision + 1)
    updated: Item = Item.model_validate({**item.model_dump(), **data, "id": item.id})
    updated.size = validation.single_size(updated.variants)
    names, brand_name = checked.names, checked.brand_name
    await writer.index_item(session, updated, category_names=names, brand_name=brand_name)
    cache.changed(session)
    await webhook_events.emit(session, "item.updated", item_event(updated))
    await session.flush()
    result = await Item.get_pymongo_collection().update_one(
        {"_id": item.id, "revision": expected_revision},
        # created_at never changes, and images change only through catalog.images.
        {"$set": updated.model_dump(mode="python", exclude={"id", "images", "created_at"})},
    )
    if result.matched_count == 0:  # someone else wrote between our read and our write
        raise StaleRevision("The item was changed by someone else meanwhile; read it again.")
    return updated


async def patch_item(
    session: AsyncSession, item: Item, changes: dict[str, Any], expected_revision: int
) -> Item:
    """Change only the fields in `changes`; `attributes` is merged into the item's, and an
    attribute set to None is removed (PATCH, and the admin panel's changes)."""
    if "attributes" in changes:
        merged = {**item.attributes, **(changes["attributes"] or {})}
        changes = {**changes, "attributes": {k: v for k, v in merged.items() if v is not None}}
    return await update_item(session, item, changes, expected_revision)


async def delete_item(session: AsyncSession, item: Item, expected_revision: int) -> None:
    """Remove the search row, then the document, if the item is still at `expected_revision`."""
    if item.revision != expected_revision:
        raise StaleRevision(f"The item is at revision {item.revision}, not {expected_revision}.")
    await writer.remove_item(session, str(item.id))
    cache.changed(session)
    media.schedule_item_media_deletion(session, str(item.id))
    await session.flush()
    result = await Item.get_pymongo_collection().delete_one(
        {"_id": item.id, "revision": expected_revision}
    )
    if result.deleted_count == 0:
        raise StaleRevision("The item was changed by someone else meanwhile; read it again.")


async def find_items_for_admin(
    *,
    title: str = "",
    category: str = "",
    brand: str = "",
    status: ItemStatus | None = None,
    limit: int = 50,
) -> list[Item]:
    """Items in any status, newest first, for the admin panel: title contains (any case),
    exact category (anywhere in the path), brand and status."""
    query: dict[str, Any] = {}
    if title:
        query["title"] = {"$regex": re.escape(title), "$options": "i"}
    if category:
        query["category_path"] = category
    if brand:
        query["brand"] = brand
    if status is not None:
        query["status"] = status.value
    return await Item.find(query).sort("-created_at").limit(limit).to_list()


async def set_on_hand(
    session: AsyncSession, item_id: str, on_hand: int, variant_id: str | None = None
) -> StockOut:
    """Admin: the units on hand of one variant of an existing item (of its only variant
    without `variant_id`). Shoppers see availability: the item's index row follows in this
    transaction, and the cached pages turn over when it commits."""
    item = await get_item(item_id)
    variants = item.sellable_variants()
    if variant_id is None:
        if len(variants) > 1:
            raise VariantRequired(
                f"Item {item_id} has {len(variants)} variants: set the stock of one "
                f"(PUT /api/v1/admin/stock/{item_id}/variants/{{variant_id}}).",
                extensions={"variant_ids": [v.id for v in variants]},
            )
        variant_id = variants[0].id
    elif item.variant(variant_id) is None:
        raise VariantNotFound(f"Item {item_id} has no variant {variant_id!r}.")
    before = await stock_service.available_units(session, [item_id])
    await stock_service.set_on_hand(session, item_id, variant_id, on_hand)
    await stock_changed(session, [item_id])
    await stock_returned(session, before, low_stock=None)
    return await stock_service.item_stock(session, item_id)


async def stock_changed(session: AsyncSession, item_ids: Sequence[str]) -> None:
    """The items' stock changed in this transaction (availability of a variant, as checkout,
    payment, a cancellation or an admin change it): their index rows follow it now, and the
    cached pages turn over once it commits."""
    # In id order: concurrent checkouts then lock the items' index rows in one order.
    await reindex_items(session, sorted(set(item_ids)))


async def stock_returned(
    session: AsyncSession,
    before: Mapping[str, Mapping[str, int]],
    low_stock: int | None = None,
) -> None:
    """Units came back (or were set) in this transaction for the items of `before` (their
    available units per variant before it): the webhook events of the change."""
    after = await stock_service.available_units(session, list(before))
    for item_id in sorted(before):
        await webhook_events.stock_moved(
            session, item_id, before[item_id], after.get(item_id, {}), low_stock
        )


async def stock_moved(
    session: AsyncSession,
    moved: Mapping[str, Mapping[str, int]],
    few_left: int,
    low_stock: int | None = None,
) -> list[str]:
    """Units moved in this transaction by `moved` (item -> variant -> units, negative for
    reserved): the index rows of the items whose shown availability changed follow now
    (others keep the cached pages), and the webhook events of the change are written
    (`stock.low` at `low_stock`). Returns the items of one variant left with none: a
    one-off is sold, not listed as sold out."""
    after = await stock_service.available_units(session, list(moved))
    shown, gone = [], []
    for item_id, deltas in moved.items():
        now = after.get(item_id, {})
        before = {**now, **{v: now.get(v, 0) - d for v, d in deltas.items()}}
        await webhook_events.stock_moved(session, item_id, before, now, low_stock)
        if shown_differently(before, now, few_left):
            shown.append(item_id)
        if len(now) == 1 and sum(now.values()) <= 0:
            gone.append(item_id)
    if shown:
        await stock_changed(session, shown)
    return sorted(gone)


async def get_offer(item_id: str) -> ItemOffer:
    """The offer of an item that can be bought now; ItemNotFound (404) when it is missing or
    not active (only what can be bought goes in a cart)."""
    return offer_of(await get_item(item_id, include_inactive=False))


async def get_offers(ids: Sequence[str]) -> dict[str, ItemOffer]:
    """The offers of the items that exist among `ids`, by id (carts and checkout)."""
    return {item_id: offer_of(item) for item_id, item in (await get_items(ids)).items()}


@dataclass(frozen=True)
class ItemState:
    """What the cross-store consistency check compares with the stock and index rows."""

    revision: int
    active: bool
    sold: bool
    skus: dict[str, str]  # the item's variants: variant id -> SKU

    @property
    def one_off(self) -> bool:
        """One variant: the item is sold when it has no units left (not "sold out")."""
        return len(self.skus) == 1


def _state(doc: dict[str, Any]) -> ItemState:
    item_id = str(doc["_id"])
    variants = doc.get("variants") or [{"id": item_id, "sku": legacy_sku(item_id)}]
    return ItemState(
        revision=doc["revision"],
        active=doc["status"] == ItemStatus.ACTIVE.value,
        sold=doc["status"] == ItemStatus.SOLD.value,
        skus={v["id"]: v["sku"] for v in variants},
    )


async def item_states() -> dict[str, ItemState]:
    """Every item's state, by id: one pass over the collection reading three fields."""
    fields = {"status": 1, "revision": 1, "variants": 1}
    documents = Item.get_pymongo_collection().find({}, fields)
    return {str(doc["_id"]): _state(doc) async for doc in documents}
