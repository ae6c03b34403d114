"""Order status workflow, payments, webhooks, cancellation, expiry and the admin export."""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from garderobe.accounts.models import Role
from garderobe.commerce import lifecycle, payments, workflow
from garderobe.commerce.models import Order, OrderStatus, PaymentTransaction
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.commerce.helpers import Shopper, shopper, stock_of, stocked_item
from tests.factories import auth_headers, create_user

ALLOWED = {
    ("pending_payment", "paid"),
    ("pending_payment", "cancelled"),
    ("paid", "shipped"),
    ("paid", "cancelled"),
    ("shipped", "delivered"),
}


@pytest.mark.parametrize(
    ("current", "wanted"), list(itertools.product(list(OrderStatus), repeat=2))
)
def test_state_machine_allows_exactly_the_documented_transitions(
    current: OrderStatus, wanted: OrderStatus
) -> None:
    if (current.value, wanted.value) in ALLOWED:
        workflow.check(current, wanted)
    else:
        with pytest.raises(workflow.InvalidTransition):
            workflow.check(current, wanted)


async def _placed(
    client: httpx.AsyncClient, stores: Stores, settings: Settings, on_hand: int = 3
) -> tuple[Shopper, dict[str, Any], Any]:
    ann = await shopper(client, stores, settings)
    item = await stocked_item(stores, on_hand=on_hand, price=1000)
    await ann.add(item)
    order = (await ann.order()).json()
    return ann, order, item


async def _pay(
    client: httpx.AsyncClient, ann: Shopper, order: dict[str, Any], card: str = "4242424242424242"
) -> httpx.Response:
    return await client.post(
        f"/api/v1/orders/{order['id']}/pay", headers=ann.headers, json={"card_number": card}
    )


async def test_approved_card_pays_and_takes_the_stock(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann, order, item = await _placed(client, stores, settings)
    paid = await _pay(client, ann, order)
    assert paid.json()["approved"] is True
    assert paid.json()["order"]["status"] == "paid"
    row = await stock_of(stores, item)
    assert (row.on_hand, row.reserved) == (2, 0)
    again = await _pay(client, ann, order)
    assert again.status_code == 409


async def test_declined_card_is_recorded_and_the_order_stays_unpaid(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann, order, item = await _placed(client, stores, settings)
    declined = await _pay(client, ann, order, card="4000000000000002")
    assert declined.json()["approved"] is False
    assert declined.json()["order"]["status"] == "pending_payment"
    async with stores.sessionmaker() as session:
        statuses = list(await session.scalars(select(PaymentTransaction.status)))
    assert [s.value for s in statuses] == ["declined"]
    assert (await stock_of(stores, item)).reserved == 1


async def test_admin_moves_orders_along_and_invalid_steps_are_409(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))
    ann, order, _ = await _placed(client, stores, settings)
    url = f"/api/v1/orders/{order['id']}/status"
    skip = await client.patch(url, headers=admin, json={"status": "shipped"})
    assert skip.status_code == 409
    assert skip.json()["allowed"] == ["cancelled", "paid"]
    # The order's status is an extension of its own: `status` stays the HTTP status.
    assert skip.json()["status"] == 409
    assert skip.json()["order_status"] == "pending_payment"
    customer = await client.patch(url, headers=ann.headers, json={"status": "paid"})
    assert customer.status_code == 403
    await _pay(client, ann, order)
    for step in ("shipped", "delivered"):
        assert (await client.patch(url, headers=admin, json={"status": step})).status_code == 200
    history = (await client.get(f"/api/v1/orders/{order['id']}", headers=ann.headers)).json()
    assert [e["to_status"] for e in history["history"]] == [
        "pending_payment",
        "paid",
        "shipped",
        "delivered",
    ]
    late = await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=ann.headers)
    assert late.status_code == 409


async def test_cancel_of_a_paid_order_restocks_once_and_refunds_even_when_concurrent(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    ann, order, item = await _placed(client, stores, settings)
    await _pay(client, ann, order)
    url = f"/api/v1/orders/{order['id']}/cancel"
    responses = await asyncio.gather(*(client.post(url, headers=ann.headers) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409, 409]
    row = await stock_of(stores, item)
    assert (row.on_hand, row.reserved) == (3, 0)
    async with stores.sessionmaker() as session:
        kinds = sorted(k.value for k in await session.scalars(select(PaymentTransaction.kind)))
    assert kinds == ["charge", "refund"]


async def test_other_customers_orders_are_404(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    _, order, _ = await _placed(client, stores, settings)
    bob = await shopper(client, stores, settings)
    assert (
        await client.get(f"/api/v1/orders/{order['id']}", headers=bob.headers)
    ).status_code == 404
    assert (
        await client.post(f"/api/v1/orders/{order['id']}/cancel", headers=bob.headers)
    ).status_code == 404
    assert (await client.get("/api/v1/orders", headers=bob.headers)).json()["items"] == []


async def test_webhook_checks_the_signature_and_applies_each_event_once(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    _, order, item = await _placed(client, stores, settings)
    body = json.dumps(
        {
            "event_id": "evt_1",
            "order_id": order["id"],
            "status": "succeeded",
            "amount": order["total"],
        }
    ).encode()
    url = "/api/v1/payments/webhooks/acme"
    forged = await client.post(url, content=body, headers={"X-Signature": "00" * 32})
    assert forged.status_code == 401
    signature = payments.sign(settings.payment_webhook_secret.get_secret_value(), body)
    first = await client.post(url, content=body, headers={"X-Signature": signature})
    assert first.json() == {"applied": True, "order_status": "paid"}
    replay = await client.post(url, content=body, headers={"X-Signature": signature})
    assert replay.json()["applied"] is False
    async with stores.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(PaymentTransaction))
    assert count == 1
    assert (await stock_of(stores, item)).on_hand == 2


async def test_unpaid_orders_expire_and_release_their_stock(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    _, order, item = await _placed(client, stores, settings)
    _, fresh, _ = await _placed(client, stores, settings)
    async with stores.sessionmaker() as session, session.begin():
        await session.execute(
            update(Order)
            .where(Order.id == order["id"])
            .values(created_at=datetime.now(UTC) - timedelta(hours=2))
        )
    async with stores.sessionmaker() as session, session.begin():
        expired = await lifecycle.cancel_expired(session, timedelta(minutes=30))
    assert expired == 1
    async with stores.sessionmaker() as session:
        rows = (await session.execute(select(Order.id, Order.status))).all()
        statuses = {str(order_id): status for order_id, status in rows}
    assert statuses[order["id"]] is OrderStatus.CANCELLED
    assert statuses[fresh["id"]] is OrderStatus.PENDING_PAYMENT
    assert (await stock_of(stores, item)).reserved == 0


async def test_admin_export_streams_every_order_as_ndjson_and_csv(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    admin = auth_headers(settings, await create_user(stores.sessionmaker, role=Role.ADMIN))
    placed = [(await _placed(client, stores, settings))[1] for _ in range(3)]
    ndjson = await client.get("/api/v1/admin/orders", headers=admin, params={"format": "ndjson"})
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in ndjson.text.splitlines()]
    assert {r["number"] for r in rows} == {o["number"] for o in placed}
    csv_export = await client.get("/api/v1/admin/orders", headers=admin, params={"format": "csv"})
    lines = csv_export.text.strip().splitlines()
    assert lines[0].startswith("number,id,user_id,status")
    assert len(lines) == 4
    page = (
        await client.get(
            "/api/v1/admin/orders", headers=admin, params={"status": "pending_payment", "limit": 2}
        )
    ).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"]
