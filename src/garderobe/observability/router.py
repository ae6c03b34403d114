"""`GET /metrics` in the Prometheus text format, optionally behind a bearer token."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from garderobe.api.deps import SettingsDep, StoresDep
from garderobe.errors import Unauthorized
from garderobe.observability import scrape

router = APIRouter()


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
    await scrape.refresh(stores)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
