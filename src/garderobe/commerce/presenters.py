"""Assemble the API's cart and order bodies from rows and catalog items."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog import service as catalog
from garderobe.commerce import cart as carts
from garderobe.commerce import repository
from garderobe.commerce.models import Cart, CartItem, Order
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
    ids = list({line.item_id for line in lines})
    offers = await catalog.get_offers(ids) if ids else {}
    left = await stock.available(session, [line.variant_id for line in lines]) if lines else {}
    out = [_line_out(line, offers.get(line.item_id), left[line.variant_id]) for line in lines]
    currencies = {line.currency for line in out if line.currency}
    return CartOut(
        lines=out,
        subtotal=sum(line.line_total for line in out),
        currency=currencies.pop() if len(currencies) == 1 else None,
        cart_token=token,
    )


def _line_out(line: CartItem, offer: catalog.ItemOffer | None, left: int) -> CartLineOut:
    """A line at its variant's price now; an item or variant gone since shows as removed
    and cannot be ordered."""
    variant = offer.find(line.variant_id) if offer else None
    price = variant.price if variant else 0
    return CartLineOut(
        id=line.id,
        item_id=line.item_id,
        variant_id=line.variant_id,
        sku=variant.sku if variant else None,
        title=variant.title if variant else "(removed)",
        size=variant.size if variant else None,
        colour=variant.colour if variant else None,
        unit_price=price,
        currency=variant.currency if variant else "",
        quantity=line.quantity,
        line_total=price * line.quantity,
        available=left,
        purchasable=variant is not None and variant.for_sale and left >= line.quantity,
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
