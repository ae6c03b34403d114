"""Gauges read from the stores at scrape time: store health, outbox backlog, queue depth.

Measured when Prometheus asks rather than on a timer, so an idle service costs nothing and
every sample is as fresh as the scrape.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from garderobe.infra.stores import Stores, store_probes
from garderobe.observability.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_AGE,
    QUEUE_DEPTH,
    STORE_CHECK_SECONDS,
    STORE_UP,
)
from garderobe.outbox import service as outbox

log = logging.getLogger(__name__)


async def _timed(name: str, probe: Callable[[], Awaitable[Any]], timeout: float) -> None:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(probe(), timeout)
        up = 1
    except Exception:
        up = 0
    STORE_UP.labels(name).set(up)
    STORE_CHECK_SECONDS.labels(name).set(time.perf_counter() - started)


async def refresh_store_gauges(stores: Stores) -> None:
    timeout = stores.settings.store_check_timeout_seconds
    probes = store_probes(stores)
    await asyncio.gather(*(_timed(name, probe, timeout) for name, probe in probes.items()))


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
    await asyncio.gather(refresh_store_gauges(stores), refresh_backlog_gauges(stores))
