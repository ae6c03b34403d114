"""The change log of the read index: `item_facet_changes`, appended by triggers on
`item_facets` (migration 0012), never by code.

Each row names an item whose `item_facets` row a transaction inserted, updated or deleted,
with the transaction's id; `TRUNCATED` stands for every row (the table was truncated).
In-process indexes (`memory.index`) read the changes of the transactions they have not
seen. The log keeps an hour (`prune`, run by the facet counts job).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

TRUNCATED = "*"  # what the truncate trigger writes for "every row changed"


async def prune(session: AsyncSession) -> None:
    """Forget index row changes older than an hour (a process whose last sync is older than
    `memory.index.MAX_SYNC_GAP` loads everything again instead)."""
    await session.execute(
        text("DELETE FROM item_facet_changes WHERE changed_at < now() - interval '1 hour'")
    )
