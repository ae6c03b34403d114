"""The admin panel over HTTP: sign-in, refusals, search, and changes with their audit rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from garderobe.admin.models import AdminAuditEntry
from garderobe.commerce.models import Order, OrderEvent, OrderStatus
from garderobe.infra.devstack import MailSink
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.commerce.helpers import shopper, stock_of, stocked_item
from tests.factories import create_user


async def test_admin_signs_in_with_a_hardened_session_cookie(app: FastAPI, stores: Stores) -> None:
    admin = await admin_account(stores)
    async with panel_client(app) as client:
        assert (await client.get("/admin/")).status_code == 302  # to the sign-in page
        response = await sign_in(client, admin)
        assert response.status_code == 302
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "secure" in cookie
        assert "samesite=lax" in cookie
        assert (await client.get("/admin/")).status_code == 200
        await client.get("/admin/logout")
        assert (await client.get("/admin/user/list")).status_code == 302


async def test_customer_is_refused_with_403(app: FastAPI, stores: Stores) -> None:
    customer = await create_user(stores.sessionmaker)
    async with panel_client(app) as client:
        response = await sign_in(client, customer)
        assert response.status_code == 403
        assert (await client.get("/admin/user/list")).status_code == 302


async def test_wrong_passwords_hit_the_api_login_rate_limit(app: FastAPI, stores: Stores) -> None:
    admin = await admin_account(stores)
    async with panel_client(app) as client:
        for _ in range(10):
            wrong = await submit(
                client, "/admin/login", {"username": admin.email, "password": "nope-nope-nope"}
            )
            assert wrong.status_code == 400
        limited = await sign_in(client, admin)
    assert limited.status_code == 429
    assert "retry-after" in limited.headers


async def test_cross_site_form_posts_are_refused(app: FastAPI, stores: Stores) -> None:
    admin = await admin_account(stores)
    async with panel_client(app) as client:
        forged = await client.post(
            "/admin/login",
            data={"username": admin.email, "password": "x"},
            headers={"Origin": "https://evil.example"},
        )
        assert forged.status_code == 403
        await sign_in(client, admin)
        no_origin = client.build_request("GET", "/admin/order/action/ship?pks=x")
        del no_origin.headers["Origin"]
        assert (await client.send(no_origin)).status_code == 403


async def test_users_are_found_by_email_without_password_hashes(
    app: FastAPI, stores: Stores
) -> None:
    admin = await admin_account(stores)
    ann = await create_user(stores.sessionmaker, email="ann.findme@example.org")
    async with panel_client(app) as client:
        await sign_in(client, admin)
        page = await client.get("/admin/user/list", params={"search": "findme"})
        details = await client.get(f"/admin/user/details/{ann.id}")
    assert page.status_code == 200
    assert "ann.findme@example.org" in page.text
    assert admin.email not in page.text.split("<tbody")[-1]
    assert details.status_code == 200
    assert ann.password_hash not in details.text
    assert "$argon2" not in details.text


async def test_shipping_an_order_runs_the_state_machine_mails_and_audits(
    app: FastAPI,
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    mail_sink: MailSink,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    buyer = await shopper(client, stores, settings, email="buyer@example.org")
    item = await stocked_item(stores)
    await buyer.add(item)
    order = (await buyer.order()).json()
    paid = await client.post(
        f"/api/v1/orders/{order['id']}/pay",
        headers=buyer.headers,
        json={"card_number": "4242424242424242"},
    )
    assert paid.status_code == 200
    await run_jobs()
    mail_sink.clear()
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        ship = f"/admin/order/action/ship?pks={order['id']}"
        shipped = await submit(panel, ship)
        assert shipped.status_code == 302
        refused = await submit(panel, ship)
        assert refused.status_code == 302  # shipped twice: refused by the workflow
    await run_jobs()
    async with stores.sessionmaker() as session:
        row = await session.get(Order, order["id"])
        assert row is not None
        assert row.status is OrderStatus.SHIPPED
        events = (
            await session.scalars(select(OrderEvent).where(OrderEvent.order_id == row.id))
        ).all()
        audits = (await session.scalars(select(AdminAuditEntry))).all()
    shipped_events = [e for e in events if e.to_status is OrderStatus.SHIPPED]
    assert len(shipped_events) == 1
    assert shipped_events[0].actor == str(admin.id)
    assert [(a.action, a.before, a.after) for a in audits] == [
        ("status:shipped", {"status": "paid"}, {"status": "shipped"})
    ]
    mail = await mail_sink.wait_for(lambda m: "buyer@example.org" in m.rcpt_tos)
    assert "shipped" in (mail.subject + mail.text).lower()


async def test_stock_on_hand_never_goes_below_reserved(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    buyer = await shopper(client, stores, settings)
    item = await stocked_item(stores, on_hand=3)
    await buyer.add(item, 2)
    assert (await buyer.order()).status_code == 201  # reserves 2
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        too_low = await submit(
            panel, f"/admin/stock/edit/{item.sellable_variants()[0].id}", {"on_hand": "1"}
        )
        assert "below the 2 units reserved" in too_low.text
        assert (await stock_of(stores, item)).on_hand == 3
        fine = await submit(
            panel, f"/admin/stock/edit/{item.sellable_variants()[0].id}", {"on_hand": "2"}
        )
        assert fine.status_code == 302
    assert (await stock_of(stores, item)).on_hand == 2  # exactly what is reserved: allowed
    async with stores.sessionmaker() as session:
        audits = (await session.scalars(select(AdminAuditEntry))).all()
    assert [(a.target, a.before, a.after) for a in audits] == [
        ("stock", {"on_hand": 3}, {"on_hand": 2})
    ]
