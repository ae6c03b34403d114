"""Brand size charts in the admin panel: added, refused with every problem, removed, audited."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.catalog.taxonomy import loading
from garderobe.infra.stores import Stores
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.catalog.sizes_helpers import brand_chart


async def test_a_brand_chart_is_added_and_removed_through_the_panel(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores
) -> None:
    await loading.load_file()
    admin = await admin_account(stores)
    convert = {"kind": "womens_tops", "size": "M", "brand": "zara", "to": "letter"}
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        form = {"brand": "zara", "kind": "womens_tops", "chart": json.dumps(brand_chart())}
        saved = await submit(panel, "/admin/size-charts", form)
        assert saved.status_code == 302, saved.text
        listed = await panel.get("/admin/size-charts")
        assert "zara" in listed.text
        assert "womens_tops" in listed.text
        assert (await client.get("/api/v1/sizes/convert", params=convert)).json()[
            "chart"
        ] == "brand"
        removed = await submit(panel, "/admin/size-charts/zara/womens_tops/delete")
        assert removed.status_code == 302
    assert (await client.get("/api/v1/sizes/convert", params=convert)).json()["chart"] == "default"
    async with stores.sessionmaker() as session:
        actions = [a.action for a in await session.scalars(select(AdminAuditEntry))]
    assert sorted(actions) == ["create", "delete"]


async def test_a_bad_chart_is_shown_back_with_every_problem(app: FastAPI, stores: Stores) -> None:
    await loading.load_file()
    admin = await admin_account(stores)
    chart = brand_chart([("M", 90, 84), ("Huge", 1, 2)])
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        form = {"brand": "zara", "kind": "womens_tops", "chart": json.dumps(chart)}
        refused = await submit(panel, "/admin/size-charts", form)
        garbage = await submit(panel, "/admin/size-charts", {**form, "chart": "- just a list"})
    assert refused.status_code == 422
    assert "rows[0].bust" in refused.text
    assert "rows[1].value" in refused.text
    assert garbage.status_code == 422
    assert "A chart is an object" in garbage.text
