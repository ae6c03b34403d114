"""Each scope allows exactly its operations; an admin's JWT keeps every one of them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from garderobe.accounts.apikeys.scopes import Scope
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.apikeys.helpers import admin_headers, bearer, issue, supplier_body
from tests.factories import auth_headers, create_user

Call = Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[httpx.Response]]


# One representative operation per scope.
OPERATIONS: dict[Scope, Call] = {
    Scope.CATALOG_READ: lambda c, h: c.get("/api/v1/suppliers", headers=h),
    Scope.CATALOG_WRITE: lambda c, h: c.post("/api/v1/suppliers", json=supplier_body(), headers=h),
    Scope.ORDERS_READ: lambda c, h: c.get("/api/v1/admin/orders", headers=h),
    # An unknown order: 404 once the scope let the call through.
    Scope.ORDERS_WRITE: lambda c, h: c.patch(
        f"/api/v1/orders/{uuid.uuid4()}/status", json={"status": "shipped"}, headers=h
    ),
    Scope.WEBHOOKS_MANAGE: lambda c, h: c.get("/api/v1/admin/webhooks", headers=h),
}


@pytest.mark.parametrize("held", list(Scope), ids=str)
async def test_each_scope_allows_exactly_its_operations(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, held: Scope
) -> None:
    admin = await admin_headers(stores, settings)
    key = bearer((await issue(client, admin, held.value))["key"])
    for scope, call in OPERATIONS.items():
        response = await call(client, key)
        if scope is held:
            assert response.status_code in (200, 201, 404), (scope, response.text)
        else:
            assert response.status_code == 403, (scope, response.text)
            problem = response.json()
            assert problem["type"].endswith("/insufficient-scope")
            assert problem["missing_scope"] == scope.value


async def test_admin_jwt_still_passes_every_scope(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    for scope, call in OPERATIONS.items():
        response = await call(client, admin)
        assert response.status_code in (200, 201, 404), (scope, response.text)


async def test_shopper_jwt_and_no_credentials_are_refused_as_before(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    shopper = auth_headers(settings, await create_user(stores.sessionmaker))
    forbidden = await client.get("/api/v1/admin/orders", headers=shopper)
    assert forbidden.status_code == 403
    assert forbidden.json()["type"].endswith("/forbidden")
    anonymous = await client.post("/api/v1/suppliers", json=supplier_body())
    assert anonymous.status_code == 401
    assert anonymous.json()["type"].endswith("/unauthorized")


async def test_a_key_opens_no_user_or_key_management_route(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    key = bearer((await issue(client, admin, *[s.value for s in Scope]))["key"])
    assert (await client.get("/api/v1/users", headers=key)).status_code == 401
    minted = await client.post(
        "/api/v1/admin/api-keys", json={"name": "x", "scopes": ["catalog:read"]}, headers=key
    )
    assert minted.status_code == 401
