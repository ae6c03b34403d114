"""What a key does is audited under its name and counted against its own rate limit."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.commerce.models import OrderEvent
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.apikeys.helpers import admin_headers, bearer, issue, supplier_body
from tests.commerce.helpers import shopper, stocked_item


async def _audit_rows(stores: Stores) -> list[AdminAuditEntry]:
    async with stores.sessionmaker() as session:
        return list(await session.scalars(select(AdminAuditEntry)))


async def test_a_write_by_a_key_is_audited_with_its_name(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    issued = await issue(
        client, await admin_headers(stores, settings), "catalog:write", name="warehouse-feed"
    )
    created = await client.post(
        "/api/v1/suppliers", json=supplier_body(), headers=bearer(issued["key"])
    )
    assert created.status_code == 201, created.text
    [entry] = await _audit_rows(stores)
    assert entry.actor_email == "api-key:warehouse-feed"
    assert str(entry.actor_id) == issued["id"]
    assert (entry.action, entry.target) == ("post", "suppliers")
    assert entry.after == {"api_key_id": issued["id"], "scope": "catalog:write"}


async def test_a_refused_write_leaves_no_audit_row(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    issued = await issue(client, await admin_headers(stores, settings), "catalog:write")
    invalid = await client.post(
        "/api/v1/suppliers", json={"name": ""}, headers=bearer(issued["key"])
    )
    assert invalid.status_code == 422
    missing = await client.delete("/api/v1/suppliers/nobody", headers=bearer(issued["key"]))
    assert missing.status_code == 404
    assert await _audit_rows(stores) == []


async def test_reads_by_a_key_and_writes_by_an_admin_jwt_add_no_key_row(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_headers(stores, settings)
    issued = await issue(client, admin, "catalog:read")
    assert (await client.get("/api/v1/suppliers", headers=bearer(issued["key"]))).is_success
    assert (await client.post("/api/v1/suppliers", json=supplier_body(), headers=admin)).is_success
    assert await _audit_rows(stores) == []


async def test_each_key_has_its_own_rate_limit(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "api_key_rate_limit_per_minute", 3)
    admin = await admin_headers(stores, settings)
    busy = bearer((await issue(client, admin, "catalog:read", name="busy"))["key"])
    quiet = bearer((await issue(client, admin, "catalog:read", name="quiet"))["key"])
    for _ in range(3):
        assert (await client.get("/api/v1/suppliers", headers=busy)).status_code == 200
    limited = await client.get("/api/v1/suppliers", headers=busy)
    assert limited.status_code == 429
    assert limited.json()["type"].endswith("/rate-limited")
    assert int(limited.headers["Retry-After"]) >= 1
    assert (await client.get("/api/v1/suppliers", headers=quiet)).status_code == 200
    # An admin's JWT is not counted against any key.
    assert (await client.get("/api/v1/suppliers", headers=admin)).status_code == 200


async def test_a_key_moves_an_order_and_is_named_in_its_history_and_the_audit(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    issued = await issue(
        client, await admin_headers(stores, settings), "orders:write", name="warehouse"
    )
    ann = await shopper(client, stores, settings)
    await ann.add(await stocked_item(stores, on_hand=2, price=1000))
    order = (await ann.order()).json()
    moved = await client.patch(
        f"/api/v1/orders/{order['id']}/status",
        json={"status": "cancelled"},
        headers=bearer(issued["key"]),
    )
    assert moved.status_code == 200, moved.text
    async with stores.sessionmaker() as session:
        actors = list(await session.scalars(select(OrderEvent.actor)))
    assert f"api-key:{issued['id']}" in actors
    [entry] = await _audit_rows(stores)
    assert entry.actor_email == "api-key:warehouse"
    assert entry.target == "orders/{order_id}/status"
    assert entry.target_id == f"orders/{order['id']}/status"
