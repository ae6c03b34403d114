"""Catalog items (MongoDB) in the admin panel: search, filters, detail and status change."""

from __future__ import annotations

import httpx
from beanie import PydanticObjectId
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.catalog.helpers import create
from tests.factories import auth_headers, create_listed_item


async def test_items_are_searched_by_title_and_filtered_by_status(
    app: FastAPI, stores: Stores
) -> None:
    await create_listed_item(stores, title="Red wool coat")
    await create_listed_item(stores, title="Blue linen shirt", status=ItemStatus.DRAFT)
    admin = await admin_account(stores)
    async with panel_client(app) as client:
        await sign_in(client, admin)
        found = await client.get("/admin/catalog", params={"search": "WOOL"})
        drafts = await client.get("/admin/catalog", params={"status": "draft"})
    assert found.status_code == 200
    assert "Red wool coat" in found.text
    assert "Blue linen shirt" not in found.text
    assert "Blue linen shirt" in drafts.text
    assert "Red wool coat" not in drafts.text


async def test_status_change_goes_through_the_catalog_service_and_is_audited(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    # A real item, written through the API against the real taxonomy: the panel's change
    # runs the API's validation again.
    await loading.load_file()
    admin = await admin_account(stores)
    created = await create(client, auth_headers(settings, admin), title="Green scarf")
    item = await Item.get(PydanticObjectId(created["id"]))
    assert item is not None
    async with panel_client(app) as client:
        await sign_in(client, admin)
        detail = await client.get(f"/admin/catalog/{item.id}")
        assert "Green scarf" in detail.text
        changed = await submit(client, f"/admin/catalog/{item.id}/status", {"status": "archived"})
        assert changed.status_code == 302, changed.text
        public = await client.get(f"/api/v1/items/{item.id}")
    stored = await Item.get(item.id)
    assert stored is not None
    assert stored.status is ItemStatus.ARCHIVED
    assert stored.revision == item.revision + 1
    assert public.status_code == 404  # archived items leave the shop, as through the API
    async with stores.sessionmaker() as session:
        audits = (await session.scalars(select(AdminAuditEntry))).all()
    assert [(a.target, a.before, a.after) for a in audits] == [
        ("catalog-item", {"status": "active"}, {"status": "archived"})
    ]
