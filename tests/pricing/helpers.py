"""Admins who configure discounts and shipping, and buyers who order with them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from garderobe.accounts import addresses
from garderobe.accounts.models import Role, User
from garderobe.accounts.security import hash_password
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import ADDRESS, Shopper
from tests.factories import DEFAULT_PASSWORD, auth_headers, create_user


async def admin_headers(stores: Stores, settings: Settings) -> dict[str, str]:
    admin = await create_user(stores.sessionmaker, role=Role.ADMIN)
    return auth_headers(settings, admin)


async def discount(
    client: httpx.AsyncClient, admin: dict[str, str], **fields: Any
) -> dict[str, Any]:
    """A discount made through the admin API: a 10% shop-wide code unless told otherwise."""
    body = {"code": "SAVE10", "name": "Ten off", "kind": "percentage", "value": 10, **fields}
    response = await client.post("/api/v1/admin/discounts", headers=admin, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def zone(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    name: str,
    countries: list[str],
    *methods: dict[str, Any],
) -> list[str]:
    """A zone with its methods; returns the methods' ids."""
    made = await client.post(
        "/api/v1/admin/shipping/zones", headers=admin, json={"name": name, "countries": countries}
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/admin/shipping/zones/{made.json()['id']}/methods"
    ids = []
    for method in methods:
        response = await client.post(url, headers=admin, json=method)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def buyer(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, country: str = "DE"
) -> Shopper:
    """A confirmed customer whose default address is in `country`."""
    account = await create_user(stores.sessionmaker)
    async with stores.sessionmaker() as session, session.begin():
        address = await addresses.create_address(
            session, account.id, {**ADDRESS, "country": country}
        )
    return Shopper(client, auth_headers(settings, account), account.id, address.id)


async def buyers(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, count: int
) -> list[Shopper]:
    """`count` confirmed customers with an address in Germany, written in one transaction
    with one password hash (hashing is slow on purpose; these never log in)."""
    password_hash = hash_password(DEFAULT_PASSWORD)
    made = []
    async with stores.sessionmaker() as session, session.begin():
        for _ in range(count):
            user = User(
                id=uuid.uuid4(),
                email=f"buyer-{uuid.uuid4().hex[:10]}@example.org",
                password_hash=password_hash,
                full_name="Racing Buyer",
                role=Role.CUSTOMER,
                is_active=True,
                email_confirmed_at=datetime.now(UTC),
            )
            session.add(user)
            await session.flush()
            address = await addresses.create_address(session, user.id, dict(ADDRESS))
            made.append(Shopper(client, auth_headers(settings, user), user.id, address.id))
    return made


async def order(
    who: Shopper, codes: list[str] | None = None, method: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"address_id": str(who.address_id)}
    if codes is not None:
        body["discount_codes"] = codes
    if method is not None:
        body["shipping_method_id"] = method
    headers = {**who.headers, "Idempotency-Key": uuid.uuid4().hex}
    return await who.client.post("/api/v1/orders", headers=headers, json=body)


async def priced(who: Shopper, **params: Any) -> dict[str, Any]:
    """The buyer's cart priced for their address (and `code`, `shipping_method_id` …)."""
    query = {"address_id": str(who.address_id), **params}
    response = await who.client.get("/api/v1/cart", headers=who.headers, params=query)
    assert response.status_code == 200, response.text
    pricing = response.json()["pricing"]
    assert pricing is not None
    return dict(pricing)
