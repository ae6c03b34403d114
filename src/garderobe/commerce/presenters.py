"""Assemble the API's cart and order bodies from rows and catalog items."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import service as catalog
from garderobe.commerce import cart as carts
from garderobe.commerce import repository
from garderobe.commerce.models import Cart, Order
from garderobe.commerce.schemas import (
    CartLineOut,
    CartOut,
    OrderEventOut,
    OrderItemOut,
    OrderOut,
)
from garderobe.stock import service as stock


async def cart_out(session: AsyncSession, cart: Cart | None, token: str | None) -> CartOut:
    """The cart with current titles and prices from the catalog (orders snapshot them)."""
    lines = await carts.lines(session, cart)
    ids = [line.item_id for line in lines]
    offers = await catalog.get_offers(ids) if ids else {}
    left = await stock.available(session, ids) if ids else {}
    out: list[CartLineOut] = []
    for line in lines:
        offer = offers.get(line.item_id)
        price = offer.price if offer else 0
        active = offer is not None and offer.for_sale
        out.append(
            CartLineOut(
                id=line.id,
                item_id=line.item_id,
                title=offer.title if offer else "(removed)",
                unit_price=price,
                currency=offer.currency if offer else "",
                quantity=line.quantity,
                line_total=price * line.quantity,
                available=left.get(line.item_id, 0),
                purchasable=active and left.get(line.item_id, 0) >= line.quantity,
            )
        )
    currencies = {line.currency for line in out if line.currency}
    return CartOut(
        lines=out,
        subtotal=sum(line.line_total for line in out),
        currency=currencies.pop() if len(currencies) == 1 else None,
        cart_token=token,
    )


async def order_out(session: AsyncSession, order: Order) -> OrderOut:
    items = await repository.order_lines(session, order.id)
    events = await repository.history(session, order.id)
    return OrderOut(
        id=order.id,
        number=order.number,
        user_id=order.user_id,
        status=order.status,
        currency=order.currency,
        subtotal=order.subtotal,
        shipping=order.shipping,
        total=order.total,
        shipping_address=order.shipping_address,
        created_at=order.created_at,
        items=[OrderItemOut.model_validate(i) for i in items],
        history=[OrderEventOut.model_validate(e) for e in events],
    )
