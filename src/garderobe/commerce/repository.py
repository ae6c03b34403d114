"""Queries on orders that checkout, the workflow and the response bodies share."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.service import User
from garderobe.commerce.models import IdempotencyKey, Order, OrderEvent, OrderItem
from garderobe.errors import NotFound


class OrderNotFound(NotFound):
    slug = "order-not-found"
    title = "Order not found"


async def get_order(
    session: AsyncSession, order_id: uuid.UUID, user: User, *, lock: bool = False
) -> Order:
    """The order if it is the user's own (or the user is an admin); else OrderNotFound."""
    return await _find_order(session, order_id, None if user.is_admin else user, lock=lock)


async def get_any_order(session: AsyncSession, order_id: uuid.UUID, *, lock: bool = False) -> Order:
    """Any shopper's order, for callers `require_scope` let through; else OrderNotFound."""
    return await _find_order(session, order_id, None, lock=lock)


async def _find_order(
    session: AsyncSession, order_id: uuid.UUID, owner: User | None, *, lock: bool
) -> Order:
    query = select(Order).where(Order.id == order_id)
    if owner is not None:
        query = query.where(Order.user_id == owner.id)
    if lock:
        query = query.with_for_update()
    order = await session.scalar(query)
    if order is None:
        raise OrderNotFound(f"No order {order_id}.")
    return order


async def link_key_to_order(
    session: AsyncSession, user_id: uuid.UUID, key: str, order_id: uuid.UUID
) -> None:
    """The claimed idempotency key now names the order it made: a retry returns that order."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .values(order_id=order_id)
    )


async def order_lines(session: AsyncSession, order_id: uuid.UUID) -> list[OrderItem]:
    return list(await session.scalars(select(OrderItem).where(OrderItem.order_id == order_id)))


async def history(session: AsyncSession, order_id: uuid.UUID) -> list[OrderEvent]:
    query = select(OrderEvent).where(OrderEvent.order_id == order_id)
    return list(await session.scalars(query.order_by(OrderEvent.created_at)))
