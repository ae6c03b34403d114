"""Items written before variants become items of one variant (`garderobe catalog
migrate-variants`, after migration 0014).

The variant takes the item's own id (the id its stock row, cart and order lines were given by
the migration) and the SKU the migration made; a `size` that reads on the category's size
systems becomes that typed size, anything else is kept as an `other` size of that label and
reported. Idempotent: an item with variants is left as it is, and a second run changes
nothing. Each batch is written in the stated order: stock rows (created if missing) and index
rows in PostgreSQL, then the documents, each on its revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo import UpdateOne

from garderobe.catalog import service as items
from garderobe.catalog import validation
from garderobe.catalog.documents import OTHER_SIZE, Item, Variant, VariantSize, legacy_sku
from garderobe.catalog.variants.validation import VariantRules
from garderobe.infra.stores import Stores
from garderobe.sizing.systems import parse_size
from garderobe.stock import service as stock
from garderobe.stock.service import NewStock
from garderobe.uow import unit_of_work

BATCH = 500
PENDING = {"$or": [{"variants": {"$exists": False}}, {"variants": []}]}


@dataclass
class MigrationReport:
    migrated: int = 0
    typed: int = 0
    without_size: int = 0
    # (item id, category, the size kept as it was): sizes no size system of the category reads
    other: list[tuple[str, str, str]] = field(default_factory=list)


def one_variant(item_id: str, size: str | None, rules: VariantRules) -> Variant:
    """The variant an item of before variants is: its own id, the migration's SKU, its size
    typed on the category's systems (or kept as `other`)."""
    typed = None
    if size:
        parsed = parse_size(size, rules.size_systems)
        system, value = parsed or (OTHER_SIZE, " ".join(size.split())[:40])
        typed = VariantSize(system=system, value=value)
    return Variant(id=item_id, sku=legacy_sku(item_id), size=typed)


async def migrate_items(stores: Stores) -> MigrationReport:
    """Give every item without variants its one variant; report what could not be typed."""
    report = MigrationReport()
    rules: dict[str, VariantRules] = {}
    # One cursor in id order reads each item once (a batch looked up by ids costs a scan
    # per batch where no index serves the `$or`); an item written while it runs is migrated
    # when the cursor reaches it, else by the next run.
    cursor = Item.get_pymongo_collection().find(PENDING).sort("_id", 1).batch_size(BATCH)
    batch: list[dict[str, Any]] = []
    async for doc in cursor:
        batch.append(doc)
        if len(batch) == BATCH:
            await _migrate_batch(stores, batch, rules, report)
            batch = []
    if batch:
        await _migrate_batch(stores, batch, rules, report)
    return report


async def _rules(category: str, known: dict[str, VariantRules]) -> VariantRules:
    if category not in known:
        known[category] = await validation.variant_rules(category)
    return known[category]


async def _migrate_batch(
    stores: Stores,
    batch: list[dict[str, Any]],
    known: dict[str, VariantRules],
    report: MigrationReport,
) -> None:
    changed: list[tuple[dict[str, Any], Variant]] = []
    for doc in batch:
        variant = one_variant(
            str(doc["_id"]), doc.get("size"), await _rules(doc["category"], known)
        )
        changed.append((doc, variant))
        _count(report, doc, variant)
    rows = [NewStock(v.id, v.id, v.sku, 1) for _, v in changed]
    migrated = [
        Item.model_validate({**doc, "variants": [v.model_dump()], "revision": doc["revision"] + 1})
        for doc, v in changed
    ]
    async with unit_of_work(stores) as session:
        await stock.create_for_variants(session, rows)  # the rows the migration missed, if any
        await items.reindex_documents(session, migrated)
        await session.flush()
        await _write(changed)


def _count(report: MigrationReport, doc: dict[str, Any], variant: Variant) -> None:
    report.migrated += 1
    if variant.size is None:
        report.without_size += 1
    elif variant.size.system == OTHER_SIZE:
        report.other.append((str(doc["_id"]), doc["category"], variant.size.value))
    else:
        report.typed += 1


async def _write(changed: list[tuple[dict[str, Any], Variant]]) -> None:
    """Each document takes its variant, on its revision (a concurrent write wins: the item
    is still without variants then, and the next run migrates it); one round trip."""
    now = datetime.now(UTC)
    updates = [
        UpdateOne(
            {"_id": doc["_id"], "revision": doc["revision"]},
            {
                "$set": {"variants": [variant.model_dump()], "updated_at": now},
                "$inc": {"revision": 1},
            },
        )
        for doc, variant in changed
    ]
    await Item.get_pymongo_collection().bulk_write(updates, ordered=False)
