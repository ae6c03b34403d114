"""The recommendations' worker side: the co-purchase recomputation."""

from __future__ import annotations

import logging
from typing import Any

from garderobe.infra.stores import Stores
from garderobe.recommendations import cache, co_purchases
from garderobe.uow import unit_of_work

log = logging.getLogger(__name__)


async def recompute_co_purchases(ctx: dict[str, Any]) -> int:
    """arq cron: co-purchase counts and popularity from the paid orders; the cached answers
    turn over only when a row changed."""
    stores: Stores = ctx["stores"]
    async with unit_of_work(stores) as session:
        changed = await co_purchases.recompute(session)
        if changed:
            cache.changed(session)
    if changed:
        log.info("co-purchases recomputed: %d rows changed", changed)
    return changed
