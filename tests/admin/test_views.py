"""The panel's users and outbox views, and who may open the panel at all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from sqlalchemy import select, update

from garderobe import mailer
from garderobe.accounts.models import Role, User
from garderobe.admin.models import AdminAuditEntry
from garderobe.infra.devstack import MailSink
from garderobe.infra.stores import Stores
from garderobe.outbox import service as outbox
from garderobe.outbox.models import OutboxMessage
from tests.admin.helpers import admin_account, panel_client, sign_in, submit
from tests.factories import create_user


def _rows(page: str) -> str:
    """The list page's table body: the rows, without the signed-in admin in the top bar."""
    return page.split("<tbody", 1)[-1]


async def test_users_are_filtered_by_role_and_active_and_searched_by_email(
    app: FastAPI, stores: Stores
) -> None:
    admin = await admin_account(stores)
    await create_user(stores.sessionmaker, email="ann@shop.example")
    await create_user(stores.sessionmaker, email="gone@shop.example", active=False)
    await create_user(stores.sessionmaker, email="second.admin@staff.example", role=Role.ADMIN)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        admins = _rows((await panel.get("/admin/user/list", params={"role": "admin"})).text)
        inactive = _rows((await panel.get("/admin/user/list", params={"is_active": "false"})).text)
        found = _rows((await panel.get("/admin/user/list", params={"search": "SHOP.EXAMPLE"})).text)
    assert admin.email in admins
    assert "second.admin@staff.example" in admins
    assert "ann@shop.example" not in admins
    assert "gone@shop.example" in inactive
    assert "ann@shop.example" not in inactive
    assert admin.email not in inactive
    assert "ann@shop.example" in found
    assert "gone@shop.example" in found
    assert "second.admin@staff.example" not in found


async def test_no_password_hash_in_the_user_list_details_or_exports(
    app: FastAPI, stores: Stores
) -> None:
    admin = await admin_account(stores)
    ann = await create_user(stores.sessionmaker, email="ann@shop.example", full_name="Ann Lee")
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        pages = {
            "list": await panel.get("/admin/user/list"),
            "details": await panel.get(f"/admin/user/details/{ann.id}"),
            "edit": await panel.get(f"/admin/user/edit/{ann.id}"),
            "csv": await panel.get("/admin/user/export/csv"),
            "json": await panel.get("/admin/user/export/json"),
        }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert "Ann Lee" in page.text, name
        assert ann.password_hash not in page.text, name
        assert "$argon2" not in page.text, name
        assert "password_hash" not in page.text.lower().replace(" ", "_"), name


async def test_retry_now_processes_a_failed_outbox_row(
    app: FastAPI,
    stores: Stores,
    mail_sink: MailSink,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    # A mail whose sending failed and whose job is gone: nothing would send it before the
    # scheduled requeue, hours from now.
    async with stores.sessionmaker() as session, session.begin():
        mail = {"to": "bob@example.org", "template": "test", "context": {"name": "Bob"}}
        row = outbox.add(session, mailer.MAIL_TOPIC, mail)
        row.attempts, row.last_error = 3, "SMTPServerDisconnected: connection lost"
    await run_jobs()
    assert not mail_sink.messages
    admin = await admin_account(stores)
    async with panel_client(app) as panel:
        await sign_in(panel, admin)
        retried = await submit(panel, f"/admin/outbox-message/action/retry?pks={row.id}")
    assert retried.status_code == 302
    assert await run_jobs() >= 1
    sent = await mail_sink.wait_for(lambda m: "bob@example.org" in m.rcpt_tos)
    assert sent.subject == "garderobe test mail"
    async with stores.sessionmaker() as session:
        stored = await session.get(OutboxMessage, row.id)
        audits = (await session.scalars(select(AdminAuditEntry))).all()
    assert stored is not None
    assert stored.processed_at is not None
    assert (stored.attempts, stored.last_error) == (4, None)
    assert [(a.action, a.target, a.target_id) for a in audits] == [("retry", "outbox", str(row.id))]


async def test_customers_get_403_and_a_demoted_admin_loses_the_panel(
    app: FastAPI, stores: Stores
) -> None:
    customer = await create_user(stores.sessionmaker)
    admin = await admin_account(stores)
    async with panel_client(app) as shopper, panel_client(app) as boss:
        refused = await sign_in(shopper, customer)
        assert refused.status_code == 403
        assert "for admins" in refused.text
        assert (await shopper.get("/admin/")).status_code == 302  # no session was opened
        await sign_in(boss, admin)
        assert (await boss.get("/admin/user/list")).status_code == 200
        async with stores.sessionmaker() as session, session.begin():
            await session.execute(
                update(User).where(User.id == admin.id).values(role=Role.CUSTOMER)
            )
        demoted = await boss.get("/admin/user/list")
    assert demoted.status_code == 403
