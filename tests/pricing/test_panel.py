"""Discounts in the admin panel: listed with their redemptions; switching one off is
audited and takes effect at once."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.commerce.helpers import stocked_item
from tests.factories import auth_headers
from tests.pricing.helpers import buyer, discount, order, priced


async def test_panel_lists_redemptions_and_switching_a_discount_off_is_audited(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = await admin_account(stores)
    made = await discount(client, auth_headers(settings, admin), code="PANEL7")
    ann = await buyer(client, stores, settings)
    await ann.add(await stocked_item(stores, on_hand=3, price=2000))
    assert (await order(ann, ["PANEL7"])).status_code == 201
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        listed = await panel.get("/admin/discount/list")
        assert listed.status_code == 200
        assert "PANEL7" in listed.text
        assert "Redemptions" in listed.text
        edited = await submit(panel, f"/admin/discount/edit/{made['id']}", {})  # box unticked
        assert edited.status_code == 302
        assert (await panel.get("/admin/discount-redemption/list")).status_code == 200
    await ann.add(await stocked_item(stores, price=2000))
    assert (await priced(ann, code="PANEL7"))["refused_codes"][0]["reason"] == "unknown_code"
    async with stores.sessionmaker() as session:
        audits = (await session.scalars(select(AdminAuditEntry))).all()
    assert [(a.target, a.before, a.after) for a in audits] == [
        ("discount", {"active": True}, {"active": False})
    ]
