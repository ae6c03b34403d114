"""The order state machine at the service level (`workflow`, `lifecycle`), without HTTP:
which moves are allowed, and what each move does to stock, payments, history and mail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from garderobe.commerce import lifecycle, workflow
from garderobe.commerce.models import (
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PaymentTransaction,
    TransactionKind,
    TransactionStatus,
)
from garderobe.infra.stores import Stores
from garderobe.mailer import MAIL_TOPIC
from garderobe.outbox.models import OutboxMessage
from garderobe.stock import service as stock
from garderobe.stock.models import Stock
from tests.factories import create_user

S = OrderStatus
TEST_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
PRICE = 1500


# --- the table on its own -------------------------------------------------------------


@pytest.mark.unit
def test_delivered_and_cancelled_are_final() -> None:
    for final in (S.DELIVERED, S.CANCELLED):
        for wanted in S:
            with pytest.raises(workflow.InvalidTransition):
                workflow.check(final, wanted)


@pytest.mark.unit
def test_every_status_is_reachable_from_a_new_order() -> None:
    reached, frontier = {S.PENDING_PAYMENT}, [S.PENDING_PAYMENT]
    while frontier:
        for following in workflow.TRANSITIONS[frontier.pop()] - reached:
            reached.add(following)
            frontier.append(following)
    assert reached == set(S)


@pytest.mark.unit
def test_a_refused_move_names_the_current_status_and_the_allowed_ones() -> None:
    with pytest.raises(workflow.InvalidTransition) as refused:
        workflow.check(S.SHIPPED, S.CANCELLED)
    assert refused.value.status_code == 409
    assert refused.value.extensions == {"order_status": "shipped", "allowed": ["delivered"]}


# --- the moves against PostgreSQL --------------------------------------------------------


async def _unpaid_order(stores: Stores, *, quantity: int = 1, on_hand: int = 3) -> Order:
    """An order as checkout leaves it: pending payment, its units reserved, one event."""
    user = await create_user(stores.sessionmaker)
    item_id = uuid.uuid4().hex[:24]  # stock rows name catalog items by id alone
    async with stores.sessionmaker() as session, session.begin():
        await stock.create_for_variants(
            session, [stock.NewStock(item_id, item_id, f"GD-{item_id.upper()}", on_hand)]
        )
        await stock.reserve(session, item_id, item_id, quantity)
        order = Order(
            id=uuid.uuid4(),
            number=f"T-{uuid.uuid4().hex[:12]}",
            user_id=user.id,
            status=S.PENDING_PAYMENT,
            currency="EUR",
            subtotal=PRICE * quantity,
            shipping=0,
            total=PRICE * quantity,
            shipping_address={"city": "Berlin"},
        )
        session.add(order)
        await session.flush()
        session.add(
            OrderItem(
                order_id=order.id,
                item_id=item_id,
                title="Coat",
                unit_price=PRICE,
                quantity=quantity,
            )
        )
    return order


async def _move(stores: Stores, order_id: uuid.UUID, wanted: OrderStatus) -> Order:
    async with stores.sessionmaker() as session, session.begin():
        order = await session.scalar(select(Order).where(Order.id == order_id).with_for_update())
        assert order is not None
        return await lifecycle.transition(session, order, wanted, actor="test")


async def _pay(stores: Stores, order_id: uuid.UUID, card: str = TEST_CARD) -> Order:
    async with stores.sessionmaker() as session, session.begin():
        order = await session.scalar(select(Order).where(Order.id == order_id).with_for_update())
        assert order is not None
        return await lifecycle.pay(session, order, card, actor="test")


async def _stock(stores: Stores, order: Order) -> tuple[int, int]:
    async with stores.sessionmaker() as session:
        item_id = await session.scalar(
            select(OrderItem.item_id).where(OrderItem.order_id == order.id)
        )
        row = await session.get(Stock, item_id)
        assert row is not None
        return row.on_hand, row.reserved


async def _history(stores: Stores, order: Order) -> list[tuple[OrderStatus | None, OrderStatus]]:
    async with stores.sessionmaker() as session:
        events = await session.execute(
            select(OrderEvent.from_status, OrderEvent.to_status)
            .where(OrderEvent.order_id == order.id)
            .order_by(OrderEvent.created_at)
        )
        return [(e.from_status, e.to_status) for e in events]


async def _status_mails(stores: Stores) -> list[str]:
    async with stores.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.topic == MAIL_TOPIC)
        )
        return [p["context"]["status"] for p in rows if p["template"] == "order_status"]


async def _transactions(stores: Stores, order: Order) -> list[tuple[str, str, int]]:
    async with stores.sessionmaker() as session:
        rows = await session.execute(
            select(PaymentTransaction.kind, PaymentTransaction.status, PaymentTransaction.amount)
            .where(PaymentTransaction.order_id == order.id)
            .order_by(PaymentTransaction.created_at)
        )
        return [(r.kind.value, r.status.value, r.amount) for r in rows]


@pytest.mark.integration
async def test_paying_takes_the_reserved_units_off_the_shelf(stores: Stores) -> None:
    order = await _unpaid_order(stores, quantity=2, on_hand=3)
    assert await _stock(stores, order) == (3, 2)
    paid = await _pay(stores, order.id)
    assert paid.status is S.PAID
    assert await _stock(stores, order) == (1, 0)
    assert await _transactions(stores, order) == [("charge", "approved", 2 * PRICE)]
    assert await _history(stores, order) == [(S.PENDING_PAYMENT, S.PAID)]
    assert await _status_mails(stores) == ["paid"]


@pytest.mark.integration
async def test_a_declined_card_leaves_the_order_unpaid_and_the_units_reserved(
    stores: Stores,
) -> None:
    order = await _unpaid_order(stores)
    unpaid = await _pay(stores, order.id, DECLINED_CARD)
    assert unpaid.status is S.PENDING_PAYMENT
    assert await _stock(stores, order) == (3, 1)
    assert await _transactions(stores, order) == [("charge", "declined", PRICE)]
    assert await _history(stores, order) == []
    assert await _status_mails(stores) == []


@pytest.mark.integration
async def test_cancelling_an_unpaid_order_releases_its_reservation(stores: Stores) -> None:
    order = await _unpaid_order(stores, quantity=2, on_hand=2)
    await _move(stores, order.id, S.CANCELLED)
    assert await _stock(stores, order) == (2, 0)
    assert await _transactions(stores, order) == []
    async with stores.sessionmaker() as session:
        relisted = await session.scalar(
            select(OutboxMessage.payload).where(OutboxMessage.topic == "catalog.relist")
        )
        item_id = await session.scalar(
            select(OrderItem.item_id).where(OrderItem.order_id == order.id)
        )
    assert relisted == {"item_ids": [item_id]}


@pytest.mark.integration
async def test_cancelling_a_paid_order_restocks_and_refunds_it(stores: Stores) -> None:
    order = await _unpaid_order(stores, quantity=1, on_hand=1)
    await _pay(stores, order.id)
    assert await _stock(stores, order) == (0, 0)
    await _move(stores, order.id, S.CANCELLED)
    assert await _stock(stores, order) == (1, 0)
    kinds = [(k, s) for k, s, _ in await _transactions(stores, order)]
    assert kinds == [
        (TransactionKind.CHARGE.value, TransactionStatus.APPROVED.value),
        (TransactionKind.REFUND.value, TransactionStatus.APPROVED.value),
    ]
    assert await _status_mails(stores) == ["paid", "cancelled"]


@pytest.mark.integration
async def test_the_whole_way_to_delivered_is_one_event_and_one_mail_per_move(
    stores: Stores,
) -> None:
    order = await _unpaid_order(stores)
    await _pay(stores, order.id)
    await _move(stores, order.id, S.SHIPPED)
    delivered = await _move(stores, order.id, S.DELIVERED)
    assert delivered.status is S.DELIVERED
    assert await _history(stores, order) == [
        (S.PENDING_PAYMENT, S.PAID),
        (S.PAID, S.SHIPPED),
        (S.SHIPPED, S.DELIVERED),
    ]
    assert await _status_mails(stores) == ["paid", "shipped", "delivered"]
    assert await _stock(stores, order) == (2, 0)


@pytest.mark.integration
async def test_a_refused_move_changes_nothing(stores: Stores) -> None:
    order = await _unpaid_order(stores)
    await _pay(stores, order.id)
    await _move(stores, order.id, S.SHIPPED)
    with pytest.raises(workflow.InvalidTransition):
        await _move(stores, order.id, S.CANCELLED)
    async with stores.sessionmaker() as session:
        assert await session.scalar(select(Order.status).where(Order.id == order.id)) is S.SHIPPED
    assert await _stock(stores, order) == (2, 0)
    assert len(await _transactions(stores, order)) == 1  # the charge; no refund
    assert await _history(stores, order) == [(S.PENDING_PAYMENT, S.PAID), (S.PAID, S.SHIPPED)]


@pytest.mark.integration
async def test_expiry_cancels_only_unpaid_orders_older_than_the_ttl(stores: Stores) -> None:
    old, recent, paid = [await _unpaid_order(stores) for _ in range(3)]
    await _pay(stores, paid.id)
    async with stores.sessionmaker() as session, session.begin():
        for order in (old, paid):
            row = await session.get(Order, order.id)
            assert row is not None
            row.created_at = datetime.now(UTC) - timedelta(hours=2)
    async with stores.sessionmaker() as session, session.begin():
        assert await lifecycle.cancel_expired(session, timedelta(hours=1)) == 1
    async with stores.sessionmaker() as session:
        rows = await session.execute(select(Order.id, Order.status))
        statuses = dict(rows.all())
        cancelled_by = await session.scalar(
            select(func.min(OrderEvent.actor)).where(
                OrderEvent.order_id == old.id, OrderEvent.to_status == S.CANCELLED
            )
        )
    assert statuses == {old.id: S.CANCELLED, recent.id: S.PENDING_PAYMENT, paid.id: S.PAID}
    assert cancelled_by == lifecycle.SYSTEM
    assert await _stock(stores, old) == (3, 0)
