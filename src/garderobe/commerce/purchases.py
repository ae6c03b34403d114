"""What shoppers bought and hold, for the domains above commerce: paid order lines, a user's
ordered and cart items (recommendations), a user's orders of an item (reviews)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.commerce.models import Cart, CartItem, Order, OrderItem, OrderStatus

# Orders whose payment went through and stands (workflow.TRANSITIONS: paid, then shipped,
# then delivered); a cancelled order was refunded or never paid.
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
# Orders on their way to the buyer: placed, neither delivered nor cancelled.
UNDERWAY_STATUSES = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.SHIPPED)


@dataclass(frozen=True)
class Purchase:
    """One of a user's orders holding an item."""

    order_id: uuid.UUID
    delivered: bool
    underway: bool  # placed, not delivered yet, not cancelled


def paid_order_lines() -> Select[uuid.UUID, str]:
    """(order_id, item_id) of every line of every paid order, each pair once."""
    return (
        select(OrderItem.order_id, OrderItem.item_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.status.in_(PAID_STATUSES))
        .distinct()
    )


async def ordered_item_ids(session: AsyncSession, user_id: uuid.UUID, limit: int) -> list[str]:
    """The items of the user's orders that were not cancelled, newest order first."""
    query = (
        select(OrderItem.item_id)
        .join(Order, Order.id == OrderItem.order_id)
        .where(Order.user_id == user_id, Order.status != OrderStatus.CANCELLED)
        .order_by(Order.created_at.desc(), OrderItem.item_id)
        .limit(limit)
    )
    return list(dict.fromkeys(await session.scalars(query)))


async def cart_item_ids(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """The items in the user's cart, last added first."""
    query = (
        select(CartItem.item_id)
        .join(Cart, Cart.id == CartItem.cart_id)
        .where(Cart.user_id == user_id)
        .order_by(CartItem.added_at.desc(), CartItem.item_id)
    )
    return list(await session.scalars(query))


async def purchases_of_item(
    session: AsyncSession, user_id: uuid.UUID, item_id: str
) -> list[Purchase]:
    """Each of the user's orders that contain the item, oldest first: what a review needs to
    know whether the buyer received it (reviews.service)."""
    query = (
        select(Order.id, Order.status)
        .join(OrderItem, OrderItem.order_id == Order.id)
        .where(Order.user_id == user_id, OrderItem.item_id == item_id)
        .order_by(Order.created_at)
    )
    return [
        Purchase(
            order_id=row.id,
            delivered=row.status is OrderStatus.DELIVERED,
            underway=row.status in UNDERWAY_STATUSES,
        )
        for row in await session.execute(query)
    ]


@dataclass(frozen=True)
class BoughtSize:
    """The variant and size label an order line of the user's snapshot (fit feedback)."""

    variant_id: str | None
    size: str | None


async def sizes_bought(session: AsyncSession, user_id: uuid.UUID, item_id: str) -> list[BoughtSize]:
    """The variants and sizes of the user's order lines of the item, of orders not cancelled."""
    query = (
        select(OrderItem.variant_id, OrderItem.size)
        .join(Order, Order.id == OrderItem.order_id)
        .where(
            Order.user_id == user_id,
            OrderItem.item_id == item_id,
            Order.status != OrderStatus.CANCELLED,
        )
        .distinct()
    )
    return [BoughtSize(row.variant_id, row.size) for row in await session.execute(query)]
