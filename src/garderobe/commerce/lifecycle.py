"""Status changes of an order with their effects on stock, payments, catalog and mail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.accounts import service as accounts
from garderobe.catalog import service as catalog
from garderobe.commerce import notices, payments, repository, workflow
from garderobe.commerce.models import (
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    TransactionKind,
)
from garderobe.commerce.schemas import WebhookEvent
from garderobe.outbox import service as outbox
from garderobe.stock import service as stock

SYSTEM = "system"


async def transition(
    session: AsyncSession, order: Order, wanted: OrderStatus, *, actor: str, note: str = ""
) -> Order:
    """Move the (locked) order to `wanted` if the state machine allows it, with its effects:
    payment takes the reserved stock; cancelling releases or restocks it and refunds a
    paid order. Every change is an order event and a mail to the customer."""
    current = order.status
    workflow.check(current, wanted)
    lines = await repository.order_lines(session, order.id)
    if wanted is OrderStatus.PAID:
        for line in lines:  # units reserved stay unavailable: no shopper sees a change
            await stock.take(session, _variant_of(line), line.quantity)
    elif wanted is OrderStatus.CANCELLED:
        await _give_back(session, order, current, lines)
    order.status = wanted
    order.updated_at = datetime.now(UTC)
    session.add(
        OrderEvent(
            id=uuid.uuid4(),
            order_id=order.id,
            from_status=current,
            to_status=wanted,
            actor=actor,
            note=note,
        )
    )
    customer = await accounts.find_user(session, order.user_id)
    if customer is not None and customer.is_active:
        notices.mail_status(session, customer, order, "order_status")
    await notices.tell_subscribers(session, order, f"order.{wanted.value}")
    await session.flush()
    return order


async def _give_back(
    session: AsyncSession, order: Order, current: OrderStatus, lines: list[OrderItem]
) -> None:
    item_ids = sorted({line.item_id for line in lines})
    before = await stock.available_units(session, item_ids)
    for line in lines:
        if current is OrderStatus.PENDING_PAYMENT:
            await stock.release(session, _variant_of(line), line.quantity)
        else:
            await stock.restock(session, _variant_of(line), line.quantity)
    if current is OrderStatus.PAID and await payments.approved_charge(session, order):
        provider = payments.PROVIDERS["test"]
        result = await provider.refund(order, order.total)
        payments.record(session, order, TransactionKind.REFUND, result, provider.name, order.total)
    await catalog.stock_returned(session, before)
    # Variants back in stock show at once; a one-off marked sold is listed again by the job
    # (its status lives in MongoDB, written after this commit).
    await catalog.stock_changed(session, item_ids)
    outbox.add(session, notices.RELIST_TOPIC, {"item_ids": item_ids})


def _variant_of(line: OrderItem) -> str:
    """The stock row of an order line (a line from before variants names the item's own)."""
    return line.variant_id or line.item_id


async def pay(session: AsyncSession, order: Order, card_number: str, actor: str) -> Order:
    """Charge the order with the test provider. Approved: the order is paid. Declined: the
    order stays unpaid; the declined transaction is recorded either way."""
    workflow.check(order.status, OrderStatus.PAID)
    provider = payments.PROVIDERS["test"]
    result = await provider.charge(order, card_number)
    payments.record(session, order, TransactionKind.CHARGE, result, provider.name, order.total)
    if not result.approved:
        return order
    return await transition(
        session, order, OrderStatus.PAID, actor=actor, note=f"charged by {provider.name}"
    )


async def cancel_expired(session: AsyncSession, older_than: timedelta, limit: int = 100) -> int:
    """Cancel unpaid orders placed before `older_than` ago (skipping ones locked right now)."""
    cutoff = datetime.now(UTC) - older_than
    expired = list(
        await session.scalars(
            select(Order)
            .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.created_at < cutoff)
            .order_by(Order.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for order in expired:
        await transition(session, order, OrderStatus.CANCELLED, actor=SYSTEM, note="unpaid in time")
    return len(expired)


async def apply_webhook(
    session: AsyncSession, provider: str, event: WebhookEvent
) -> dict[str, Any]:
    """A provider's verdict on a charge. Each event id is applied once; repeats are no-ops."""
    order = await session.scalar(select(Order).where(Order.id == event.order_id).with_for_update())
    if order is None:
        raise repository.OrderNotFound(f"No order {event.order_id}.")
    approved = event.status == "succeeded"
    if not await payments.record_once(
        session, order, provider, event.event_id, approved, event.amount
    ):
        return {"applied": False, "reason": "event already processed"}
    if approved and order.status is OrderStatus.PENDING_PAYMENT:
        await transition(
            session,
            order,
            OrderStatus.PAID,
            actor=f"provider:{provider}",
            note=f"webhook {event.event_id}",
        )
    return {"applied": True, "order_status": order.status.value}
