"""Gauges read at scrape time: outbox backlog and queue depth (two cheap reads).

Store health is not probed here: the background store probe (observability.health) keeps
those gauges, so a scrape never opens an SMTP session or waits on a store that is down.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from garderobe.infra.stores import Stores
from garderobe.observability.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, QUEUE_DEPTH
from garderobe.outbox import service as outbox

log = logging.getLogger(__name__)


async def refresh_backlog_gauges(stores: Stores) -> None:
    """Outbox backlog and queue depth; left at their last value when the store is down (the
    store gauges say so)."""
    try:
        async with stores.sessionmaker() as session:
            count, oldest = await outbox.backlog(session)
        OUTBOX_BACKLOG.set(count)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        OUTBOX_OLDEST_AGE.set(max(age, 0.0))
    except Exception:
        log.warning("could not read the outbox backlog for metrics", exc_info=True)
    try:
        QUEUE_DEPTH.set(await stores.queue.zcard(stores.settings.arq_queue_name))
    except Exception:
        log.warning("could not read the queue depth for metrics", exc_info=True)


async def refresh(stores: Stores) -> None:
    await refresh_backlog_gauges(stores)
