"""Admins' changes to an item's variants: add, change, remove, reorder.

Every change follows the catalog's write order: the stock rows first (a SKU taken, or units
reserved by open orders, refuse it there), then the item document with the index row
(`catalog.service.update_item`, on the item's revision).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import service as items
from garderobe.catalog import validation
from garderobe.catalog.documents import Item, Variant
from garderobe.catalog.variants.offers import VariantNotFound
from garderobe.catalog.variants.schemas import VariantIn, VariantPatch
from garderobe.catalog.variants.validation import (
    InvalidVariant,
    checked_colour,
    checked_gtin,
    checked_sku,
    new_variant,
    typed_size,
)
from garderobe.errors import Conflict
from garderobe.stock import service as stock
from garderobe.stock.service import NewStock


class LastVariant(Conflict):
    slug = "last-variant"
    title = "An item keeps at least one variant"


def _found(item: Item, variant_id: str) -> Variant:
    variant = item.variant(variant_id)
    if variant is None:
        raise VariantNotFound(f"Item {item.id} has no variant {variant_id!r}.")
    return variant


async def add_variant(
    session: AsyncSession, item: Item, expected_revision: int, spec: VariantIn
) -> tuple[Item, Variant]:
    rules = await validation.variant_rules(item.category)
    current = item.sellable_variants()
    position = max((v.position for v in current), default=-1) + 1
    variant = new_variant(str(item.id), spec, rules, position)
    await stock.create_for_variants(
        session, [NewStock(variant.id, str(item.id), variant.sku, spec.stock)]
    )
    updated = await items.set_variants(session, item, [*current, variant], expected_revision)
    return updated, variant


async def change_variant(
    session: AsyncSession, item: Item, expected_revision: int, variant_id: str, patch: VariantPatch
) -> tuple[Item, Variant]:
    """Change the given fields of one variant; size, colour, price and GTIN go with null."""
    rules = await validation.variant_rules(item.category)
    variant = _found(item, variant_id)
    changes = patch.model_dump(exclude_unset=True)
    fields: dict[str, object] = {}
    if "sku" in changes and changes["sku"] != variant.sku:
        fields["sku"] = checked_sku(changes["sku"])
        await stock.rename_sku(session, variant.id, fields["sku"])  # type: ignore[arg-type]
    if "size" in changes or "size_system" in changes:
        text = changes.get("size", variant.size.value if variant.size else None)
        system = changes.get("size_system")
        fields["size"] = typed_size(text, system, rules.size_systems)
    if "colour" in changes:
        fields["colour"] = checked_colour(changes["colour"], rules.colours)
    for name in ("price", "position"):
        if name in changes:
            fields[name] = getattr(patch, name)
    if "gtin" in changes:
        fields["gtin"] = checked_gtin(changes["gtin"])
    changed = variant.model_copy(update=fields)
    others = [v for v in item.sellable_variants() if v.id != variant_id]
    updated = await items.set_variants(session, item, [*others, changed], expected_revision)
    return updated, changed


async def remove_variant(
    session: AsyncSession, item: Item, expected_revision: int, variant_id: str
) -> Item:
    """Delete a variant no open order holds units of (409 with the count otherwise)."""
    _found(item, variant_id)
    rest = [v for v in item.sellable_variants() if v.id != variant_id]
    if not rest:
        raise LastVariant("An item keeps at least one variant; delete the item instead.")
    await stock.remove_variant(session, variant_id)
    return await items.set_variants(session, item, rest, expected_revision)


async def reorder_variants(
    session: AsyncSession, item: Item, expected_revision: int, order: Sequence[str]
) -> Item:
    by_id = {v.id: v for v in item.sellable_variants()}
    if sorted(order) != sorted(by_id):
        raise InvalidVariant("The order must list every variant of the item exactly once.")
    variants = [by_id[v].model_copy(update={"position": n}) for n, v in enumerate(order)]
    return await items.set_variants(session, item, variants, expected_revision)
