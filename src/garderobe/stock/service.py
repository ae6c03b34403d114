"""Stock per variant: set by admins, reserved at checkout, taken at payment, returned on cancel.

Every change is a single conditional UPDATE, so concurrent checkouts can never take more
than there is: the row lock serialises them and the WHERE clause refuses the rest. A
variant's stock row also holds its SKU, unique across the catalog.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.errors import Conflict
from garderobe.stock.models import Stock
from garderobe.stock.schemas import StockOut, VariantStockOut


class OutOfStock(Conflict):
    slug = "out-of-stock"
    title = "Not enough stock"

    def __init__(self, item_id: str, available: int, variant_id: str | None = None) -> None:
        what = f"item {item_id}" if variant_id in (None, item_id) else f"variant {variant_id}"
        super().__init__(
            f"Only {available} of {what} available.",
            extensions={"item_id": item_id, "variant_id": variant_id, "available": available},
        )


class SkuTaken(Conflict):
    slug = "sku-taken"
    title = "SKU already in use"

    def __init__(self, skus: Sequence[str]) -> None:
        super().__init__(
            f"SKU {', '.join(skus)} belongs to another variant.", extensions={"skus": list(skus)}
        )


class VariantReserved(Conflict):
    slug = "variant-reserved"
    title = "Units of the variant are reserved"

    def __init__(self, variant_id: str, reserved: int) -> None:
        super().__init__(
            f"{reserved} units of variant {variant_id} are reserved by open orders.",
            extensions={"variant_id": variant_id, "reserved": reserved},
        )


class NewStock(NamedTuple):
    variant_id: str
    item_id: str
    sku: str
    on_hand: int


class Units(NamedTuple):
    available: int
    reserved: int


_CREATE = text("""
INSERT INTO stock (variant_id, item_id, sku, on_hand, reserved)
SELECT v, i, s, q, 0
FROM unnest(CAST(:variants AS text[]), CAST(:items AS text[]), CAST(:skus AS text[]),
            CAST(:quantities AS int[])) AS new(v, i, s, q)
ON CONFLICT DO NOTHING RETURNING variant_id
""")


async def create_for_variants(session: AsyncSession, rows: Sequence[NewStock]) -> None:
    """Stock rows of new variants in one statement (the seed writes thousands a second);
    idempotent for a variant that has its row. SkuTaken (409) when a SKU is another's."""
    if not rows:
        return
    params = {
        "variants": [r.variant_id for r in rows],
        "items": [r.item_id for r in rows],
        "skus": [r.sku for r in rows],
        "quantities": [r.on_hand for r in rows],
    }
    created = set(await session.scalars(_CREATE, params))
    missing = [r for r in rows if r.variant_id not in created]
    if missing:
        existing = await session.execute(
            select(Stock.variant_id, Stock.sku).where(
                Stock.variant_id.in_([r.variant_id for r in missing])
            )
        )
        mine = dict(existing.all())
        taken = [r.sku for r in missing if mine.get(r.variant_id) != r.sku]
        if taken:
            raise SkuTaken(taken)


async def items_by_sku(session: AsyncSession, skus: Sequence[str]) -> dict[str, str]:
    """The item each of `skus` belongs to, for those that exist (bulk imports upsert by SKU)."""
    if not skus:
        return {}
    rows = await session.execute(
        select(Stock.sku, Stock.item_id).where(Stock.sku.in_(sorted(set(skus))))
    )
    return {row.sku: row.item_id for row in rows}


async def remove_variants(session: AsyncSession, variant_ids: Sequence[str]) -> None:
    """Delete the unreserved stock rows of variants that no longer exist (the consistency
    repair; a row still reserved by an open order stays)."""
    if variant_ids:
        await session.execute(
            delete(Stock).where(Stock.variant_id.in_(variant_ids), Stock.reserved == 0)
        )


async def remove_variant(session: AsyncSession, variant_id: str) -> None:
    """Delete a variant's row; VariantReserved (409, with the count) while orders hold units."""
    row = await session.get(Stock, variant_id, with_for_update=True)
    if row is None:
        return
    if row.reserved:
        raise VariantReserved(variant_id, row.reserved)
    await session.delete(row)
    await session.flush()


async def rename_sku(session: AsyncSession, variant_id: str, sku: str) -> None:
    """Give a variant another SKU (SkuTaken when another variant has it)."""
    owner = await session.scalar(select(Stock.variant_id).where(Stock.sku == sku))
    if owner is not None and owner != variant_id:
        raise SkuTaken([sku])
    await session.execute(
        text("UPDATE stock SET sku = :sku, updated_at = now() WHERE variant_id = :id"),
        {"sku": sku, "id": variant_id},
    )


