"""64 buyers racing for a code with 5 uses: exactly 5 orders get it, the others a 409."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from sqlalchemy import func, select

from garderobe.commerce import cart as carts
from garderobe.commerce.models import CartItem, Order
from garderobe.infra.stores import Stores
from garderobe.pricing.models import DiscountRedemption
from garderobe.settings import Settings
from tests.commerce.helpers import stock_of, stocked_item
from tests.pricing.helpers import admin_headers, buyers, discount, order

BUYERS = 64
USES = 5


async def test_sixty_four_buyers_racing_for_five_uses_get_exactly_five(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    made = await discount(client, admin, code="RACE5", usage_limit=USES)
    item = await stocked_item(stores, on_hand=BUYERS, price=3000)
    variant_id = item.sellable_variants()[0].id
    racers = await buyers(client, stores, settings, BUYERS)
    async with stores.sessionmaker() as session, session.begin():
        for who in racers:  # straight into the carts: the race is the checkout, not the adds
            cart = await carts.get_or_create_cart(session, carts.Shopper(who.user_id))
            session.add(
                CartItem(
                    id=uuid.uuid4(),
                    cart_id=cart.id,
                    item_id=str(item.id),
                    variant_id=variant_id,
                    quantity=1,
                )
            )
    responses = await asyncio.gather(*(order(who, ["RACE5"]) for who in racers))
    codes = [r.status_code for r in responses]
    assert codes.count(201) == USES
    assert codes.count(409) == BUYERS - USES, sorted(set(codes))
    refused = {r.json()["type"].rsplit("/", 1)[-1] for r in responses if r.status_code == 409}
    assert refused <= {"discount-unavailable", "discount-refused"}
    async with stores.sessionmaker() as session:
        redeemed = await session.scalar(select(func.count()).select_from(DiscountRedemption))
        placed = await session.scalar(select(func.count()).select_from(Order))
    assert (redeemed, placed) == (USES, USES)
    assert (await stock_of(stores, item)).reserved == USES  # the refused reserved nothing
    counted = await client.get(f"/api/v1/admin/discounts/{made['id']}", headers=admin)
    assert counted.json()["used"] == USES
