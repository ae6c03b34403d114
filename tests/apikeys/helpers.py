"""Issuing keys through the API, and one representative operation per scope."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from garderobe.accounts.models import Role
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.factories import auth_headers, create_user

KEYS = "/api/v1/admin/api-keys"


async def admin_headers(stores: Stores, settings: Settings) -> dict[str, str]:
    admin = await create_user(stores.sessionmaker, role=Role.ADMIN)
    return auth_headers(settings, admin)


async def issue(
    client: httpx.AsyncClient, admin: dict[str, str], *scopes: str, **fields: Any
) -> dict[str, Any]:
    body = {"name": fields.pop("name", "erp-sync"), "scopes": list(scopes), **fields}
    response = await client.post(KEYS, json=body, headers=admin)
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def supplier_body() -> dict[str, str]:
    return {"name": f"Supplier {uuid.uuid4().hex[:6]}"}
