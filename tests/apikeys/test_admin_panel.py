"""API keys in the admin panel: issued (shown once), usable, rotated, revoked, audited."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.accounts.models import User
from garderobe.admin.models import AdminAuditEntry
from garderobe.infra.stores import Stores
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.apikeys.helpers import bearer
from tests.factories import auth_headers

KEY = re.compile(r"gdk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


async def test_a_key_is_issued_used_and_revoked_through_the_panel(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores
) -> None:
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        issued = await submit(panel, "/admin/api-keys", {"name": "feed", "scopes": "catalog:read"})
        assert issued.status_code == 200, issued.text
        [key] = KEY.findall(issued.text)
        assert key not in (await panel.get("/admin/api-keys")).text  # shown once
        assert (await client.get("/api/v1/suppliers", headers=bearer(key))).status_code == 200
        [listed] = (await client.get("/api/v1/admin/api-keys", headers=_jwt(app, admin))).json()
        rotated = await submit(panel, f"/admin/api-keys/{listed['id']}/rotate")
        [new_key] = KEY.findall(rotated.text)
        assert new_key != key
        for usable in (key, new_key):  # the old secret works through the overlap
            assert (await client.get("/api/v1/suppliers", headers=bearer(usable))).is_success
        revoked = await submit(panel, f"/admin/api-keys/{listed['id']}/revoke")
        assert revoked.status_code == 302
    for refused in (key, new_key):
        assert (await client.get("/api/v1/suppliers", headers=bearer(refused))).status_code == 401
    async with stores.sessionmaker() as session:
        actions = [a.action for a in await session.scalars(select(AdminAuditEntry))]
    assert sorted(actions) == ["create", "revoke", "rotate"]


async def test_a_key_without_scopes_is_refused_on_the_page(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores
) -> None:
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        refused = await submit(panel, "/admin/api-keys", {"name": "feed"})
    assert refused.status_code == 422
    assert not KEY.findall(refused.text)
    assert (await client.get("/api/v1/admin/api-keys", headers=_jwt(app, admin))).json() == []


def _jwt(app: FastAPI, admin: User) -> dict[str, str]:
    return auth_headers(app.state.settings, admin)
