"""Carts for users and guests. A guest's cart is found through a signed token; at login it
is merged into the user's cart with quantities capped by what is available."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts.hooks import LoggedIn
from garderobe.catalog import service as catalog
from garderobe.commerce.models import Cart, CartItem
from garderobe.errors import NotFound, Unauthorized
from garderobe.settings import Settings
from garderobe.stock import service as stock

TOKEN_TYPE = "cart"  # noqa: S105 - a JWT type claim, not a secret


class CartLineNotFound(NotFound):
    slug = "cart-line-not-found"
    title = "Cart line not found"


def issue_cart_token(settings: Settings, cart_id: uuid.UUID) -> str:
    expires = datetime.now(UTC) + timedelta(days=settings.cart_token_ttl_days)
    payload = {
        "sub": str(cart_id),
        "typ": TOKEN_TYPE,
        "exp": expires,
        "aud": settings.jwt_audience,
        "iss": settings.jwt_issuer,
    }
    return jwt.encode(payload, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def read_cart_token(settings: Settings, token: str) -> uuid.UUID:
    try:
        payload = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
        if payload.get("typ") != TOKEN_TYPE:
            raise ValueError("not a cart token")
        return uuid.UUID(payload["sub"])
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise Unauthorized("The cart token is invalid or expired.") from exc


@dataclass
class Shopper:
    """Who the cart belongs to: a user, or a guest holding (or about to get) a cart token."""

    user_id: uuid.UUID | None
    guest_cart_id: uuid.UUID | None = None


async def find_cart(session: AsyncSession, shopper: Shopper) -> Cart | None:
    if shopper.user_id is not None:
        return await session.scalar(select(Cart).where(Cart.user_id == shopper.user_id))
    if shopper.guest_cart_id is not None:
        return await session.scalar(
            select(Cart).where(Cart.id == shopper.guest_cart_id, Cart.user_id.is_(None))
        )
    return None


async def get_or_create_cart(session: AsyncSession, shopper: Shopper) -> Cart:
    cart = await find_cart(session, shopper)
    if cart is None:
        # ON CONFLICT: two first requests of one user must end up with one cart.
        cart_id = uuid.uuid4()
        await session.execute(
            insert(Cart)
            .values(id=cart_id, user_id=shopper.user_id)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        cart = await find_cart(session, Shopper(shopper.user_id, cart_id))
        assert cart is not None
    return cart


async def lines(session: AsyncSession, cart: Cart | None) -> list[CartItem]:
    if cart is None:
        return []
    query = select(CartItem).where(CartItem.cart_id == cart.id).order_by(CartItem.added_at)
    return list(await session.scalars(query))


async def _check_available(
    session: AsyncSession, variant: catalog.VariantOffer, wanted: int
) -> None:
    left = (await stock.available(session, [variant.variant_id]))[variant.variant_id]
    if wanted > left:
        raise stock.OutOfStock(variant.item_id, left, variant.variant_id)


async def add_line(
    session: AsyncSession, cart: Cart, item_id: str, variant_id: str | None, quantity: int
) -> CartItem:
    """Add a variant to the cart (adding to its line's quantity if it is there already).
    An item of one variant may be named without it; a missing or inactive item is 404."""
    variant = (await catalog.get_offer(item_id)).variant(variant_id)
    line = await session.scalar(
        select(CartItem)
        .where(CartItem.cart_id == cart.id, CartItem.variant_id == variant.variant_id)
        .with_for_update()
    )
    wanted = quantity + (line.quantity if line else 0)
    await _check_available(session, variant, wanted)
    if line is None:
        line = _new_line(cart, variant, wanted)
        session.add(line)
    else:
        line.quantity = wanted
    cart.updated_at = datetime.now(UTC)
    await session.flush()
    return line


def _new_line(cart: Cart, variant: catalog.VariantOffer, quantity: int) -> CartItem:
    return CartItem(
        id=uuid.uuid4(),
        cart_id=cart.id,
        item_id=variant.item_id,
        variant_id=variant.variant_id,
        quantity=quantity,
    )


async def _own_line(session: AsyncSession, cart: Cart | None, line_id: uuid.UUID) -> CartItem:
    line = None
    if cart is not None:
        line = await session.scalar(
            select(CartItem).where(CartItem.id == line_id, CartItem.cart_id == cart.id)
        )
    if line is None:  # someone else's line looks exactly like a missing one
        raise CartLineNotFound(f"No line {line_id} in your cart.")
    return line


async def set_quantity(
    session: AsyncSession, cart: Cart | None, line_id: uuid.UUID, quantity: int
) -> CartItem:
    line = await _own_line(session, cart, line_id)
    variant = (await catalog.get_offer(line.item_id)).find(line.variant_id)
    if variant is None:  # the admin removed the variant since it was put in the cart
        raise catalog.VariantNotFound(f"Item {line.item_id} no longer has this variant.")
    await _check_available(session, variant, quantity)
    line.quantity = quantity
    await session.flush()
    return line


async def remove_line(session: AsyncSession, cart: Cart | None, line_id: uuid.UUID) -> None:
    await session.delete(await _own_line(session, cart, line_id))


async def empty(session: AsyncSession, cart: Cart | None) -> None:
    if cart is not None:
        await session.execute(delete(CartItem).where(CartItem.cart_id == cart.id))


async def merge_guest_cart(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, token: str
) -> None:
    """Move a guest cart's lines into the user's cart, capped by availability; the guest
    cart is deleted. Unknown, expired or foreign tokens are ignored (login must not fail)."""
    try:
        guest_id = read_cart_token(settings, token)
    except Unauthorized:
        return
    guest = await find_cart(session, Shopper(None, guest_id))
    if guest is None:
        return
    cart = await get_or_create_cart(session, Shopper(user_id))
    await _merge_lines(session, cart, await lines(session, guest))
    await session.delete(guest)
    await session.flush()


async def _merge_lines(session: AsyncSession, cart: Cart, incoming: list[CartItem]) -> None:
    """Add the guest's lines to the cart's, each variant capped by what is available; lines
    of items no longer for sale, or of variants removed, are dropped."""
    merged = {line.variant_id: line for line in await lines(session, cart)}
    left = await stock.available(session, [line.variant_id for line in incoming])
    offers = await catalog.get_offers(list({line.item_id for line in incoming}))
    for line in incoming:
        offer = offers.get(line.item_id)
        variant = offer.find(line.variant_id) if offer and offer.for_sale else None
        current = merged.get(line.variant_id)
        quantity = min(line.quantity + (current.quantity if current else 0), left[line.variant_id])
        if variant is None or quantity <= 0:
            continue
        if current is None:
            session.add(_new_line(cart, variant, quantity))
        else:
            current.quantity = quantity


async def adopt_guest_cart(session: AsyncSession, settings: Settings, event: LoggedIn) -> None:
    """Login hook (registry.login_hooks): the guest cart the login named joins the user's."""
    if event.cart_token:
        await merge_guest_cart(session, settings, event.user_id, event.cart_token)
