"""The panel's review actions run the API's moderation: the summary changes, audit rows."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.reviews.helpers import admin_headers, buyer, listed_item, review


async def test_hiding_in_the_panel_updates_the_summary_and_writes_an_audit_row(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await listed_item(stores)
    ann = await buyer(client, stores, settings, await admin_headers(stores, settings), item)
    created = (await review(client, ann, item, 2, title="Rude words")).json()
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        listed = await panel.get("/admin/review/list", params={"search": "Rude"})
        assert listed.status_code == 200
        assert "Rude words" in listed.text
        hidden = await submit(panel, f"/admin/review/action/hide?pks={created['id']}&reason=abuse")
        assert hidden.status_code == 302
    summary = (await client.get(f"/api/v1/items/{item.id}/reviews")).json()
    assert (summary["items"], summary["rating"]["count"]) == ([], 0)
    async with stores.sessionmaker() as session:
        audits = (await session.scalars(select(AdminAuditEntry))).all()
    assert [(a.action, a.target, a.before, a.after) for a in audits] == [
        ("status:hidden", "review", {"status": "visible"}, {"status": "hidden", "reason": "abuse"})
    ]
