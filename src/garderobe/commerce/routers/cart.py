"""/api/v1/cart: the caller's cart. Guests are identified by the X-Cart-Token header."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, status
from pydantic import StringConstraints

from garderobe.accounts import addresses
from garderobe.accounts.dependencies import OptionalUser
from garderobe.api.deps import DbSession, SettingsDep
from garderobe.commerce import cart as carts
from garderobe.commerce import presenters
from garderobe.commerce.schemas import CartItemIn, CartItemUpdate, CartOut
from garderobe.errors import InvalidInput

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


async def get_pricing_ask(
    settings: SettingsDep,
    shopper: ShopperDep,
    session: DbSession,
    code: Annotated[
        list[Annotated[str, StringConstraints(max_length=64)]],
        Query(max_length=10, description="A discount code entered (repeatable)"),
    ] = [],  # noqa: B006 - FastAPI copies a list default per request
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="Destination (ISO alpha-2)")
    ] = None,
    address_id: Annotated[
        uuid.UUID | None, Query(description="One of your addresses, as destination")
    ] = None,
    shipping_method_id: Annotated[str | None, Query(max_length=64)] = None,
) -> presenters.PricingAsk | None:
    """What the cart is to be priced for; None when nothing was asked (the plain cart)."""
    if address_id is not None:
        if shopper.user_id is None:
            raise InvalidInput("Guests name a `country`; `address_id` is for signed-in users.")
        country = (await addresses.get_address(session, shopper.user_id, address_id)).country
    if country is None and not code:
        return None
    return presenters.PricingAsk(
        settings,
        country.upper() if country else None,
        tuple(code),
        shipping_method_id,
        shopper.user_id,
    )


PricingAskDep = Annotated[presenters.PricingAsk | None, Depends(get_pricing_ask)]


def _token(settings: SettingsDep, shopper: carts.Shopper, cart_id: uuid.UUID | None) -> str | None:
    if shopper.user_id is not None or cart_id is None:
        return None
    return carts.issue_cart_token(settings, cart_id)


@router.get(
    "",
    response_model=CartOut,
    summary="The caller's cart with current prices; priced for a destination and codes "
    "when asked (`pricing`)",
    responses={404: {"description": "Problem: `address_id` is not one of yours"}},
)
async def get_cart(
    shopper: ShopperDep, session: DbSession, settings: SettingsDep, ask: PricingAskDep
) -> CartOut:
    cart = await carts.find_cart(session, shopper)
    return await presenters.cart_out(
        session, cart, _token(settings, shopper, cart.id if cart else None), ask
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
