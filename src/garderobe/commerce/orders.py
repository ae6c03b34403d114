"""Checkout: the workflow that turns a user's cart into an order, written as its steps
(claim the idempotency key, validate the cart, price it with its discounts, shipping and
taxes, reserve stock, record the order and redeem its discounts).
Every step runs inside the caller's single PostgreSQL transaction: a failure anywhere
leaves stock, cart and orders as they were."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pymongo.errors import PyMongoError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts import addresses
from garderobe.accounts.service import User
from garderobe.catalog import service as catalog
from garderobe.commerce import cart as carts
from garderobe.commerce import notices, repository
from garderobe.commerce.models import (
    Cart,
    CartItem,
    IdempotencyKey,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    order_number_seq,
)
from garderobe.errors import Conflict, InvalidInput, ServiceUnavailable
from garderobe.outbox import service as outbox
from garderobe.pricing import service as pricing
from garderobe.settings import Settings
from garderobe.stock import service as stock

# What an order keeps of the shipping address: a copy, so later edits of it change nothing.
ADDRESS_FIELDS = ("recipient", "line1", "line2", "city", "postal_code", "country", "phone")


class CartEmpty(Conflict):
    slug = "cart-empty"
    title = "The cart is empty"


class ItemUnavailable(Conflict):
    slug = "item-unavailable"
    title = "Item no longer available"


class IdempotencyKeyReused(InvalidInput):
    slug = "idempotency-key-reused"
    title = "Idempotency key used for another request"


@dataclass(frozen=True)
class ValidCart:
    """A cart that may become an order: lines sorted by variant id, each variant for sale,
    one currency, and the address it ships to."""

    cart: Cart
    lines: list[CartItem]
    variants: dict[str, catalog.VariantOffer]  # by variant id
    currency: str
    shipping_address: dict[str, Any]


@dataclass(frozen=True)
class PricedLine:
    """One cart line at the price it is ordered for: what its order line snapshots."""

    variant: catalog.VariantOffer
    quantity: int
    unit_price: int

    @property
    def item_id(self) -> str:
        return self.variant.item_id

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class PricedCart:
    lines: list[PricedLine]  # in the cart's order: sorted by variant id
    currency: str
    quote: pricing.Quote  # its lines in the same order

    @property
    def subtotal(self) -> int:
        return self.quote.subtotal

    @property
    def shipping(self) -> int:
        return self.quote.shipping

    @property
    def total(self) -> int:
        return self.quote.total


@dataclass(frozen=True)
class Choices:
    """What the buyer chose besides the cart: the codes entered and a shipping method
    (None: the cheapest serving the address)."""

    codes: tuple[str, ...] = ()
    shipping_method_id: str | None = None


class DiscountRefused(Conflict):
    slug = "discount-refused"
    title = "An entered discount code does not apply"


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def checkout(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    address_id: uuid.UUID,
    key: str,
    body: dict[str, Any],
    choices: Choices = Choices(),
) -> tuple[Order, bool]:
    """Turn the user's cart into an order. Returns (order, created now?)."""
    earlier = await claim_key(session, user.id, key, request_hash(body))
    if earlier is not None:
        return earlier, False
    cart = await validate_cart(session, user.id, address_id)
    priced = await price_cart(session, settings, user.id, cart, choices)
    sold_out = await reserve_stock(
        session, priced.lines, settings.few_left_threshold, settings.webhook_stock_low_threshold
    )
    order = await record_order(session, user, key, cart, priced, sold_out)
    return order, True


async def claim_key(
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


async def validate_cart(
    session: AsyncSession, user_id: uuid.UUID, address_id: uuid.UUID
) -> ValidCart:
    """The user's cart if it can be ordered: not empty, shipped to one of the user's own
    addresses, every variant still for sale, one currency; else the problem saying why."""
    cart = await carts.find_cart(session, carts.Shopper(user_id))
    lines = sorted(await carts.lines(session, cart), key=lambda line: line.variant_id)
    if cart is None or not lines:
        raise CartEmpty("Add items to the cart before ordering.")
    address = await addresses.get_address(session, user_id, address_id)
    variants = await _orderable_variants(lines)
    currencies = {variant.currency for variant in variants.values()}
    if len(currencies) > 1:
        raise Conflict("The cart mixes currencies; order them separately.")
    shipping_address = {field: getattr(address, field) for field in ADDRESS_FIELDS}
    return ValidCart(cart, lines, variants, currencies.pop(), shipping_address)


async def _orderable_variants(lines: Sequence[CartItem]) -> dict[str, catalog.VariantOffer]:
    """Each line's variant as the catalog offers it now; ItemUnavailable (409) for a line
    whose item is gone or not for sale, or whose variant was removed."""
    offers = await _catalog_offers(list({line.item_id for line in lines}))
    found: dict[str, catalog.VariantOffer] = {}
    for line in lines:
        offer = offers.get(line.item_id)
        variant = offer.find(line.variant_id) if offer else None
        if variant is None or not variant.for_sale:
            removed = offer is not None and offer.for_sale  # the variant, not the item
            raise ItemUnavailable(
                f"Item {line.item_id} no longer comes in variant {line.variant_id}."
                if removed
                else f"Item {line.item_id} can no longer be bought.",
                extensions={"item_id": line.item_id, "variant_id": line.variant_id},
            )
        found[line.variant_id] = variant
    return found


async def _catalog_offers(ids: Sequence[str]) -> dict[str, catalog.ItemOffer]:
    try:
        return await catalog.get_offers(ids)
    except PyMongoError as exc:
        raise _catalog_unreachable() from exc


def _catalog_unreachable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The catalog is unreachable; nothing was ordered. Try again.",
        headers={"Retry-After": "5"},
    )


