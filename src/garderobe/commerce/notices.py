"""What an order tells others once its transaction commits: the customer (mail), the
catalog (items sold out or back in stock) and the webhook subscribers, all as outbox rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from garderobe import mailer
from garderobe.accounts.service import User
from garderobe.commerce.models import Order
from garderobe.webhooks import events as webhook_events

# Stored in outbox rows: the names stay while rows may be pending.
MARK_SOLD_TOPIC = "catalog.mark_sold"
RELIST_TOPIC = "catalog.relist"


def mail_status(session: AsyncSession, user: User, order: Order, template: str) -> None:
    mailer.queue_mail(
        session,
        to=user.email,
        template=template,
        context={
            "name": user.full_name or user.email,
            "number": order.number,
            "status": order.status.value.replace("_", " "),
            "total": f"{order.total / 100:.2f} {order.currency}",
        },
    )


async def tell_subscribers(session: AsyncSession, order: Order, event_type: str) -> None:
    """The webhook event of the order's change (`order.created`, `order.paid` …)."""
    await webhook_events.emit(
        session,
        event_type,
        {
            "order_id": str(order.id),
            "number": order.number,
            "status": order.status.value,
            "user_id": str(order.user_id),
            "currency": order.currency,
            "subtotal": order.subtotal,
            "shipping": order.shipping,
            "total": order.total,
        },
    )
