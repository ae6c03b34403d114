"""Suppliers in the admin panel: written through the catalog's supplier service, audited,
and deletion refused while items name the supplier."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.catalog.suppliers.models import Supplier
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.helpers import admin_account, csrf_token, panel_client, sign_in, submit
from tests.catalog.helpers import create
from tests.factories import auth_headers


async def _supplier(stores: Stores, slug: str) -> Supplier | None:
    async with stores.sessionmaker() as session:
        found: Supplier | None = await session.scalar(select(Supplier).where(Supplier.slug == slug))
        return found


async def test_suppliers_are_created_edited_and_deleted_through_the_service(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    await loading.load_file()
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        bad = await submit(
            panel, "/admin/supplier/create", {"name": "Acme", "slug": "", "country": "XX"}
        )
        assert bad.status_code == 400
        assert "ISO 3166-1" in bad.text
        created = await submit(
            panel,
            "/admin/supplier/create",
            {"name": "Acme Knits", "slug": "", "country": "pt", "contact_email": ""},
        )
        assert created.status_code == 302, created.text
        supplier = await _supplier(stores, "acme-knits")  # slug derived as by the API
        assert supplier is not None
        assert supplier.country == "PT"
        assert supplier.contact_email is None
        edited = await submit(
            panel,
            f"/admin/supplier/edit/{supplier.id}",
            {"name": "Acme Knitwear", "country": "ES", "contact_email": "", "notes": "x"},
        )
        assert edited.status_code == 302, edited.text

        await create(client, auth_headers(settings, admin), supplier="acme-knits")
        refused = await panel.delete(
            "/admin/supplier/delete",
            params={"pks": str(supplier.id)},
            headers={"X-CSRF-Token": await csrf_token(panel, "/admin/supplier/create")},
        )
        shown = await panel.get(refused.text)  # where the panel's script goes next
        assert "1 item names &#39;acme-knits&#39; as their supplier" in shown.text
        assert await _supplier(stores, "acme-knits") is not None
    after = await _supplier(stores, "acme-knits")
    assert after is not None
    assert (after.name, after.country, after.notes) == ("Acme Knitwear", "ES", "x")
    async with stores.sessionmaker() as session:
        audits = (await session.scalars(select(AdminAuditEntry))).all()
    assert sorted((a.action, a.target, a.target_id) for a in audits) == [
        ("create", "supplier", "acme-knits"),
        ("update", "supplier", "acme-knits"),
    ]


async def test_an_unused_supplier_is_deleted_from_the_panel(app: FastAPI, stores: Stores) -> None:
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        await submit(panel, "/admin/supplier/create", {"name": "Bravo", "slug": "bravo"})
        supplier = await _supplier(stores, "bravo")
        assert supplier is not None
        listed = await panel.get("/admin/supplier/list")
        assert "Bravo" in listed.text
        deleted = await panel.delete(
            "/admin/supplier/delete",
            params={"pks": str(supplier.id)},
            headers={"X-CSRF-Token": await csrf_token(panel, "/admin/supplier/create")},
        )
        assert "error=" not in deleted.text
    assert await _supplier(stores, "bravo") is None
