"""/api/v1/cart: the caller's cart. Guests are identified by the X-Cart-Token header."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, status

from garderobe.accounts.dependencies import OptionalUser
from garderobe.api.deps import DbSession, SettingsDep
from garderobe.commerce import cart as carts
from garderobe.commerce import presenters
from garderobe.commerce.schemas import CartItemIn, CartItemUpdate, CartOut

router = APIRouter(prefix="/api/v1/cart", tags=["cart"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "Problem: item missing or inactive, no such variant, or no such line "
        "in your cart"
    },
    409: {"description": "Problem: more than available (`available` says how many are)"},
    422: {"description": "Problem `variant-required`: the item comes in several variants"},
}


async def get_shopper(
    settings: SettingsDep, user: OptionalUser, x_cart_token: Annotated[str | None, Header()] = None
) -> carts.Shopper:
    if user is not None:
        return carts.Shopper(user.id)
    guest = carts.read_cart_token(settings, x_cart_token) if x_cart_token else None
    return carts.Shopper(None, guest)


ShopperDep = Annotated[carts.Shopper, Depends(get_shopper)]


def _token(settings: SettingsDep, shopper: carts.Shopper, cart_id: uuid.UUID | None) -> str | None:
    if shopper.user_id is not None or cart_id is None:
        return None
    return carts.issue_cart_token(settings, cart_id)


@router.get("", response_model=CartOut, summary="The caller's cart with current prices")
async def get_cart(shopper: ShopperDep, session: DbSession, settings: SettingsDep) -> CartOut:
    cart = await carts.find_cart(session, shopper)
    return await presenters.cart_out(
        session, cart, _token(settings, shopper, cart.id if cart else None)
    )


@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    response_model=CartOut,
    responses=_ERRORS,
    summary="Put an item in the cart (guests get a cart token)",
)
async def add_item(
    body: CartItemIn, shopper: ShopperDep, session: DbSession, settings: SettingsDep
) -> CartOut:
    cart = await carts.get_or_create_cart(session, shopper)
    await carts.add_line(session, cart, body.item_id, body.variant_id, body.quantity)
    return await presenters.cart_out(session, cart, _token(settings, shopper, cart.id))


@router.patch(
    "/items/{line_id}",
    response_model=CartOut,
    responses=_ERRORS,
    summary="Change a line's quantity",
)
async def update_item(
    line_id: uuid.UUID,
    body: CartItemUpdate,
    shopper: ShopperDep,
    session: DbSession,
    settings: SettingsDep,
) -> CartOut:
    cart = await carts.find_cart(session, shopper)
    await carts.set_quantity(session, cart, line_id, body.quantity)
    return await presenters.cart_out(
        session, cart, _token(settings, shopper, cart.id if cart else None)
    )


@router.delete(
    "/items/{line_id}", response_model=CartOut, responses=_ERRORS, summary="Remove a line"
)
async def remove_item(
    line_id: uuid.UUID, shopper: ShopperDep, session: DbSession, settings: SettingsDep
) -> CartOut:
    cart = await carts.find_cart(session, shopper)
    await carts.remove_line(session, cart, line_id)
    return await presenters.cart_out(
        session, cart, _token(settings, shopper, cart.id if cart else None)
    )


@router.delete("", response_model=CartOut, summary="Empty the cart")
async def empty_cart(shopper: ShopperDep, session: DbSession, settings: SettingsDep) -> CartOut:
    cart = await carts.find_cart(session, shopper)
    await carts.empty(session, cart)
    return await presenters.cart_out(
        session, cart, _token(settings, shopper, cart.id if cart else None)
    )
