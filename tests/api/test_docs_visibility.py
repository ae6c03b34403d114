"""DOCS_VISIBILITY: /docs, /redoc and /openapi.json public, admin-only or off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from garderobe.accounts.models import Role
from garderobe.infra.stores import Stores
from garderobe.main import create_app
from garderobe.operations import stores_opened
from garderobe.settings import Settings
from tests.admin.helpers import sign_in
from tests.factories import auth_headers, create_user

DOCUMENTS = ("/docs", "/redoc", "/openapi.json")


@asynccontextmanager
async def client_for(
    settings: Settings, stores: Stores, **overrides: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=overrides))
    app.state.stores = stores
    stores_opened(app, stores)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="https://test", headers={"Origin": "https://test"}
    ) as client:
        yield client


def test_default_is_public_in_development_and_admin_in_production() -> None:
    assert Settings(environment="development").docs_access == "public"
    production = Settings(environment="production", jwt_secret="x" * 40)  # type: ignore[arg-type]
    assert production.docs_access == "admin"
    assert (
        Settings(environment="production", jwt_secret="x" * 40, docs_visibility="off").docs_access
        == "off"
    )  # type: ignore[arg-type]


@pytest.mark.parametrize("path", DOCUMENTS)
async def test_public_documents_need_no_token(
    settings: Settings, stores: Stores, path: str
) -> None:
    async with client_for(settings, stores, docs_visibility="public") as client:
        assert (await client.get(path)).status_code == 200


@pytest.mark.parametrize("path", DOCUMENTS)
async def test_off_removes_the_documents(settings: Settings, stores: Stores, path: str) -> None:
    async with client_for(settings, stores, docs_visibility="off") as client:
        response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", DOCUMENTS)
async def test_admin_only_documents_refuse_anonymous_and_customers(
    settings: Settings, stores: Stores, path: str
) -> None:
    customer = await create_user(stores.sessionmaker)
    admin = await create_user(stores.sessionmaker, role=Role.ADMIN)
    async with client_for(settings, stores, docs_visibility="admin") as client:
        assert (await client.get(path)).status_code == 401
        refused = await client.get(path, headers=auth_headers(settings, customer))
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        allowed = await client.get(path, headers=auth_headers(settings, admin))
    assert allowed.status_code == 200
    if path == "/openapi.json":
        assert allowed.json()["info"]["title"] == "garderobe"


async def test_admin_signed_in_to_the_panel_reads_the_docs_in_a_browser(
    settings: Settings, stores: Stores
) -> None:
    admin = await create_user(stores.sessionmaker, role=Role.ADMIN)
    customer = await create_user(stores.sessionmaker)
    async with client_for(settings, stores, docs_visibility="admin") as client:
        assert (await sign_in(client, customer)).status_code == 403
        assert (await client.get("/docs")).status_code == 401
        assert (await sign_in(client, admin)).status_code == 302
        assert (await client.get("/docs")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200
        await client.get("/admin/logout")
        assert (await client.get("/openapi.json")).status_code == 401
