"""Subscriptions through the admin API, and disabling one that fails for a day."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from garderobe.accounts.models import Role
from garderobe.infra.mailsink import MailSink
from garderobe.infra.stores import Stores
from garderobe.outbox.models import OutboxMessage
from garderobe.settings import Settings
from garderobe.webhooks import service
from garderobe.webhooks.models import WebhookSubscription
from tests.commerce.helpers import shopper, stocked_item
from tests.factories import auth_headers, create_user
from tests.webhooks.helpers import Hooks

RunJobs = Callable[[], Awaitable[int]]
URL = "/api/v1/admin/webhooks"


async def _subscriptions(stores: Stores) -> int:
    async with stores.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(WebhookSubscription))
        return int(count or 0)


async def test_the_secret_is_shown_once_in_the_standard_format(hooks: Hooks) -> None:
    client, admin = hooks.client, hooks.admin
    created = await hooks.subscribe("order.paid", url="https://erp.example.com/in")
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"))) == 32
    assert created["active"] is True
    shown = await client.get(f"{URL}/{created['id']}", headers=admin)
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    listed = (await client.get(URL, headers=admin)).json()["items"]
    assert [s["id"] for s in listed] == [created["id"]]
    assert "secret" not in listed[0]


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://erp.example.com/in", "event_types": ["order.refunded"]},
        {"url": "https://erp.example.com/in", "event_types": []},
        {"url": "ftp://erp.example.com/in", "event_types": ["order.paid"]},
        {"url": "not a url", "event_types": ["order.paid"]},
        {"url": "https://erp.example.com/in", "event_types": ["order.paid"], "secret": "mine"},
    ],
)
async def test_bad_subscriptions_are_422_and_change_nothing(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str], body: dict[str, object]
) -> None:
    response = await client.post(URL, headers=admin, json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await _subscriptions(stores) == 0


async def test_a_url_too_long_once_encoded_is_refused_as_the_url_field(
    client: httpx.AsyncClient, stores: Stores, admin: dict[str, str]
) -> None:
    # Under the length limit as sent, over it once percent-encoded (six characters a letter).
    body = {"url": "https://erp.example.com/" + "ж" * 400, "event_types": ["order.paid"]}
    response = await client.post(URL, headers=admin, json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.url"]
    assert await _subscriptions(stores) == 0


def test_plain_http_is_refused_outside_development_and_test(settings: Settings) -> None:
    production = settings.model_copy(update={"environment": "production"})
    with pytest.raises(service.InsecureWebhookUrl):
        service.check_url(production, "http://erp.example.com/in")
    assert service.check_url(production, "https://erp.example.com/in")
    assert service.check_url(settings, "http://127.0.0.1:9/in")


async def test_only_admins_manage_subscriptions(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    customer = auth_headers(settings, await create_user(stores.sessionmaker))
    body = {"url": "https://erp.example.com/in", "event_types": ["order.paid"]}
    assert (await client.post(URL, headers=customer, json=body)).status_code == 403
    assert (await client.get(URL)).status_code == 401
    assert await _subscriptions(stores) == 0


async def test_patch_and_delete(hooks: Hooks) -> None:
    client, admin = hooks.client, hooks.admin
    created = await hooks.subscribe("order.paid", url="https://erp.example.com/in")
    changed = await client.patch(
        f"{URL}/{created['id']}",
        headers=admin,
        json={
            "event_types": ["item.sold_out", "order.paid"],
            "description": "ERP",
            "active": False,
        },
    )
    assert changed.status_code == 200
    assert changed.json()["event_types"] == ["item.sold_out", "order.paid"]
    assert changed.json()["active"] is False
    assert (await client.delete(f"{URL}/{created['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"{URL}/{created['id']}", headers=admin)).status_code == 404


async def test_a_shop_without_subscriptions_writes_no_event(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann = await shopper(client, stores, settings)
    await ann.add(await stocked_item(stores))
    assert (await ann.order()).status_code == 201
    async with stores.sessionmaker() as session:
        topics = set(await session.scalars(select(OutboxMessage.topic)))
    assert "webhooks.event" not in topics
    assert topics  # the order's own mail and catalog rows are there


async def test_a_day_of_failures_disables_the_subscription_and_mails_the_admins(
    hooks: Hooks, mail_sink: MailSink
) -> None:
    await create_user(hooks.stores.sessionmaker, role=Role.ADMIN, email="ops@example.org")
    created = await hooks.subscribe("order.created")
    hooks.receiver.status = 500
    ann = await hooks.shopper()
    await ann.add(await stocked_item(hooks.stores))
    assert (await ann.order()).status_code == 201
    await hooks.run_jobs()
    await hooks.travel(timedelta(hours=hooks.settings.webhook_disable_after_hours, minutes=2))
    await hooks.run_jobs()
    shown = (await hooks.client.get(f"{URL}/{created['id']}", headers=hooks.admin)).json()
    assert shown["active"] is False
    assert shown["disabled_at"] is not None
    mails = {m.rcpt_tos[0]: m for m in mail_sink.messages if "Webhook disabled" in m.subject}
    assert set(mails) == {"admin@example.org", "ops@example.org"}
    assert hooks.receiver.url in mails["ops@example.org"].text
    # Fixed and turned on again: the waiting delivery goes out at once.
    hooks.receiver.status = 200
    resumed = await hooks.client.patch(
        f"{URL}/{created['id']}", headers=hooks.admin, json={"active": True}
    )
    assert resumed.json()["failing_since"] is None
    await hooks.run_jobs()
    assert [d.status for d in await hooks.deliveries()] == ["delivered"]
    assert len(hooks.receiver.deduplicated()) == 1
