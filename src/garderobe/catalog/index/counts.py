"""Upkeep of `facet_counts` (the per-category counts that `index.writer` appends +1/-1
rows to): folding the appended changes, and counting every item again."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from garderobe.catalog.index.tokens import PRICE_BOUNDARIES, PRICE_TOKEN, TOKEN_SEPARATOR

# One statement (one snapshot): a change committed meanwhile is either folded or left as is.
_COMPACT = text("""
WITH gone AS (DELETE FROM facet_counts RETURNING category_path, token, n)
INSERT INTO facet_counts (category_path, token, n)
SELECT category_path, token, sum(n) FROM gone GROUP BY category_path, token HAVING sum(n) <> 0
""")

_REBUILD = text("""
WITH gone AS (DELETE FROM facet_counts)
INSERT INTO facet_counts (category_path, token, n)
SELECT category_path, token, count(*) FROM (
    SELECT s.category_path, unnest(s.facet_values || ARRAY(
        SELECT DISTINCT :price || (CAST(:bounds AS int[]))[
            width_bucket(split_part(o, '|', 3)::int, CAST(:bounds AS int[]))]
        FROM unnest(f.offers) AS o
    )) AS token
    FROM item_search AS s JOIN item_facets AS f USING (item_id) WHERE s.status = 'active'
) AS tokens
WHERE NOT starts_with(token, 'status=')
GROUP BY category_path, token
""")


async def compact(session: AsyncSession) -> None:
    """Fold the appended changes into one row per (category path, token)."""
    await session.execute(_COMPACT)


async def rebuild(session: AsyncSession) -> None:
    """Count every active item again from item_search (after a reindex or an upgrade)."""
    await session.execute(
        _REBUILD, {"price": PRICE_TOKEN + TOKEN_SEPARATOR, "bounds": PRICE_BOUNDARIES}
    )
