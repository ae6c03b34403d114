"""Assemble the API's cart and order bodies from rows and catalog items."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

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
from garderobe.pricing import presenters as pricing_presenters
from garderobe.pricing import service as pricing
from garderobe.pricing.discounts import service as pricing_discounts
from garderobe.pricing.schemas import PricingOut, QuotedLineOut
from garderobe.settings import Settings
from garderobe.stock import service as stock


@dataclass(frozen=True)
class PricingAsk:
    """What a cart view asks to be priced for: a destination, entered codes, a method."""

    settings: Settings
    country: str | None
    codes: tuple[str, ...]
    method_id: str | None
    user_id: uuid.UUID | None


async def cart_out(
    session: AsyncSession, cart: Cart | None, token: str | None, ask: PricingAsk | None = None
) -> CartOut:
    """The cart with current titles and prices from the catalog (orders snapshot them);
    priced for a destination when `ask` says one (or codes)."""
    lines = await carts.lines(session, cart)
    ids = list({line.item_id for line in lines})
    offers = await catalog.get_offers(ids) if ids else {}
    left = await stock.available(session, [line.variant_id for line in lines]) if lines else {}
    out = [_line_out(line, offers.get(line.item_id), left[line.variant_id]) for line in lines]
    currencies = {line.currency for line in out if line.currency}
    currency = currencies.pop() if len(currencies) == 1 else None
    priced = None
    if ask is not None and currency is not None:
        priced = await _pricing(session, ask, lines, offers, currency)
    return CartOut(
        lines=out,
        subtotal=sum(line.line_total for line in out),
        currency=currency,
        cart_token=token,
        pricing=priced,
    )


async def _pricing(
    session: AsyncSession,
    ask: PricingAsk,
    lines: list[CartItem],
    offers: dict[str, catalog.ItemOffer],
    currency: str,
) -> PricingOut:
    """The quote of the lines that can be ordered now, as checkout would price them."""
    sold = [
        (variant, line.quantity)
        for line in lines
        if (offer := offers.get(line.item_id)) is not None
        and (variant := offer.find(line.variant_id)) is not None
        and variant.for_sale
    ]
    basket = pricing.basket_of(ask.settings, sold, currency)
    quote = await pricing.quote_for(
        session,
        ask.settings,
        basket,
        country=ask.country,
        codes=ask.codes,
        method_id=ask.method_id,
        user_id=ask.user_id,
    )
    return pricing_presenters.pricing_out(quote, ask.country)


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
        discount=order.discount,
        net=order.net,
        tax=order.tax,
        prices_include_tax=order.prices_include_tax,
        shipping_method_id=order.shipping_method_id,
        shipping_method=order.shipping_method,
        item_amounts=[QuotedLineOut.model_validate(i) for i in items],
        discounts=pricing_presenters.order_discounts_out(
            await pricing_discounts.order_discounts(session, order.id)
        ),
    )
