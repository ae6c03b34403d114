"""CSRF protection of the admin panel: every form carries the session's token, and every
state-changing request without it (or with another session's) is refused, changing nothing."""

from __future__ import annotations

from pathlib import Path

import httpx
import sqladmin
from fastapi import FastAPI

import garderobe.admin
from garderobe.admin.csrf import FIELD
from garderobe.commerce.models import Order, OrderStatus
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.helpers import admin_account, csrf_token, panel_client, sign_in, submit
from tests.admin.pages import read_page, walk
from tests.commerce.helpers import shopper, stock_of, stocked_item
from tests.factories import DEFAULT_PASSWORD
from tests.reviews.helpers import admin_headers, buyer, listed_item, review


async def test_a_post_without_the_token_is_refused_and_changes_nothing(
    app: FastAPI, stores: Stores
) -> None:
    item = await stocked_item(stores, on_hand=3)
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        missing = await panel.post(
            f"/admin/stock/edit/{item.sellable_variants()[0].id}", data={"on_hand": "9"}
        )
        forged = await panel.post(
            f"/admin/stock/edit/{item.sellable_variants()[0].id}",
            data={"on_hand": "9", "csrf_token": "x" * 88},
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
        stolen = await csrf_token(attacker, f"/admin/stock/edit/{item.sellable_variants()[0].id}")
        refused = await victim.post(
            f"/admin/stock/edit/{item.sellable_variants()[0].id}",
            data={"on_hand": "9", "csrf_token": stolen},
        )
        own = await csrf_token(victim, f"/admin/stock/edit/{item.sellable_variants()[0].id}")
        accepted = await victim.post(
            f"/admin/stock/edit/{item.sellable_variants()[0].id}",
            data={"on_hand": "9", "csrf_token": own},
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
                f"/admin/stock/edit/{item.sellable_variants()[0].id}",
                content=body,
                headers={"content-type": content_type},
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
            f"/admin/stock/edit/{item.sellable_variants()[0].id}",
            data={"on_hand": "7"},
            headers={"X-CSRF-Token": token},
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


async def test_every_post_form_of_every_panel_page_carries_its_own_token(
    app: FastAPI, client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    item = await listed_item(stores)
    buyer_of = await buyer(client, stores, settings, await admin_headers(stores, settings), item)
    assert (await review(client, buyer_of, item, 4)).status_code == 201
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        pages = {"/admin/login": read_page((await panel.get("/admin/login")).text)}
        await sign_in(panel, admin)
        pages |= await walk(panel)
    with_forms = {name for name, page in pages.items() if page.post_forms}
    # The walk reached every kind of form: sign-in, edit, create, actions, the catalog's own.
    assert {
        "/admin/login",
        "/admin/user/edit/{id}",
        "/admin/supplier/create",
        "/admin/order/list",
        "/admin/order/details/{id}",
        "/admin/review/details/{id}",
        "/admin/catalog/{id}",
    } <= with_forms
    forms = [(name, form) for name, page in pages.items() for form in page.post_forms]
    assert [(name, form.action) for name, form in forms if not form.hidden.get(FIELD)] == []
    tokens = [form.hidden[FIELD] for _, form in forms]
    assert len(set(tokens)) == len(tokens)  # each masked afresh
    # The order's actions are POST forms, not links a GET could follow.
    order = pages["/admin/order/details/{id}"]
    assert any("/admin/order/action/cancel?pks=" in form.action for form in order.post_forms)
    assert [link for link in order.links if "/action/" in link] == []


def test_every_sqladmin_template_with_a_post_form_is_overridden_to_carry_the_token() -> None:
    theirs = Path(sqladmin.__file__).parent / "templates"
    ours = Path(garderobe.admin.__file__).parent / "templates"
    with_post_forms = {
        path.relative_to(theirs)
        for path in theirs.rglob("*.html")
        if read_page(path.read_text(encoding="utf-8")).post_forms
    }
    assert Path("sqladmin/login.html") in with_post_forms
    assert sorted(str(path) for path in with_post_forms if not (ours / path).exists()) == []
    for template in ours.rglob("*.html"):
        for form in read_page(template.read_text(encoding="utf-8")).post_forms:
            assert "{{ csrf_field() }}" in form.text, (template.name, form.action)


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
