"""The events a shop tells its webhook subscribers, written to the outbox by the domains.

Each domain calls `emit` (or `stock_moved`) in the transaction that causes the event; the
outbox row commits with it and the fan-out runs after the commit (`delivery.fan_out`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, get_args

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.infra.postgres import utcnow
from garderobe.outbox import service as outbox
from garderobe.webhooks.models import WebhookSubscription
from garderobe.webhooks.schemas import EventType

# Stored in outbox rows: the name stays while rows may be pending.
EVENT_TOPIC = "webhooks.event"

# The documented list (docs/webhooks.md); a subscription may name only these.
EVENT_TYPES: tuple[str, ...] = get_args(EventType)

_LISTENED = "garderobe.webhooks.listened"


async def listened_types(session: AsyncSession) -> frozenset[str]:
    """The event types some active subscription listens to, read once per transaction.

    One small query on the (tiny) subscriptions table, in the transaction itself: a shop
    without subscriptions writes nothing more per event, and a subscription committed
    before the event is always seen (a process-wide cache would need invalidating across
    processes, and would miss events in the window until it did).
    """
    found: frozenset[str] | None = session.info.get(_LISTENED)
    if found is None:
        listened = func.unnest(WebhookSubscription.event_types)
        rows = await session.scalars(
            select(listened).where(WebhookSubscription.active.is_(True)).distinct()
        )
        found = frozenset(rows)
        session.info[_LISTENED] = found
    return found


def subscriptions_changed(session: AsyncSession) -> None:
    """The transaction changed subscriptions: its later events read them again."""
    session.info.pop(_LISTENED, None)


async def emit(session: AsyncSession, event_type: str, data: dict[str, Any]) -> None:
    """Record the event for its subscribers; nothing at all when nobody listens to it."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"undocumented webhook event {event_type!r}")
    if event_type not in await listened_types(session):
        return
    outbox.add(
        session,
        EVENT_TOPIC,
        {
            "event_id": str(uuid.uuid4()),
            "type": event_type,
            "timestamp": utcnow().isoformat(),
            "data": data,
        },
    )


async def stock_moved(
    session: AsyncSession,
    item_id: str,
    before: Mapping[str, int],
    after: Mapping[str, int],
    low_threshold: int | None,
) -> None:
    """The item's available units per variant went from `before` to `after`: sold out when
    its last unit went, back in stock when its first came back, and `stock.low` for each
    variant that fell to `low_threshold` or below (None: not checked by this caller)."""
    was, now = sum(max(0, n) for n in before.values()), sum(max(0, n) for n in after.values())
    if was > 0 >= now:
        await emit(session, "item.sold_out", {"item_id": item_id})
    elif was <= 0 < now:
        await emit(session, "item.back_in_stock", {"item_id": item_id, "available": now})
    if low_threshold is None:
        return
    for variant_id, units in sorted(after.items()):
        if 0 < units <= low_threshold < before.get(variant_id, 0):
            data = {"item_id": item_id, "variant_id": variant_id, "available": units}
            await emit(session, "stock.low", {**data, "threshold": low_threshold})
