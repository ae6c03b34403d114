"""Order listings: keyset pages for the API and a streamed export for admins.

The export reads through a server-side cursor in its own session and yields rows as they
come, so memory stays flat whether there are a hundred orders or a hundred thousand.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from garderobe.commerce.models import Order, OrderStatus
from garderobe.commerce.schemas import OrderPage, OrderSummary
from garderobe.pagination import decode_newest_first, encode_newest_first

EXPORT_COLUMNS = [
    "number",
    "id",
    "user_id",
    "status",
    "currency",
    "subtotal",
    "shipping",
    "total",
    "created_at",
]


@dataclass(frozen=True)
class Filters:
    status: OrderStatus | None = None
    user_id: uuid.UUID | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None

    def apply(self, query: Select[Order]) -> Select[Order]:
        if self.status is not None:
            query = query.where(Order.status == self.status)
        if self.user_id is not None:
            query = query.where(Order.user_id == self.user_id)
        if self.placed_from is not None:
            query = query.where(Order.created_at >= self.placed_from)
        if self.placed_to is not None:
            query = query.where(Order.created_at < self.placed_to)
        return query


async def page(
    session: AsyncSession, filters: Filters, cursor: str | None, limit: int
) -> OrderPage:
    """Newest first, keyset on (created_at, id); `cursor` is the previous page's next_cursor."""
    query = filters.apply(select(Order)).order_by(Order.created_at.desc(), Order.id.desc())
    if cursor is not None:
        after = decode_newest_first(cursor)
        query = query.where(tuple_(Order.created_at, Order.id) < tuple_(*after))
    found = list(await session.scalars(query.limit(limit + 1)))
    last = found[limit - 1] if len(found) > limit else None
    next_cursor = encode_newest_first(last.created_at, last.id) if last else None
    return OrderPage(
        items=[OrderSummary.model_validate(o) for o in found[:limit]], next_cursor=next_cursor
    )


def _row(order: Order) -> dict[str, Any]:
    return {
        c: (
            v.isoformat()
            if isinstance(v := getattr(order, c), datetime)
            else str(v)
            if isinstance(v, uuid.UUID | OrderStatus)
            else v
        )
        for c in EXPORT_COLUMNS
    }


async def stream(
    sessionmaker: async_sessionmaker[AsyncSession], filters: Filters, fmt: str
) -> AsyncIterator[str]:
    """The export, one line at a time, from a server-side cursor."""
    async with sessionmaker() as session:
        query = filters.apply(select(Order)).order_by(Order.created_at, Order.id)
        result = await session.stream_scalars(query.execution_options(yield_per=1000))
        if fmt == "csv":
            yield ",".join(EXPORT_COLUMNS) + "\r\n"
        async for order in result:
            row = _row(order)
            if fmt == "ndjson":
                yield json.dumps(row) + "\n"
            else:
                out = io.StringIO()
                csv.DictWriter(out, EXPORT_COLUMNS).writerow(row)
                yield out.getvalue()
            session.expunge(order)  # keep the identity map from growing with the export
