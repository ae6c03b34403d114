"""Webhook subscriptions in the admin panel: created with the secret shown once, switched
off and on, refused with the problem, audited."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.infra.stores import Stores
from garderobe.webhooks.models import WebhookSubscription
from tests.admin.helpers import admin_account, panel_client, sign_in, submit


async def test_a_subscription_is_made_and_switched_through_the_panel(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores
) -> None:
    admin = await admin_account(stores)
    form = {"url": "https://erp.example.com/in", "event_types": "order.paid", "description": "ERP"}
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        created = await submit(panel, "/admin/webhooks", form)
        assert created.status_code == 200, created.text
        async with stores.sessionmaker() as session:
            (subscription,) = await session.scalars(select(WebhookSubscription))
        assert subscription.secret in created.text
        listed = await panel.get("/admin/webhooks")
        assert "https://erp.example.com/in" in listed.text
        assert subscription.secret not in listed.text
        off = await submit(panel, f"/admin/webhooks/{subscription.id}/active", {"active": "false"})
        assert off.status_code == 302
    async with stores.sessionmaker() as session:
        stored = await session.get(WebhookSubscription, subscription.id)
        actions = [a.action for a in await session.scalars(select(AdminAuditEntry))]
    assert stored is not None
    assert stored.active is False
    assert stored.event_types == ["order.paid"]
    assert sorted(actions) == ["create", "update"]


async def test_a_bad_subscription_is_shown_back_with_its_problem(
    app: FastAPI, stores: Stores
) -> None:
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        refused = await submit(panel, "/admin/webhooks", {"url": "https://erp.example.com/in"})
    assert refused.status_code == 422
    assert "event_types" in refused.text
    async with stores.sessionmaker() as session:
        assert list(await session.scalars(select(WebhookSubscription))) == []
