"""A key's life: stored hashed, refused at once when revoked or expired, rotated with an
overlap, its last use recorded."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import select, text, update

from garderobe.accounts.apikeys.models import ApiKey
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.apikeys.helpers import KEYS, admin_headers, bearer, issue

SUPPLIERS = "/api/v1/suppliers"


async def _row(stores: Stores, key_id: str) -> ApiKey:
    async with stores.sessionmaker() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.id == uuid.UUID(key_id)))
    assert row is not None
    return row


def _problem_type(response: httpx.Response) -> str:
    kind: str = response.json()["type"]
    return kind.rpartition("/")[2]


async def test_the_stored_form_is_not_the_key(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    issued = await issue(client, await admin_headers(stores, settings), "catalog:read")
    key: str = issued["key"]
    assert key.startswith(issued["prefix"])
    assert issued["prefix"].startswith("gdk_")
    async with stores.engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM api_keys"))).mappings().one()
    secret = key.removeprefix(issued["prefix"])
    stored = " ".join(str(value) for value in row.values())
    assert key not in stored
    assert secret not in stored
    assert row["secret_hash"] != secret
    assert len(row["secret_hash"]) == 64
    listed = (await client.get(KEYS, headers=await admin_headers(stores, settings))).json()
    assert "key" not in listed[0]
    assert listed[0]["prefix"] == issued["prefix"]


async def test_a_revoked_key_is_refused_at_once(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    issued = await issue(client, admin, "catalog:read")
    assert (await client.get(SUPPLIERS, headers=bearer(issued["key"]))).status_code == 200
    revoked = await client.post(f"{KEYS}/{issued['id']}/revoke", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    refused = await client.get(SUPPLIERS, headers=bearer(issued["key"]))
    assert refused.status_code == 401
    assert _problem_type(refused) == "api-key-revoked"


async def test_an_expired_key_is_refused_at_once(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    issued = await issue(client, admin, "catalog:read", expires_at="2999-01-01T00:00:00Z")
    assert (await client.get(SUPPLIERS, headers=bearer(issued["key"]))).status_code == 200
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(update(ApiKey).values(expires_at=text("now() - interval '1 second'")))
    refused = await client.get(SUPPLIERS, headers=bearer(issued["key"]))
    assert refused.status_code == 401
    assert _problem_type(refused) == "api-key-expired"


@pytest.mark.parametrize(
    "token",
    ["gdk_000000000000_not-the-secret", "gdk_short", "not-a-jwt-either"],
)
async def test_a_wrong_or_malformed_key_is_a_401_problem(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, token: str
) -> None:
    await issue(client, await admin_headers(stores, settings), "catalog:read")
    refused = await client.get(SUPPLIERS, headers=bearer(token))
    assert refused.status_code == 401
    assert _problem_type(refused) in {"api-key-invalid", "unauthorized"}


async def test_a_wrong_secret_for_a_real_public_id_is_refused(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    issued = await issue(client, await admin_headers(stores, settings), "catalog:read")
    forged = issued["prefix"] + "A" * 43
    refused = await client.get(SUPPLIERS, headers=bearer(forged))
    assert refused.status_code == 401
    assert _problem_type(refused) == "api-key-invalid"


async def test_rotation_keeps_the_old_secret_for_the_overlap_only(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    issued = await issue(client, admin, "catalog:read")
    rotated = await client.post(
        f"{KEYS}/{issued['id']}/rotate", json={"overlap_seconds": 1}, headers=admin
    )
    assert rotated.status_code == 200, rotated.text
    new_key = rotated.json()["key"]
    assert new_key != issued["key"]
    assert rotated.json()["prefix"] == issued["prefix"]
    for key in (issued["key"], new_key):
        assert (await client.get(SUPPLIERS, headers=bearer(key))).status_code == 200
    await asyncio.sleep(1.1)
    old = await client.get(SUPPLIERS, headers=bearer(issued["key"]))
    assert old.status_code == 401
    assert _problem_type(old) == "api-key-invalid"
    assert (await client.get(SUPPLIERS, headers=bearer(new_key))).status_code == 200


async def test_rotation_overlap_is_bounded_and_defaults_to_a_day(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    issued = await issue(client, admin, "catalog:read")
    too_long = await client.post(
        f"{KEYS}/{issued['id']}/rotate", json={"overlap_seconds": 8 * 86400}, headers=admin
    )
    assert too_long.status_code == 422
    rotated = (await client.post(f"{KEYS}/{issued['id']}/rotate", headers=admin)).json()
    row = await _row(stores, issued["id"])
    assert row.previous_valid_until is not None
    window = row.previous_valid_until - row.updated_at
    assert 86400 - 5 < window.total_seconds() <= 86400 + 5
    assert (await client.get(SUPPLIERS, headers=bearer(issued["key"]))).status_code == 200
    assert (await client.get(SUPPLIERS, headers=bearer(rotated["key"]))).status_code == 200


async def test_a_revoked_key_cannot_be_rotated_back_to_life(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    issued = await issue(client, admin, "catalog:read")
    await client.post(f"{KEYS}/{issued['id']}/revoke", headers=admin)
    refused = await client.post(f"{KEYS}/{issued['id']}/rotate", headers=admin)
    assert refused.status_code == 409
    assert _problem_type(refused) == "api-key-inactive"


async def test_last_use_is_recorded_once_a_minute_at_most(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    issued = await issue(client, await admin_headers(stores, settings), "catalog:read")
    assert (await _row(stores, issued["id"])).last_used_at is None
    await client.get(SUPPLIERS, headers=bearer(issued["key"]))
    first = (await _row(stores, issued["id"])).last_used_at
    assert first is not None
    await client.get(SUPPLIERS, headers=bearer(issued["key"]))
    assert (await _row(stores, issued["id"])).last_used_at == first


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "scopes": ["catalog:delete"]},
        {"name": "x", "scopes": []},
        {"name": "", "scopes": ["catalog:read"]},
        {"name": "x", "scopes": ["catalog:read"], "expires_at": "2020-01-01T00:00:00Z"},
        {"name": "x", "scopes": ["catalog:read"], "expires_at": "2999-01-01T00:00:00"},
    ],
)
async def test_bad_key_requests_are_422_and_store_nothing(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, body: dict[str, object]
) -> None:
    admin = await admin_headers(stores, settings)
    assert (await client.post(KEYS, json=body, headers=admin)).status_code == 422
    assert (await client.get(KEYS, headers=admin)).json() == []
