"""What shoppers bought and hold, for the recommendations above commerce: paid order lines,
a user's ordered and cart items."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.commerce.models import Cart, CartItem, Order, OrderItem, OrderStatus

# Orders whose payment went through and stands (workflow.TRANSITIONS: paid, then shipped,
# then delivered); a cancelled order was refunded or never paid.
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


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
