"""Commerce's worker side: outbox handlers and the unpaid-order expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from garderobe.catalog import service as catalog
from garderobe.commerce import lifecycle
from garderobe.infra.stores import Stores
from garderobe.uow import unit_of_work


async def mark_sold(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler: the sold-out items leave the catalog listing and the search index."""
    async with unit_of_work(ctx["stores"]) as session:
        await catalog.mark_items_sold(payload["item_ids"], session=session)


async def relist(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
    """Outbox handler: items whose stock came back are listed and searchable again."""
    async with unit_of_work(ctx["stores"]) as session:
        await catalog.mark_items_available(payload["item_ids"], session=session)


async def cancel_unpaid_orders(ctx: dict[str, Any]) -> int:
    """arq cron: cancel orders unpaid for longer than UNPAID_ORDER_TTL_MINUTES."""
    stores: Stores = ctx["stores"]
    ttl = timedelta(minutes=stores.settings.unpaid_order_ttl_minutes)
    async with unit_of_work(stores) as session:
        return await lifecycle.cancel_expired(session, ttl)