async def item_stock(session: AsyncSession, item_id: str) -> StockOut:
    """The item's units, summed and per variant (zeros for an item without rows)."""
    rows = list(await session.scalars(select(Stock).where(Stock.item_id == item_id)))
    variants = [VariantStockOut.model_validate(row) for row in rows]
    return StockOut(
        item_id=item_id,
        on_hand=sum(r.on_hand for r in rows),
        reserved=sum(r.reserved for r in rows),
        variants=sorted(variants, key=lambda v: v.variant_id),
    )


async def set_on_hand(session: AsyncSession, item_id: str, variant_id: str, on_hand: int) -> Stock:
    """Admin: set a variant's units on hand (never below what open orders have reserved).
    The caller checks that the item and variant exist (`catalog.service.set_on_hand`)."""
    row = await session.get(Stock, variant_id, with_for_update=True)
    if row is None:
        raise Conflict(f"Variant {variant_id} has no stock row; run `garderobe check consistency`.")
    if on_hand < row.reserved:
        raise Conflict(
            f"{row.reserved} units are reserved by open orders; on_hand can't go below that.",
            extensions={"reserved": row.reserved},
        )
    row.on_hand = on_hand
    await session.flush()
    return row


async def available(session: AsyncSession, variant_ids: Sequence[str]) -> dict[str, int]:
    """Units that can still be ordered, per variant (0 for one without a stock row)."""
    rows = await session.execute(
        select(Stock.variant_id, Stock.on_hand - Stock.reserved).where(
            Stock.variant_id.in_(variant_ids)
        )
    )
    found: dict[str, int] = dict(rows.all())
    return {v: int(found.get(v, 0)) for v in variant_ids}


async def available_units(
    session: AsyncSession, item_ids: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Per item, the units available of each of its variants (for the catalog's index)."""
    found: defaultdict[str, dict[str, int]] = defaultdict(dict)
    if item_ids:
        rows = await session.execute(
            text(
                "SELECT item_id, variant_id, on_hand - reserved AS units FROM stock "
                "WHERE item_id = ANY(CAST(:ids AS text[]))"
            ),
            {"ids": list(item_ids)},
        )
        for row in rows:
            found[row.item_id][row.variant_id] = int(row.units)
    return dict(found)


class StockLevel(NamedTuple):
    on_hand: int
    reserved: int


async def levels(session: AsyncSession, item_ids: Sequence[str]) -> dict[str, StockLevel]:
    """The stock of the items' variants, by variant id (what shoppers and admins see)."""
    if not item_ids:
        return {}
    # Columns, not ORM rows: a listing page reads about a hundred, and building and
    # tracking an object for each cost more than the statement (profiled).
    rows = await session.execute(
        select(Stock.variant_id, Stock.on_hand, Stock.reserved).where(
            Stock.item_id.in_(list(item_ids))
        )
    )
    return {row.variant_id: StockLevel(row.on_hand, row.reserved) for row in rows}


async def units_by_variant(session: AsyncSession) -> dict[str, tuple[str, Units]]:
    """Every stock row's item and units, by variant (the consistency check compares them
    with the items)."""
    rows = await session.execute(
        select(Stock.variant_id, Stock.item_id, Stock.on_hand, Stock.reserved)
    )
    return {
        row.variant_id: (row.item_id, Units(row.on_hand - row.reserved, row.reserved))
        for row in rows
    }


async def reserve(session: AsyncSession, item_id: str, variant_id: str, quantity: int) -> int:
    """Hold `quantity` for an order; returns what is left available, or raises OutOfStock."""
    left = await session.scalar(
        text(
            "UPDATE stock SET reserved = reserved + :q, updated_at = now() "
            "WHERE variant_id = :id AND on_hand - reserved >= :q RETURNING on_hand - reserved"
        ),
        {"id": variant_id, "q": quantity},
    )
    if left is None:
        units = (await available(session, [variant_id]))[variant_id]
        raise OutOfStock(item_id, units, variant_id)
    return int(left)


async def release(session: AsyncSession, variant_id: str, quantity: int) -> None:
    """An unpaid order gives its reservation back."""
    await session.execute(
        text(
            "UPDATE stock SET reserved = reserved - :q, updated_at = now() WHERE variant_id = :id"
        ),
        {"id": variant_id, "q": quantity},
    )


async def take(session: AsyncSession, variant_id: str, quantity: int) -> None:
    """Payment turns the reservation into a sale: the units leave the shop."""
    await session.execute(
        text(
            "UPDATE stock SET on_hand = on_hand - :q, reserved = reserved - :q, updated_at = now() "
            "WHERE variant_id = :id"
        ),
        {"id": variant_id, "q": quantity},
    )


async def restock(session: AsyncSession, variant_id: str, quantity: int) -> None:
    """A paid order cancelled before shipping puts its units back."""
    await session.execute(
        text("UPDATE stock SET on_hand = on_hand + :q, updated_at = now() WHERE variant_id = :id"),
        {"id": variant_id, "q": quantity},
    )
