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


async def _orderable(item_id: str) -> None:
    """A missing or inactive item is 404: only what can be bought now goes in a cart."""
    await catalog.get_item(item_id, include_inactive=False)


async def _check_available(session: AsyncSession, item_id: str, quantity: int) -> None:
    left = (await stock.available(session, [item_id]))[item_id]
    if quantity > left:
        raise stock.OutOfStock(item_id, left)


async def add_line(session: AsyncSession, cart: Cart, item_id: str, quantity: int) -> CartItem:
    """Add to the cart (adding to the line's quantity if the item is already in it)."""
    await _orderable(item_id)
    line = await session.scalar(
        select(CartItem)
        .where(CartItem.cart_id == cart.id, CartItem.item_id == item_id)
        .with_for_update()
    )
    wanted = quantity + (line.quantity if line else 0)
    await _check_available(session, item_id, wanted)
    if line is None:
        line = CartItem(id=uuid.uuid4(), cart_id=cart.id, item_id=item_id, quantity=wanted)
        session.add(line)
    else:
        line.quantity = wanted
    cart.updated_at = datetime.now(UTC)
    await session.flush()
    return line


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
    await _orderable(line.item_id)
    await _check_available(session, line.item_id, quantity)
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
    merged = {line.item_id: line for line in await lines(session, cart)}
    incoming = await lines(session, guest)
    left = await stock.available(session, [line.item_id for line in incoming])
    offers = await catalog.get_offers([line.item_id for line in incoming])
    for line in incoming:
        offer = offers.get(line.item_id)
        if offer is None or not offer.for_sale:
            continue
        current = merged.get(line.item_id)
        quantity = min(line.quantity + (current.quantity if current else 0), left[line.item_id])
        if quantity <= 0:
            continue
        if current is None:
            session.add(
                CartItem(id=uuid.uuid4(), cart_id=cart.id, item_id=line.item_id, quantity=quantity)
            )
        else:
            current.quantity = quantity
    await session.delete(guest)
    await session.flush()


async def adopt_guest_cart(session: AsyncSession, settings: Settings, event: LoggedIn) -> None:
    """Login hook (registry.login_hooks): the guest cart the login named joins the user's."""
    if event.cart_token:
        await merge_guest_cart(session, settings, event.user_id, event.cart_token)
