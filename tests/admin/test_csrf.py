"""CSRF protection of the admin panel: every form carries the session's token, and every
state-changing request without it (or with another session's) is refused, changing nothing."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from garderobe.commerce.models import Order, OrderStatus
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.helpers import admin_account, csrf_token, panel_client, sign_in, submit
from tests.commerce.helpers import shopper, stock_of, stocked_item
from tests.factories import DEFAULT_PASSWORD

_POST_FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.I | re.S)


async def test_a_post_without_the_token_is_refused_and_changes_nothing(
    app: FastAPI, stores: Stores
) -> None:
    item = await stocked_item(stores, on_hand=3)
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        missing = await panel.post(f"/admin/stock/edit/{item.id}", data={"on_hand": "9"})
        forged = await panel.post(
            f"/admin/stock/edit/{item.id}", data={"on_hand": "9", "csrf_token": "x" * 88}
        )
    assert missing.status_code == 403
    assert "security token" in missing.text
    assert forged.status_code == 403
    assert (await stock_of(stores, item)).on_hand == 3


async def test_a_token_from_another_session_is_refused(app: FastAPI, stores: Stores) -> None:
    item = await stocked_item(stores, on_hand=3)
    admin = await admin_account(stores)
    async with panel_client(app) as victim, panel_client(app) as attacker:
        await sign_in(victim, admin)
        await sign_in(attacker, admin)
        stolen = await csrf_token(attacker, f"/admin/stock/edit/{item.id}")
        refused = await victim.post(
            f"/admin/stock/edit/{item.id}", data={"on_hand": "9", "csrf_token": stolen}
        )
        own = await csrf_token(victim, f"/admin/stock/edit/{item.id}")
        accepted = await victim.post(
            f"/admin/stock/edit/{item.id}", data={"on_hand": "9", "csrf_token": own}
        )
    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert (await stock_of(stores, item)).on_hand == 9


async def test_a_malformed_form_body_is_refused_not_an_error(app: FastAPI, stores: Stores) -> None:
    item = await stocked_item(stores, on_hand=3)
    admin = await admin_account(stores)
    bodies = {
        "multipart/form-data": b"no boundary",
        "multipart/form-data; boundary=zz": b'--zz\r\nContent-Disposition: form-data; name="a"',
        "application/x-www-form-urlencoded": b"\xff\xfe=%%%&csrf_token=%zz",
    }
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        for content_type, body in bodies.items():
            response = await panel.post(
                f"/admin/stock/edit/{item.id}", content=body, headers={"content-type": content_type}
            )
            assert response.status_code == 403, content_type
    assert (await stock_of(stores, item)).on_hand == 3


async def test_scripted_requests_may_send_the_token_in_a_header(
    app: FastAPI, stores: Stores
) -> None:
    item = await stocked_item(stores, on_hand=3)
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        token = await csrf_token(panel)
        accepted = await panel.post(
            f"/admin/stock/edit/{item.id}", data={"on_hand": "7"}, headers={"X-CSRF-Token": token}
        )
    assert accepted.status_code == 302
    assert (await stock_of(stores, item)).on_hand == 7


async def test_signing_in_needs_the_login_forms_token_and_renews_it(
    app: FastAPI, stores: Stores
) -> None:
    admin = await admin_account(stores)
    credentials = {"username": admin.email, "password": DEFAULT_PASSWORD}
    async with panel_client(app) as panel:
        assert (await panel.post("/admin/login", data=credentials)).status_code == 403
        before = await csrf_token(panel)
        signed_in = await panel.post("/admin/login", data={**credentials, "csrf_token": before})
        assert signed_in.status_code == 302
        # The session starts afresh at sign-in: a token planted before it is worthless.
        stale = await panel.post(
            f"/admin/order/action/ship?pks={admin.id}", data={"csrf_token": before}
        )
    assert stale.status_code == 403


async def test_every_form_the_panel_renders_carries_the_token(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    buyer = await shopper(client, stores, settings)
    item = await stocked_item(stores)
    await buyer.add(item)
    order = (await buyer.order()).json()
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        login = await panel.get("/admin/login")
        await sign_in(panel, admin)
        edit = await panel.get(f"/admin/user/edit/{admin.id}")
        details = await panel.get(f"/admin/order/details/{order['id']}")
        outbox = await panel.get("/admin/outbox-message/list")
    forms = {
        name: _POST_FORM.findall(page.text)
        for name, page in [("login", login), ("edit", edit), ("order", details), ("outbox", outbox)]
    }
    assert all(forms.values()), forms
    for name, bodies in forms.items():
        for body in bodies:
            assert 'name="csrf_token"' in body, name
    # The order's actions are POST forms now, not links a GET could follow.
    assert f'action="https://test/admin/order/action/cancel?pks={order["id"]}"' in details.text
    assert f'href="https://test/admin/order/action/cancel?pks={order["id"]}"' not in details.text


async def test_an_action_is_never_run_by_a_get(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    buyer = await shopper(client, stores, settings)
    await buyer.add(await stocked_item(stores))
    order = (await buyer.order()).json()
    admin = await admin_account(stores)
    cancel = f"/admin/order/action/cancel?pks={order['id']}"
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        followed = await panel.get(cancel)
        assert followed.status_code == 403
        async with stores.sessionmaker() as session:
            row = await session.get(Order, order["id"])
            assert row is not None
            assert row.status is OrderStatus.PENDING_PAYMENT
        assert (await submit(panel, cancel)).status_code == 302
    scraped = (await client.get("/metrics")).text
    assert 'method="POST",route="/admin/order/action/cancel",status="3xx"' in scraped
    async with stores.sessionmaker() as session:
        row = await session.get(Order, order["id"])
        assert row is not None
        assert row.status is OrderStatus.CANCELLED
