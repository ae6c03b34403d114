"""`GET /metrics` in the Prometheus text format, optionally behind a bearer token, and the
gauges read at scrape time: outbox backlog and queue depth (two cheap reads).

Store health is not probed here: the background store probe (observability.health) keeps
those gauges, so a scrape never opens an SMTP session or waits on a store that is down.
"""

from __future__ import annotations

import hmac
import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from garderobe.api.deps import SettingsDep, StoresDep
from garderobe.errors import Unauthorized
from garderobe.infra.stores import Stores
from garderobe.observability.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, QUEUE_DEPTH
from garderobe.outbox import service as outbox

router = APIRouter()
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


def _authorized(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # Constant-time: the token is the only thing between the internet and the metrics.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


# Not in the OpenAPI document: it is for Prometheus, not for the API's clients.
@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, settings: SettingsDep, stores: StoresDep) -> Response:
    if settings.metrics_token is not None and not _authorized(
        request, settings.metrics_token.get_secret_value()
    ):
        raise Unauthorized("/metrics needs the bearer token set in METRICS_TOKEN.")
    await refresh_backlog_gauges(stores)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
