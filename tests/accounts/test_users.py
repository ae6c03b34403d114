from __future__ import annotations

import httpx

from garderobe.accounts.models import Role
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.accounts.helpers import PASSWORD, bearer, login
from tests.factories import auth_headers, create_user

ADDRESS = {
    "recipient": "Ann Smith",
    "line1": "1 Main St",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "de",
}


async def test_profile_update_changes_name_and_phone_only(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    user = await create_user(stores.sessionmaker)
    headers = auth_headers(settings, user)
    response = await client.patch(
        "/api/v1/users/me",
        headers=headers,
        json={"full_name": "Ann Smith", "phone": "+49 30 1234567"},
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ann Smith"
    for forbidden in (
        {"role": "admin"},
        {"is_active": False},
        {"email_confirmed_at": "2020-01-01T00:00:00Z"},
    ):
        refused = await client.patch("/api/v1/users/me", headers=headers, json=forbidden)
        assert refused.status_code == 422
    assert (await client.get("/api/v1/users/me", headers=headers)).json()["role"] == "customer"


async def test_delete_me_anonymises_and_blocks_login(
    client: httpx.AsyncClient, stores: Stores
) -> None:
    await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    tokens = await login(client, "ann@example.org")
    await client.post("/api/v1/users/me/addresses", headers=bearer(tokens), json=ADDRESS)
    assert (await client.delete("/api/v1/users/me", headers=bearer(tokens))).status_code == 204
    assert (await client.get("/api/v1/users/me", headers=bearer(tokens))).status_code == 401
    again = await client.post(
        "/api/v1/auth/login", json={"email": "ann@example.org", "password": PASSWORD}
    )
    assert again.status_code == 401


async def test_first_address_is_default_and_one_default_is_kept(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    headers = auth_headers(settings, await create_user(stores.sessionmaker))
    first = (await client.post("/api/v1/users/me/addresses", headers=headers, json=ADDRESS)).json()
    assert first["is_default"] is True
    assert first["country"] == "DE"
    second = await client.post(
        "/api/v1/users/me/addresses",
        headers=headers,
        json={**ADDRESS, "label": "work", "is_default": True},
    )
    assert second.status_code == 201
    listed = (await client.get("/api/v1/users/me/addresses", headers=headers)).json()
    assert [a["is_default"] for a in listed] == [True, False]
    assert listed[0]["label"] == "work"
    back = await client.patch(
        f"/api/v1/users/me/addresses/{first['id']}", headers=headers, json={"is_default": True}
    )
    assert back.status_code == 200
    listed = (await client.get("/api/v1/users/me/addresses", headers=headers)).json()
    assert sum(a["is_default"] for a in listed) == 1


async def test_unknown_country_is_422(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    headers = auth_headers(settings, await create_user(stores.sessionmaker))
    response = await client.post(
        "/api/v1/users/me/addresses", headers=headers, json={**ADDRESS, "country": "XX"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.country"


async def test_another_users_address_is_404_never_403(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    owner = auth_headers(settings, await create_user(stores.sessionmaker))
    other = auth_headers(settings, await create_user(stores.sessionmaker))
    address = (await client.post("/api/v1/users/me/addresses", headers=owner, json=ADDRESS)).json()
    url = f"/api/v1/users/me/addresses/{address['id']}"
    assert (await client.get(url, headers=other)).status_code == 404
    assert (await client.patch(url, headers=other, json={"city": "Paris"})).status_code == 404
    assert (await client.delete(url, headers=other)).status_code == 404
    assert (await client.get(url, headers=owner)).json()["city"] == "Berlin"


async def test_admin_user_listing_is_admin_only(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    customer = auth_headers(settings, await create_user(stores.sessionmaker))
    assert (await client.get("/api/v1/users")).status_code == 401
    assert (await client.get("/api/v1/users", headers=customer)).status_code == 403


async def test_admin_lists_users_with_filters_and_keyset_pages(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))
    for i in range(5):
        await create_user(stores.sessionmaker, email=f"shopper{i}@example.org")
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 2, "email": "shopper"}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/users", headers=admin, params=params)).json()
        seen += [u["email"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"shopper{i}@example.org" for i in range(5)]
    admins = (await client.get("/api/v1/users", headers=admin, params={"role": "admin"})).json()
    assert len(admins["items"]) == 1
    bad = await client.get("/api/v1/users", headers=admin, params={"cursor": "garbage"})
    assert bad.status_code == 422


async def test_admin_deactivation_ends_the_users_sessions(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))
    user = await create_user(stores.sessionmaker, email="ann@example.org", password=PASSWORD)
    tokens = await login(client, "ann@example.org")
    changed = await client.patch(
        f"/api/v1/users/{user.id}", headers=admin, json={"is_active": False, "role": "admin"}
    )
    assert changed.status_code == 200
    assert changed.json()["is_active"] is False
    assert (await client.get("/api/v1/users/me", headers=bearer(tokens))).status_code == 401
    missing = await client.get("/api/v1/users/00000000-0000-0000-0000-000000000000", headers=admin)
    assert missing.status_code == 404
