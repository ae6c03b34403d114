"""Checkout and the life of an order. Every function runs inside the caller's single
PostgreSQL transaction: a failure anywhere leaves stock, cart and orders as they were."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from pymongo.errors import PyMongoError
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts import addresses
from garderobe.accounts.models import User
from garderobe.catalog import service as catalog
from garderobe.catalog.documents import Item, ItemStatus
from garderobe.commerce import cart as carts
from garderobe.commerce import notices
from garderobe.commerce.models import (
    IdempotencyKey,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    order_number_seq,
)
from garderobe.errors import Conflict, InvalidInput, ServiceUnavailable
from garderobe.outbox import service as outbox
from garderobe.settings import Settings
from garderobe.stock import service as stock


class CartEmpty(Conflict):
    slug = "cart-empty"
    title = "The cart is empty"


class ItemUnavailable(Conflict):
    slug = "item-unavailable"
    title = "Item no longer available"


class IdempotencyKeyReused(InvalidInput):
    slug = "idempotency-key-reused"
    title = "Idempotency key used for another request"


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def _claim_key(
    session: AsyncSession, user_id: uuid.UUID, key: str, digest: str
) -> Order | None:
    """Claim the key for this request, or return the order it already made.

    The INSERT waits on a concurrent transaction holding the same key: when that one commits,
    this one sees its order; when it rolls back, this one takes the key over.
    """
    claimed = await session.scalar(
        insert(IdempotencyKey)
        .values(user_id=user_id, key=key, request_hash=digest)
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.key)
    )
    if claimed is not None:
        return None
    existing = await session.scalar(
        select(IdempotencyKey)
        .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .with_for_update()
    )
    assert existing is not None
    if existing.request_hash != digest:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request.")
    if existing.order_id is None:
        raise Conflict("A request with this Idempotency-Key is still being processed.")
    return await session.get(Order, existing.order_id)


async def _catalog_items(ids: Sequence[str]) -> dict[str, Item]:
    try:
        return await catalog.get_items(ids)
    except PyMongoError as exc:
        raise ServiceUnavailable(
            "The catalog is unreachable; nothing was ordered. Try again.",
            headers={"Retry-After": "5"},
        ) from exc


def _snapshot(order_id: uuid.UUID, item: Item, quantity: int) -> OrderItem:
    return OrderItem(
        id=uuid.uuid4(),
        order_id=order_id,
        item_id=str(item.id),
        title=item.title,
        brand=item.brand,
        size=item.size,
        quantity=quantity,
        image=item.images[0].key if item.images else None,
        unit_price=item.price.amount,
    )


async def checkout(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    address_id: uuid.UUID,
    key: str,
    body: dict[str, Any],
) -> tuple[Order, bool]:
    """Turn the user's cart into an order. Returns (order, created now?)."""
    earlier = await _claim_key(session, user.id, key, request_hash(body))
    if earlier is not None:
        return earlier, False
    cart = await carts.find_cart(session, carts.Shopper(user.id))
    cart_lines = sorted(await carts.lines(session, cart), key=lambda line: line.item_id)
    if not cart_lines:
        raise CartEmpty("Add items to the cart before ordering.")
    address = await addresses.get_address(session, user.id, address_id)
    items = await _catalog_items([line.item_id for line in cart_lines])
    for line in cart_lines:
        item = items.get(line.item_id)
        if item is None or item.status is not ItemStatus.ACTIVE:
            raise ItemUnavailable(
                f"Item {line.item_id} can no longer be bought.",
                extensions={"item_id": line.item_id},
            )
    currencies = {items[line.item_id].price.currency for line in cart_lines}
    if len(currencies) > 1:
        raise Conflict("The cart mixes currencies; order them separately.")
    # Item order is fixed (sorted ids) so concurrent checkouts lock stock rows in one order.
    sold_out = [
        line.item_id
        for line in cart_lines
        if await stock.reserve(session, line.item_id, line.quantity) == 0
    ]
    number = await session.scalar(order_number_seq.next_value().select())
    subtotal = sum(items[line.item_id].price.amount * line.quantity for line in cart_lines)
    order = Order(
        id=uuid.uuid4(),
        number=f"GD-{number:07d}",
        user_id=user.id,
        status=OrderStatus.PENDING_PAYMENT,
        currency=currencies.pop(),
        subtotal=subtotal,
        shipping=settings.shipping_fee,
        total=subtotal + settings.shipping_fee,
        shipping_address={
            c: getattr(address, c)
            for c in ("recipient", "line1", "line2", "city", "postal_code", "country", "phone")
        },
    )
    session.add(order)
    session.add_all(
        [_snapshot(order.id, items[line.item_id], line.quantity) for line in cart_lines]
    )
    await session.flush()
    session.add(
        OrderEvent(
            id=uuid.uuid4(),
            order_id=order.id,
            from_status=None,
            to_status=OrderStatus.PENDING_PAYMENT,
            actor=str(user.id),
        )
    )
    await carts.empty(session, cart)
    await session.execute(
        text("UPDATE idempotency_keys SET order_id = :order WHERE user_id = :user AND key = :key"),
        {"order": order.id, "user": user.id, "key": key},
    )
    if sold_out:
        outbox.add(session, notices.MARK_SOLD_TOPIC, {"item_ids": sold_out})
    notices.mail_status(session, user, order, "order_placed")
    return order, True
