from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from garderobe import __version__
from garderobe.api.deps import StoresDep
from garderobe.observability.health import readiness

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", summary="The process is up, and which version it runs")
async def live() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get(
    "/ready",
    summary="This replica can serve",
    description="503 only when this replica cannot serve its core traffic: PostgreSQL does not "
    "answer, or its schema is behind the code's migrations (both asked now). MongoDB, Redis, "
    "S3 and SMTP outages leave most of the shop working (see the docs' failure table): their "
    "states come from the background store probe and are listed, the status is then "
    "`degraded` and the answer 200.",
    responses={503: {"description": "PostgreSQL is unreachable or its schema is behind"}},
)
async def ready(request: Request, stores: StoresDep) -> JSONResponse:
    state = request.app.state
    can_serve, checks = await readiness(stores, state.store_monitor, state.schema)
    healthy = all(value == "ok" for value in checks.values())
    status = "ok" if healthy else "degraded" if can_serve else "unavailable"
    return JSONResponse({"status": status, "checks": checks}, status_code=200 if can_serve else 503)
