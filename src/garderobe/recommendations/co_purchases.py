"""Co-purchase counts and item popularity, recomputed from the paid orders by a cron job.

One statement rewrites both tables: the paid order lines are read once, pairs of items in
the same order are counted, rows whose count changed are updated, new ones inserted and
vanished ones (an order cancelled after payment) deleted. Rows that did not change are not
written, so a run over an unchanged history writes nothing and keeps the cache.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.commerce import purchases
from garderobe.recommendations.models import CoPurchase, ItemPopularity

_RECOMPUTE = """
WITH lines AS MATERIALIZED ({lines}),
pairs AS MATERIALIZED (
    SELECT a.item_id, b.item_id AS other_item_id, count(*)::int AS orders
    FROM lines a JOIN lines b ON a.order_id = b.order_id AND a.item_id <> b.item_id
    GROUP BY a.item_id, b.item_id
),
sales AS MATERIALIZED (
    SELECT item_id, count(*)::int AS orders FROM lines GROUP BY item_id
),
pairs_written AS (
    INSERT INTO co_purchases (item_id, other_item_id, orders)
    SELECT item_id, other_item_id, orders FROM pairs
    ON CONFLICT (item_id, other_item_id) DO UPDATE SET orders = EXCLUDED.orders
    WHERE co_purchases.orders <> EXCLUDED.orders
    RETURNING 1
),
pairs_gone AS (
    DELETE FROM co_purchases c WHERE NOT EXISTS (
        SELECT 1 FROM pairs p WHERE p.item_id = c.item_id AND p.other_item_id = c.other_item_id
    )
    RETURNING 1
),
sales_written AS (
    INSERT INTO item_popularity (item_id, orders)
    SELECT item_id, orders FROM sales
    ON CONFLICT (item_id) DO UPDATE SET orders = EXCLUDED.orders
    WHERE item_popularity.orders <> EXCLUDED.orders
    RETURNING 1
),
sales_gone AS (
    DELETE FROM item_popularity s
    WHERE NOT EXISTS (SELECT 1 FROM sales n WHERE n.item_id = s.item_id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM pairs_written) + (SELECT count(*) FROM pairs_gone)
     + (SELECT count(*) FROM sales_written) + (SELECT count(*) FROM sales_gone)
"""


def _statement() -> str:
    lines = purchases.paid_order_lines().compile(
        dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
        compile_kwargs={"literal_binds": True},
    )
    return _RECOMPUTE.format(lines=lines)


async def recompute(session: AsyncSession) -> int:
    """Bring both tables in line with the paid orders; returns how many rows changed."""
    # One run at a time: two concurrent runs would insert the same new pairs.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('co_purchases'))"))
    changed = await session.scalar(text(_statement()))
    return int(changed or 0)


async def partners(session: AsyncSession, item_id: str, limit: int) -> list[str]:
    """The items most often bought with `item_id`, most orders first."""
    query = (
        select(CoPurchase.other_item_id)
        .where(CoPurchase.item_id == item_id)
        .order_by(CoPurchase.orders.desc(), CoPurchase.other_item_id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def partners_of_many(session: AsyncSession, item_ids: Sequence[str], limit: int) -> list[str]:
    """The items most often bought with any of `item_ids` (orders summed), without them."""
    if not item_ids:
        return []
    query = (
        select(CoPurchase.other_item_id)
        .where(CoPurchase.item_id.in_(item_ids), CoPurchase.other_item_id.not_in(item_ids))
        .group_by(CoPurchase.other_item_id)
        .order_by(text("sum(co_purchases.orders) DESC"), CoPurchase.other_item_id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def popular(session: AsyncSession, limit: int) -> list[str]:
    """The items in the most paid orders (sold or not: callers keep the active ones)."""
    query = (
        select(ItemPopularity.item_id)
        .order_by(ItemPopularity.orders.desc(), ItemPopularity.item_id)
        .limit(limit)
    )
    return list(await session.scalars(query))
