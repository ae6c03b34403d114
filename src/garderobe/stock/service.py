"""Stock per item: set by admins, reserved at checkout, taken at payment, returned on cancel.

Every change is a single conditional UPDATE, so concurrent checkouts can never take more
than there is: the row lock serialises them and the WHERE clause refuses the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.errors import Conflict
from garderobe.stock.models import Stock


class OutOfStock(Conflict):
    slug = "out-of-stock"
    title = "Not enough stock"

    def __init__(self, item_id: str, available: int) -> None:
        super().__init__(
            f"Only {available} of item {item_id} available.",
            extensions={"item_id": item_id, "available": available},
        )


async def create_for_item(session: AsyncSession, item_id: str, quantity: int = 1) -> None:
    """The stock row of a new item (one-off resale items default to 1); idempotent."""
    await create_for_items(session, [(item_id, quantity)])


async def create_for_items(session: AsyncSession, rows: Sequence[tuple[str, int]]) -> None:
    """Stock rows of new items in one statement (the seed writes thousands a second)."""
    if rows:
        await session.execute(
            text(
                "INSERT INTO stock (item_id, on_hand, reserved) "
                "SELECT i, q, 0 FROM unnest(CAST(:ids AS text[]), CAST(:quantities AS int[])) "
                "AS new(i, q) ON CONFLICT (item_id) DO NOTHING"
            ),
            {"ids": [i for i, _ in rows], "quantities": [q for _, q in rows]},
        )


async def remove_for_items(session: AsyncSession, item_ids: Sequence[str]) -> None:
    """Delete the stock rows of items that no longer exist (the consistency repair)."""
    if item_ids:
        await session.execute(delete(Stock).where(Stock.item_id.in_(item_ids)))


async def get(session: AsyncSession, item_id: str) -> Stock | None:
    """The item's stock row, if it has one."""
    return await session.get(Stock, item_id)


async def set_on_hand(session: AsyncSession, item_id: str, on_hand: int) -> Stock:
    """Admin: set the units on hand (never below what open orders have reserved). The
    caller checks that the item exists (`catalog.service.set_on_hand`)."""
    row = await session.get(Stock, item_id, with_for_update=True)
    if row is None:
        row = Stock(item_id=item_id, on_hand=on_hand, reserved=0)
        session.add(row)
    elif on_hand < row.reserved:
        raise Conflict(
            f"{row.reserved} units are reserved by open orders; on_hand can't go below that.",
            extensions={"reserved": row.reserved},
        )
    else:
        row.on_hand = on_hand
    await session.flush()
    return row


async def available(session: AsyncSession, item_ids: Sequence[str]) -> dict[str, int]:
    """Units that can still be ordered, per item (0 for items without a stock row)."""
    rows = await session.execute(
        select(Stock.item_id, Stock.on_hand - Stock.reserved).where(Stock.item_id.in_(item_ids))
    )
    found: dict[str, int] = dict(rows.all())
    return {i: int(found.get(i, 0)) for i in item_ids}


class Units(NamedTuple):
    available: int
    reserved: int


async def units_by_item(session: AsyncSession) -> dict[str, Units]:
    """Every stock row's units, by item (the consistency check compares them with the items)."""
    rows = await session.execute(select(Stock.item_id, Stock.on_hand, Stock.reserved))
    return {row.item_id: Units(row.on_hand - row.reserved, row.reserved) for row in rows}


async def reserve(session: AsyncSession, item_id: str, quantity: int) -> int:
    """Hold `quantity` for an order; returns what is left available, or raises OutOfStock."""
    left = await session.scalar(
        text(
            "UPDATE stock SET reserved = reserved + :q, updated_at = now() "
            "WHERE item_id = :id AND on_hand - reserved >= :q RETURNING on_hand - reserved"
        ),
        {"id": item_id, "q": quantity},
    )
    if left is None:
        raise OutOfStock(item_id, (await available(session, [item_id]))[item_id])
    return int(left)


async def release(session: AsyncSession, item_id: str, quantity: int) -> None:
    """An unpaid order gives its reservation back."""
    await session.execute(
        text("UPDATE stock SET reserved = reserved - :q, updated_at = now() WHERE item_id = :id"),
        {"id": item_id, "q": quantity},
    )


async def take(session: AsyncSession, item_id: str, quantity: int) -> None:
    """Payment turns the reservation into a sale: the units leave the shop."""
    await session.execute(
        text(
            "UPDATE stock SET on_hand = on_hand - :q, reserved = reserved - :q, updated_at = now() "
            "WHERE item_id = :id"
        ),
        {"id": item_id, "q": quantity},
    )


async def restock(session: AsyncSession, item_id: str, quantity: int) -> None:
    """A paid order cancelled before shipping puts its units back."""
    await session.execute(
        text("UPDATE stock SET on_hand = on_hand + :q, updated_at = now() WHERE item_id = :id"),
        {"id": item_id, "q": quantity},
    )