async def price_cart(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, cart: ValidCart, choices: Choices
) -> PricedCart:
    """Each line at its variant's price now (the order keeps it), with the discounts that
    apply, the shipping method and the taxes for the address. An entered code that does not
    apply, or a method that does not serve the address, is a 409: nothing is ordered at a
    price the buyer did not see."""
    lines = [
        PricedLine(variant, line.quantity, variant.price)
        for line in cart.lines
        for variant in [cart.variants[line.variant_id]]
    ]
    basket = pricing.basket_of(settings, [(ln.variant, ln.quantity) for ln in lines], cart.currency)
    priced = await pricing.quote_for(
        session,
        settings,
        basket,
        country=cart.shipping_address["country"],
        codes=choices.codes,
        method_id=choices.shipping_method_id,
        user_id=user_id,
    )
    if priced.refusals:
        refused = priced.refusals[0]
        raise DiscountRefused(
            f"The code {refused.code} does not apply: {refused.message}.",
            extensions={"code": refused.code, "reason": refused.reason.value},
        )
    pricing.require_method(priced, choices.shipping_method_id)
    return PricedCart(lines, cart.currency, priced)


async def reserve_stock(
    session: AsyncSession, lines: Sequence[PricedLine], few_left: int, low_stock: int
) -> list[str]:
    """Hold each line's units, or raise OutOfStock; the index follows the variants whose
    availability changed. Returns the one-off items left with none (they become sold)."""
    # Lines come sorted by variant id, so concurrent checkouts lock stock rows in one order.
    moved: dict[str, dict[str, int]] = {}
    for line in lines:
        variant = line.variant
        await stock.reserve(session, variant.item_id, variant.variant_id, line.quantity)
        moved.setdefault(variant.item_id, {})[variant.variant_id] = -line.quantity
    try:
        return await catalog.stock_moved(session, moved, few_left, low_stock)
    except PyMongoError as exc:
        raise _catalog_unreachable() from exc


async def record_order(
    session: AsyncSession,
    user: User,
    key: str,
    cart: ValidCart,
    priced: PricedCart,
    sold_out: list[str],
) -> Order:
    """Write the order, its lines as snapshots and its first event; empty the cart; point
    the idempotency key at the order; queue the sold-out items and the order mail; redeem
    the order's discounts."""
    order = await _new_order(session, user.id, priced, cart.shipping_address)
    session.add(order)
    session.add_all(
        [
            _snapshot(order.id, ln, quoted)
            for ln, quoted in zip(priced.lines, priced.quote.lines, strict=True)
        ]
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
    await carts.empty(session, cart.cart)
    await repository.link_key_to_order(session, user.id, key, order.id)
    if sold_out:
        outbox.add(session, notices.MARK_SOLD_TOPIC, {"item_ids": sold_out})
    notices.mail_status(session, user, order, "order_placed")
    await notices.tell_subscribers(session, order, "order.created")
    # Last: the discount's row stays locked from here to the commit, and every buyer of the
    # same code waits on it meanwhile.
    await pricing.redeem(session, priced.quote, user_id=user.id, order_id=order.id)
    return order


async def _new_order(
    session: AsyncSession, user_id: uuid.UUID, priced: PricedCart, address: dict[str, Any]
) -> Order:
    number = await session.scalar(order_number_seq.next_value().select())
    quote, method = priced.quote, priced.quote.method
    return Order(
        id=uuid.uuid4(),
        number=f"GD-{number:07d}",
        user_id=user_id,
        status=OrderStatus.PENDING_PAYMENT,
        currency=priced.currency,
        subtotal=priced.subtotal,
        shipping=priced.shipping,
        total=priced.total,
        shipping_address=address,
        discount=quote.discount,
        net=quote.net,
        tax=quote.tax,
        shipping_method_id=method.id if method else None,
        shipping_method=method.name if method else None,
        prices_include_tax=quote.prices_include_tax,
    )


def _snapshot(order_id: uuid.UUID, line: PricedLine, quoted: pricing.QuotedLine) -> OrderItem:
    variant = line.variant
    return OrderItem(
        id=uuid.uuid4(),
        order_id=order_id,
        item_id=variant.item_id,
        variant_id=variant.variant_id,
        sku=variant.sku,
        title=variant.title,
        brand=variant.brand,
        size=variant.size,
        colour=variant.colour,
        quantity=line.quantity,
        image=variant.image,
        unit_price=line.unit_price,
        discount=quoted.discount,
        net=quoted.net,
        tax=quoted.tax,
        gross=quoted.gross,
        tax_rate=quoted.tax_rate,
        tax_class=quoted.tax_class,
    )
